"""The plan in the JSON API: its paragraphs and the bodies it names."""

from flask_babel import gettext as _
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.api import N_, OPTIONAL_BEARER, ApiError, Page, PageQuery, Texts, blueprint, paginate, respond, respond_page
from core.urls import public_url
from plan import services
from plan.models import Actor, Document, Paragraph, Section

api = blueprint("api_plan", __name__, N_("Plan"), N_("The paragraphs of the plan of action and the bodies it names."))


class ActorOut(BaseModel):
    code: str
    kind: str
    abbreviation: Texts
    name: Texts


class ParagraphOut(BaseModel):
    reference: str = Field(description="`document:number`, as used in every filter, e.g. `bucharest-2001:20`.")
    document: str
    number: str
    section: str
    section_title: Texts
    heading: Texts
    text: Texts = Field(description="The paragraph in the languages it exists in; French is the original.")
    actors: list[str] = Field(description="Codes of the bodies the paragraph tasks or names.")
    url: str


class ParagraphsQuery(PageQuery):
    document: str | None = Field(None, max_length=40, description="A document's code, e.g. `bucharest-2001`.")
    section: str | None = Field(None, max_length=20, description="A section's number, e.g. `III`.")
    actor: str | None = Field(None, max_length=60, description="Paragraphs naming this body (its code).")


class ParagraphPath(BaseModel):
    reference: str = Field(max_length=60, description="`document:number`, e.g. `bucharest-2001:20`.")


class ActorsQuery(PageQuery):
    kind: str | None = Field(None, max_length=20)


def paragraph_out(paragraph: Paragraph) -> ParagraphOut:
    return ParagraphOut(
        reference=paragraph.reference,
        document=paragraph.document.code,
        number=paragraph.number,
        section=paragraph.section.number,
        section_title=paragraph.section.title,
        heading=paragraph.heading or {},
        text=paragraph.text,
        actors=[actor.code for actor in paragraph.actors],
        url=public_url("plan.paragraph", document=paragraph.document.code, number=paragraph.number),
    )


def actor_out(actor: Actor) -> ActorOut:
    return ActorOut(code=actor.code, kind=actor.kind, abbreviation=actor.abbreviation or {}, name=actor.name)


def _paragraphs():
    return select(Paragraph).options(
        selectinload(Paragraph.document), selectinload(Paragraph.section), selectinload(Paragraph.actors)
    )


@api.get(
    "/paragraphs", summary=N_("Paragraphs of the plan"), security=OPTIONAL_BEARER, responses={200: Page[ParagraphOut]}
)
def list_paragraphs(query: ParagraphsQuery):
    statement = _paragraphs().join(Paragraph.document).order_by(Document.position, Paragraph.position)
    if query.document:
        statement = statement.where(Document.code == query.document)
    if query.section:
        statement = statement.where(Paragraph.section.has(Section.number == query.section))
    if query.actor:
        statement = statement.where(Paragraph.actors.any(Actor.code == query.actor))
    rows, total = paginate(statement, query)
    page = Page[ParagraphOut](
        items=[paragraph_out(p) for p in rows], page=query.page, per_page=query.per_page, total=total
    )
    return respond_page(page, query)


@api.get(
    "/paragraphs/<reference>",
    summary=N_("One paragraph of the plan"),
    security=OPTIONAL_BEARER,
    responses={200: ParagraphOut},
)
def get_paragraph(path: ParagraphPath):
    document, _colon, number = path.reference.partition(":")
    paragraph = services.find_paragraph(document, number)
    if paragraph is None:
        raise ApiError(404, _("There is no such paragraph in the plan."))
    return respond(paragraph_out(paragraph))


@api.get("/actors", summary=N_("Bodies the plan names"), security=OPTIONAL_BEARER, responses={200: Page[ActorOut]})
def list_actors(query: ActorsQuery):
    statement = select(Actor).order_by(Actor.position, Actor.code)
    if query.kind:
        statement = statement.where(Actor.kind == query.kind)
    rows, total = paginate(statement, query)
    page = Page[ActorOut](items=[actor_out(a) for a in rows], page=query.page, per_page=query.per_page, total=total)
    return respond_page(page, query)
