"""Every rule and state machine as a table: who × right × state → allowed, checked against what the code decides.

The tables are written here by hand from the product's rules (DESIGN.md, the issues), not computed from the code,
so that a rule changed in the code fails here. Each SQL helper is also checked to agree with its Python rule.
"""

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from accounts.models import User
from core.db import db, utcnow
from core.formulas import needs_quote_prefix
from core.rules import can
from events.models import MEETING_RIGHTS, TRANSITIONS, Event, EventStatus, Series, TeamGrant
from events.rules import CREATE, SEE, meetings_with, visible_meetings
from materials.models import PARTICIPANTS, PUBLIC, RESTRICTED, Material
from materials.rules import Reader
from outcomes import rules as outcome_rules
from outcomes.models import EDITABLE_BY_RAPPORTEUR, REVIEW_TRANSITIONS, Outcome, ReviewState
from participants import rules as participant_rules
from participants.models import (
    ADMITTED,
    INVITATION_TRANSITIONS,
    REGISTRATION_TRANSITIONS,
    SEAT_HOLDING,
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationStatus,
)
from tests import factories
from tests.conftest import unit_of_work

ANONYMOUS = AnonymousUserMixin()
TEAM_RIGHTS = {
    # Who holds what on the meeting under test ("outsider" is an organiser of no team).
    "manager": set(MEETING_RIGHTS),
    "programmer": {"programme"},
    "body_staff": {"registrations"},
    "series_reviewer": {"review"},
    "admin": set(MEETING_RIGHTS),
}
PEOPLE = ["anonymous", "participant", "rapporteur", "outsider", "rapporteur_of_body", *TEAM_RIGHTS]
STATES = ["published", "draft", "cancelled_unpublished", "cancelled_published"]


@pytest.fixture
def world(app):
    """One meeting per state in one series, and one person per kind of reader."""
    ids = {
        "participant": factories.user(app, "participant"),
        "rapporteur": factories.user(app, "rapporteur"),
        "outsider": factories.user(app, "organiser"),
        "rapporteur_of_body": factories.user(app, "rapporteur", body="odihr"),
        "manager": factories.user(app, "organiser"),
        "programmer": factories.user(app, "organiser"),
        "body_staff": factories.user(app, "organiser", body="odihr"),
        "series_reviewer": factories.user(app, "organiser"),
        "admin": factories.user(app, "admin"),
    }
    with unit_of_work(app):
        series = Series(slug="rule-series", title={"en": "Series"})
        db.session.add(series)
        db.session.flush()
        series_id = series.id
    events = {}
    for state in STATES:
        event_id = factories.meeting(app, slug=f"rules-{state.replace('_', '-')}", team=[ids["manager"]])
        factories.grant(app, event_id, "programme", user_id=ids["programmer"])
        factories.grant(app, event_id, "registrations", body="odihr")
        with unit_of_work(app):
            event = db.session.get(Event, event_id)
            event.series_id = series_id
            if state == "draft":
                event.status, event.published_at = EventStatus.DRAFT, None
            elif state == "cancelled_unpublished":
                event.status, event.published_at = EventStatus.CANCELLED, None
            elif state == "cancelled_published":
                event.status = EventStatus.CANCELLED
        events[state] = event_id
    with unit_of_work(app):
        db.session.add(TeamGrant(series_id=series_id, user_id=ids["series_reviewer"], right="review"))
    return ids, events


def person(who: str, ids: dict):
    return ANONYMOUS if who == "anonymous" else db.session.get(User, ids[who])


def expected_meeting_right(who: str, right: str, state: str) -> bool:
    held = TEAM_RIGHTS.get(who, set())
    if right == SEE:
        return state in ("published", "cancelled_published") or bool(held)
    return right in held


def test_meeting_rights_table(app, world):
    ids, events = world
    with app.app_context():
        actual, expected = {}, {}
        for who in PEOPLE:
            for state, event_id in events.items():
                event = db.session.get(Event, event_id)
                for right in (SEE, *MEETING_RIGHTS):
                    actual[(who, right, state)] = can(person(who, ids), right, event)
                    expected[(who, right, state)] = expected_meeting_right(who, right, state)
                db.session.expire_all()
    assert actual == expected


