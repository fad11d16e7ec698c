"""Who may see a meeting or a series, and who may do what on it: its team's rights, written once.

A meeting's team is the users (organisers) and the organising bodies' staff given rights on it or on its series.
Anyone sees a published meeting; a draft, or a meeting cancelled before it was ever published, only its team.
Views and API operations load a meeting through events.access (which asks these rules) or ask `can`; lists use
the query helpers below; services that act on what a user names (a series, a meeting of an outcome) ask `can`.
"""

from dataclasses import dataclass, field
from functools import partial

from flask import g
from sqlalchemy import and_, false, or_, select, true

from core.db import db
from core.rules import Role, can, has_role, is_admin, rule
from events.models import MEETING_RIGHTS, Event, MeetingRight, Series, TeamGrant

SEE = "see"
CREATE = "create"


@dataclass
class TeamRights:
    """The rights one organiser holds, read once per request: by meeting and by series."""

    events: dict[int, set[MeetingRight]] = field(default_factory=dict)
    series: dict[int, set[MeetingRight]] = field(default_factory=dict)

    def on(self, event: Event) -> set[MeetingRight]:
        return self.events.get(event.id, set()) | self.series.get(event.series_id, set())

    def on_series(self, series: Series) -> set[MeetingRight]:
        return self.series.get(series.id, set())


def _held_by(user):
    """The grants that are the user's: their own, and their body's."""
    holders = [TeamGrant.user_id == user.id]
    if user.body_id is not None:
        holders.append(TeamGrant.actor_id == user.body_id)
    return or_(*holders)


def team_rights(user) -> TeamRights:
    """What the user's own grants and their body's give them; only organisers hold team rights."""
    if not has_role(user, Role.ORGANISER):
        return TeamRights()
    cache = g.setdefault("team_rights", {})
    if user.id not in cache:
        rights = TeamRights()
        query = select(TeamGrant.event_id, TeamGrant.series_id, TeamGrant.right).where(_held_by(user))
        for event_id, series_id, right in db.session.execute(query):
            if event_id is not None:
                rights.events.setdefault(event_id, set()).add(right)
            else:
                rights.series.setdefault(series_id, set()).add(right)
        cache[user.id] = rights
    return cache[user.id]


def forget_team_rights() -> None:
    """After a change to any team, rights are read again."""
    g.pop("team_rights", None)


def _holds(rights: set[MeetingRight], right: MeetingRight) -> bool:
    return right in rights or MeetingRight.MANAGE in rights


# Rules ----------------------------------------------------------------------------------------------------------


@rule(Event, SEE)
def _sees_meeting(user, event: Event) -> bool:
    return event.is_public or bool(team_rights(user).on(event))


def _holds_on_meeting(user, event: Event, right: MeetingRight) -> bool:
    return _holds(team_rights(user).on(event), right)


def _holds_on_series(user, series: Series, right: MeetingRight) -> bool:
    return _holds(team_rights(user).on_series(series), right)


for _right in MEETING_RIGHTS:
    rule(Event, _right)(partial(_holds_on_meeting, right=_right))
    rule(Series, _right)(partial(_holds_on_series, right=_right))


@rule(Series, SEE)
def _sees_series(user, series: Series) -> bool:
    return True


@rule(Event, CREATE)
@rule(Series, CREATE)
def _creates_meetings(user, _subject) -> bool:
    return has_role(user, Role.ORGANISER)


# Queries --------------------------------------------------------------------------------------------------------


def _team_meetings(user, rights: tuple[MeetingRight, ...] = MEETING_RIGHTS):
    """Meetings whose team (or whose series' team) gives the user one of `rights`, as a subquery: an organiser may
    be on thousands of teams, which no list of ids in the statement should carry."""
    if not has_role(user, Role.ORGANISER):
        return false()
    held = and_(_held_by(user), TeamGrant.right.in_(rights))
    # A grant on a series has no event_id and one on a meeting no series_id: the NULLs match nothing in IN.
    return or_(
        Event.id.in_(select(TeamGrant.event_id).where(held)),
        Event.series_id.in_(select(TeamGrant.series_id).where(held)),
    )


def visible_meetings(user):
    """_sees_meeting as a WHERE clause: the published meetings, and those of the user's teams."""
    if is_admin(user):
        return true()
    return or_(Event.is_public, _team_meetings(user))


def meetings_with(user, right: MeetingRight):
    """_holds_on_meeting as a WHERE clause: the meetings on which the user holds `right` (or manages them)."""
    if is_admin(user):
        return true()
    return _team_meetings(user, (right, MeetingRight.MANAGE))


# Loading --------------------------------------------------------------------------------------------------------


class NotVisible(LookupError):
    """No such meeting, or one the user may not see: the same answer for both."""


class NotAllowed(PermissionError):
    """The user sees the meeting but lacks the right (or is not signed in)."""


def check(user, subject, right: str | None = None) -> None:
    """Raises NotVisible when the user may not see the meeting or series, NotAllowed without the right."""
    if subject is None or not can(user, SEE, subject):
        raise NotVisible
    if right is not None and not can(user, right, subject):
        raise NotAllowed
