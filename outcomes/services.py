"""Recording outcomes, reviewing them, following their implementation, and reading them by paragraph and body."""

import difflib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from accounts.models import User
from agenda.models import Session
from agenda.services import latest_version
from core.db import db, utcnow
from core.errors import Refused
from core.i18n import LANGUAGES
from core.rules import Role, can, has_role
from events.models import Event, MeetingRight, event_paragraphs
from events.rules import SEE as SEE_MEETING
from events.rules import meetings_with, visible_meetings
from outcomes import rules
from outcomes.models import (
    ACTION_ITEM,
    CLOSED_STATUSES,
    DRAFT,
    IMPLEMENTATION_STATUSES,
    KINDS,
    REVIEW_TRANSITIONS,
    Outcome,
    OutcomeRevision,
    StatusUpdate,
    outcome_actors,
    outcome_paragraphs,
)
from plan.models import Actor, Document, Paragraph, Section, paragraph_actors
from plan.services import all_paragraphs

STALE_MESSAGE = _l(
    "Someone else saved this outcome while you were editing it. Your text is kept below but not saved: "
    "compare it with the current version, then save again."
)


class OutcomeError(Refused):
    """What this domain refuses, field by field."""


@dataclass
class OutcomeData:
    event_slug: str
    kind: str
    text: dict[str, str]
    paragraphs: list[str]
    actors: list[str] = field(default_factory=list)
    session_uid: str = ""
    deadline: date | None = None
    implementation_status: str = "proposed"


# Recording ------------------------------------------------------------------------------------------------------


class References:
    """The meetings, sessions, paragraphs and bodies outcomes name, each read once: an import of thousands of rows
    validates every row (twice: first all of them, then each as it is created) without a query per row."""

    def __init__(self):
        self._events: dict[str, Event | None] = {}
        self._sessions: dict[tuple[int, str], Session | None] = {}
        self._paragraphs: dict[str, Paragraph] | None = None
        self._actors: dict[str, Actor] | None = None

    def event(self, slug: str) -> Event | None:
        if slug not in self._events:
            self._events[slug] = db.session.scalar(select(Event).where(Event.slug == slug))
        return self._events[slug]

    def session(self, event: Event, uid: str) -> Session | None:
        key = (event.id, uid)
        if key not in self._sessions:
            self._sessions[key] = db.session.scalar(
                select(Session).where(Session.uid == uid, Session.event_id == event.id)
            )
        return self._sessions[key]

    def paragraphs(self) -> dict[str, Paragraph]:
        if self._paragraphs is None:
            self._paragraphs = {p.reference: p for p in all_paragraphs()}
        return self._paragraphs

    def actors(self) -> dict[str, Actor]:
        if self._actors is None:
            self._actors = {a.code: a for a in db.session.scalars(select(Actor))}
        return self._actors


def _validate(data: OutcomeData, references: References) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    resolved: dict = {}
    resolved["event"] = None
    if data.event_slug:
        resolved["event"] = references.event(data.event_slug)
        if resolved["event"] is None:
            errors["event_slug"] = _l("Unknown meeting.")
    resolved["session"] = None
    if data.session_uid and resolved["event"] is None:
        errors["session_uid"] = _l("A session belongs to a meeting: choose the meeting too.")
    elif data.session_uid:
        resolved["session"] = references.session(resolved["event"], data.session_uid)
        if resolved["session"] is None:
            errors["session_uid"] = _l("This session is not part of the meeting.")
    if data.kind not in KINDS:
        errors["kind"] = _l("Unknown kind of outcome.")
    if data.implementation_status not in IMPLEMENTATION_STATUSES:
        errors["implementation_status"] = _l("Unknown implementation status.")
    if not any((text or "").strip() for text in data.text.values()):
        errors["text"] = _l("Write the text in at least one language.")
    if unknown := [code for code in data.text if code not in LANGUAGES]:
        errors["text"] = _l("Unknown language: %(codes)s.", codes=", ".join(unknown))
    if not data.paragraphs:
        errors["paragraphs"] = _l("Tie the outcome to at least one paragraph of the plan.")
    known = references.paragraphs()
    if unknown := [ref for ref in data.paragraphs if ref not in known]:
        errors["paragraphs"] = _l("Unknown plan paragraph: %(refs)s.", refs=", ".join(unknown))
    paragraphs = {known[ref] for ref in data.paragraphs if ref in known}
    resolved["paragraphs"] = sorted(paragraphs, key=lambda p: (p.document.position, p.position))
    actors = references.actors()
    if unknown := [code for code in data.actors if code not in actors]:
        errors["actors"] = _l("Unknown body: %(codes)s.", codes=", ".join(unknown))
    resolved["actors"] = [actors[code] for code in dict.fromkeys(data.actors) if code in actors]
    if data.kind == ACTION_ITEM and not data.actors:
        errors["actors"] = _l("An action item needs the body responsible for it.")
    return errors, resolved


