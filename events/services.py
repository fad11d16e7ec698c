"""Creating, changing and finding events and series. Every change is validated here and written to the audit log."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from core import audit
from core.db import db, utcnow
from core.errors import Refused
from core.i18n import LANGUAGES, is_known_zone
from core.rules import can
from core.states import NotPossible
from events import signals
from events.labels import RECURRENCE_LABELS
from events.models import (
    DRAFT,
    KINDS,
    ORGANISER,
    PARTNER,
    TRANSITIONS,
    VISIBILITIES,
    Event,
    EventBody,
    EventStatus,
    MeetingRight,
    Series,
    TeamGrant,
)
from events.rules import forget_team_rights, visible_meetings
from plan.models import Actor, Paragraph
from plan.services import paragraphs_by_reference

STALE_MESSAGE = _l(
    "Someone else changed this event while you were editing it. "
    "Your changes are not saved: reload the page and make them again."
)
# Paths under /events/ that are pages of their own, not events.
RESERVED_SLUGS = {"new", "series"}


# Ten years: beyond that a meeting's records belong in an archive, not in the registrations.
MAX_RETENTION_MONTHS = 120


class EventError(Refused):
    """What this domain refuses, field by field."""


@dataclass
class EventData:
    slug: str
    kind: str
    title: dict[str, str]
    starts_local: datetime
    ends_local: datetime
    timezone: str
    description: dict[str, str] = field(default_factory=dict)
    venue: str = ""
    city: str = ""
    working_languages: list[str] = field(default_factory=list)
    capacity: int | None = None
    retention_months: int | None = None
    registration_deadline_local: datetime | None = None
    visibility: str = "public"
    requires_approval: bool = False
    organisers: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    series_slug: str = ""


def to_utc(local: datetime, zone_name: str) -> datetime | None:
    """A wall-clock time in a zone as a UTC instant; None when that time does not exist there (a DST gap)."""
    tz = ZoneInfo(zone_name)
    aware = local.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return aware.astimezone(UTC)


def to_local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)


def _slug_taken(slug: str, event_id: int | None = None, series_id: int | None = None) -> bool:
    """Events and series share the /events/<slug>/ addresses, so a slug must be free in both."""
    event_clash = select(Event.id).where(Event.slug == slug, Event.id != (event_id or 0))
    series_clash = select(Series.id).where(Series.slug == slug, Series.id != (series_id or 0))
    return db.session.scalar(event_clash) is not None or db.session.scalar(series_clash) is not None


def _check_slug(slug: str, errors: dict, event_id: int | None = None, series_id: int | None = None) -> None:
    if not slug or slug in RESERVED_SLUGS:
        errors["slug"] = _l("This address is reserved. Choose another one.")
    elif _slug_taken(slug, event_id, series_id):
        errors["slug"] = _l("Another event or series already uses this address.")


def _validate(data: EventData, event_id: int | None) -> tuple[dict, dict]:
    """Checks everything and returns (errors, resolved values)."""
    errors: dict[str, str] = {}
    resolved: dict = {}
    _check_slug(data.slug, errors, event_id=event_id)
    if data.kind not in KINDS:
        errors["kind"] = _l("Unknown kind of event.")
    if data.visibility not in VISIBILITIES:
        errors["visibility"] = _l("Unknown visibility.")
    if not any(text.strip() for text in data.title.values()):
        errors["title"] = _l("Give a title in at least one language.")
    if unknown := [code for code in data.working_languages if code not in LANGUAGES]:
        errors["working_languages"] = _l("Unknown language: %(codes)s.", codes=", ".join(unknown))
    if data.retention_months is not None and not 1 <= data.retention_months <= MAX_RETENTION_MONTHS:
        errors["retention_months"] = _l(
            "Give from 1 to %(count)d months, or leave empty to keep the registrations.", count=MAX_RETENTION_MONTHS
        )
    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = _l("The capacity must be at least 1, or left empty for no limit.")

    if not is_known_zone(data.timezone):
        errors["timezone"] = _l("Unknown time zone. Use a name from the tz database, such as Asia/Bishkek.")
    else:
        for name, local in (("starts_at", data.starts_local), ("ends_at", data.ends_local)):
            resolved[name] = to_utc(local, data.timezone)
            if resolved[name] is None:
                errors[name] = _l("This time does not exist in the chosen time zone (clocks were put forward).")
        if resolved.get("starts_at") and resolved.get("ends_at") and resolved["ends_at"] <= resolved["starts_at"]:
            errors["ends_at"] = _l("The end must come after the start.")
        resolved["registration_deadline"] = None
        if data.registration_deadline_local is not None:
            deadline = to_utc(data.registration_deadline_local, data.timezone)
            if deadline is None:
                errors["registration_deadline"] = _l(
                    "This time does not exist in the chosen time zone (clocks were put forward)."
                )
            elif resolved.get("ends_at") and deadline > resolved["ends_at"]:
                errors["registration_deadline"] = _l("The registration deadline must not be after the end.")
            resolved["registration_deadline"] = deadline

    paragraphs = paragraphs_by_reference(data.paragraphs)
    if unknown := [ref for ref in data.paragraphs if ref not in paragraphs]:
        errors["paragraphs"] = _l("Unknown plan paragraph: %(refs)s.", refs=", ".join(unknown))
    # In the plan's order, as the relationship reads them back, so that the audit log sees no false change.
    resolved["paragraphs"] = sorted(paragraphs.values(), key=lambda p: (p.document.position, p.position))

    codes = set(data.organisers) | set(data.partners)
    actors = {a.code: a for a in db.session.scalars(select(Actor).where(Actor.code.in_(codes)))}
    for name in ("organisers", "partners"):
        if unknown := [code for code in getattr(data, name) if code not in actors]:
            errors[name] = _l("Unknown body: %(codes)s.", codes=", ".join(unknown))
    resolved["actors"] = actors

    resolved["series"] = None
    if data.series_slug:
        resolved["series"] = db.session.scalar(select(Series).where(Series.slug == data.series_slug))
        if resolved["series"] is None:
            errors["series"] = _l("Unknown series.")
    return errors, resolved


def snapshot(event: Event) -> dict:
    """The event as the audit log shows it: plain values that compare and serialise."""
    return {
        "slug": event.slug,
        "kind": event.kind,
        "title": dict(event.title or {}),
        "description": dict(event.description or {}),
        "starts_at": event.starts_at.isoformat() if event.starts_at else None,
        "ends_at": event.ends_at.isoformat() if event.ends_at else None,
        "timezone": event.timezone,
        "venue": event.venue,
        "city": event.city,
        "working_languages": list(event.working_languages or []),
        "capacity": event.capacity,
        "retention_months": event.retention_months,
        "registration_deadline": event.registration_deadline.isoformat() if event.registration_deadline else None,
        "visibility": event.visibility,
        "requires_approval": event.requires_approval,
        "organisers": [a.code for a in event.organisers],
        "partners": [a.code for a in event.partners],
        "paragraphs": [p.reference for p in event.paragraphs],
        "series": event.series.slug if event.series else None,
        "status": event.status,
    }


def _apply(event: Event, data: EventData, resolved: dict) -> None:
    event.slug = data.slug
    event.kind = data.kind
    event.title = {code: text.strip() for code, text in data.title.items() if text and text.strip()}
    event.description = {code: text.strip() for code, text in data.description.items() if text and text.strip()}
    event.starts_at, event.ends_at = resolved["starts_at"], resolved["ends_at"]
    event.timezone = data.timezone
    event.venue, event.city = data.venue.strip(), data.city.strip()
    event.working_languages = [code for code in LANGUAGES if code in data.working_languages]
    event.capacity = data.capacity
    event.retention_months = data.retention_months
    event.registration_deadline = resolved["registration_deadline"]
    event.visibility = data.visibility
    event.requires_approval = data.requires_approval
    event.paragraphs = resolved["paragraphs"]
    event.series = resolved["series"]
    wanted = [(code, ORGANISER) for code in data.organisers] + [(code, PARTNER) for code in data.partners]
    existing = {(body.actor.code, body.role): body for body in event.bodies}
    bodies = []
    for position, (code, role) in enumerate(wanted):
        body = existing.get((code, role)) or EventBody(actor=resolved["actors"][code], role=role)
        body.position = position
        bodies.append(body)
    event.bodies = bodies


def _check_series(user, before: Series | None, after: Series | None, errors: dict) -> None:
    """A meeting joins or leaves a series only by someone who manages that series: its team's rights would hold
    on the meeting (joining), or be lost (leaving). The command line and the seed name nobody, and may."""
    if user is None or before is after:
        return
    if after is not None and not can(user, MeetingRight.MANAGE, after):
        errors["series"] = _l("You may not add meetings to this series.")
    elif before is not None and not can(user, MeetingRight.MANAGE, before):
        errors["series"] = _l("You may not take meetings out of this series.")


def create_event(data: EventData, creator=None) -> Event:
    """A new meeting, as a draft; whoever creates it manages it (its first team member)."""
    errors, resolved = _validate(data, None)
    _check_series(creator, None, resolved.get("series"), errors)
    if errors:
        raise EventError(errors)
    event = Event(status=DRAFT)
    _apply(event, data, resolved)
    db.session.add(event)
    db.session.flush()
    audit.record("event", event.id, "created", audit.diff({}, snapshot(event)))
    if creator is not None and creator.is_authenticated:
        db.session.add(TeamGrant(event_id=event.id, user_id=creator.id, right=MeetingRight.MANAGE))
        forget_team_rights()
    db.session.flush()
    return event


def update_event(event: Event, data: EventData, expected_version: int, editor=None) -> Event:
    if expected_version != event.version:
        raise EventError({"version": STALE_MESSAGE})
    errors, resolved = _validate(data, event.id)
    _check_series(editor, event.series, resolved.get("series"), errors)
    if errors:
        raise EventError(errors)
    before = snapshot(event)
    _apply(event, data, resolved)
    changes = audit.diff(before, snapshot(event))
    if changes:
        audit.record("event", event.id, "updated", changes)
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise EventError({"version": STALE_MESSAGE}) from error
    if "capacity" in changes:
        # Those waiting get the seats a larger meeting offers, in their order (participants listen).
        signals.capacity_changed.send(event)
    return event


def event_data(event: Event) -> EventData:
    """The event as input to update_event: what a partial change starts from."""
    zone = event.timezone
    return EventData(
        slug=event.slug,
        kind=event.kind,
        title=dict(event.title or {}),
        description=dict(event.description or {}),
        starts_local=to_local(event.starts_at, zone),
        ends_local=to_local(event.ends_at, zone),
        timezone=zone,
        venue=event.venue,
        city=event.city,
        working_languages=list(event.working_languages or []),
        capacity=event.capacity,
        retention_months=event.retention_months,
        registration_deadline_local=to_local(event.registration_deadline, zone)
        if event.registration_deadline
        else None,
        visibility=event.visibility,
        requires_approval=event.requires_approval,
        organisers=[actor.code for actor in event.organisers],
        partners=[actor.code for actor in event.partners],
        paragraphs=[paragraph.reference for paragraph in event.paragraphs],
        series_slug=event.series.slug if event.series else "",
    )


def check_transition(event: Event, status: str) -> str:
    """The step of the meeting's life (events.models.TRANSITIONS) that leads to `status`, before anything changes."""
    try:
        return TRANSITIONS.step_to(event.status, status)
    except NotPossible as error:
        raise EventError({"status": _l("This change of status is not possible.")}) from error


