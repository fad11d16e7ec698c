"""Invitations: the directory, inviting people and delegations or from a spreadsheet, the invitee's answers."""

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.db import db
from core.mail import OutboxMessage
from participants.models import Invitation, Person, Registration
from tests.agenda_helpers import FUTURE, make_event
from tests.catalogs import translated
from tests.test_registration import registration_form


def invitations(app):
    with app.app_context():
        return db.session.scalars(select(Invitation).order_by(Invitation.id)).all()


def mails(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def link_of(message):
    return re.search(r"http://localhost(/invitations/[\w-]+)", message.body_text).group(1)


def spreadsheet(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["E-mail", "Title", "Given name", "Family name", "Function", "Delegation", "Language"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


ROWS = [
    ["delegate.ru@example.org", "Mr", "Ivan", "Ivanov", "Counsellor", "kazakhstan", "ru"],
    ["delegate.fr@example.org", "Ms", "Claire", "Martin", "Adviser", "romania", "fr"],
    ["expert@example.org", "Dr", "Eva", "Huber", "Expert", "austria", "de"],
]


def upload(organiser, rows, slug="vienna-2026"):
    organiser.get(f"/events/{slug}/invitations")
    return organiser.post(
        f"/events/{slug}/invitations/upload",
        {"spreadsheet": (spreadsheet(rows), "invitees.xlsx")},
        content_type="multipart/form-data",
    )


@pytest.fixture
def meeting(app, demo):
    return make_event(app, start=FUTURE, visibility="invitation", capacity=100)


def test_upload_invites_everyone_and_again_creates_no_duplicate(app, organiser, meeting):
    template = organiser.get("/events/vienna-2026/invitations/template.xlsx?lang=en")
    assert load_workbook(BytesIO(template.data)).sheetnames == ["Invitees", "Codes"]
    assert upload(organiser, ROWS).status_code == 302
    assert len(invitations(app)) == 3
    people_before = _count(app, Person)
    assert upload(organiser, ROWS).status_code == 302
    assert len(invitations(app)) == 3 and _count(app, Person) == people_before


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_import_reads_delegations_and_people_once_not_once_per_row(app, meeting):
    """More rows add only their own inserts; a file imported again costs the same few queries whatever its size."""
    from events.models import Event
    from participants.importer import import_invitees
    from tests.conftest import count_queries, unit_of_work

    def rows(count, prefix):
        return [[f"{prefix}{n}@example.org", "Ms", "Given", f"Family{n}", "", "austria", "de"] for n in range(count)]

    def queries(rows_to_import) -> int:
        with unit_of_work(app):
            event = db.session.get(Event, meeting)
            upload = spreadsheet(rows_to_import).getvalue()
            with count_queries(app) as statements:
                assert not import_invitees(event, upload)[2]
            return len(statements)

    # New invitees, and the same file again, cost the same few statements whatever the number of rows.
    assert queries(rows(30, "b")) == queries(rows(5, "a")) <= 10
    assert queries(rows(30, "b")) == queries(rows(5, "a")) <= 5


def test_a_wrong_row_imports_nothing_and_is_reported_by_number(app, organiser, meeting):
    people_before = _count(app, Person)
    bad = [*ROWS, ["not-an-address", "", "", "Nobody", "", "atlantis", "xx"]]
    response = upload(organiser, bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported." in page and "Row 5:" in page and "atlantis" in page
    assert "H.E. Head of Delegation — head.kg@example.org" in page  # the rest of the page still works
    assert invitations(app) == [] and _count(app, Person) == people_before


def test_a_file_that_is_not_a_spreadsheet_is_refused(app, organiser, meeting):
    organiser.get("/events/vienna-2026/invitations")
    response = organiser.post(
        "/events/vienna-2026/invitations/upload",
        {"spreadsheet": (BytesIO(b"email\nx@example.org\n"), "invitees.xlsx")},
        content_type="multipart/form-data",
    )
    assert "This file is not an .xlsx spreadsheet." in organiser.get(response.location).get_data(as_text=True)
    assert invitations(app) == []


def test_invite_whole_delegations_and_send_in_each_invitee_language(app, organiser, meeting):
    organiser.get("/events/vienna-2026/invitations")
    organiser.post("/events/vienna-2026/invitations/delegations", {"delegations": ["kyrgyzstan", "odihr"]})
    assert len(invitations(app)) == 3
    organiser.post("/events/vienna-2026/invitations/send")
    sent = mails(app)
    assert len(sent) == 3 and {m.language for m in sent} == {"ru", "en"}
    russian = next(m for m in sent if m.language == "ru")
    assert "/invitations/" in russian.body_text
    assert all(i.status == "sent" for i in invitations(app))
    # Sending again sends nothing more.
    organiser.post("/events/vienna-2026/invitations/send")
    assert len(mails(app)) == 3


def test_invitee_accepts_and_registers_with_the_link(app, organiser, meeting):
    upload(organiser, ROWS[:1])
    organiser.post("/events/vienna-2026/invitations/send")
    link = link_of(mails(app)[0])
    invitee = app.test_client()
    assert "Ivan Ivanov" in invitee.get(link + "?lang=en").get_data(as_text=True)
    assert invitations(app)[0].status == "opened"
    token = link.rsplit("/", 1)[1]
    page = invitee.get(f"/events/vienna-2026/register?invitation={token}&lang=en").get_data(as_text=True)
    assert 'value="delegate.ru@example.org"' in page
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = invitee.post(
        "/events/vienna-2026/register",
        data={
            **registration_form(email="delegate.ru@example.org", delegation_code="kazakhstan", organisation=""),
            "invitation": token,
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 200
    assert invitations(app)[0].status == "accepted"
    with app.app_context():
        status = select(Registration.status).where(Registration.email == "delegate.ru@example.org")
        assert db.session.scalar(status) == "confirmed"


def test_invitee_declines_with_a_reason(app, organiser, meeting):
    upload(organiser, ROWS[:1])
    organiser.post("/events/vienna-2026/invitations/send")
    link = link_of(mails(app)[0])
    invitee = app.test_client()
    page = invitee.get(link).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    invitee.post(link + "/decline", data={"reason": "Another meeting that week.", "csrf_token": csrf})
    [invitation] = invitations(app)
    assert invitation.status == "declined" and invitation.decline_reason == "Another meeting that week."
    # A declined invitation opens no registration.
    before = _count(app, Registration)
    token = link.rsplit("/", 1)[1]
    response = invitee.post(
        "/events/vienna-2026/register", data={**registration_form(), "invitation": token, "csrf_token": csrf}
    )
    assert response.status_code == 400
    assert "This invitation was declined." in response.get_data(as_text=True)
    assert _count(app, Registration) == before


def test_invitee_names_a_colleague_who_gets_an_invitation_of_their_own(app, organiser, meeting):
    upload(organiser, ROWS[:1])
    organiser.post("/events/vienna-2026/invitations/send")
    link = link_of(mails(app)[0])
    invitee = app.test_client()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', invitee.get(link).get_data(as_text=True)).group(1)
    response = invitee.post(
        link + "/colleague",
        data={
            "csrf_token": csrf,
            "honorific": "Ms",
            "given_name": "Aigul",
            "family_name": "Sadykova",
            "email": "colleague@example.org",
            "function": "First Secretary",
            "language": "ru",
            "delegation_code": "",
        },
    )
    assert response.status_code == 302
    original, colleague = invitations(app)
    assert original.status == "declined" and colleague.status == "sent"
    assert mails(app)[-1].recipient == "colleague@example.org"
    with app.app_context():
        person = db.session.get(Person, colleague.person_id)
        assert person.delegation.code == "kazakhstan"  # the delegation of whoever named them


def test_reminders_go_only_to_those_who_have_not_answered(app, organiser, meeting):
    upload(organiser, ROWS)
    organiser.post("/events/vienna-2026/invitations/send")
    first = link_of(mails(app)[0])
    invitee = app.test_client()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', invitee.get(first).get_data(as_text=True)).group(1)
    invitee.post(first + "/decline", data={"reason": "", "csrf_token": csrf})
    organiser.post("/events/vienna-2026/invitations/remind")
    reminders = mails(app)[3:]
    # Each in the invitee's language; the meeting has a French title and falls back to English in German.
    assert [(m.recipient, m.subject) for m in reminders] == [
        (
            "delegate.fr@example.org",
            translated("Reminder: invitation to %(title)s", "fr", title="Conférence sur les documents de voyage"),
        ),
        (
            "expert@example.org",
            translated("Reminder: invitation to %(title)s", "de", title="Conference on travel documents"),
        ),
    ]
    # The reminder repeats the same personal link.
    assert link_of(reminders[0]) == link_of(mails(app)[1])


def test_an_expired_invitation_cannot_be_used(app, organiser, meeting):
    upload(organiser, ROWS[:1])
    organiser.post("/events/vienna-2026/invitations/send")
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        invitation.expires_at = datetime.now(UTC) - timedelta(days=1)
        db.session.commit()
    page = app.test_client().get(link_of(mails(app)[0]) + "?lang=en").get_data(as_text=True)
    assert "Expired" in page and "Accept and register" not in page


def test_tokens_are_long_unguessable_and_stored_only_as_hashes(app, organiser, meeting):
    upload(organiser, ROWS[:1])
    organiser.post("/events/vienna-2026/invitations/send")
    token = link_of(mails(app)[0]).rsplit("/", 1)[1]
    assert len(token) >= 43
    [invitation] = invitations(app)
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    altered = token[:-1] + ("B" if token.endswith("A") else "A")
    assert app.test_client().get("/invitations/" + altered).status_code == 404


def test_only_organisers_manage_invitations_and_the_directory(browser, make_user, meeting):
    make_user("participant", email="p@example.org")
    browser.login("p@example.org", "correct horse battery")
    browser.get("/")
    for url in (
        "/events/vienna-2026/invitations",
        "/directory/",
        "/directory/people/new",
        "/events/vienna-2026/participants",
        "/events/vienna-2026/participants.xlsx",
        "/events/vienna-2026/check-in",
        "/events/vienna-2026/badges",
    ):
        assert browser.get(url).status_code == 403, url


def test_invitation_mail_arrives_over_smtp_in_the_invitee_language(app, organiser, meeting, smtp):
    from core.mail import deliver_due

    upload(organiser, ROWS[1:2])  # Claire Martin, who reads French
    organiser.post("/events/vienna-2026/invitations/send")
    with app.app_context():
        assert deliver_due().sent == 1
    [message] = smtp.messages
    assert message["To"] == "delegate.fr@example.org" and message["Content-Language"] == "fr"
    body = message.get_body(("plain",)).get_content()
    assert "Claire Martin" in body and "/invitations/" in body
    assert (
        translated("Invitation: %(title)s", "fr", title="Conférence sur les documents de voyage") == message["Subject"]
    )


def test_a_spreadsheet_updates_the_entries_it_names_and_their_links_open_their_invitations(app, organiser, meeting):
    from events.models import Event
    from participants.services import find_invitation, invitation_link_token

    assert upload(organiser, ROWS[:1]).status_code == 302
    changed = [["Delegate.RU@example.org", "Mr", "Ivan", "Ivanov", "Minister-Counsellor", "", "fr"], *ROWS[1:]]
    assert upload(organiser, changed).status_code == 302
    with app.app_context():
        people = {p.email: p for p in db.session.scalars(select(Person))}
        ivan = people["delegate.ru@example.org"]
        assert (ivan.function, ivan.language, ivan.delegation) == ("Minister-Counsellor", "fr", None)
        assert people["expert@example.org"].delegation.code == "austria"
        found = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        assert [(i.person.email, i.language, i.status) for i in found] == [
            ("delegate.ru@example.org", "ru", "draft"),
            ("delegate.fr@example.org", "fr", "draft"),
            ("expert@example.org", "de", "draft"),
        ]
        event = db.session.get(Event, meeting)
        assert {i.expires_at for i in found} == {event.registration_deadline or event.ends_at}
        assert {i.reminders for i in found} == {0} and all(p.created_at.tzinfo for p in people.values())
        assert len({i.token_nonce for i in found}) == 3
        assert all(find_invitation(invitation_link_token(i)) == i for i in found)