def state(outcome: Outcome) -> dict:
    """The outcome as its history records it."""
    return {
        "event": outcome.event.slug if outcome.event else None,
        "session": outcome.session.uid if outcome.session else None,
        "kind": outcome.kind,
        "text": dict(outcome.text or {}),
        "paragraphs": [p.reference for p in outcome.paragraphs],
        "actors": [a.code for a in outcome.actors],
        "deadline": outcome.deadline.isoformat() if outcome.deadline else None,
        "implementation_status": outcome.implementation_status,
        "review_state": outcome.review_state,
        "review_comment": outcome.review_comment,
    }


def _revise(outcome: Outcome, action: str, user: User | None) -> None:
    db.session.flush()
    if action == "created":
        number = 1
    else:
        latest = select(func.max(OutcomeRevision.number)).where(OutcomeRevision.outcome_id == outcome.id)
        number = (db.session.scalar(latest) or 0) + 1
    db.session.add(
        OutcomeRevision(
            outcome_id=outcome.id, number=number, action=action, user_id=user.id if user else None, state=state(outcome)
        )
    )


def _apply(outcome: Outcome, data: OutcomeData, resolved: dict) -> None:
    outcome.event = resolved["event"]
    outcome.session = resolved["session"]
    outcome.kind = data.kind
    outcome.text = {code: text.strip() for code, text in data.text.items() if text and text.strip()}
    outcome.paragraphs = resolved["paragraphs"]
    outcome.deadline = data.deadline
    outcome.implementation_status = data.implementation_status
    db.session.flush()
    _set_actors(outcome, resolved["actors"])


def _set_actors(outcome: Outcome, actors: list[Actor]) -> None:
    # Through the table, to keep the order in which the responsible bodies were named.
    db.session.execute(outcome_actors.delete().where(outcome_actors.c.outcome_id == outcome.id))
    if actors:
        db.session.execute(
            outcome_actors.insert(),
            [{"outcome_id": outcome.id, "actor_id": a.id, "position": i} for i, a in enumerate(actors)],
        )
    db.session.expire(outcome, ["actors"])


def outcome_data(outcome: Outcome) -> OutcomeData:
    """The outcome as input to update_outcome: what a partial change starts from."""
    return OutcomeData(
        event_slug=outcome.event.slug if outcome.event else "",
        session_uid=outcome.session.uid if outcome.session else "",
        kind=outcome.kind,
        text=dict(outcome.text or {}),
        paragraphs=[p.reference for p in outcome.paragraphs],
        actors=[a.code for a in outcome.actors],
        deadline=outcome.deadline,
        implementation_status=outcome.implementation_status,
    )


def check(data: OutcomeData, user, references: References | None = None) -> dict:
    errors, resolved = _validate(data, references or References())
    event = resolved.get("event")
    if event is not None and not can(user, SEE_MEETING, event):
        # A meeting the user may not see is one that does not exist, for them.
        errors = {"event_slug": _l("Unknown meeting.")}
    elif "event_slug" not in errors and not can(user, rules.RECORD, event if event is not None else Outcome):
        errors["event_slug"] = _l("You may not record outcomes for this meeting.")
    if errors:
        raise OutcomeError(errors)
    return resolved