def test_visible_meetings_and_meetings_with_agree_with_the_rules(app, world):
    ids, events = world
    with app.app_context():
        for who in PEOPLE:
            reader = person(who, ids)
            seen = set(db.session.scalars(select(Event.id).where(visible_meetings(reader))))
            assert seen == {e for e in events.values() if can(reader, SEE, db.session.get(Event, e))}, who
            for right in MEETING_RIGHTS:
                holding = set(db.session.scalars(select(Event.id).where(meetings_with(reader, right))))
                assert holding == {e for e in events.values() if can(reader, right, db.session.get(Event, e))}, (
                    who,
                    right,
                )


def test_only_organisers_create_meetings(app, world):
    ids, _events = world
    with app.app_context():
        creators = {who for who in PEOPLE if can(person(who, ids), CREATE, Event)}
    # Organisers may create meetings (and then manage those); rights on others' come from their teams.
    assert creators == {"outsider", "manager", "programmer", "body_staff", "series_reviewer", "admin"}


def test_a_right_on_a_series_holds_on_each_of_its_meetings_and_on_the_series(app, world):
    ids, events = world
    with app.app_context():
        reviewer = db.session.get(User, ids["series_reviewer"])
        series = db.session.scalar(select(Series).where(Series.slug == "rule-series"))
        assert can(reviewer, "review", series) and not can(reviewer, "manage", series)
        assert all(can(reviewer, "review", db.session.get(Event, e)) for e in events.values())


# State machines ----------------------------------------------------------------------------------------------

MEETING_STEPS = {
    "draft": {"publish": "open", "cancel": "cancelled"},
    "open": {"close": "closed", "cancel": "cancelled"},
    "closed": {"reopen": "open", "hold": "held", "cancel": "cancelled"},
    "held": {"archive": "archived"},
    "archived": {},
    "cancelled": {"redraft": "draft"},
}
P, CF, W, CA, AT = "pending", "confirmed", "waitlisted", "cancelled", "attended"
REGISTRATION_STEPS = {
    None: {"confirm": CF, "await_approval": P, "wait": W},
    P: {"approve": CF, "cancel": CA},
    CF: {"cancel": CA, "check_in": AT},
    W: {"promote": CF, "promote_for_approval": P, "cancel": CA},
    CA: {"confirm": CF, "await_approval": P, "wait": W},
    AT: {"undo_check_in": CF},
}
INVITATION_STEPS = {
    "draft": {"send": "sent"},
    "sent": {"open": "opened", "accept": "accepted", "decline": "declined", "substitute": "declined"},
    "opened": {"accept": "accepted", "decline": "declined", "substitute": "declined"},
    "accepted": {},
    "declined": {},
}
REVIEW_STEPS = {
    "draft": {"submit": "submitted"},
    "submitted": {"approve": "approved", "return": "returned"},
    "approved": {},
    "returned": {"submit": "submitted"},
}


@pytest.mark.parametrize(
    ("machine", "table", "states"),
    [
        (TRANSITIONS, MEETING_STEPS, list(EventStatus)),
        (REGISTRATION_TRANSITIONS, REGISTRATION_STEPS, [None, *RegistrationStatus]),
        (INVITATION_TRANSITIONS, INVITATION_STEPS, list(InvitationStatus)),
        (REVIEW_TRANSITIONS, REVIEW_STEPS, list(ReviewState)),
    ],
    ids=["meeting", "registration", "invitation", "review"],
)
def test_each_state_allows_exactly_its_steps(machine, table, states):
    every_step = set(machine.steps)
    for state in states:
        allowed = table[state]
        assert {step: machine.check(state, step) for step in allowed} == allowed, state
        for step in every_step - set(allowed):
            assert not machine.allows(state, step), (state, step)


@pytest.mark.parametrize("status", list(EventStatus))
def test_which_meetings_show_as_cancelled(status):
    assert Event(status=status).is_cancelled is (status == "cancelled")


