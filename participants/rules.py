"""The rules of invitations and registration, written once: when registration is open, who an invitation admits,
what holds a seat, where a newcomer goes, whom a freed seat goes to, and who keeps the directory."""

from datetime import datetime

from sqlalchemy import and_, select, true

from core.db import utcnow
from core.mail import OutboxMessage
from core.rules import Role, has_role, is_admin, rule
from events.models import REGISTERING, Event, MeetingRight
from events.rules import meetings_with
from participants.models import (
    EXPIRED,
    INVITATION_TRANSITIONS,
    UNANSWERED,
    Invitation,
    InvitationStatus,
    Person,
    Registration,
)

USE_DIRECTORY = "use"


@rule(Person, USE_DIRECTORY)
def _keeps_the_directory(user, _person) -> bool:
    """The directory of people and delegations serves every meeting: organisers keep it."""
    return has_role(user, Role.ORGANISER)


def readable_mail(user):
    """The outbox a reader may read, as a WHERE clause: administrators all of it (mail of no meeting included), a
    meeting's registrations team the mail of that meeting."""
    if is_admin(user):
        return true()
    return OutboxMessage.event_id.in_(select(Event.id).where(meetings_with(user, MeetingRight.REGISTRATIONS)))


def invitation_status(invitation: Invitation, now: datetime | None = None) -> str:
    """The stored status, or "expired" for an invitation nobody answered before it expired."""
    if invitation.status in UNANSWERED and (now or utcnow()) > invitation.expires_at:
        return EXPIRED
    return invitation.status


def invitations_with_status(status: str, now: datetime | None = None):
    """invitation_status in SQL: a WHERE clause for the invitations whose status (as readers see it) is `status`."""
    now = now or utcnow()
    if status == EXPIRED:
        return and_(Invitation.status.in_(UNANSWERED), Invitation.expires_at < now)
    if status in UNANSWERED:
        return and_(Invitation.status == status, Invitation.expires_at >= now)
    return Invitation.status == status


def invitation_allows(invitation: Invitation, step: str, now: datetime | None = None) -> bool:
    """Whether the invitee may take this step (accept, decline, name a colleague) now; never once expired."""
    status = invitation_status(invitation, now)
    return status != EXPIRED and INVITATION_TRANSITIONS.allows(InvitationStatus(status), step)


def registration_open(event: Event, now: datetime | None = None) -> bool:
    """Open while the meeting takes registrations and neither its deadline nor its end has passed."""
    deadline = event.registration_deadline or event.ends_at
    return event.status in REGISTERING and (now or utcnow()) <= deadline


def admits(invitation: Invitation | None, event: Event) -> bool:
    """Whether this invitation (or none) lets someone register for the meeting: a public meeting takes anyone; one
    by invitation only the person an invitation of its own was sent to, and only while it can be accepted."""
    if invitation is not None and invitation.event_id != event.id:
        return False
    if event.visibility != "invitation" and invitation is None:
        return True
    return invitation is not None and invitation_allows(invitation, "accept")


def free_seats(event: Event, seats_taken: int) -> int | None:
    """None when the meeting has no limit."""
    return None if event.capacity is None else max(event.capacity - seats_taken, 0)


def arrival_step(event: Event, seats_taken: int) -> str:
    """Where a new registration goes: the waiting list when every seat is held, else approval or a seat."""
    if free_seats(event, seats_taken) == 0:
        return "wait"
    return "await_approval" if event.requires_approval else "confirm"


def promotion_step(event: Event) -> str:
    """A freed seat goes to the first on the waiting list: confirmed, or awaiting approval where approval is asked."""
    return "promote_for_approval" if event.requires_approval else "promote"


def participates(registration: Registration | None, event: Event) -> bool:
    """A participant of the meeting: a registration of that meeting that is confirmed or attended (not waiting,
    not awaiting approval, not cancelled)."""
    return registration is not None and registration.event_id == event.id and registration.is_admitted
