"""What organisers do with the participants: search, export, the list by delegation, check-in, badges."""

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from core.db import db
from participants.models import Registration
from tests.agenda_helpers import FUTURE, make_event
from tests.test_registration import register

HOSTILE = '=HYPERLINK("http://evil.example","x")'


def test_list_search_and_filters(organiser, app, demo):
    page = organiser.get("/events/bishkek-2001/participants?lang=en").get_data(as_text=True)
    assert "9 registrations" in page and "Head of Delegation" in page
    found = organiser.get("/events/bishkek-2001/participants?q=interpol&lang=en").get_data(as_text=True)
    assert "1 registration" in found and "Liaison Officer" in found
    found = organiser.get("/events/bishkek-2001/participants?delegation=kyrgyzstan&lang=en").get_data(as_text=True)
    assert "2 registrations" in found
    found = organiser.get("/events/bishkek-2001/participants?role=speaker&lang=en").get_data(as_text=True)
    assert "2 registrations" in found


def test_export_has_the_columns_a_secretariat_needs_and_neutralises_formulas(organiser, browser, app, demo):
    make_event(app, start=FUTURE)
    register(browser, family_name=HOSTILE)
    response = organiser.get("/events/vienna-2026/participants.xlsx?lang=en")
    sheet = load_workbook(BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Status", "Role", "Form of address", "Family name", "Given name"]
    assert "Visa letter" in header and "Dietary needs" in header and "Interpretation into" in header
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    [row] = list(sheet.iter_rows(min_row=2))
    # Written as it was typed, as text, and kept text when edited (the quote-prefix style): nothing is prepended.
    assert (row[3].value, row[3].data_type, row[3].quotePrefix) == (HOSTILE, "s", True)
    assert not row[4].quotePrefix


def test_list_by_delegation_for_printing(organiser, demo):
    page = organiser.get("/events/bishkek-2001/participants/by-delegation?lang=en").get_data(as_text=True)
    assert page.index("Austria") < page.index("Interpol") < page.index("Kyrgyz Republic")


def test_check_in_at_the_door(organiser, browser, app, demo):
    make_event(app, start=FUTURE)
    register(browser)
    register(browser, email="second@example.org", given_name="Second")
    page = organiser.get("/events/vienna-2026/check-in?lang=en").get_data(as_text=True)
    assert "Present: 0 · Missing: 2" in page
    with app.app_context():
        first = db.session.scalar(select(Registration.id).where(Registration.email == "anna@example.org"))
    organiser.post(f"/events/vienna-2026/participants/{first}/check-in")
    page = organiser.get("/events/vienna-2026/check-in?lang=en").get_data(as_text=True)
    assert "Present: 1 · Missing: 1" in page
    with app.app_context():
        registration = db.session.get(Registration, first)
        assert registration.status == "attended" and registration.checked_in_at is not None


def test_badges_are_printable(organiser, demo):
    page = organiser.get("/events/bishkek-2001/badges?lang=en").get_data(as_text=True)
    assert page.count('class="badge"') == 9 and "Head of delegation" in page


def test_a_registration_of_another_event_is_not_reachable_by_its_id(organiser, app, demo):
    make_event(app, start=FUTURE)
    with app.app_context():
        other = db.session.scalar(
            select(Registration.id).join(Registration.event).where(Registration.status == "attended")
        )
    organiser.get("/events/vienna-2026/participants")
    assert organiser.post(f"/events/vienna-2026/participants/{other}/cancel").status_code == 404
    with app.app_context():
        assert db.session.get(Registration, other).status == "attended"
