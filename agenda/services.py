"""The programme of an event: editing the draft, checking it for clashes, publishing versions."""

import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from accounts.models import User
from agenda.models import SESSION_KINDS, AgendaVersion, PersonalAgenda, Room, Session, Speaker
from core import audit
from core.db import db, utcnow
from core.errors import Refused
from core.i18n import LANGUAGES, localize
from core.roles import ORGANISER, RAPPORTEUR
from core.rules import has_role
from events.models import Event
from events.rules import visible_meetings
from events.services import to_local, to_utc
from plan.models import Paragraph
from plan.services import paragraphs_by_reference

SPEAKER_LINE = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<affiliation>[^()]*)\))?\s*$")
STALE_MESSAGE = _l(
    "Someone else changed this session while you were editing it. "
    "Your changes are not saved: reload the page and make them again."
)


class AgendaError(Refused):
    """What this domain refuses, field by field."""


class NeedsConfirmation(AgendaError):
    """The session clashes with others or falls outside the event: the organiser must confirm."""

    def __init__(self, warnings: list[str]):
        super().__init__({})
        self.warnings = warnings


@dataclass
class SessionData:
    kind: str
    title: dict[str, str]
    starts_local: datetime
    ends_local: datetime
    description: dict[str, str] = field(default_factory=dict)
    room: str = ""
    chair: str = ""
    speakers: list[str] = field(default_factory=list)
    rapporteur_id: int | None = None
    interpretation_languages: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def parse_person(line: str) -> tuple[str, str] | None:
    """'Name (Affiliation)' → (name, affiliation); the affiliation is optional."""
    match = SPEAKER_LINE.match(line.strip())
    if not match or not match.group("name").strip():
        return None
    return match.group("name").strip(), (match.group("affiliation") or "").strip()


def _speaker(event: Event, name: str, affiliation: str) -> Speaker:
    found = db.session.scalar(
        select(Speaker).where(Speaker.event_id == event.id, Speaker.name == name, Speaker.affiliation == affiliation)
    )
    if found is None:
        found = Speaker(event_id=event.id, name=name, affiliation=affiliation)
        db.session.add(found)
    return found


def _room(event: Event, name: str) -> Room | None:
    if not name.strip():
        return None
    found = db.session.scalar(select(Room).where(Room.event_id == event.id, Room.name == name.strip()))
    if found is None:
        position = len(rooms(event))
        found = Room(event_id=event.id, name=name.strip(), position=position)
        db.session.add(found)
    return found


def _validate(event: Event, data: SessionData) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    resolved: dict = {}
    if data.kind not in SESSION_KINDS:
        errors["kind"] = _l("Unknown kind of session.")
    if not any(text.strip() for text in data.title.values()):
        errors["title"] = _l("Give a title in at least one language.")
    for name, local in (("starts_at", data.starts_local), ("ends_at", data.ends_local)):
        resolved[name] = to_utc(local, event.timezone)
        if resolved[name] is None:
            errors[name] = _l("This time does not exist in the chosen time zone (clocks were put forward).")
    if resolved.get("starts_at") and resolved.get("ends_at") and resolved["ends_at"] <= resolved["starts_at"]:
        errors["ends_at"] = _l("The end must come after the start.")
    if unknown := [code for code in data.interpretation_languages if code not in LANGUAGES]:
        errors["interpretation_languages"] = _l("Unknown language: %(codes)s.", codes=", ".join(unknown))
    paragraphs = paragraphs_by_reference(data.paragraphs)
    if unknown := [ref for ref in data.paragraphs if ref not in paragraphs]:
        errors["paragraphs"] = _l("Unknown plan paragraph: %(refs)s.", refs=", ".join(unknown))
    resolved["paragraphs"] = sorted(paragraphs.values(), key=lambda p: (p.document.position, p.position))
    people = []
    for line in [data.chair, *data.speakers]:
        if line.strip() and parse_person(line) is None:
            errors["speakers" if line is not data.chair else "chair"] = _l(
                "Write one person per line as: Name (Affiliation)."
            )
        people.append(parse_person(line) if line.strip() else None)
    resolved["chair"], resolved["speakers"] = people[0], [p for p in people[1:] if p]
    resolved["rapporteur"] = None
    if data.rapporteur_id:
        rapporteur = db.session.get(User, data.rapporteur_id)
        if rapporteur is None or not has_role(rapporteur, RAPPORTEUR, ORGANISER):
            errors["rapporteur_id"] = _l("Choose a user who records outcomes (a rapporteur or an organiser).")
        resolved["rapporteur"] = rapporteur
    return errors, resolved