def create_outcome(data: OutcomeData, user: User, references: References | None = None) -> Outcome:
    resolved = check(data, user, references)
    outcome = Outcome(review_state=DRAFT, rapporteur_id=user.id if user else None)
    db.session.add(outcome)
    _apply(outcome, data, resolved)
    _revise(outcome, "created", user)
    return outcome


def update_outcome(outcome: Outcome, data: OutcomeData, expected_version: int, user: User) -> Outcome:
    if not can(user, rules.EDIT, outcome):
        raise OutcomeError({"review": _l("You may not change this outcome now.")})
    if expected_version != outcome.version:
        raise OutcomeError({"version": STALE_MESSAGE})
    resolved = check(data, user)
    before = state(outcome)
    _apply(outcome, data, resolved)
    if state(outcome) != before:
        _revise(outcome, "updated", user)
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise OutcomeError({"version": STALE_MESSAGE}) from error
    return outcome


REVISION_ACTIONS = {"submit": "submitted", "approve": "approved", "return": "returned"}


def _check_step(outcome: Outcome, step: str) -> None:
    """Whether the review allows this step now (outcomes.models.REVIEW_TRANSITIONS), before anything changes."""
    if not REVIEW_TRANSITIONS.allows(outcome.review_state, step):
        raise OutcomeError({"review": _l("This step of the review is not possible now.")})


def _review(outcome: Outcome, step: str, user: User) -> None:
    """Takes a step that _check_step allowed, and records it in the outcome's history."""
    outcome.review_state = REVIEW_TRANSITIONS.check(outcome.review_state, step)
    _revise(outcome, REVISION_ACTIONS[step], user)


def submit(outcome: Outcome, user: User) -> None:
    if not can(user, rules.EDIT, outcome):
        raise OutcomeError({"review": _l("Only the rapporteur of this outcome or its reviewers may submit it.")})
    _check_step(outcome, "submit")
    _review(outcome, "submit", user)


def approve(outcome: Outcome, user: User) -> None:
    if not can(user, rules.REVIEW, outcome):
        raise OutcomeError({"review": _l("Only those who review this meeting's outcomes may approve it.")})
    _check_step(outcome, "approve")
    outcome.approved_at, outcome.approved_by_id = utcnow(), user.id
    outcome.review_comment = ""
    _review(outcome, "approve", user)


def return_to_rapporteur(outcome: Outcome, user: User, comment: str) -> None:
    if not can(user, rules.REVIEW, outcome):
        raise OutcomeError({"review": _l("Only those who review this meeting's outcomes may return it.")})
    if not comment.strip():
        raise OutcomeError({"comment": _l("Say why the outcome is returned.")})
    _check_step(outcome, "return")
    outcome.review_comment = comment.strip()
    _review(outcome, "return", user)


def add_status_update(outcome: Outcome, user: User, on: date, status: str, note: str = "") -> StatusUpdate:
    if not can(user, rules.FOLLOW, outcome):
        raise OutcomeError({"status": _l("Only the rapporteur of this outcome or its reviewers may follow it up.")})
    if status not in IMPLEMENTATION_STATUSES:
        raise OutcomeError({"status": _l("Unknown implementation status.")})
    if on > date.today():
        raise OutcomeError({"on": _l("A status update cannot be dated in the future.")})
    update = StatusUpdate(outcome=outcome, on=on, status=status, note=note.strip(), user_id=user.id)
    db.session.add(update)
    latest = max([*outcome.status_updates, update], key=lambda u: (u.on, u.recorded_at or utcnow()))
    outcome.implementation_status = latest.status
    _revise(outcome, "status", user)
    db.session.flush()
    return update


# History --------------------------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    name: str
    before: object
    after: object
    # For texts: [(operation, words)] with operation one of equal, delete, insert.
    words: list[tuple[str, str]] | None = None


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(), after.split()
    pieces: list[tuple[str, str]] = []
    for operation, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if operation == "equal":
            pieces.append(("equal", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", " ".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", " ".join(new[j1:j2])))
    return pieces


