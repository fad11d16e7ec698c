from datetime import date

from sqlalchemy import func, select, text

from accounts.models import User
from core.db import db, utcnow
from outcomes import services
from tests.conftest import unit_of_work


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def record(app, email="rapporteur@example.org", approve_with=None, **overrides) -> int:
    data = dict(
        event_slug="bishkek-2001",
        kind="action_item",
        text={"en": "Secretariat to organise a follow-up workshop on border security."},
        paragraphs=["bucharest-2001:20"],
        actors=["secretariat"],
        deadline=date(2002, 10, 1),
    )
    data.update(overrides)
    with unit_of_work(app):
        outcome = services.create_outcome(services.OutcomeData(**data), user(email))
        if approve_with:
            services.submit(outcome, user(email))
            services.approve(outcome, user(approve_with))
        return outcome.id


def bulk_outcomes(app, count: int, paragraph_ref: str = "bucharest-2001:20") -> None:
    """`count` approved outcomes on one paragraph, written in bulk: the scale of years of follow-up."""
    from events.models import Event
    from outcomes.models import Outcome, outcome_actors, outcome_paragraphs
    from plan.models import Actor
    from plan.services import paragraphs_by_reference

    kinds = ("conclusion", "recommendation", "decision", "commitment", "action_item")
    statuses = ("proposed", "agreed", "in_progress", "implemented", "not_pursued")
    with app.app_context():
        paragraph = paragraphs_by_reference([paragraph_ref])[paragraph_ref]
        actor = db.session.scalar(select(Actor).where(Actor.code == "secretariat"))
        event_id = db.session.scalar(select(Event.id).order_by(Event.id))
        start = (db.session.scalar(select(func.max(Outcome.id))) or 0) + 1
        ids = range(start, start + count)
        db.session.execute(
            Outcome.__table__.insert(),
            [
                {
                    "id": i,
                    "event_id": event_id,
                    "kind": kinds[i % 5],
                    "text": {"en": f"Outcome {i}"},
                    "implementation_status": statuses[i % 5],
                    "review_state": "approved",
                    "review_comment": "",
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                    "version": 1,
                }
                for i in ids
            ],
        )
        db.session.execute(outcome_paragraphs.insert(), [{"outcome_id": i, "paragraph_id": paragraph.id} for i in ids])
        db.session.execute(
            outcome_actors.insert(), [{"outcome_id": i, "actor_id": actor.id, "position": 0} for i in ids]
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval('outcomes_id_seq', (SELECT max(id) FROM outcomes))"))
            db.session.commit()