@dataclass(frozen=True)
class Slot:
    """Where and when a session takes place, and who is on its panel: what clashes are checked on."""

    session_id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str
    people: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, session: Session) -> "Slot":
        people = frozenset((p.name, p.affiliation) for p in [session.chair, *session.speakers] if p is not None)
        room = session.room.name if session.room else ""
        return cls(session.id, localize(session.title).text, session.starts_at, session.ends_at, room, people)

    def overlaps(self, other: "Slot") -> bool:
        return other.session_id != self.session_id and other.starts_at < self.ends_at and other.ends_at > self.starts_at


def slot_warnings(event: Event, slot: Slot, others: list[Slot]) -> list[str]:
    """What is wrong with the slot: outside the event's dates, a double-booked room, a person in two places."""
    warnings: list[str] = []
    if slot.starts_at < event.starts_at or slot.ends_at > event.ends_at:
        warnings.append(str(_l("The session falls outside the dates of the event.")))
    for other in others:
        if not slot.overlaps(other):
            continue
        if slot.room and slot.room == other.room:
            warnings.append(
                str(_l("The room %(room)s is already booked for “%(session)s”.", room=slot.room, session=other.title))
            )
        for name, _affiliation in sorted(slot.people & other.people):
            warnings.append(
                str(_l("%(person)s is also in “%(session)s” at the same time.", person=name, session=other.title))
            )
    return warnings


def _overlapping(event: Event, slot: Slot) -> list[Slot]:
    query = (
        select(Session)
        .where(
            Session.event_id == event.id,
            Session.cancelled.is_(False),
            Session.starts_at < slot.ends_at,
            Session.ends_at > slot.starts_at,
        )
        .options(selectinload(Session.speakers), selectinload(Session.chair), selectinload(Session.room))
    )
    return [Slot.of(session) for session in db.session.scalars(query)]


def draft_clashes(sessions: list[Session], event: Event) -> dict[int, list[str]]:
    """Every clash in the draft, computed in memory from the sessions already loaded."""
    slots = [Slot.of(session) for session in sessions if not session.cancelled]
    found = {slot.session_id: slot_warnings(event, slot, slots) for slot in slots}
    return {session_id: warnings for session_id, warnings in found.items() if warnings}


def _apply(session: Session, event: Event, data: SessionData, resolved: dict) -> None:
    session.kind = data.kind
    session.title = {c: t.strip() for c, t in data.title.items() if t and t.strip()}
    session.description = {c: t.strip() for c, t in data.description.items() if t and t.strip()}
    session.starts_at, session.ends_at = resolved["starts_at"], resolved["ends_at"]
    session.room = _room(event, data.room)
    session.chair = _speaker(event, *resolved["chair"]) if resolved["chair"] else None
    session.speakers = [_speaker(event, name, affiliation) for name, affiliation in resolved["speakers"]]
    session.rapporteur = resolved["rapporteur"]
    session.interpretation_languages = [c for c in LANGUAGES if c in data.interpretation_languages]
    session.paragraphs = resolved["paragraphs"]


def snapshot(session: Session) -> dict:
    """A session as published: plain values, enough to show it and to put it in a calendar."""
    return {
        "uid": session.uid,
        "kind": session.kind,
        "title": dict(session.title or {}),
        "description": dict(session.description or {}),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room": session.room.name if session.room else "",
        "chair": {"name": session.chair.name, "affiliation": session.chair.affiliation} if session.chair else None,
        "speakers": [{"name": s.name, "affiliation": s.affiliation} for s in session.speakers],
        "rapporteur": (session.rapporteur.name or session.rapporteur.email) if session.rapporteur else "",
        "interpretation_languages": list(session.interpretation_languages or []),
        "paragraphs": [p.reference for p in session.paragraphs],
        "cancelled": session.cancelled,
    }