def test_what_holds_a_seat_and_who_is_a_participant():
    assert {P, CF, AT} == SEAT_HOLDING
    assert {CF, AT} == ADMITTED


# Registration ------------------------------------------------------------------------------------------------

ARRIVALS = [
    # capacity, seats taken, approval asked → where a newcomer goes
    (None, 0, False, "confirm"),
    (None, 500, True, "await_approval"),
    (10, 0, False, "confirm"),
    (10, 9, False, "confirm"),
    (10, 9, True, "await_approval"),
    (10, 10, False, "wait"),
    (10, 10, True, "wait"),
    (10, 11, False, "wait"),
    (1, 0, True, "await_approval"),
    (1, 1, False, "wait"),
]


@pytest.mark.parametrize(("capacity", "taken", "approval", "step"), ARRIVALS)
def test_where_a_newcomer_goes(capacity, taken, approval, step):
    event = Event(capacity=capacity, requires_approval=approval)
    assert participant_rules.arrival_step(event, taken) == step
    assert participant_rules.free_seats(event, taken) == (None if capacity is None else max(capacity - taken, 0))


@pytest.mark.parametrize(("approval", "step"), [(False, "promote"), (True, "promote_for_approval")])
def test_promotion_respects_approval(approval, step):
    assert participant_rules.promotion_step(Event(requires_approval=approval)) == step


NOW = utcnow()


@pytest.mark.parametrize(
    ("status", "deadline", "ends", "open_"),
    [
        ("open", None, NOW + timedelta(days=1), True),
        ("open", NOW + timedelta(hours=1), NOW + timedelta(days=1), True),
        ("open", NOW - timedelta(hours=1), NOW + timedelta(days=1), False),
        ("open", None, NOW - timedelta(hours=1), False),
        ("draft", None, NOW + timedelta(days=1), False),
        ("closed", None, NOW + timedelta(days=1), False),
        ("held", None, NOW + timedelta(days=1), False),
        ("cancelled", None, NOW + timedelta(days=1), False),
    ],
)
def test_when_registration_is_open(status, deadline, ends, open_):
    event = Event(status=EventStatus(status), registration_deadline=deadline, ends_at=ends)
    assert participant_rules.registration_open(event, now=NOW) is open_


INVITATIONS = [
    # visibility, the invitation's state ("other" for another meeting's, None for none) → may register
    ("public", None, True),
    ("public", "sent", True),
    ("public", "accepted", False),
    ("public", "declined", False),
    ("public", "expired", False),
    ("public", "other", False),
    ("invitation", None, False),
    ("invitation", "draft", False),
    ("invitation", "sent", True),
    ("invitation", "opened", True),
    ("invitation", "accepted", False),
    ("invitation", "declined", False),
    ("invitation", "expired", False),
    ("invitation", "other", False),
]


@pytest.mark.parametrize(("visibility", "state", "admitted"), INVITATIONS)
def test_who_an_invitation_admits(visibility, state, admitted):
    event = Event(id=1, visibility=visibility)
    invitation = None
    if state is not None:
        expired = state == "expired"
        invitation = Invitation(
            event_id=2 if state == "other" else 1,
            status=InvitationStatus.SENT if state in ("expired", "other") else InvitationStatus(state),
            expires_at=utcnow() + timedelta(days=-1 if expired else 1),
        )
    assert participant_rules.admits(invitation, event) is admitted


@pytest.mark.parametrize(
    ("stored", "past_expiry", "shown"),
    [
        ("draft", False, "draft"),
        ("draft", True, "expired"),
        ("sent", True, "expired"),
        ("opened", True, "expired"),
        ("opened", False, "opened"),
        ("accepted", True, "accepted"),
        ("declined", True, "declined"),
    ],
)
def test_an_unanswered_invitation_expires(stored, past_expiry, shown):
    invitation = Invitation(status=InvitationStatus(stored), expires_at=NOW + timedelta(days=-1 if past_expiry else 1))
    assert participant_rules.invitation_status(invitation, now=NOW) == shown