def changes_between(before: dict, after: dict) -> list[FieldChange]:
    found = []
    for name in after:
        if before.get(name) == after.get(name):
            continue
        if name == "text":
            for code in LANGUAGES:
                old, new = (before.get("text") or {}).get(code, ""), after["text"].get(code, "")
                if old != new:
                    found.append(FieldChange(f"text:{code}", old, new, word_diff(old, new)))
        else:
            found.append(FieldChange(name, before.get(name), after.get(name)))
    return found


def history(outcome: Outcome) -> list[tuple[OutcomeRevision, list[FieldChange]]]:
    revisions = list(
        db.session.scalars(
            select(OutcomeRevision)
            .where(OutcomeRevision.outcome_id == outcome.id)
            .order_by(OutcomeRevision.number)
            .options(selectinload(OutcomeRevision.user))
        )
    )
    result, previous = [], {}
    for revision in revisions:
        result.append((revision, changes_between(previous, revision.state)))
        previous = revision.state
    return list(reversed(result))


# Reading --------------------------------------------------------------------------------------------------------


def _eager():
    return (
        selectinload(Outcome.event),
        selectinload(Outcome.session),
        selectinload(Outcome.rapporteur),
        selectinload(Outcome.paragraphs).selectinload(Paragraph.document),
        selectinload(Outcome.actors),
    )


def find_outcome(outcome_id: int) -> Outcome | None:
    return db.session.scalar(
        select(Outcome)
        .where(Outcome.id == outcome_id)
        .options(*_eager(), selectinload(Outcome.status_updates).selectinload(StatusUpdate.user))
    )


@dataclass
class OutcomeFilters:
    paragraph: str = ""
    actor: str = ""
    event: str = ""
    kind: str = ""
    status: str = ""
    review: str = ""
    # Outcomes of meetings starting within these days (UTC).
    held_from: date | None = None
    held_to: date | None = None
    # Outcomes whose deadline falls within these days.
    due_from: date | None = None
    due_to: date | None = None


def _visible(query, user: User):
    return query.where(rules.visible_outcomes(user))


def _filtered(query, filters: OutcomeFilters):
    if filters.paragraph and ":" in filters.paragraph:
        document, number = filters.paragraph.split(":", 1)
        query = query.where(
            Outcome.paragraphs.any((Paragraph.number == number) & Paragraph.document.has(Document.code == document))
        )
    if filters.actor:
        query = query.where(Outcome.actors.any(Actor.code == filters.actor))
    if filters.event:
        query = query.where(Outcome.event.has(Event.slug == filters.event))
    if filters.kind:
        query = query.where(Outcome.kind == filters.kind)
    if filters.status:
        query = query.where(Outcome.implementation_status == filters.status)
    if filters.review:
        query = query.where(Outcome.review_state == filters.review)
    if filters.held_from:
        query = query.where(Outcome.event.has(Event.starts_at >= datetime.combine(filters.held_from, time.min, UTC)))
    if filters.held_to:
        query = query.where(Outcome.event.has(Event.starts_at <= datetime.combine(filters.held_to, time.max, UTC)))
    if filters.due_from:
        query = query.where(Outcome.deadline >= filters.due_from)
    if filters.due_to:
        query = query.where(Outcome.deadline <= filters.due_to)
    return query