def change_status(event: Event, status: str, note: str = "") -> Event:
    step = check_transition(event, status)
    before = event.status
    event.status = TRANSITIONS.check(event.status, step)
    if step == "publish" and event.published_at is None:
        event.published_at = utcnow()
    event.status_note = note.strip()
    changes = {"status": [before, status]}
    if note.strip():
        changes["note"] = [None, note.strip()]
    audit.record("event", event.id, "status", changes)
    db.session.flush()
    return event


def eager_options():
    return (
        selectinload(Event.bodies),
        selectinload(Event.paragraphs).selectinload(Paragraph.document),
        selectinload(Event.series),
    )


def find_event(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug).options(*eager_options()))


def find_series(slug: str) -> Series | None:
    query = (
        select(Series)
        .where(Series.slug == slug)
        .options(selectinload(Series.events).options(*eager_options()), selectinload(Series.convened_by))
    )
    return db.session.scalar(query)


@dataclass
class EventFilters:
    kind: str = ""
    year: int | None = None
    paragraph: str = ""


def list_events(filters: EventFilters, reader, now: datetime | None = None):
    """(upcoming, past) events the reader may see matching the filters, each loaded with what the list shows."""
    now = now or utcnow()
    query = select(Event).options(*eager_options()).order_by(Event.starts_at).where(visible_meetings(reader))
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.year:
        # Widened by a day each side in UTC, then exact on the year in the event's own zone.
        low = datetime(filters.year, 1, 1, tzinfo=UTC) - timedelta(days=1)
        high = datetime(filters.year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
        query = query.where(Event.starts_at >= low, Event.starts_at < high)
    if filters.paragraph and ":" in filters.paragraph:
        document, number = filters.paragraph.split(":", 1)
        query = query.where(Event.paragraphs.any((Paragraph.number == number) & Paragraph.document.has(code=document)))
    events = list(db.session.scalars(query))
    if filters.year:
        events = [e for e in events if to_local(e.starts_at, e.timezone).year == filters.year]
    upcoming = [e for e in events if e.ends_at >= now and e.status != EventStatus.ARCHIVED]
    past = [e for e in reversed(events) if e not in upcoming]
    return upcoming, past


def event_years(reader) -> list[int]:
    years = db.session.scalars(select(extract("year", Event.starts_at)).where(visible_meetings(reader)).distinct())
    return sorted({int(y) for y in years if y is not None}, reverse=True)


def events_for_paragraph(paragraph: Paragraph, reader) -> list[Event]:
    query = (
        select(Event)
        .where(Event.paragraphs.any(Paragraph.id == paragraph.id), visible_meetings(reader))
        .order_by(Event.starts_at)
        .options(selectinload(Event.bodies))
    )
    return list(db.session.scalars(query))


def all_series() -> list[Series]:
    return list(db.session.scalars(select(Series).order_by(Series.slug)))


@dataclass
class SeriesData:
    slug: str
    title: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    recurrence: str = ""
    convened_by: str = ""


def save_series(series: Series | None, data: SeriesData, creator=None) -> Series:
    """Creates or changes a series; whoever creates one manages it, and so each of its meetings."""
    errors: dict[str, str] = {}
    _check_slug(data.slug, errors, series_id=series.id if series else None)
    if not any(text.strip() for text in data.title.values()):
        errors["title"] = _l("Give a title in at least one language.")
    if data.recurrence and data.recurrence not in RECURRENCE_LABELS:
        errors["recurrence"] = _l("Unknown recurrence.")
    convener = None
    if data.convened_by:
        convener = db.session.scalar(select(Actor).where(Actor.code == data.convened_by))
        if convener is None:
            errors["convened_by"] = _l("Unknown body: %(codes)s.", codes=data.convened_by)
    if errors:
        raise EventError(errors)
    created = series is None
    series = series or Series()
    before = _series_snapshot(series) if not created else {}
    series.slug = data.slug
    series.title = {c: t.strip() for c, t in data.title.items() if t and t.strip()}
    series.description = {c: t.strip() for c, t in data.description.items() if t and t.strip()}
    series.recurrence = data.recurrence
    series.convened_by = convener
    db.session.add(series)
    db.session.flush()
    changes = audit.diff(before, _series_snapshot(series))
    if changes:
        audit.record("series", series.id, "created" if created else "updated", changes)
    if created and creator is not None and creator.is_authenticated:
        db.session.add(TeamGrant(series_id=series.id, user_id=creator.id, right=MeetingRight.MANAGE))
        forget_team_rights()
    db.session.flush()
    return series


def _series_snapshot(series: Series) -> dict:
    return {
        "slug": series.slug,
        "title": dict(series.title or {}),
        "description": dict(series.description or {}),
        "recurrence": series.recurrence,
        "convened_by": series.convened_by.code if series.convened_by else None,
    }
