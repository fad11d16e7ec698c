"""Small factories for tests that need one meeting and a few people, not the whole demo.

Each writes through the real models in its own unit of work and returns ids; tests load what they check afresh.
"""

import secrets
from datetime import timedelta

from core.db import db, utcnow
from events.models import Event, MeetingRight, TeamGrant
from outcomes.models import Outcome
from participants import tokens
from participants.models import Invitation, InvitationStatus, Person, Registration
from participants.services import manage_token
from plan.services import paragraphs_by_reference
from tests.agenda_helpers import FUTURE, make_event
from tests.conftest import unit_of_work

PASSWORD = "correct horse battery"


def user(app, role="organiser", email=None, body=None) -> int:
    """A user of this role; `body` (an actor's code) makes an organiser one of that body's staff."""
    from accounts.services import create_user
    from plan.models import Actor

    with unit_of_work(app):
        created = create_user(email or f"{role}-{secrets.token_hex(3)}@example.org", PASSWORD, role)
        if body:
            created.body_id = db.session.scalar(db.select(Actor.id).where(Actor.code == body))
        return created.id


def meeting(app, slug="meeting", team=(), status="open", **extra) -> int:
    """A meeting next year, with only the team named (user ids holding MANAGE); `status` draft keeps it a draft."""
    event_id = make_event(app, slug=slug, start=FUTURE, team=[], **extra)
    with unit_of_work(app):
        event = db.session.get(Event, event_id)
        if status == "draft":
            event.status, event.published_at = "draft", None
        elif status != "open":
            event.status = status
        for user_id in team:
            db.session.add(TeamGrant(event_id=event_id, user_id=user_id, right=MeetingRight.MANAGE))
    return event_id


def grant(app, event_id, right, user_id=None, body=None) -> int:
    from plan.models import Actor

    with unit_of_work(app):
        actor_id = db.session.scalar(db.select(Actor.id).where(Actor.code == body)) if body else None
        row = TeamGrant(event_id=event_id, user_id=user_id, actor_id=actor_id, right=MeetingRight(right))
        db.session.add(row)
        db.session.flush()
        return row.id


def registration(app, event_id, email="delegate@example.org", status="confirmed", user_id=None, created=0) -> int:
    """A registration in a given state, written directly (the services' own rules are tested through them)."""
    with unit_of_work(app):
        row = Registration(
            event_id=event_id,
            status=status,
            role="delegate",
            given_name="Dana",
            family_name=email.split("@")[0].title(),
            email=email,
            language="en",
            organisation="Ministry",
            consent_at=utcnow(),
            created_at=utcnow() + timedelta(seconds=created),
            user_id=user_id,
            manage_nonce=tokens.new_nonce(),
            manage_token_hash=secrets.token_hex(32),
            feed_token=secrets.token_urlsafe(32),
        )
        db.session.add(row)
        db.session.flush()
        row.manage_token_hash = tokens.token_hash(manage_token(row))
        return row.id


def invitation(app, event_id, email="invitee@example.org", status="sent") -> tuple[int, str]:
    """An invitation to a new person, and its link's token."""
    from participants.services import invitation_link_token

    with unit_of_work(app):
        person = Person(email=email, given_name="Ivan", family_name="Invitee", language="en")
        event = db.session.get(Event, event_id)
        row = Invitation(
            event_id=event_id,
            person=person,
            language="en",
            status=InvitationStatus(status),
            expires_at=event.ends_at,
            token_nonce=tokens.new_nonce(),
            token_hash=secrets.token_hex(32),
        )
        db.session.add(row)
        db.session.flush()
        token = invitation_link_token(row)
        row.token_hash = tokens.token_hash(token)
        return row.id, token


def outcome(app, event_id, rapporteur_id, review_state="draft") -> int:
    with unit_of_work(app):
        row = Outcome(
            event_id=event_id,
            kind="recommendation",
            text={"en": "Participating States should share information."},
            review_state=review_state,
            rapporteur_id=rapporteur_id,
        )
        row.paragraphs = list(paragraphs_by_reference(["bucharest-2001:20"]).values())
        db.session.add(row)
        db.session.flush()
        return row.id


def load(app, model, row_id):
    """A fresh copy of one row, detached, to assert on after requests."""
    with app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge(row)
        return row