def list_outcomes(user: User, filters: OutcomeFilters, page: int = 1, per_page: int = 50):
    """(outcomes of the page, total): what this user may see, newest meeting first."""
    base = _filtered(_visible(select(Outcome), user), filters)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    query = (
        base.outerjoin(Outcome.event)
        .order_by(func.coalesce(Event.starts_at, Outcome.created_at).desc(), Outcome.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(*_eager())
    )
    return list(db.session.scalars(query)), total


@dataclass
class ParagraphFollowUp:
    counts: dict[str, int]
    open_actions: int
    latest: list[Outcome]
    total: int


def paragraph_follow_up(paragraph: Paragraph, user: User, latest: int = 20) -> ParagraphFollowUp:
    """Counts by kind and the latest outcomes for a paragraph: a fixed number of queries, however many there are."""
    visible = _visible(select(Outcome), user).where(Outcome.paragraphs.any(Paragraph.id == paragraph.id))
    counted = visible.subquery()
    rows = db.session.execute(
        select(counted.c.kind, counted.c.implementation_status, func.count()).group_by(
            counted.c.kind, counted.c.implementation_status
        )
    )
    counts: dict[str, int] = {}
    open_actions = 0
    for kind, status, count in rows:
        counts[kind] = counts.get(kind, 0) + count
        if kind == ACTION_ITEM and status not in CLOSED_STATUSES:
            open_actions += count
    recent = list(
        db.session.scalars(
            visible.outerjoin(Outcome.event)
            .order_by(func.coalesce(Event.starts_at, Outcome.created_at).desc(), Outcome.id.desc())
            .limit(latest)
            .options(*_eager())
        )
    )
    return ParagraphFollowUp(counts, open_actions, recent, sum(counts.values()))


@dataclass
class CoverageRow:
    paragraph: Paragraph
    meetings: int
    outcomes: int
    open_actions: int

    @property
    def followed_up(self) -> bool:
        return bool(self.meetings or self.outcomes)


def coverage(actor: str = "", section: str = "") -> list[CoverageRow]:
    """Every paragraph with its number of meetings, approved outcomes and open action items: four queries."""
    paragraphs_query = (
        select(Paragraph)
        .join(Paragraph.document)
        .order_by(Document.position, Paragraph.position)
        .options(selectinload(Paragraph.document), selectinload(Paragraph.section), selectinload(Paragraph.actors))
    )
    if actor:
        paragraphs_query = paragraphs_query.where(
            Paragraph.id.in_(
                select(paragraph_actors.c.paragraph_id)
                .join(Actor, Actor.id == paragraph_actors.c.actor_id)
                .where(Actor.code == actor)
            )
        )
    if section and ":" in section:
        document, number = section.split(":", 1)
        paragraphs_query = paragraphs_query.where(
            Paragraph.section.has((Section.number == number) & Section.document.has(Document.code == document))
        )
    paragraphs = list(db.session.scalars(paragraphs_query))
    meetings = dict(
        db.session.execute(
            select(event_paragraphs.c.paragraph_id, func.count(func.distinct(event_paragraphs.c.event_id)))
            .join(Event, Event.id == event_paragraphs.c.event_id)
            .where(Event.is_public)
            .group_by(event_paragraphs.c.paragraph_id)
        ).all()
    )
    approved = (
        select(outcome_paragraphs.c.paragraph_id, func.count())
        .join(Outcome, Outcome.id == outcome_paragraphs.c.outcome_id)
        .where(Outcome.is_public)
        .group_by(outcome_paragraphs.c.paragraph_id)
    )
    outcomes = dict(db.session.execute(approved).all())
    open_actions = dict(
        db.session.execute(
            approved.where(Outcome.kind == ACTION_ITEM, Outcome.implementation_status.not_in(CLOSED_STATUSES))
        ).all()
    )
    return [CoverageRow(p, meetings.get(p.id, 0), outcomes.get(p.id, 0), open_actions.get(p.id, 0)) for p in paragraphs]


def sections() -> list[Section]:
    return list(
        db.session.scalars(
            select(Section)
            .join(Section.document)
            .order_by(Document.position, Section.position)
            .options(selectinload(Section.document))
        )
    )


def roadmap(actor: Actor) -> list[Outcome]:
    """The approved action items a body owns, by deadline (those without one last)."""
    query = (
        select(Outcome)
        .where(Outcome.is_public, Outcome.kind == ACTION_ITEM, Outcome.actors.any(Actor.id == actor.id))
        .order_by(Outcome.deadline.is_(None), Outcome.deadline, Outcome.id)
        .options(*_eager(), selectinload(Outcome.status_updates))
    )
    return list(db.session.scalars(query))


def bodies_with_action_items() -> list[tuple[Actor, int, int]]:
    """(body, action items, open ones) for every body that owns at least one approved action item."""
    rows = db.session.execute(
        select(
            outcome_actors.c.actor_id,
            func.count(),
            func.sum(case((Outcome.implementation_status.not_in(CLOSED_STATUSES), 1), else_=0)),
        )
        .join(Outcome, Outcome.id == outcome_actors.c.outcome_id)
        .where(Outcome.is_public, Outcome.kind == ACTION_ITEM)
        .group_by(outcome_actors.c.actor_id)
    ).all()
    actors = {a.id: a for a in db.session.scalars(select(Actor).where(Actor.id.in_([r[0] for r in rows])))}
    return sorted(((actors[a], total, int(open_ or 0)) for a, total, open_ in rows), key=lambda r: r[0].position)


@dataclass
class Report:
    start: date
    end: date
    meetings: list[Event]
    outcomes: list[Outcome]
    by_paragraph: list[tuple[Paragraph, list[Outcome]]]
    by_body: list[tuple[Actor, list[Outcome]]]


def secretary_general_report(start: date, end: date) -> Report:
    """What the Secretary General reports (plan §30): the meetings held in the period and their approved outcomes,
    by paragraph of the plan and, for action items, by body responsible."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    utc = ZoneInfo("UTC")
    low = datetime.combine(start, time.min, utc) - timedelta(days=1)
    high = datetime.combine(end, time.max, utc) + timedelta(days=1)
    meetings = [
        e
        for e in db.session.scalars(
            select(Event)
            .where(Event.is_public, Event.starts_at >= low, Event.starts_at <= high)
            .order_by(Event.starts_at)
            .options(selectinload(Event.paragraphs).selectinload(Paragraph.document), selectinload(Event.bodies))
        )
        if start <= e.starts_at.astimezone(ZoneInfo(e.timezone)).date() <= end
    ]
    # The outcomes of the meetings held, and the deadlines the plan itself set that fall in the period.
    outcomes = list(
        db.session.scalars(
            select(Outcome)
            .where(
                Outcome.is_public,
                Outcome.event_id.in_([m.id for m in meetings])
                | (Outcome.event_id.is_(None) & Outcome.deadline.between(start, end)),
            )
            .order_by(Outcome.id)
            .options(*_eager())
        )
    )
    paragraphs: dict[int, tuple[Paragraph, list[Outcome]]] = {}
    bodies: dict[int, tuple[Actor, list[Outcome]]] = {}
    for outcome in outcomes:
        for paragraph in outcome.paragraphs:
            paragraphs.setdefault(paragraph.id, (paragraph, []))[1].append(outcome)
        if outcome.kind == ACTION_ITEM:
            for actor in outcome.actors:
                bodies.setdefault(actor.id, (actor, []))[1].append(outcome)
    by_paragraph = sorted(paragraphs.values(), key=lambda pair: (pair[0].document.position, pair[0].position))
    by_body = sorted(bodies.values(), key=lambda pair: pair[0].position)
    return Report(start, end, meetings, outcomes, by_paragraph, by_body)


def sessions_of(event: Event, user) -> list[Session]:
    """The sessions an outcome may come from: the published ones, or every draft session for the meeting's
    programme team and reviewers."""
    query = select(Session).where(Session.event_id == event.id).order_by(Session.starts_at)
    if not (can(user, MeetingRight.PROGRAMME, event) or can(user, MeetingRight.REVIEW, event)):
        version = latest_version(event)
        published = [item["uid"] for item in (version.sessions if version else []) if not item.get("removed")]
        query = query.where(Session.uid.in_(published))
    return list(db.session.scalars(query))


def recordable_events(user) -> list[Event]:
    """The meetings whose outcomes the user may record: any meeting they see for a rapporteur, else those whose
    outcomes they review."""
    allowed = visible_meetings(user) if has_role(user, Role.RAPPORTEUR) else meetings_with(user, MeetingRight.REVIEW)
    return list(db.session.scalars(select(Event).where(allowed).order_by(Event.starts_at.desc())))


def approved_count(event: Event) -> int:
    return db.session.scalar(select(func.count(Outcome.id)).where(Outcome.event_id == event.id, Outcome.is_public))
