"""The programme in the JSON API: the published sessions for everyone, the draft for organisers, who edit it."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select

from agenda import services
from agenda.models import SESSION_KINDS, Session
from core.api import (
    BEARER,
    N_,
    OPTIONAL_BEARER,
    ApiError,
    FieldProblem,
    Language,
    LongText,
    Page,
    PageQuery,
    Patch,
    ShortText,
    Strict,
    Texts,
    blueprint,
    check_if_match,
    in_range,
    refused,
    respond,
    respond_page,
    roles_required,
    wall_clock,
)
from core.db import db
from core.roles import ORGANISER
from core.rules import can
from events.access import load_for_api
from events.models import Event, MeetingRight

api = blueprint(
    "api_agenda", __name__, N_("Programme"), N_("The sessions of each meeting, as published, and their draft.")
)


class PersonOut(BaseModel):
    name: str
    affiliation: str


class SessionOut(BaseModel):
    uid: str = Field(description="Stable across edits and publications; calendars know the session by it.")
    meeting: str
    kind: str
    title: Texts
    description: Texts
    starts_at: datetime = Field(description="In the meeting's time zone, with its offset.")
    ends_at: datetime
    room: str
    chair: PersonOut | None
    speakers: list[PersonOut]
    interpretation_languages: list[str]
    paragraphs: list[str]
    cancelled: bool


class SessionsQuery(PageQuery):
    draft: bool = Field(False, description="The draft programme instead of the published one (organisers only).")
    on: date | None = Field(None, description="Sessions on this day, in the meeting's time zone.")
    kind: Literal[SESSION_KINDS] | None = None
    paragraph: str | None = Field(None, max_length=60)

    _dates = field_validator("on")(in_range)


class DraftQuery(BaseModel):
    draft: bool = Field(False, description="The draft session instead of the published one (organisers only).")


class SessionsPath(BaseModel):
    slug: str = Field(max_length=80)


class SessionPath(BaseModel):
    slug: str = Field(max_length=80)
    uid: str = Field(max_length=64)


class PersonIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    affiliation: str = Field("", max_length=200)


class SessionBody(Strict):
    kind: Literal[SESSION_KINDS]
    title: dict[Language, ShortText] = Field(min_length=1)
    description: dict[Language, LongText] = Field(default_factory=dict)
    starts_at: datetime = Field(description="With an offset, that instant; without one, the meeting's wall-clock time.")
    ends_at: datetime
    room: str = Field("", max_length=120)
    chair: PersonIn | None = None
    speakers: list[PersonIn] = Field(default_factory=list, max_length=50)
    interpretation_languages: list[Language] = Field(default_factory=list)
    paragraphs: list[str] = Field(default_factory=list, max_length=100)
    confirm: bool = Field(False, description="Save even if the session clashes with others (otherwise 409).")

    _dates = field_validator("starts_at", "ends_at")(in_range)


class SessionPatchBody(Patch):
    """Only the fields sent change. `cancelled` keeps the session in calendars, marked as cancelled."""

    kind: Literal[SESSION_KINDS] = None
    title: dict[Language, ShortText] = None
    description: dict[Language, LongText] = None
    starts_at: datetime = None
    ends_at: datetime = None
    room: str = Field(None, max_length=120)
    chair: PersonIn | None = None
    speakers: list[PersonIn] = Field(None, max_length=50)
    interpretation_languages: list[Language] = None
    paragraphs: list[str] = Field(None, max_length=100)
    cancelled: bool = None
    confirm: bool = False

    _dates = field_validator("starts_at", "ends_at")(in_range)


class PublicationOut(BaseModel):
    meeting: str
    version: int
    published_at: datetime
    changes: dict[str, list[str]] = Field(description="Session uids by change: added, moved, cancelled, removed…")


def session_out(event: Event, item: dict) -> SessionOut:
    """A session as the published snapshot (or agenda.services.snapshot for the draft) holds it."""
    zone = ZoneInfo(event.timezone)
    person = item["chair"]
    return SessionOut(
        uid=item["uid"],
        meeting=event.slug,
        kind=item["kind"],
        title=item["title"],
        description=item["description"],
        starts_at=datetime.fromisoformat(item["starts_at"]).astimezone(zone),
        ends_at=datetime.fromisoformat(item["ends_at"]).astimezone(zone),
        room=item["room"],
        chair=PersonOut(**person) if person else None,
        speakers=[PersonOut(**speaker) for speaker in item["speakers"]],
        interpretation_languages=item["interpretation_languages"],
        paragraphs=item["paragraphs"],
        cancelled=item["cancelled"],
    )


def _items(event: Event, draft: bool) -> list[dict]:
    if draft:
        if not can(current_user, MeetingRight.PROGRAMME, event):
            raise ApiError(403, _("Only the meeting's programme team sees the draft programme."))
        return [services.snapshot(session) for session in services.draft_sessions(event)]
    version = services.latest_version(event)
    return [item for item in (version.sessions if version else []) if not item.get("removed")]


@api.get(
    "/meetings/<slug>/sessions",
    summary=N_("The programme of a meeting"),
    security=OPTIONAL_BEARER,
    responses={200: Page[SessionOut]},
)
def list_sessions(path: SessionsPath, query: SessionsQuery):
    event = load_for_api(path.slug)
    sessions = [session_out(event, item) for item in _items(event, query.draft)]
    if query.on:
        sessions = [s for s in sessions if s.starts_at.date() == query.on]
    if query.kind:
        sessions = [s for s in sessions if s.kind == query.kind]
    if query.paragraph:
        sessions = [s for s in sessions if query.paragraph in s.paragraphs]
    start = (query.page - 1) * query.per_page
    page = Page[SessionOut](
        items=sessions[start : start + query.per_page], page=query.page, per_page=query.per_page, total=len(sessions)
    )
    return respond_page(page, query)


def _find(event: Event, uid: str, draft: bool) -> SessionOut:
    found = next((item for item in _items(event, draft) if item["uid"] == uid), None)
    if found is None:
        raise ApiError(404, _("There is no such session in this programme."))
    return session_out(event, found)


@api.get(
    "/meetings/<slug>/sessions/<uid>",
    summary=N_("One session"),
    security=OPTIONAL_BEARER,
    responses={200: SessionOut},
)
def get_session(path: SessionPath, query: DraftQuery):
    return respond(_find(load_for_api(path.slug), path.uid, query.draft))


def _person_line(person: PersonIn | None) -> str:
    if person is None:
        return ""
    return f"{person.name} ({person.affiliation})" if person.affiliation else person.name


def _save(save: Callable[[], Session]) -> Session:
    try:
        return save()
    except services.NeedsConfirmation as clash:
        db.session.rollback()
        raise ApiError(
            409,
            _("The session clashes with others: send it again with confirm set to true to keep it."),
            [FieldProblem(field="body.confirm", message=str(warning)) for warning in clash.warnings],
        ) from clash
    except services.AgendaError as refusal:
        db.session.rollback()
        raise refused(refusal.errors) from refusal


@api.post(
    "/meetings/<slug>/sessions",
    summary=N_("Add a session to the draft programme"),
    security=BEARER,
    responses={201: SessionOut},
)
@roles_required(ORGANISER)
def create_session(path: SessionsPath, body: SessionBody):
    event = load_for_api(path.slug, MeetingRight.PROGRAMME)
    data = services.SessionData(
        kind=body.kind,
        title=dict(body.title),
        description=dict(body.description),
        starts_local=wall_clock(body.starts_at, event.timezone),
        ends_local=wall_clock(body.ends_at, event.timezone),
        room=body.room,
        chair=_person_line(body.chair),
        speakers=[_person_line(person) for person in body.speakers],
        interpretation_languages=list(body.interpretation_languages),
        paragraphs=list(body.paragraphs),
    )
    session = _save(lambda: services.create_session(event, data, confirmed=body.confirm))
    location = url_for("api_agenda.get_session", slug=event.slug, uid=session.uid, draft="true")
    return respond(session_out(event, services.snapshot(session)), 201, {"Location": location})


def _draft_session(event: Event, uid: str) -> Session:
    session = db.session.scalar(select(Session).where(Session.event_id == event.id, Session.uid == uid))
    if session is None:
        raise ApiError(404, _("There is no such session in this programme."))
    return session


@api.patch(
    "/meetings/<slug>/sessions/<uid>",
    summary=N_("Change a session of the draft programme"),
    security=BEARER,
    responses={200: SessionOut},
)
@roles_required(ORGANISER)
def update_session(path: SessionPath, body: SessionPatchBody):
    event = load_for_api(path.slug, MeetingRight.PROGRAMME)
    session = _draft_session(event, path.uid)
    check_if_match(session_out(event, services.snapshot(session)))
    changes = body.model_dump(exclude_unset=True)
    changes.pop("confirm", None)
    cancelled = changes.pop("cancelled", None)
    data = services.draft_data(session)
    for name, value in changes.items():
        if name in ("starts_at", "ends_at"):
            setattr(data, name.replace("_at", "_local"), wall_clock(getattr(body, name), event.timezone))
        elif name == "chair":
            data.chair = _person_line(body.chair)
        elif name == "speakers":
            data.speakers = [_person_line(person) for person in body.speakers]
        else:
            setattr(data, name, value)
    if changes:
        _save(lambda: services.update_session(session, data, session.version, confirmed=body.confirm))
    if cancelled is not None and cancelled != session.cancelled:
        services.set_cancelled(session, cancelled)
    return respond(session_out(event, services.snapshot(session)))


@api.post(
    "/meetings/<slug>/publications",
    summary=N_("Publish the draft programme"),
    security=BEARER,
    responses={201: PublicationOut},
)
@roles_required(ORGANISER)
def publish(path: SessionsPath):
    event = load_for_api(path.slug, MeetingRight.PROGRAMME)
    try:
        version = services.publish(event)
    except services.AgendaError as refusal:
        raise refused(refusal.errors) from refusal
    return respond(
        PublicationOut(
            meeting=event.slug,
            version=version.number,
            published_at=version.published_at.astimezone(UTC),
            changes=version.changes,
        ),
        201,
    )
