"""Public documents in the JSON API: what each is and its language versions; files download as on the site."""

from datetime import UTC, date, datetime
from typing import Literal

from flask_babel import gettext as _
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.api import (
    N_,
    OPTIONAL_BEARER,
    ApiError,
    Language,
    Page,
    PageQuery,
    RowId,
    Texts,
    blueprint,
    in_range,
    paginate,
    respond,
    respond_page,
)
from core.db import db
from core.urls import public_url
from events.models import Event
from materials.models import KINDS, PUBLIC, Material, MaterialFile

api = blueprint(
    "api_materials", __name__, N_("Documents"), N_("Public documents of the meetings, in their language versions.")
)


class FileOut(BaseModel):
    language: str
    version: int = Field(description="1 for the first upload; a replacement adds the next one.")
    filename: str
    content_type: str
    size: int = Field(description="In bytes.")
    sha256: str
    uploaded_at: datetime
    url: str


class MaterialOut(BaseModel):
    id: int
    meeting: str
    session: str | None = Field(description="The uid of the session it belongs to, if any.")
    kind: str
    title: Texts
    symbol: str
    issued_on: date
    files: list[FileOut] = Field(description="The current file of each language version.")


class MaterialsQuery(PageQuery):
    meeting: str | None = Field(None, max_length=80)
    kind: Literal[KINDS] | None = None
    language: Language | None = Field(None, description="Documents with a version in this language.")
    from_date: date | None = Field(None, description="Issued on or after this day.")
    to_date: date | None = Field(None, description="Issued on or before this day.")

    _dates = field_validator("from_date", "to_date")(in_range)


class MaterialPath(BaseModel):
    material_id: RowId


def material_out(material: Material) -> MaterialOut:
    return MaterialOut(
        id=material.id,
        meeting=material.event.slug,
        session=material.session.uid if material.session else None,
        kind=material.kind,
        title=material.title,
        symbol=material.symbol,
        issued_on=material.issued_on,
        files=[
            FileOut(
                language=file.language,
                version=file.version,
                filename=file.original_filename,
                content_type=file.content_type,
                size=file.size,
                sha256=file.content_hash,
                uploaded_at=file.uploaded_at.astimezone(UTC),
                url=public_url("materials.download", material_id=material.id, language=file.language),
            )
            for file in material.latest.values()
        ],
    )


def _public():
    """Public documents of meetings that are themselves public: what anyone may read on the site."""
    return (
        select(Material)
        .join(Material.event)
        .where(Material.distribution == PUBLIC, Event.is_public)
        .options(selectinload(Material.files), selectinload(Material.session), selectinload(Material.event))
    )


@api.get("/materials", summary=N_("Public documents"), security=OPTIONAL_BEARER, responses={200: Page[MaterialOut]})
def list_materials(query: MaterialsQuery):
    statement = _public().order_by(Event.starts_at, Material.issued_on, Material.id)
    if query.meeting:
        statement = statement.where(Event.slug == query.meeting)
    if query.kind:
        statement = statement.where(Material.kind == query.kind)
    if query.language:
        statement = statement.where(Material.files.any(MaterialFile.language == query.language))
    if query.from_date:
        statement = statement.where(Material.issued_on >= query.from_date)
    if query.to_date:
        statement = statement.where(Material.issued_on <= query.to_date)
    rows, total = paginate(statement, query)
    page = Page[MaterialOut](
        items=[material_out(m) for m in rows], page=query.page, per_page=query.per_page, total=total
    )
    return respond_page(page, query)


@api.get(
    "/materials/<int:material_id>",
    summary=N_("One public document"),
    security=OPTIONAL_BEARER,
    responses={200: MaterialOut},
)
def get_material(path: MaterialPath):
    material = db.session.scalar(_public().where(Material.id == path.material_id))
    if material is None:
        raise ApiError(404, _("There is no such public document."))
    return respond(material_out(material))
