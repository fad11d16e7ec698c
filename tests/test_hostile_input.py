"""What organisers type comes out as text, never as markup or code: HTML pages, calendars and spreadsheets."""

from datetime import datetime
from io import BytesIO

import vobject
from openpyxl import load_workbook

from tests.agenda_helpers import FUTURE, add_session, make_event, publish
from tests.clock import YEAR
from tests.test_events import event_form
from tests.test_registration import register

HOSTILE = [
    '<script>alert("x")</script>',
    "\"'><img src=x onerror=alert(1)>",
    "Line one\r\nBEGIN:VEVENT",
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A9)",
    "@SUM(1+1)*cmd",
    "\u202eevil\u202c",
    "Заседание; с запятой, и \\ обратной чертой",
]


def test_hostile_titles_are_escaped_in_html_ics_and_xlsx(app, organiser, browser):
    title = " | ".join(HOSTILE)
    event_id = make_event(app, start=FUTURE)
    add_session(
        app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11), {"en": title}, description={"en": title}
    )
    publish(app, event_id)
    page = browser.get("/events/vienna-2026/agenda?lang=en").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    calendar = browser.get("/events/vienna-2026/agenda.ics?lang=en")
    assert calendar.data.count(b"\r\nBEGIN:VEVENT\r\n") == 1
    event = vobject.readOne(calendar.get_data(as_text=True)).vevent
    # A title stored with a line break (before single lines were enforced) is written on one line; the
    # description keeps its lines; neither keeps the bidi override.
    assert event.summary.value == title.replace("\r\n", " ").replace("\u202e", " ").replace("\u202c", " ")
    assert event.description.value.startswith(title.replace("\r\n", "\n").replace("\u202e", "").replace("\u202c", ""))

    register(browser, family_name=HOSTILE[3], given_name=HOSTILE[4], function=HOSTILE[5], dietary_needs=HOSTILE[0])
    sheet = load_workbook(BytesIO(organiser.get("/events/vienna-2026/participants.xlsx").data)).active
    [row] = list(sheet.iter_rows(min_row=2))
    for cell in row:
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
            assert cell.quotePrefix, f"formula-like text not kept as text: {cell.value}"
    names = [cell.value for cell in row]
    assert HOSTILE[3] in names and HOSTILE[4] in names and HOSTILE[5] in names
    participants = organiser.get("/events/vienna-2026/participants?lang=en").get_data(as_text=True)
    assert "<script>alert" not in participants


def test_nul_characters_are_refused_at_the_door(app, organiser, demo):
    """PostgreSQL cannot store NUL and no one types it: addresses, queries, forms and JSON holding one get 400."""
    from sqlalchemy import func, select

    from core.db import db
    from events.models import Event

    client = app.test_client()
    assert client.get("/plan/actors/odihr%00").status_code == 400
    assert client.get("/events/?paragraph=%00").status_code == 400
    assert client.get("/api/v1/actors?kind=%00").status_code == 400
    assert client.get("/api/v1/actors?kind=%00").mimetype == "application/problem+json"
    with app.app_context():
        before = db.session.scalar(select(func.count(Event.id)))
    organiser.get("/events/new")
    # A form that would be saved but for the NUL character.
    refused = organiser.post("/events/new", event_form(slug="nul", title_en="Nul\x00here"))
    assert refused.status_code == 400 and "The request could not be understood." in refused.get_data(as_text=True)
    assert client.post("/api/v1/meetings", json={"slug": "nul\x00"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == before
