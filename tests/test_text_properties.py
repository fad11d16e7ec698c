"""Property-based (Hypothesis): whatever Unicode reaches a single-line field, the forms refuse exactly what a line
may not hold, and every output built from such a value — a calendar, a mail, a spreadsheet — still parses, with
nothing injected into it."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from io import BytesIO

import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from wtforms import StringField

from agenda import ics
from core.forms import Form
from core.mail import OutboxMessage, _compose
from core.text import is_single_line, one_line
from core.xlsx import Sheet, workbook_bytes
from events.models import Event
from tests.clock import YEAR

# Any Unicode but lone surrogates (no text can hold them), with the characters that break outputs made frequent.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from("\r\n\t\x00\x0b\x85\u2028\u202e\u2066\u200b\ufeff;,:\\\"'=+-@<>&"),
    ),
    max_size=60,
)
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class LineForm(Form):
    class Meta:
        csrf = False

    title = StringField()


@PROPERTIES
@given(TEXT)
def test_a_form_refuses_exactly_what_a_line_may_not_hold(app, value):
    with app.test_request_context(method="POST", data={"title": value}):
        form = LineForm()
        assert form.validate() is is_single_line(value)
        assert is_single_line(one_line(value))


@PROPERTIES
@given(title=TEXT, venue=TEXT, description=TEXT)
def test_a_calendar_parses_whatever_a_title_holds(app, title, venue, description):
    start = datetime(YEAR, 3, 12, 9, tzinfo=UTC)
    event = Event(slug="p", timezone="Europe/Vienna", starts_at=start, ends_at=start + timedelta(hours=8), venue=venue)
    item = {
        "uid": "s1",
        "title": {"en": title},
        "description": {"en": description},
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "last_modified": start.isoformat(),
        "sequence": 0,
        "room": venue,
    }
    with app.test_request_context():
        body = ics.sessions_calendar(event, [item], "en", "https://meetings.example.org/p", start, title)
    parsed = vobject.readOne(body.decode())
    [vevent] = parsed.contents["vevent"]
    assert vevent.summary.value.strip() == one_line(title).strip()
    assert len(parsed.contents["x-wr-calname"]) == 1


@PROPERTIES
@given(TEXT)
def test_a_mail_subject_never_adds_a_header(app, subject):
    message = OutboxMessage(
        message_id="<1@meetings.example.org>",
        recipient="delegate@example.org",
        subject=subject,
        body_text="Body",
        language="en",
        attachments=[],
        created_at=datetime(YEAR, 1, 1, tzinfo=UTC),
    )
    with app.app_context():
        raw = _compose(message).as_bytes()
    received = message_from_bytes(raw, policy=email_policy)
    assert set(received.keys()) == {
        "From", "To", "Subject", "Date", "Message-ID", "Content-Language", "Content-Type",
        "Content-Transfer-Encoding", "MIME-Version",
    }  # fmt: skip
    # Compared without whitespace: where the email package folds a long subject into RFC 2047 encoded words, the
    # space between two of them is not part of the text (RFC 2047 §6.2), and it drops one now and then.
    assert "".join(str(received["Subject"]).split()) == "".join(one_line(subject).split())


@PROPERTIES
@given(TEXT)
def test_a_spreadsheet_cell_reads_back_as_text_whatever_it_holds(value):
    sheet = load_workbook(BytesIO(workbook_bytes([Sheet("s", ["Title"], [[value]])]))).active
    [cell] = sheet[2]
    assert cell.data_type != "f"
    assert cell.value is None or isinstance(cell.value, str)
