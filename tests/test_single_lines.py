"""One rule for single-line text (core.text): forms and the API refuse what a line may not hold, and what was stored
before the rule still goes out safely in mail headers, calendars and spreadsheets."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import vobject
from sqlalchemy import func, select

from core import mail
from core.db import db
from core.mail import OutboxMessage, deliver_due
from core.text import SINGLE_LINE_MESSAGE, is_single_line, one_line, paragraphs
from events.models import Event
from tests.agenda_helpers import add_session, make_event, publish
from tests.catalogs import translated
from tests.clock import YEAR
from tests.conftest import unit_of_work
from tests.smtp import port, smtp  # noqa: F401  (fixtures)
from tests.test_api import bearer, meeting_body, organiser_token  # noqa: F401  (fixture)
from tests.test_events import event_form
from tests.test_registration import register, registration_form

NOT_ONE_LINE = [
    "Title\nInjected",
    "Title\rInjected",
    "Title\r\nBcc: everyone@example.org",
    "Tab\there",
    "Bell\x07",
    "Next line\x85",
    "Line separator\u2028",
    "Override \u202eevil\u202c",
    "Isolate \u2066x\u2069",
    "Right-to-left mark\u200f",
    "Arabic letter mark\u061c",
    "Zero\u200bwidth",
    "Word\u2060joiner",
    "\ufeffByte-order mark",
]
ONE_LINE = ["Conférence de Bichkek", "Бишкекская конференция", "Straße", "Hofburg, Festsaal", "فارسی\u200cها", ""]


@pytest.mark.parametrize("value", NOT_ONE_LINE)
def test_what_a_line_may_not_hold(value):
    assert not is_single_line(value)
    assert is_single_line(one_line(value)) and "\n" not in one_line(value)


@pytest.mark.parametrize("value", ONE_LINE)
def test_what_a_line_may_hold(value):
    assert is_single_line(value) and one_line(value) == value


def test_paragraphs_keep_their_lines_and_lose_the_rest():
    assert paragraphs("One\r\nTwo\rThree\u2028Four\tfive\u202e\x07") == "One\nTwo\nThree\nFour\tfive"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title_en", "Seminar\nBEGIN:VEVENT"), ("venue", "Hofburg\r"), ("city", "Vi\u202eenna"), ("slug", "a\u200bb")],
)
def test_the_meeting_form_refuses_line_breaks_and_invisible_characters(app, organiser, field, value):
    before = _meetings(app)
    organiser.get("/events/new")
    refused = organiser.post("/events/new?lang=en", event_form(**{field: value}))
    assert refused.status_code == 400
    assert str(SINGLE_LINE_MESSAGE) in refused.get_data(as_text=True)
    assert _meetings(app) == before


def test_the_message_is_in_the_readers_language(app, organiser):
    organiser.get("/events/new?lang=fr")
    refused = organiser.post("/events/new", event_form(title_en="Seminar\nX"))
    french = translated("Write this on one line, without control characters or invisible formatting characters.", "fr")
    assert french != str(SINGLE_LINE_MESSAGE) and french in unescape(refused.get_data(as_text=True))


def test_a_text_area_keeps_its_paragraphs(app, organiser):
    organiser.get("/events/new")
    saved = organiser.post("/events/new", event_form(description_en="First.\r\n\r\nSecond."))
    assert saved.status_code == 302


def test_the_registration_form_refuses_them_too(app, browser):
    make_event(app)
    browser.get("/events/vienna-2026/register")
    refused = browser.post("/events/vienna-2026/register", registration_form(given_name="Anna\r\nBcc: x@example.org"))
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_api_answers_422_with_the_field(app, organiser_token):  # noqa: F811
    client = app.test_client()
    headers = bearer(organiser_token)
    body = meeting_body(
        title={"en": "Seminar\r\nX-Injected: yes"}, description={"en": "First.\n\nSecond."}, city="Vienna\u202e"
    )
    response = client.post("/api/v1/meetings", json=body, headers=headers)
    assert response.status_code == 422
    fields = {problem["field"]: problem["message"] for problem in response.get_json()["errors"]}
    assert set(fields) == {"body.title", "body.city"}
    assert fields["body.city"] == str(SINGLE_LINE_MESSAGE)
    accepted = client.post(
        "/api/v1/meetings", json={**body, "title": {"en": "Seminar"}, "city": "Vienna"}, headers=headers
    )
    assert accepted.status_code == 201, accepted.get_json()


def test_a_title_stored_with_a_line_break_breaks_nothing(app, browser, port, smtp):  # noqa: F811
    """Stored before the rule (or by hand in the database): registration, its mail and the calendar still work."""
    event_id = make_event(app)
    add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11), "Opening")
    publish(app, event_id)
    with unit_of_work(app):
        db.session.get(Event, event_id).title = {"en": "Conference\r\nBcc: everyone@example.org\rX"}
    assert register(browser).status_code == 200
    with app.app_context():
        assert deliver_due(now=datetime.now(UTC) + timedelta(minutes=1)) == mail.DeliveryReport(sent=1)
    [received] = smtp.messages
    assert received["Subject"] == "Registration confirmed: Conference Bcc: everyone@example.org X"
    assert received["Bcc"] is None
    [(recipients, _raw)] = smtp.received
    assert recipients == ["anna@example.org"]
    calendar = browser.get("/events/vienna-2026/agenda.ics?lang=en")
    assert calendar.status_code == 200
    parsed = vobject.readOne(calendar.get_data(as_text=True))
    assert parsed.contents["x-wr-calname"][0].value == "Conference Bcc: everyone@example.org X"
    assert len(parsed.contents["vevent"]) == 1


def _meetings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Event.id)))


@pytest.mark.parametrize("starts", ["0001-01-01T09:00", "9999-12-31T09:00", "1989-12-31T09:00"])
def test_a_meeting_outside_the_years_the_app_takes_is_refused(app, organiser, starts):
    before = _meetings(app)
    organiser.get("/events/new")
    refused = organiser.post("/events/new?lang=en", event_form(starts_at=starts))
    assert refused.status_code == 400 and "Give a date from 1990 to 2100." in refused.get_data(as_text=True)
    assert _meetings(app) == before


def test_an_invitee_spreadsheet_refuses_a_name_on_two_lines(app):
    from io import BytesIO

    from openpyxl import Workbook

    from participants.importer import import_invitees
    from tests import factories

    event_id = factories.meeting(app, slug="imported")
    workbook = Workbook()
    workbook.active.append(["E-mail", "Title", "Given name", "Family name", "Function", "Delegation", "Language"])
    workbook.active.append(["anna@example.org", "Ms", "Anna", "Petrova\nBcc: x@example.org", "", "", "en"])
    workbook.active.append(["omar@example.org", "Mr", "Omar\u202e", "Haddad", "", "", "en"])
    buffer = BytesIO()
    workbook.save(buffer)
    with app.app_context():
        created, _already, problems = import_invitees(db.session.get(Event, event_id), buffer.getvalue())
        assert created == 0
        assert [(problem.row, problem.messages) for problem in problems] == [
            (2, [str(SINGLE_LINE_MESSAGE)]),
            (3, [str(SINGLE_LINE_MESSAGE)]),
        ]