@pytest.mark.parametrize(
    ("status", "same_meeting", "participates"),
    [(s, True, s in (CF, AT)) for s in RegistrationStatus] + [(CF, False, False)],
)
def test_who_participates(status, same_meeting, participates):
    registration = Registration(event_id=1 if same_meeting else 2, status=RegistrationStatus(status))
    assert participant_rules.participates(registration, Event(id=1)) is participates


# Documents ---------------------------------------------------------------------------------------------------

READERS = {
    "stranger": Reader(),
    "participant": Reader(participant=True),
    "rapporteur": Reader(rapporteur=True),
    "team": Reader(keeps_documents=True),
}
DOCUMENTS = [
    # distribution, named roles → the readers who read it
    (PUBLIC, [], {"stranger", "participant", "rapporteur", "team"}),
    (PARTICIPANTS, [], {"participant", "team"}),
    (RESTRICTED, [], {"team"}),
    (RESTRICTED, ["rapporteur"], {"rapporteur", "team"}),
    (RESTRICTED, ["participant"], {"participant", "team"}),
    (RESTRICTED, ["rapporteur", "participant"], {"participant", "rapporteur", "team"}),
    (PARTICIPANTS, ["rapporteur"], {"participant", "team"}),
]


@pytest.mark.parametrize(("distribution", "named", "readers"), DOCUMENTS)
def test_who_reads_a_document(distribution, named, readers):
    material = Material(distribution=distribution, allowed_roles=named)
    assert {name for name, reader in READERS.items() if reader.may_read(material)} == readers


# Outcomes ----------------------------------------------------------------------------------------------------

OUTCOME_PEOPLE = ["anonymous", "participant", "own_rapporteur", "other_rapporteur", "reviewer", "outsider", "admin"]


def expected_outcome_right(who: str, right: str, state: str, meeting: str) -> bool:
    """meeting: "public", "hidden" (a draft), or "plan" for what the plan sets itself, which only admins review."""
    reviewer = who == "admin" or (who == "reviewer" and meeting != "plan")
    own = who == "own_rapporteur"
    if right == outcome_rules.SEE:
        return (state == "approved" and meeting != "hidden") or own or reviewer
    if right == outcome_rules.EDIT:
        return reviewer or (own and state in ("draft", "returned"))
    if right == outcome_rules.REVIEW:
        return reviewer
    return own or reviewer  # FOLLOW


def test_outcome_rights_table(app):
    ids = {
        "participant": factories.user(app, "participant"),
        "own_rapporteur": factories.user(app, "rapporteur"),
        "other_rapporteur": factories.user(app, "rapporteur"),
        "reviewer": factories.user(app, "organiser"),
        "outsider": factories.user(app, "organiser"),
        "admin": factories.user(app, "admin"),
    }
    public = factories.meeting(app, slug="outcomes-public")
    hidden = factories.meeting(app, slug="outcomes-hidden", status="draft")
    for event_id in (public, hidden):
        factories.grant(app, event_id, "review", user_id=ids["reviewer"])
    outcomes = {
        (state, meeting): factories.outcome(app, event_id, ids["own_rapporteur"], state)
        for state in ReviewState
        for meeting, event_id in (("public", public), ("hidden", hidden), ("plan", None))
    }
    rights = (outcome_rules.SEE, outcome_rules.EDIT, outcome_rules.REVIEW, outcome_rules.FOLLOW)
    with app.app_context():
        actual, expected = {}, {}
        for who in OUTCOME_PEOPLE:
            reader = person(who, ids)
            for (state, meeting), outcome_id in outcomes.items():
                row = db.session.get(Outcome, outcome_id)
                for right in rights:
                    actual[(who, right, state, meeting)] = can(reader, right, row)
                    expected[(who, right, state, meeting)] = expected_outcome_right(who, right, state, meeting)
            visible = set(db.session.scalars(select(Outcome.id).where(outcome_rules.visible_outcomes(reader))))
            assert visible == {o for key, o in outcomes.items() if expected[(who, outcome_rules.SEE, *key)]}, who
    assert actual == expected
    assert {"draft", "returned"} == EDITABLE_BY_RAPPORTEUR


