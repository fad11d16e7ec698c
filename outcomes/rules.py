"""Who may see, record, edit, review and follow outcomes, written once.

Approved outcomes of public meetings (and those the plan sets itself) are public. Until approved, an outcome is
seen by its rapporteur and by those who review its meeting's outcomes (the meeting's team holding the review
right). A rapporteur edits their own outcome while it is a draft or returned to them; reviewers edit it in any
state, approve or return it once submitted.
"""

from sqlalchemy import or_, select, true

from core.rules import Role, can, has_role, is_admin, rule
from events.models import Event, MeetingRight
from events.rules import SEE as SEE_MEETING
from events.rules import meetings_with
from outcomes.models import EDITABLE_BY_RAPPORTEUR, Outcome

SEE, RECORD, EDIT, REVIEW, FOLLOW = "see", "record", "edit", "review", "follow"


def _reviews(user, outcome: Outcome) -> bool:
    return outcome.event is not None and can(user, MeetingRight.REVIEW, outcome.event)


def _is_rapporteur_of(user, outcome: Outcome) -> bool:
    return bool(user is not None and user.is_authenticated and outcome.rapporteur_id == user.id)


@rule(Outcome, SEE)
def _sees(user, outcome: Outcome) -> bool:
    return outcome.is_public or _is_rapporteur_of(user, outcome) or _reviews(user, outcome)


@rule(Outcome, EDIT)
def _edits(user, outcome: Outcome) -> bool:
    if _reviews(user, outcome):
        return True
    return (
        has_role(user, Role.RAPPORTEUR)
        and _is_rapporteur_of(user, outcome)
        and outcome.review_state in EDITABLE_BY_RAPPORTEUR
    )


@rule(Outcome, REVIEW)
def _reviews_it(user, outcome: Outcome) -> bool:
    return _reviews(user, outcome)


@rule(Outcome, FOLLOW)
def _follows(user, outcome: Outcome) -> bool:
    """Status updates and the full history: reviewers, and the rapporteur who recorded it."""
    return _is_rapporteur_of(user, outcome) or _reviews(user, outcome)


@rule(Event, RECORD)
def _records_for(user, event: Event) -> bool:
    """Rapporteurs record the outcomes of any meeting they see; a meeting's reviewers record its outcomes too."""
    return can(user, SEE_MEETING, event) and (has_role(user, Role.RAPPORTEUR) or can(user, MeetingRight.REVIEW, event))


@rule(Outcome, RECORD)
def _records(user, _outcome) -> bool:
    """What the plan sets itself, tied to no meeting (which only administrators review): rapporteurs."""
    return has_role(user, Role.RAPPORTEUR)


def visible_outcomes(user):
    """_sees, as a WHERE clause for lists and counts."""
    if is_admin(user):
        return true()
    if user is None or not user.is_authenticated:
        return Outcome.is_public
    reviewed = Outcome.event_id.in_(select(Event.id).where(meetings_with(user, MeetingRight.REVIEW)))
    return or_(Outcome.is_public, Outcome.rapporteur_id == user.id, reviewed)
