"""Registration as delegates do it: the form, capacity and the waiting list, approval, the self-service link."""

import base64
import re
from datetime import datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from core.db import db
from core.mail import OutboxMessage
from events.models import Event
from events.services import change_status
from participants.models import Registration
from tests.agenda_helpers import FUTURE, add_session, make_event, publish
from tests.catalogs import translated
from tests.clock import YEAR
from tests.conftest import unit_of_work


def registration_form(**overrides):
    data = {
        "honorific": "Ms",
        "given_name": "Anna",
        "family_name": "Petrova",
        "function": "Counsellor",
        "delegation_code": "",
        "organisation": "Ministry of Foreign Affairs",
        "email": "anna@example.org",
        "language": "en",
        "interpretation_language": "ru",
        "role": "delegate",
        "accessibility_needs": "",
        "dietary_needs": "",
        "consent": "y",
    }
    data.update(overrides)
    return data


def registrations(app, slug="vienna-2026"):
    with app.app_context():
        return db.session.scalars(
            select(Registration).join(Registration.event).where(Event.slug == slug).order_by(Registration.id)
        ).all()


def mails(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def register(browser, slug="vienna-2026", **overrides):
    browser.get(f"/events/{slug}/register")
    return browser.post(f"/events/{slug}/register", registration_form(**overrides))


def manage_link(message: OutboxMessage) -> str:
    return re.search(r"http://localhost(/registrations/[\w-]+)", message.body_text).group(1)


def test_anyone_registers_for_an_open_meeting_and_gets_a_confirmation_with_the_programme(browser, app):
    event_id = make_event(app, start=FUTURE, capacity=50)
    add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11), "Opening")
    publish(app, event_id)
    response = register(browser, language="ru")
    assert response.status_code == 200
    [registration] = registrations(app)
    assert registration.status == "confirmed" and registration.interpretation_language == "ru"
    [message] = mails(app)
    assert message.recipient == "anna@example.org" and message.language == "ru"
    # The meeting has no Russian title: the English one stands in.
    assert message.subject == translated(
        "Registration confirmed: %(title)s", "ru", title="Conference on travel documents"
    )
    assert "/registrations/" in message.body_text and "/calendar/r/" in message.body_text
    [attachment] = message.attachments
    assert attachment["content_type"] == "text/calendar"
    assert b"SUMMARY:Opening" in base64.b64decode(attachment["content"])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": ""}, "Registration needs your consent to the processing of your personal data."),
        ({"email": "not an address"}, "This is not a valid e-mail address."),
        ({"organisation": "", "delegation_code": ""}, "Choose your delegation or give your organisation."),
    ],
    ids=["no-consent", "bad-email", "no-organisation"],
)
def test_bad_registrations_are_explained_in_the_reader_language_and_save_nothing(browser, app, overrides, message):
    make_event(app, start=FUTURE)
    browser.get("/events/vienna-2026/register?lang=it")
    response = browser.post("/events/vienna-2026/register", registration_form(**overrides))
    assert response.status_code == 400
    assert translated(message, "it") in unescape(response.get_data(as_text=True))
    assert registrations(app) == [] and mails(app) == []


def test_the_same_address_cannot_register_twice(browser, app):
    make_event(app, start=FUTURE)
    register(browser)
    response = register(browser, given_name="Another")
    assert response.status_code == 400
    assert "This e-mail address is already registered for the meeting." in response.get_data(as_text=True)
    assert len(registrations(app)) == 1


def test_when_full_registrations_join_the_waiting_list_in_order_and_a_cancellation_promotes_the_first(browser, app):
    make_event(app, start=FUTURE, capacity=2)
    for name in ("one", "two", "three", "four"):
        register(browser, email=f"{name}@example.org", given_name=name.title())
    assert [r.status for r in registrations(app)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    first_confirmation = mails(app)[0]
    browser.get(manage_link(first_confirmation))
    response = browser.post(manage_link(first_confirmation) + "/cancel")
    assert response.status_code == 302
    assert [r.status for r in registrations(app)] == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    promoted = mails(app)[-1]
    assert promoted.recipient == "three@example.org"
    assert promoted.subject == "A seat is available for you: Conference on travel documents"


def test_meetings_by_invitation_refuse_registration_without_one(browser, app):
    make_event(app, start=FUTURE, visibility="invitation")
    page = browser.get("/events/vienna-2026/register?lang=en").get_data(as_text=True)
    assert "This meeting is by invitation only." in page
    response = browser.post("/events/vienna-2026/register", registration_form())
    assert response.status_code == 400 and registrations(app) == []


def test_closed_meetings_refuse_registration(browser, app):
    event_id = make_event(app, start=FUTURE)
    with unit_of_work(app):
        change_status(db.session.get(Event, event_id), "closed")
    response = register(browser)
    assert response.status_code == 400
    assert "Registration for this meeting is closed." in response.get_data(as_text=True)
    assert registrations(app) == []


def test_approval_by_an_organiser(browser, organiser, app):
    make_event(app, start=FUTURE, requires_approval=True)
    register(browser)
    [registration] = registrations(app)
    assert registration.status == "pending"
    organiser.get("/events/vienna-2026/participants")
    organiser.post(f"/events/vienna-2026/participants/{registration.id}/approve")
    assert registrations(app)[0].status == "confirmed"
    assert mails(app)[-1].subject == "Registration confirmed: Conference on travel documents"


def test_the_self_service_link_shows_changes_and_cancels_only_that_registration(browser, app):
    make_event(app, start=FUTURE)
    register(browser)
    register(browser, email="other@example.org", given_name="Other")
    link = manage_link(mails(app)[0])
    page = browser.get(link + "?lang=en").get_data(as_text=True)
    assert "Anna" in page and "other@example.org" not in page
    browser.post(link, registration_form(dietary_needs="Vegetarian", email="hijack@example.org"))
    first, second = registrations(app)
    assert first.dietary_needs == "Vegetarian" and first.email == "anna@example.org"
    assert second.dietary_needs == ""
    assert browser.get("/registrations/guessed-token").status_code == 404
    assert browser.post("/registrations/guessed-token/cancel").status_code == 404
    assert [r.status for r in registrations(app)] == ["confirmed", "confirmed"]


def test_registration_feed_serves_the_programme_without_a_login(browser, app):
    event_id = make_event(app, start=FUTURE)
    add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11), "Opening")
    publish(app, event_id)
    register(browser)
    feed = re.search(r"http://localhost(/calendar/r/[\w-]+\.ics)", mails(app)[0].body_text).group(1)
    response = app.test_client().get(feed)
    assert response.status_code == 200 and b"SUMMARY:Opening" in response.data
    assert app.test_client().get("/calendar/r/not-a-token.ics").status_code == 404


def test_many_simultaneous_registrations_never_exceed_capacity(app):
    """The seat count is taken under a row lock (PostgreSQL) or SQLite's write lock: fire registrations at once
    and count."""
    import threading

    make_event(app, start=FUTURE, capacity=10)
    barrier = threading.Barrier(30)
    statuses = []

    def attempt(number):
        client = app.test_client()
        page = client.get("/events/vienna-2026/register").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        barrier.wait()
        response = client.post(
            "/events/vienna-2026/register",
            data={**registration_form(email=f"delegate{number}@example.org"), "csrf_token": token},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 30
    found = [r.status for r in registrations(app)]
    assert found.count("confirmed") == 10 and found.count("waitlisted") == 20
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 30