def test_who_records_outcomes_for_a_meeting(app):
    ids = {
        "participant": factories.user(app, "participant"),
        "rapporteur": factories.user(app, "rapporteur"),
        "reviewer": factories.user(app, "organiser"),
        "manager": factories.user(app, "organiser"),
        "programmer": factories.user(app, "organiser"),
        "outsider": factories.user(app, "organiser"),
        "admin": factories.user(app, "admin"),
    }
    event_id = factories.meeting(app, slug="recording", team=[ids["manager"]])
    factories.grant(app, event_id, "review", user_id=ids["reviewer"])
    factories.grant(app, event_id, "programme", user_id=ids["programmer"])
    with app.app_context():
        event = db.session.get(Event, event_id)
        recorders = {who for who in ["anonymous", *ids] if can(person(who, ids), outcome_rules.RECORD, event)}
    assert recorders == {"rapporteur", "reviewer", "manager", "admin"}
    hidden = factories.meeting(app, slug="recording-draft", team=[ids["manager"]], status="draft")
    factories.grant(app, hidden, "review", user_id=ids["reviewer"])
    with app.app_context():
        # A meeting a rapporteur may not see is none they record for.
        event = db.session.get(Event, hidden)
        recorders = {who for who in ["anonymous", *ids] if can(person(who, ids), outcome_rules.RECORD, event)}
    assert recorders == {"reviewer", "manager", "admin"}
    with app.app_context():
        # What the plan sets itself, which no meeting decided: rapporteurs record it (administrators review it).
        recorders = {who for who in ["anonymous", *ids] if can(person(who, ids), outcome_rules.RECORD, Outcome)}
    assert recorders == {"rapporteur", "admin"}


# Spreadsheets -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ('=HYPERLINK("http://evil.example")', True),
        ("+1+1", True),
        ("+41 22 749 00 00", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("\t=1+1", True),
        ("\r=1+1", True),
        ("Plain text", False),
        ("a=b", False),
        (" =1", False),
        ("", False),
        (42, False),
        (None, False),
    ],
)
def test_what_a_spreadsheet_would_evaluate_is_kept_as_text(value, quoted):
    assert needs_quote_prefix(value) is quoted


# The machinery the tables rely on -----------------------------------------------------------------------------


def test_a_state_machine_checks_each_step_from_its_sources():
    from enum import StrEnum

    from core.states import NotPossible, Transitions

    class Light(StrEnum):
        RED = "red"
        GREEN = "green"
        AMBER = "amber"

    lights = Transitions({"go": ({Light.RED}, Light.GREEN), "slow": ({Light.GREEN}, Light.AMBER)})
    assert lights.check(Light.RED, "go") == Light.GREEN
    assert lights.possible(Light.GREEN) == ["slow"] and lights.targets(Light.GREEN) == [Light.AMBER]
    assert lights.targets(None) == [] and lights.possible(Light.AMBER) == []
    assert lights.step_to(Light.RED, "green") == "go"
    with pytest.raises(NotPossible) as refused:
        lights.check(Light.AMBER, "go")
    assert (refused.value.step, refused.value.state, str(refused.value)) == (
        "go",
        "amber",
        "go is not possible from amber",
    )
    with pytest.raises(NotPossible) as refused:
        lights.step_to(Light.RED, "amber")
    assert (refused.value.step, refused.value.state) == ("to amber", Light.RED)


def test_a_rule_is_written_once():
    from core.rules import rule

    class Subject:
        pass

    rule(Subject, "look")(lambda user, subject: True)
    assert can(ANONYMOUS, "look", Subject())
    with pytest.raises(ValueError, match="Subject: the rule for 'look' is written twice"):
        rule(Subject, "look")(lambda user, subject: False)
    with pytest.raises(KeyError):
        can(ANONYMOUS, "touch", Subject())