def _check(event: Event, data: SessionData, exclude_id: int | None, confirmed: bool) -> dict:
    errors, resolved = _validate(event, data)
    if errors:
        raise AgendaError(errors)
    if not confirmed:
        people = ([resolved["chair"]] if resolved["chair"] else []) + resolved["speakers"]
        slot = Slot(exclude_id, "", resolved["starts_at"], resolved["ends_at"], data.room.strip(), frozenset(people))
        if warnings := slot_warnings(event, slot, _overlapping(event, slot)):
            raise NeedsConfirmation(warnings)
    return resolved


def create_session(event: Event, data: SessionData, confirmed: bool = False) -> Session:
    resolved = _check(event, data, None, confirmed)
    session = Session(event_id=event.id, uid=uuid.uuid4().hex)
    _apply(session, event, data, resolved)
    db.session.add(session)
    db.session.flush()
    audit.record("session", session.id, "created", audit.diff({}, snapshot(session)))
    db.session.flush()
    return session


def update_session(session: Session, data: SessionData, expected_version: int, confirmed: bool = False) -> Session:
    if expected_version != session.version:
        raise AgendaError({"version": STALE_MESSAGE})
    resolved = _check(session.event, data, session.id, confirmed)
    before = snapshot(session)
    _apply(session, session.event, data, resolved)
    _record(session, before, "updated")
    return session


def move_session(session: Session, starts_local: datetime, room: str, confirmed: bool = False) -> Session:
    """Moves a session to another time (keeping its length) and, optionally, another room."""
    data = draft_data(session)
    length = data.ends_local - data.starts_local
    data.starts_local, data.ends_local, data.room = starts_local, starts_local + length, room
    return update_session(session, data, session.version, confirmed)


def duplicate_session(session: Session) -> Session:
    copy = Session(event_id=session.event_id, uid=uuid.uuid4().hex)
    for name in ("kind", "title", "description", "starts_at", "ends_at", "room", "chair", "rapporteur"):
        setattr(copy, name, getattr(session, name))
    copy.speakers = list(session.speakers)
    copy.paragraphs = list(session.paragraphs)
    copy.interpretation_languages = list(session.interpretation_languages or [])
    db.session.add(copy)
    db.session.flush()
    audit.record("session", copy.id, "created", {"duplicate_of": [None, session.uid]})
    db.session.flush()
    return copy


def set_cancelled(session: Session, cancelled: bool) -> Session:
    before = snapshot(session)
    session.cancelled = cancelled
    _record(session, before, "updated")
    return session


def delete_session(session: Session) -> None:
    """Removes a session from the draft; once published it stays in the calendars, as cancelled."""
    audit.record("session", session.id, "deleted", {"title": [session.title, None]})
    db.session.delete(session)
    db.session.flush()


def _record(session: Session, before: dict, action: str) -> None:
    changes = audit.diff(before, snapshot(session))
    if changes:
        audit.record("session", session.id, action, changes)
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise AgendaError({"version": STALE_MESSAGE}) from error


def draft_data(session: Session) -> SessionData:
    zone = session.event.timezone
    return SessionData(
        kind=session.kind,
        title=dict(session.title or {}),
        description=dict(session.description or {}),
        starts_local=to_local(session.starts_at, zone),
        ends_local=to_local(session.ends_at, zone),
        room=session.room.name if session.room else "",
        chair=session.chair.label if session.chair else "",
        speakers=[s.label for s in session.speakers],
        rapporteur_id=session.rapporteur_id,
        interpretation_languages=list(session.interpretation_languages or []),
        paragraphs=[p.reference for p in session.paragraphs],
    )


def draft_sessions(event: Event) -> list[Session]:
    query = (
        select(Session)
        .where(Session.event_id == event.id)
        .order_by(Session.starts_at, Session.id)
        .options(
            selectinload(Session.room),
            selectinload(Session.chair),
            selectinload(Session.speakers),
            selectinload(Session.rapporteur),
            selectinload(Session.paragraphs).selectinload(Paragraph.document),
        )
    )
    return list(db.session.scalars(query))


def find_session(event: Event, session_id: int) -> Session | None:
    session = db.session.get(Session, session_id)
    return session if session is not None and session.event_id == event.id else None


def rooms(event: Event) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.name)))


def add_room(event: Event, name: str) -> Room:
    name = name.strip()
    if not name:
        raise AgendaError({"name": _l("Give the room a name.")})
    if db.session.scalar(select(Room.id).where(Room.event_id == event.id, Room.name == name)) is not None:
        raise AgendaError({"name": _l("This room already exists.")})
    room = _room(event, name)
    db.session.flush()
    return room


