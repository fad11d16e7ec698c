"""A meeting's retention setting (participants.retention): its registrations' personal data are erased the set
number of months after it ends; the counts and the records stay, the personal links die."""

from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from core.db import db
from events.models import Event
from participants.models import Registration
from participants.services import manage_token
from tests import factories
from tests.agenda_helpers import make_event
from tests.conftest import unit_of_work


def _meeting(app, slug, ends, retention):
    event_id = make_event(app, slug=slug)
    with unit_of_work(app):
        event = db.session.get(Event, event_id)
        event.starts_at, event.ends_at = ends - timedelta(hours=9), ends
        event.retention_months = retention
    return event_id


def test_personal_data_go_once_the_retention_has_passed_and_only_then(app):
    now = datetime.now(UTC).replace(microsecond=0)
    old = _meeting(app, "old", now - relativedelta(months=13), 12)  # erased since a month ago
    recent = _meeting(app, "recent", now - relativedelta(months=11), 12)  # erased in a month
    kept = _meeting(app, "kept", now - relativedelta(years=6), None)  # no setting: kept
    ids = {
        event_id: factories.registration(app, event_id, email=f"delegate-{event_id}@example.org")
        for event_id in (old, recent, kept)
    }
    with app.app_context():
        link = manage_token(db.session.get(Registration, ids[old]))
        from participants.retention import erase_expired

        assert erase_expired(now) == 1
        db.session.commit()
        assert erase_expired(now) == 0  # once is enough
        erased = db.session.get(Registration, ids[old])
        assert (erased.email, erased.given_name, erased.family_name, erased.organisation) == ("", "", "", "")
        assert erased.status == "confirmed" and erased.personal_data_erased_at == now
        assert erased.full_name == "Personal data erased"
        for event_id in (recent, kept):
            assert db.session.get(Registration, ids[event_id]).email == f"delegate-{event_id}@example.org"
        assert db.session.scalar(select(func.count(Registration.id))) == 3
    assert app.test_client().get(f"/registrations/{link}").status_code == 404


def test_the_setting_is_given_in_the_meeting_form_and_held_to_its_range(app, organiser):
    import pytest

    from events.services import EventError, event_data, update_event

    event_id = make_event(app)
    page = organiser.get("/events/vienna-2026/edit?lang=en").get_data(as_text=True)
    assert 'name="retention_months"' in page
    with app.app_context():
        event = db.session.get(Event, event_id)
        for months, accepted in [(1, True), (120, True), (121, False), (0, False)]:
            data = event_data(event)
            data.retention_months = months
            if accepted:
                update_event(event, data, event.version)
                assert event.retention_months == months
            else:
                with pytest.raises(EventError) as refused:
                    update_event(event, data, event.version)
                assert "retention_months" in refused.value.errors
        db.session.rollback()


def test_the_command_erases_and_says_how_many(app):
    _meeting(app, "old", datetime.now(UTC) - relativedelta(months=2), 1)
    factories.registration(app, db_event_id(app, "old"))
    result = app.test_cli_runner().invoke(args=["registrations", "erase-expired"])
    assert result.exit_code == 0 and result.output.strip() == "Registrations whose personal data were erased: 1"


def db_event_id(app, slug):
    with app.app_context():
        return db.session.scalar(select(Event.id).where(Event.slug == slug))