@pytest.mark.parametrize(
    ("role", "asked", "has"),
    [
        (None, ("participant",), False),
        ("participant", ("participant",), True),
        ("participant", ("organiser",), False),
        ("rapporteur", ("rapporteur", "organiser"), True),
        ("organiser", ("rapporteur",), False),
        ("admin", ("rapporteur",), True),
        ("admin", ("participant",), True),
    ],
)
def test_has_role(app, role, asked, has):
    from core.rules import has_role, is_admin

    with app.app_context():
        user = ANONYMOUS if role is None else db.session.get(User, factories.user(app, role))
        assert has_role(user, *asked) is has
        assert is_admin(user) is (role == "admin")


def test_rights_are_read_again_once_a_team_changes(app):
    from events import team

    organiser = factories.user(app, "organiser", email="late@example.org")
    event_id = factories.meeting(app, slug="late")
    with app.app_context():
        user, event = db.session.get(User, organiser), db.session.get(Event, event_id)
        assert not can(user, "programme", event)
        team.give(event, team.GrantData(right="programme", email="late@example.org"))
        assert can(user, "programme", event)
        [grant] = team.grants(event)
        team.take_back(event, grant.id)
        assert not can(user, "programme", event)


@pytest.mark.parametrize(("offset", "expired"), [(-1, False), (0, False), (1, True)])
def test_an_invitation_expires_only_after_its_instant(offset, expired):
    invitation = Invitation(status=InvitationStatus.SENT, expires_at=NOW)
    later = NOW + timedelta(seconds=offset)
    assert (participant_rules.invitation_status(invitation, now=later) == "expired") is expired
    assert participant_rules.invitation_allows(invitation, "accept", now=later) is not expired


@pytest.mark.parametrize(("offset", "open_"), [(-1, True), (0, True), (1, False)])
def test_registration_closes_only_after_its_deadline(offset, open_):
    event = Event(status=EventStatus.OPEN, registration_deadline=NOW, ends_at=NOW + timedelta(days=1))
    assert participant_rules.registration_open(event, now=NOW + timedelta(seconds=offset)) is open_


def test_the_invitation_filter_in_sql_agrees_with_what_readers_see(app):
    """At a moment far from the clock's (so that only the instant given counts), with expiries just before, at
    and just after it."""
    event_id = factories.meeting(app, slug="filtering")
    moment = NOW - timedelta(days=30)
    rows = {}
    for stored in InvitationStatus:
        for offset in (-1, 0, 1):
            email = f"{stored}{offset}@example.org"
            invitation_id, _token = factories.invitation(app, event_id, email=email, status=stored)
            with unit_of_work(app):
                db.session.get(Invitation, invitation_id).expires_at = moment + timedelta(seconds=offset)
            rows[invitation_id] = (stored, offset)
    with app.app_context():
        shown = {i: participant_rules.invitation_status(db.session.get(Invitation, i), now=moment) for i in rows}
        for status in ("draft", "sent", "opened", "accepted", "declined", "expired"):
            clause = participant_rules.invitations_with_status(status, now=moment)
            found = set(db.session.scalars(select(Invitation.id).where(clause)))
            assert found == {i for i, seen in shown.items() if seen == status}, status
    # Expired: the three unanswered ones whose instant had passed.
    assert sorted(shown.values()).count("expired") == 3


def test_who_reads_which_mail_in_the_outbox(app, world):
    from core.mail import OutboxMessage, enqueue

    ids, events = world
    with unit_of_work(app):
        queued = [enqueue("a@example.org", "Meeting", "Body", event_id=events["published"]), enqueue("b@x.org", "", "")]
        db.session.flush()
        of_meeting, of_no_meeting = (message.id for message in queued)
    with app.app_context():
        actual = {
            who: set(
                db.session.scalars(select(OutboxMessage.id).where(participant_rules.readable_mail(person(who, ids))))
            )
            for who in PEOPLE
        }
    # The registrations team (and a manager, who holds every right) reads its meeting's mail; only administrators
    # read mail that belongs to no meeting.
    assert actual == {
        who: (
            {of_meeting, of_no_meeting}
            if who == "admin"
            else {of_meeting}
            if who in ("manager", "body_staff")
            else set()
        )
        for who in PEOPLE
    }
