"""Meetings in the JSON API: read by anyone once published; created and changed with an organiser's token."""

from datetime import UTC, date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select

from core.api import (
    BEARER,
    N_,
    OPTIONAL_BEARER,
    ApiError,
    Language,
    LongText,
    Page,
    PageQuery,
    Patch,
    RowId,
    ShortText,
    Strict,
    Texts,
    blueprint,
    check_if_match,
    in_range,
    paginate,
    refused,
    respond,
    respond_page,
    roles_required,
    wall_clock,
)
from core.roles import ORGANISER
from core.urls import public_url
from events import services, team
from events.access import load_for_api
from events.models import KINDS, MEETING_RIGHTS, STATUSES, VISIBILITIES, Event, EventBody, MeetingRight, Series
from events.rules import visible_meetings
from plan.models import Actor, Document, Paragraph

api = blueprint(
    "api_events", __name__, N_("Meetings"), N_("Conferences, workshops and meetings that follow up the plan.")
)

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class MeetingOut(BaseModel):
    slug: str
    kind: str
    status: str
    title: Texts
    description: Texts
    starts_at: datetime = Field(description="In the meeting's own time zone, with its offset on that date.")
    ends_at: datetime
    timezone: str = Field(description="A tz database name, e.g. `Asia/Bishkek`.")
    venue: str
    city: str
    working_languages: list[str]
    visibility: str
    requires_approval: bool
    capacity: int | None
    registration_deadline: datetime | None
    organisers: list[str] = Field(description="Codes of the organising bodies.")
    partners: list[str]
    paragraphs: list[str] = Field(description="References of the plan's paragraphs the meeting follows up.")
    series: str | None
    url: str


class MeetingsQuery(PageQuery):
    status: Literal[STATUSES] | None = None
    kind: Literal[KINDS] | None = None
    paragraph: str | None = Field(None, max_length=60, description="Meetings following up this paragraph.")
    series: str | None = Field(None, max_length=80)
    actor: str | None = Field(None, max_length=60, description="Meetings this body organises or partners in.")
    from_date: date | None = Field(None, description="Meetings ending on or after this day (UTC).")
    to_date: date | None = Field(None, description="Meetings starting on or before this day (UTC).")

    _dates = field_validator("from_date", "to_date")(in_range)


class MeetingPath(BaseModel):
    slug: str = Field(max_length=80)


class MeetingBody(Strict):
    slug: str = Field(max_length=80, pattern=SLUG, description="The meeting's address: /events/<slug>/.")
    kind: Literal[KINDS]
    title: dict[Language, ShortText] = Field(min_length=1)
    description: dict[Language, LongText] = Field(default_factory=dict)
    starts_at: datetime = Field(
        description="With an offset, that instant; without one, wall-clock time in the meeting's time zone."
    )
    ends_at: datetime
    timezone: str = Field(max_length=64)
    venue: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    working_languages: list[Language] = Field(default_factory=list)
    capacity: int | None = Field(None, ge=1, le=100_000)
    registration_deadline: datetime | None = None
    visibility: Literal[VISIBILITIES] = "public"
    requires_approval: bool = False
    organisers: list[str] = Field(default_factory=list, max_length=50)
    partners: list[str] = Field(default_factory=list, max_length=50)
    paragraphs: list[str] = Field(default_factory=list, max_length=100)
    series: str | None = Field(None, max_length=80)

    _dates = field_validator("starts_at", "ends_at", "registration_deadline")(in_range)


class MeetingPatchBody(Patch):
    """Only the fields sent change; `status` moves the meeting along its life (draft → open → closed → held)."""

    slug: str = Field(None, max_length=80, pattern=SLUG)
    kind: Literal[KINDS] = None
    title: dict[Language, ShortText] = None
    description: dict[Language, LongText] = None
    starts_at: datetime = None
    ends_at: datetime = None
    timezone: str = Field(None, max_length=64)
    venue: str = Field(None, max_length=200)
    city: str = Field(None, max_length=100)
    working_languages: list[Language] = None
    capacity: int | None = Field(None, ge=1, le=100_000)
    registration_deadline: datetime | None = None
    visibility: Literal[VISIBILITIES] = None
    requires_approval: bool = None
    organisers: list[str] = Field(None, max_length=50)
    partners: list[str] = Field(None, max_length=50)
    paragraphs: list[str] = Field(None, max_length=100)
    series: str | None = Field(None, max_length=80)
    status: Literal[STATUSES] = None
    status_note: str = Field(None, max_length=500)

    _dates = field_validator("starts_at", "ends_at", "registration_deadline")(in_range)