def delete_room(event: Event, room_id: int) -> None:
    room = db.session.get(Room, room_id)
    if room is None or room.event_id != event.id:
        raise AgendaError({"room": _l("Unknown room.")})
    if db.session.scalar(select(Session.id).where(Session.room_id == room.id).limit(1)) is not None:
        raise AgendaError({"room": _l("Sessions still use this room; move them first.")})
    db.session.delete(room)
    db.session.flush()


# Publication ------------------------------------------------------------------------------------------------

MOVING_FIELDS = ("starts_at", "ends_at", "room")


def latest_version(event: Event) -> AgendaVersion | None:
    return db.session.scalar(
        select(AgendaVersion).where(AgendaVersion.event_id == event.id).order_by(AgendaVersion.number.desc()).limit(1)
    )


def _without_bookkeeping(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in ("sequence", "last_modified", "removed")}


def compare(previous: list[dict], current: list[dict]) -> dict[str, list[str]]:
    """What changed between two published programmes, session by session (by uid)."""
    before = {item["uid"]: item for item in previous if not item.get("removed")}
    after = {item["uid"]: item for item in current if not item.get("removed")}
    changes: dict[str, list[str]] = {
        "added": [],
        "moved": [],
        "retitled": [],
        "cancelled": [],
        "restored": [],
        "removed": [],
        "changed": [],
    }
    for uid, item in after.items():
        old = before.get(uid)
        if old is None:
            changes["added"].append(uid)
            continue
        if item["cancelled"] and not old["cancelled"]:
            changes["cancelled"].append(uid)
        elif old["cancelled"] and not item["cancelled"]:
            changes["restored"].append(uid)
        if any(item[name] != old[name] for name in MOVING_FIELDS):
            changes["moved"].append(uid)
        if item["title"] != old["title"]:
            changes["retitled"].append(uid)
        other = set(_without_bookkeeping(item)) - {*MOVING_FIELDS, "title", "cancelled"}
        if any(item.get(k) != old.get(k) for k in other):
            changes["changed"].append(uid)
    changes["removed"] = [uid for uid in before if uid not in after]
    return {kind: uids for kind, uids in changes.items() if uids}


def publish(event: Event) -> AgendaVersion:
    """Freezes the draft as the next version; sessions that changed get a higher SEQUENCE for calendars."""
    previous = latest_version(event)
    now = utcnow()
    earlier = {item["uid"]: item for item in (previous.sessions if previous else [])}
    published: list[dict] = []
    for session in draft_sessions(event):
        item = snapshot(session)
        old = earlier.pop(item["uid"], None)
        if old is not None and not old.get("removed") and _without_bookkeeping(old) == item:
            item["sequence"], item["last_modified"] = old["sequence"], old["last_modified"]
        else:
            item["sequence"] = old["sequence"] + 1 if old is not None else 0
            item["last_modified"] = now.isoformat()
        published.append(item)
    # Deleted after publication: kept, cancelled, so that subscribed calendars remove them.
    for old in earlier.values():
        if old.get("removed"):
            published.append(old)
        else:
            published.append(
                {
                    **old,
                    "removed": True,
                    "cancelled": True,
                    "sequence": old["sequence"] + 1,
                    "last_modified": now.isoformat(),
                }
            )
    published.sort(key=lambda item: (item["starts_at"], item["uid"]))
    changes = compare(previous.sessions if previous else [], published)
    if previous is not None and not changes:
        raise AgendaError({"publish": _l("Nothing has changed since the last published version.")})
    version = AgendaVersion(
        event_id=event.id,
        number=(previous.number + 1) if previous else 1,
        published_at=now,
        published_by_id=audit.current_user_id(),
        sessions=published,
        changes=changes,
    )
    db.session.add(version)
    db.session.flush()
    audit.record("agenda", event.id, "published", {"version": [previous.number if previous else None, version.number]})
    db.session.flush()
    return version


# Personal agendas -------------------------------------------------------------------------------------------


