"""A meeting's (or a series') team: who holds which right on it. Every change is written to the audit log."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from accounts.models import User
from core import audit
from core.db import db
from core.errors import Refused
from core.rules import Role, has_role
from events.models import MEETING_RIGHTS, Event, MeetingRight, Series, TeamGrant
from events.rules import forget_team_rights
from plan.models import Actor


class TeamError(Refused):
    """What a change to a team refuses, field by field."""


def _subject_filter(subject: Event | Series):
    return TeamGrant.event_id == subject.id if isinstance(subject, Event) else TeamGrant.series_id == subject.id


def _audit_subject(subject: Event | Series) -> tuple[str, int]:
    return ("event" if isinstance(subject, Event) else "series"), subject.id


def grants(subject: Event | Series) -> list[TeamGrant]:
    """The team, its people first then the bodies' staff, each by name."""
    query = (
        select(TeamGrant)
        .where(_subject_filter(subject))
        .options(selectinload(TeamGrant.user), selectinload(TeamGrant.actor))
        .order_by(TeamGrant.id)
    )
    found = list(db.session.scalars(query))
    return sorted(found, key=lambda g: (g.user is None, (g.user.email if g.user else g.actor.code), g.right))


def inherited(event: Event) -> list[TeamGrant]:
    """What the meeting's team holds through its series."""
    if event.series_id is None:
        return []
    return grants(event.series)


@dataclass
class GrantData:
    right: str
    email: str = ""
    body: str = ""


def holder(grant: TeamGrant) -> str | dict:
    """As the history shows the holder: a user's e-mail address, a body's name in six languages."""
    return grant.user.email if grant.user is not None else dict(grant.actor.name)


def give(subject: Event | Series, data: GrantData) -> TeamGrant:
    """Gives a right to one organiser (by e-mail) or to the staff of a body (by code); giving it twice is refused."""
    errors: dict[str, object] = {}
    if data.right not in MEETING_RIGHTS:
        errors["right"] = _l("Unknown right.")
    user = actor = None
    if bool(data.email.strip()) == bool(data.body.strip()):
        errors["email"] = _l("Give either the e-mail address of an organiser or an organising body.")
    elif data.email.strip():
        user = db.session.scalar(select(User).where(User.email == data.email.strip().lower()))
        if user is None:
            errors["email"] = _l("Nobody has an account with this e-mail address.")
        elif not has_role(user, Role.ORGANISER):
            errors["email"] = _l("Only organisers can be given rights on a meeting.")
    else:
        actor = db.session.scalar(select(Actor).where(Actor.code == data.body.strip()))
        if actor is None:
            errors["body"] = _l("Unknown body: %(codes)s.", codes=data.body.strip())
    if not errors:
        same_holder = TeamGrant.user_id == user.id if user is not None else TeamGrant.actor_id == actor.id
        duplicate = select(TeamGrant.id).where(_subject_filter(subject), same_holder, TeamGrant.right == data.right)
        if db.session.scalar(duplicate) is not None:
            errors["right"] = _l("This right is already given.")
    if errors:
        raise TeamError(errors)
    grant = TeamGrant(right=MeetingRight(data.right), user=user, actor=actor)
    if isinstance(subject, Event):
        grant.event = subject
    else:
        grant.series = subject
    db.session.add(grant)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Given by someone else at the same instant: the database keeps one (uq_team_grants_once).
        db.session.rollback()
        raise TeamError({"right": _l("This right is already given.")}) from error
    kind, subject_id = _audit_subject(subject)
    audit.record(kind, subject_id, "team", {f"team:{grant.right}": [None, holder(grant)]})
    forget_team_rights()
    return grant


def take_back(subject: Event | Series, grant_id: int) -> TeamGrant:
    grant = db.session.scalar(select(TeamGrant).where(TeamGrant.id == grant_id, _subject_filter(subject)))
    if grant is None:
        raise LookupError(grant_id)
    kind, subject_id = _audit_subject(subject)
    audit.record(kind, subject_id, "team", {f"team:{grant.right}": [holder(grant), None]})
    db.session.delete(grant)
    db.session.flush()
    forget_team_rights()
    return grant