def _in_zone(instant: datetime | None, zone_name: str) -> datetime | None:
    return instant.astimezone(ZoneInfo(zone_name)) if instant else None


def meeting_out(event: Event) -> MeetingOut:
    return MeetingOut(
        slug=event.slug,
        kind=event.kind,
        status=event.status,
        title=event.title,
        description=event.description or {},
        starts_at=_in_zone(event.starts_at, event.timezone),
        ends_at=_in_zone(event.ends_at, event.timezone),
        timezone=event.timezone,
        venue=event.venue,
        city=event.city,
        working_languages=list(event.working_languages or []),
        visibility=event.visibility,
        requires_approval=event.requires_approval,
        capacity=event.capacity,
        registration_deadline=_in_zone(event.registration_deadline, event.timezone),
        organisers=[actor.code for actor in event.organisers],
        partners=[actor.code for actor in event.partners],
        paragraphs=[paragraph.reference for paragraph in event.paragraphs],
        series=event.series.slug if event.series else None,
        url=public_url("events.show", slug=event.slug),
    )


@api.get("/meetings", summary=N_("Meetings"), security=OPTIONAL_BEARER, responses={200: Page[MeetingOut]})
def list_meetings(query: MeetingsQuery):
    statement = (
        select(Event)
        .options(*services.eager_options())
        .where(visible_meetings(current_user))
        .order_by(Event.starts_at, Event.id)
    )
    if query.status:
        statement = statement.where(Event.status == query.status)
    if query.kind:
        statement = statement.where(Event.kind == query.kind)
    if query.series:
        statement = statement.where(Event.series.has(Series.slug == query.series))
    if query.actor:
        statement = statement.where(Event.bodies.any(EventBody.actor.has(Actor.code == query.actor)))
    if query.paragraph:
        document, _colon, number = query.paragraph.partition(":")
        statement = statement.where(
            Event.paragraphs.any((Paragraph.number == number) & Paragraph.document.has(Document.code == document))
        )
    if query.from_date:
        statement = statement.where(Event.ends_at >= datetime.combine(query.from_date, time.min, UTC))
    if query.to_date:
        statement = statement.where(Event.starts_at <= datetime.combine(query.to_date, time.max, UTC))
    rows, total = paginate(statement, query)
    page = Page[MeetingOut](items=[meeting_out(e) for e in rows], page=query.page, per_page=query.per_page, total=total)
    return respond_page(page, query)


@api.get("/meetings/<slug>", summary=N_("One meeting"), security=OPTIONAL_BEARER, responses={200: MeetingOut})
def get_meeting(path: MeetingPath):
    return respond(meeting_out(load_for_api(path.slug)))


def _event_data(body: MeetingBody) -> services.EventData:
    zone = body.timezone
    return services.EventData(
        slug=body.slug,
        kind=body.kind,
        title=dict(body.title),
        description=dict(body.description),
        starts_local=wall_clock(body.starts_at, zone),
        ends_local=wall_clock(body.ends_at, zone),
        timezone=zone,
        venue=body.venue,
        city=body.city,
        working_languages=list(body.working_languages),
        capacity=body.capacity,
        registration_deadline_local=wall_clock(body.registration_deadline, zone)
        if body.registration_deadline
        else None,
        visibility=body.visibility,
        requires_approval=body.requires_approval,
        organisers=list(body.organisers),
        partners=list(body.partners),
        paragraphs=list(body.paragraphs),
        series_slug=body.series or "",
    )


# The service takes wall-clock times in the meeting's zone.
_LOCAL_TIMES = {
    "starts_at": "starts_local",
    "ends_at": "ends_local",
    "registration_deadline": "registration_deadline_local",
}