def personal_agenda(user: User, event: Event, create: bool = False) -> PersonalAgenda | None:
    agenda = db.session.scalar(
        select(PersonalAgenda).where(PersonalAgenda.user_id == user.id, PersonalAgenda.event_id == event.id)
    )
    if agenda is None and create:
        agenda = PersonalAgenda(user_id=user.id, event_id=event.id, feed_token=new_feed_token(), session_uids=[])
        db.session.add(agenda)
        db.session.flush()
    return agenda


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def toggle_pick(user: User, event: Event, uid: str) -> bool:
    """Adds the session to the participant's agenda, or takes it out; returns whether it is now picked."""
    version = latest_version(event)
    if version is None or uid not in {item["uid"] for item in version.sessions if not item.get("removed")}:
        raise AgendaError({"session": _l("This session is not on the published programme.")})
    agenda = personal_agenda(user, event, create=True)
    picked = list(agenda.session_uids or [])
    now_picked = uid not in picked
    agenda.session_uids = [*picked, uid] if now_picked else [u for u in picked if u != uid]
    db.session.flush()
    return now_picked


def revoke_feed(user: User, event: Event) -> PersonalAgenda:
    agenda = personal_agenda(user, event, create=True)
    agenda.feed_token = new_feed_token()
    db.session.flush()
    return agenda


def agenda_by_token(token: str) -> PersonalAgenda | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(PersonalAgenda).where(PersonalAgenda.feed_token == token).options(selectinload(PersonalAgenda.event))
    )


@dataclass
class PublishedSession:
    """A session as its meeting's latest programme published it."""

    uid: str
    title: dict
    starts_at: datetime


def published_sessions_for(paragraph: Paragraph, reader) -> list[tuple[Event, PublishedSession]]:
    """The sessions that follow a paragraph up in the latest published programme of each meeting the reader may
    see (what the draft holds is not announced yet): one query, whatever the number of meetings."""
    reference = paragraph.reference
    latest = (
        select(AgendaVersion.event_id, func.max(AgendaVersion.number).label("number"))
        .group_by(AgendaVersion.event_id)
        .subquery()
    )
    query = (
        select(AgendaVersion, Event)
        .join(latest, (AgendaVersion.event_id == latest.c.event_id) & (AgendaVersion.number == latest.c.number))
        .join(Event, Event.id == AgendaVersion.event_id)
        # A cheap filter in the database (the reference as it is written in the stored list), exact below.
        .where(visible_meetings(reader), cast(AgendaVersion.sessions, Text).contains(f'"{reference}"', autoescape=True))
    )
    found = [
        (event, PublishedSession(item["uid"], item["title"], datetime.fromisoformat(item["starts_at"])))
        for version, event in db.session.execute(query)
        for item in version.sessions
        if reference in item.get("paragraphs", []) and not item.get("removed") and not item.get("cancelled")
    ]
    return sorted(found, key=lambda pair: (pair[1].starts_at, pair[1].uid))


# Reading the published programme ----------------------------------------------------------------------------


@dataclass
class ProgrammeItem:
    item: dict
    starts: datetime
    ends: datetime


@dataclass
class ProgrammeDay:
    day: date
    items: list[ProgrammeItem]


@dataclass
class ProgrammeFilters:
    day: str = ""
    room: str = ""
    paragraph: str = ""


def programme(items: list[dict], zone_name: str, filters: ProgrammeFilters) -> list[ProgrammeDay]:
    """The published sessions by day in the given zone, filtered; removed sessions are left out."""
    zone = ZoneInfo(zone_name)
    days: dict[date, list[ProgrammeItem]] = {}
    for item in items:
        if item.get("removed"):
            continue
        starts = datetime.fromisoformat(item["starts_at"]).astimezone(zone)
        if filters.day and starts.date().isoformat() != filters.day:
            continue
        if filters.room and item.get("room") != filters.room:
            continue
        if filters.paragraph and filters.paragraph not in item.get("paragraphs", []):
            continue
        ends = datetime.fromisoformat(item["ends_at"]).astimezone(zone)
        days.setdefault(starts.date(), []).append(ProgrammeItem(item, starts, ends))
    return [ProgrammeDay(day, sorted(found, key=lambda i: i.starts)) for day, found in sorted(days.items())]


def programme_days(items: list[dict], zone_name: str) -> list[date]:
    zone = ZoneInfo(zone_name)
    return sorted(
        {datetime.fromisoformat(i["starts_at"]).astimezone(zone).date() for i in items if not i.get("removed")}
    )