@api.post("/meetings", summary=N_("Create a meeting (as a draft)"), security=BEARER, responses={201: MeetingOut})
@roles_required(ORGANISER)
def create_meeting(body: MeetingBody):
    try:
        event = services.create_event(_event_data(body), creator=current_user)
    except services.EventError as refusal:
        raise refused(refusal.errors) from refusal
    return respond(meeting_out(event), 201, {"Location": url_for("api_events.get_meeting", slug=event.slug)})


@api.patch("/meetings/<slug>", summary=N_("Change a meeting"), security=BEARER, responses={200: MeetingOut})
@roles_required(ORGANISER)
def update_meeting(path: MeetingPath, body: MeetingPatchBody):
    event = load_for_api(path.slug, MeetingRight.MANAGE)
    check_if_match(meeting_out(event))
    changes = body.model_dump(exclude_unset=True)
    status, note = changes.pop("status", None), changes.pop("status_note", "")
    data = services.event_data(event)
    zone = changes.get("timezone", data.timezone)
    for name, value in changes.items():
        if name in _LOCAL_TIMES:
            setattr(data, _LOCAL_TIMES[name], wall_clock(value, zone) if value else None)
        elif name == "series":
            data.series_slug = value or ""
        else:
            setattr(data, name, value)
    moving = status is not None and status != event.status
    try:
        # Checked first, so that a refused status leaves the other changes unsaved too.
        if moving:
            services.check_transition(event, status)
        if changes:
            services.update_event(event, data, event.version, editor=current_user)
        if moving:
            services.change_status(event, status, note or "")
    except services.EventError as refusal:
        raise refused(refusal.errors) from refusal
    return respond(meeting_out(services.find_event(event.slug)))


# The team -------------------------------------------------------------------------------------------------------


class GrantOut(BaseModel):
    id: int
    right: Literal[MEETING_RIGHTS]
    user: str | None = Field(description="The e-mail address of the organiser who holds the right.")
    body: str | None = Field(description="The code of the body whose staff hold the right.")


class TeamOut(BaseModel):
    items: list[GrantOut]


class GrantBody(Strict):
    right: Literal[MEETING_RIGHTS]
    user: str | None = Field(None, max_length=254, description="An organiser's e-mail address; or give `body`.")
    body: str | None = Field(None, max_length=60, description="The code of an organising body, for its staff.")


class GrantPath(MeetingPath):
    grant_id: RowId


def _grant_out(grant) -> GrantOut:
    return GrantOut(
        id=grant.id,
        right=grant.right,
        user=grant.user.email if grant.user else None,
        body=grant.actor.code if grant.actor else None,
    )


def _team_out(event: Event) -> TeamOut:
    return TeamOut(items=[_grant_out(grant) for grant in team.grants(event)])


@api.get("/meetings/<slug>/team", summary=N_("A meeting's team"), security=BEARER, responses={200: TeamOut})
@roles_required(ORGANISER)
def get_team(path: MeetingPath):
    return respond(_team_out(load_for_api(path.slug, MeetingRight.MANAGE)))


@api.post("/meetings/<slug>/team", summary=N_("Give a right on a meeting"), security=BEARER, responses={201: GrantOut})
@roles_required(ORGANISER)
def give_right(path: MeetingPath, body: GrantBody):
    event = load_for_api(path.slug, MeetingRight.MANAGE)
    try:
        grant = team.give(event, team.GrantData(right=body.right, email=body.user or "", body=body.body or ""))
    except team.TeamError as refusal:
        errors = {"user" if name == "email" else name: message for name, message in refusal.errors.items()}
        raise refused(errors) from refusal
    return respond(_grant_out(grant), 201)


@api.delete(
    "/meetings/<slug>/team/<int:grant_id>", summary=N_("Take back a right"), security=BEARER, responses={200: TeamOut}
)
@roles_required(ORGANISER)
def take_back_right(path: GrantPath):
    event = load_for_api(path.slug, MeetingRight.MANAGE)
    try:
        team.take_back(event, path.grant_id)
    except LookupError:
        raise ApiError(404, _("There is no such right on this meeting.")) from None
    return respond(_team_out(event))
