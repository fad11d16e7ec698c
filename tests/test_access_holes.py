"""The holes found by trying the running app as an attacker would, each closed and proved closed over HTTP."""

import re
from io import BytesIO

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core.db import db
from core.mail import OutboxMessage
from events.models import Event
from materials import services as materials
from outcomes.models import Outcome
from participants.models import Invitation, Person, Registration
from tests import factories
from tests.conftest import Browser, signed_in, unit_of_work
from tests.test_registration import registration_form


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_forwarded_invitation_link_registers_only_the_invited_person(app):
    event_id = factories.meeting(app, slug="by-invitation", visibility="invitation", capacity=5)
    _invitation_id, token = factories.invitation(app, event_id, email="invitee@example.org")
    statuses = []
    for number in range(8):
        stranger = app.test_client()
        page = stranger.get(f"/events/by-invitation/register?invitation={token}")
        if page.status_code != 200:
            statuses.append(page.status_code)
            continue
        form = registration_form(email=f"stranger{number}@example.org", given_name=f"Stranger {number}")
        response = stranger.post(
            "/events/by-invitation/register", data={**form, "invitation": token, "csrf_token": csrf_of(page)}
        )
        statuses.append(response.status_code)
    # The first use registers the invited person, whatever address the form gave; then the link shows that
    # registration instead of the form.
    assert statuses == [200] + [302] * 7
    with app.app_context():
        [registration] = db.session.scalars(select(Registration)).all()
        assert registration.email == "invitee@example.org" and registration.person.email == "invitee@example.org"
        assert db.session.scalar(select(Invitation.status)) == "accepted"
    used = app.test_client().get(f"/events/by-invitation/register?invitation={token}")
    assert used.status_code == 302 and used.location.startswith("/registrations/")


def test_a_used_invitation_is_refused_when_posted_again(app):
    event_id = factories.meeting(app, slug="by-invitation", visibility="invitation")
    _invitation_id, token = factories.invitation(app, event_id, email="invitee@example.org")
    client = app.test_client()
    page = client.get(f"/events/by-invitation/register?invitation={token}")
    data = {**registration_form(), "invitation": token, "csrf_token": csrf_of(page)}
    assert client.post("/events/by-invitation/register", data=data).status_code == 200
    again = client.post("/events/by-invitation/register", data={**data, "email": "someone.else@example.org"})
    # Used: the link leads to the registration it made, and registers nobody else.
    assert again.status_code == 302 and again.location.startswith("/registrations/")
    assert count(app, Registration) == 1
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        from participants import services

        with pytest.raises(services.ParticipantsError) as refusal:
            services.register(invitation.event, services.RegistrationData(**_data()), invitation=invitation)
        assert str(refusal.value.errors["invitation"]) == "This invitation was already accepted."


def _data() -> dict:
    return dict(
        given_name="Other",
        family_name="Person",
        email="other@example.org",
        role="delegate",
        language="en",
        consent=True,
        organisation="Ministry",
    )


def _document(app, event_id, distribution="participants") -> int:
    from datetime import date

    from tests.test_materials import pdf

    with unit_of_work(app):
        event = db.session.get(Event, event_id)
        data = materials.MaterialData("report", {"en": "Report for participants"}, date(2001, 1, 1))
        data.distribution = distribution
        material = materials.create_material(event, data)
        materials.add_file(material, "en", "report.pdf", BytesIO(pdf("Participants only")))
        return material.id


def test_participants_only_documents_go_to_admitted_registrations_with_the_readers_own_address(app):
    event_id = factories.meeting(app, slug="documents")
    material_id = _document(app, event_id)
    readers = {}
    for name, status in (("waiting", "waitlisted"), ("pending", "pending"), ("cancelled", "cancelled")):
        user_id = factories.user(app, "participant", email=f"{name}@example.org")
        factories.registration(app, event_id, email=f"{name}@example.org", status=status, user_id=user_id)
        readers[name] = signed_in(app, f"{name}@example.org", factories.PASSWORD)
    # Registered with somebody else's address while signed in: the registration is not the reader's.
    borrower = factories.user(app, "participant", email="borrower@example.org")
    factories.registration(app, event_id, email="victim@example.org", status="confirmed", user_id=borrower)
    readers["borrower"] = signed_in(app, "borrower@example.org", factories.PASSWORD)
    confirmed = factories.user(app, "participant", email="confirmed@example.org")
    factories.registration(app, event_id, email="confirmed@example.org", status="confirmed", user_id=confirmed)
    readers["confirmed"] = signed_in(app, "confirmed@example.org", factories.PASSWORD)
    # Confirmed for another meeting only.
    other = factories.meeting(app, slug="other-meeting")
    elsewhere = factories.user(app, "participant", email="elsewhere@example.org")
    factories.registration(app, other, email="elsewhere@example.org", status="confirmed", user_id=elsewhere)
    readers["elsewhere"] = signed_in(app, "elsewhere@example.org", factories.PASSWORD)
    statuses = {name: reader.get(f"/materials/{material_id}/en").status_code for name, reader in readers.items()}
    assert statuses == {
        "waiting": 404,
        "pending": 404,
        "cancelled": 404,
        "borrower": 404,
        "confirmed": 200,
        "elsewhere": 404,
    }


def test_a_registrations_own_link_opens_its_participants_documents(app):
    from participants.services import manage_token

    event_id = factories.meeting(app, slug="documents")
    material_id = _document(app, event_id)
    admitted = factories.registration(app, event_id, email="delegate@example.org", status="confirmed")
    waiting = factories.registration(app, event_id, email="waiting@example.org", status="waitlisted")
    with app.app_context():
        tokens = {
            name: manage_token(db.session.get(Registration, i)) for name, i in (("ok", admitted), ("no", waiting))
        }
    client = app.test_client()
    manage = client.get(f"/registrations/{tokens['ok']}?lang=en").get_data(as_text=True)
    assert f"/events/documents/materials/?registration={tokens['ok']}" in manage
    listing = client.get(f"/events/documents/materials/?registration={tokens['ok']}&lang=en").get_data(as_text=True)
    assert f"/materials/{material_id}/en?registration={tokens['ok']}" in listing
    assert client.get(f"/materials/{material_id}/en?registration={tokens['ok']}").status_code == 200
    assert client.get(f"/materials/{material_id}/en?registration={tokens['no']}").status_code == 404
    assert client.get(f"/materials/{material_id}/en?registration=made-up").status_code == 404
    assert client.get(f"/materials/{material_id}/en").status_code == 404


def test_an_invitee_naming_a_colleague_never_changes_the_directory(app):
    event_id = factories.meeting(app, slug="by-invitation", visibility="invitation")
    _invitation_id, token = factories.invitation(app, event_id, email="invitee@example.org")
    with unit_of_work(app):
        db.session.add(
            Person(email="minister@example.org", given_name="Real", family_name="Minister", function="Minister")
        )
    invitee = app.test_client()
    page = invitee.get(f"/invitations/{token}")
    response = invitee.post(
        f"/invitations/{token}/colleague",
        data={
            "csrf_token": csrf_of(page),
            "honorific": "Mr",
            "given_name": "Fake",
            "family_name": "Name",
            "email": "minister@example.org",
            "function": "Impostor",
            "language": "ru",
            "delegation_code": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        minister = db.session.scalar(select(Person).where(Person.email == "minister@example.org"))
        assert (minister.given_name, minister.family_name, minister.function, minister.language) == (
            "Real",
            "Minister",
            "Minister",
            "en",
        )
        # The colleague still gets an invitation of their own, under the directory's entry.
        assert db.session.scalar(select(Invitation).where(Invitation.person_id == minister.id)) is not None


def test_adding_a_person_whose_address_exists_is_refused_with_a_link_to_them(app, organiser):
    with unit_of_work(app):
        person = Person(email="known@example.org", given_name="Known", family_name="Person")
        db.session.add(person)
        db.session.flush()
        person_id = person.id
    organiser.get("/directory/people/new?lang=en")
    response = organiser.post(
        "/directory/people/new",
        {"honorific": "", "given_name": "Other", "family_name": "Name", "email": "Known@Example.org", "language": "fr"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Someone with this e-mail address is already in the directory." in page
    assert f'href="/directory/people/{person_id}/edit"' in page
    with app.app_context():
        assert db.session.get(Person, person_id).given_name == "Known"
        assert db.session.scalar(select(func.count(Person.id))) == 1


def test_a_cancelled_draft_stays_hidden(app):
    manager = factories.user(app, "organiser", email="manager@example.org")
    factories.meeting(app, slug="never-published", status="draft", team=[manager])
    browser = signed_in(app, "manager@example.org", factories.PASSWORD)
    browser.get("/events/never-published/")
    assert browser.post("/events/never-published/status", {"status": "cancelled"}).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == "never-published"))
        assert event.status == "cancelled" and not event.is_public
    anonymous = app.test_client()
    assert anonymous.get("/events/never-published/").status_code == 404
    assert "never-published" not in anonymous.get("/events/").get_data(as_text=True)
    assert anonymous.get("/api/v1/meetings/never-published").status_code == 404
    # Its team still sees it.
    assert browser.get("/events/never-published/").status_code == 200


def test_a_published_meeting_once_cancelled_stays_public_as_cancelled(app):
    manager = factories.user(app, "organiser", email="manager@example.org")
    factories.meeting(app, slug="published", team=[manager])
    browser = signed_in(app, "manager@example.org", factories.PASSWORD)
    browser.get("/events/published/")
    browser.post("/events/published/status", {"status": "cancelled", "note": "Postponed."})
    page = app.test_client().get("/events/published/?lang=en")
    assert page.status_code == 200 and "This event is cancelled." in page.get_data(as_text=True)


def _waiting_list(app, approval=False):
    manager = factories.user(app, "organiser", email="manager@example.org")
    event_id = factories.meeting(app, slug="popular", team=[manager], capacity=2, requires_approval=approval)
    for number in range(2):
        factories.registration(app, event_id, email=f"seated{number}@example.org", status="confirmed", created=number)
    for number in range(4):
        factories.registration(
            app, event_id, email=f"waiting{number}@example.org", status="waitlisted", created=10 + number
        )
    return event_id, signed_in(app, "manager@example.org", factories.PASSWORD)


def _statuses(app, event_id):
    with app.app_context():
        rows = db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()
        return {r.email.split("@")[0]: r.status for r in rows}


def _raise_capacity(browser, capacity, approval=False):
    from tests.test_events import event_form

    page = browser.get("/events/popular/edit?lang=en").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    form = event_form(slug="popular", capacity=str(capacity), version=version, registration_deadline="")
    if approval:
        form["requires_approval"] = "y"
    return browser.post("/events/popular/edit", form)


def test_raising_the_capacity_promotes_those_waiting_in_order(app):
    event_id, manager = _waiting_list(app)
    assert _raise_capacity(manager, 4).status_code == 302
    assert _statuses(app, event_id) == {
        "seated0": "confirmed",
        "seated1": "confirmed",
        "waiting0": "confirmed",
        "waiting1": "confirmed",
        "waiting2": "waitlisted",
        "waiting3": "waitlisted",
    }
    with app.app_context():
        told = set(db.session.scalars(select(OutboxMessage.recipient)))
    assert told == {"waiting0@example.org", "waiting1@example.org"}
    # A newcomer now waits behind those still on the list.
    anyone = Browser(app.test_client())
    anyone.get("/events/popular/register")
    anyone.post("/events/popular/register", registration_form(email="newcomer@example.org"))
    assert _statuses(app, event_id)["newcomer"] == "waitlisted"


def test_a_promotion_respects_approval_and_pending_registrations_hold_their_seats(app):
    event_id, manager = _waiting_list(app, approval=True)
    assert _raise_capacity(manager, 3, approval=True).status_code == 302
    statuses = _statuses(app, event_id)
    assert statuses["waiting0"] == "pending" and statuses["waiting1"] == "waitlisted"
    # The pending one holds the third seat: cancelling a confirmed one frees exactly one for the next in line.
    with app.app_context():
        seated = db.session.scalar(select(Registration.id).where(Registration.email == "seated0@example.org"))
    manager.get("/events/popular/participants")
    manager.post(f"/events/popular/participants/{seated}/cancel")
    statuses = _statuses(app, event_id)
    assert statuses["waiting0"] == "pending" and statuses["waiting1"] == "pending"
    assert statuses["waiting2"] == "waitlisted"


def test_a_double_cancellation_changes_nothing_the_second_time(app):
    from participants.services import manage_token

    event_id = factories.meeting(app, slug="popular", capacity=1)
    seated = factories.registration(app, event_id, email="seated@example.org", status="confirmed")
    factories.registration(app, event_id, email="waiting0@example.org", status="waitlisted", created=5)
    factories.registration(app, event_id, email="waiting1@example.org", status="waitlisted", created=6)
    with app.app_context():
        token = manage_token(db.session.get(Registration, seated))
    client = Browser(app.test_client())
    client.get(f"/registrations/{token}")
    first = client.post(f"/registrations/{token}/cancel")
    second = client.post(f"/registrations/{token}/cancel")
    assert (first.status_code, second.status_code) == (302, 302)
    assert _statuses(app, event_id) == {"seated": "cancelled", "waiting0": "confirmed", "waiting1": "waitlisted"}


def test_a_draft_outcome_cannot_be_approved_and_a_rapporteur_cannot_edit_a_submitted_one(app):
    from outcomes import services as outcomes

    rapporteur = factories.user(app, "rapporteur", email="rapporteur@example.org")
    reviewer = factories.user(app, "organiser", email="reviewer@example.org")
    event_id = factories.meeting(app, slug="outcomes")
    factories.grant(app, event_id, "review", user_id=reviewer)
    draft = factories.outcome(app, event_id, rapporteur, "draft")
    submitted = factories.outcome(app, event_id, rapporteur, "submitted")
    reviewing = signed_in(app, "reviewer@example.org", factories.PASSWORD)
    reviewing.get(f"/outcomes/{draft}")
    reviewing.post(f"/outcomes/{draft}/approve")
    assert factories.load(app, Outcome, draft).review_state == "draft"
    recording = signed_in(app, "rapporteur@example.org", factories.PASSWORD)
    assert recording.get(f"/outcomes/{submitted}/edit").status_code == 403
    # The service refuses it too, whoever calls it.
    with app.app_context():
        row = db.session.get(Outcome, submitted)
        data = outcomes.outcome_data(row)
        data.text = {"en": "Rewritten behind the reviewer's back."}
        with pytest.raises(outcomes.OutcomeError):
            outcomes.update_outcome(row, data, row.version, db.session.get(User, rapporteur))
    assert factories.load(app, Outcome, submitted).text == {"en": "Participating States should share information."}


def test_a_signed_in_stranger_lists_no_draft_outcome(app):
    rapporteur = factories.user(app, "rapporteur", email="rapporteur@example.org")
    event_id = factories.meeting(app, slug="outcomes")
    draft = factories.outcome(app, event_id, rapporteur, "draft")
    approved = factories.outcome(app, event_id, rapporteur, "approved")
    for role in ("participant", "rapporteur", "organiser"):
        factories.user(app, role, email=f"{role}-stranger@example.org")
        stranger = signed_in(app, f"{role}-stranger@example.org", factories.PASSWORD)
        page = stranger.get("/outcomes/?lang=en").get_data(as_text=True)
        assert f'href="/outcomes/{approved}"' in page and f'href="/outcomes/{draft}"' not in page, role
        listed = stranger.get("/api/v1/outcomes?per_page=100").get_json()["items"]
        assert [o["id"] for o in listed] == [approved], role
        assert stranger.get(f"/outcomes/{draft}").status_code == 404, role


def test_an_administrator_manages_every_meeting_without_being_on_its_team(app):
    factories.user(app, "admin", email="admin@example.org")
    factories.meeting(app, slug="anyones", status="draft")
    admin = signed_in(app, "admin@example.org", factories.PASSWORD)
    for page in ("", "edit", "team", "history", "agenda/manage", "participants", "invitations", "materials/matrix"):
        assert admin.get(f"/events/anyones/{page}").status_code == 200, page


def test_team_changes_are_made_in_the_meetings_pages_and_written_to_the_history(app):
    manager = factories.user(app, "organiser", email="manager@example.org")
    factories.user(app, "organiser", email="desk@example.org")
    factories.meeting(app, slug="teamwork", team=[manager])
    browser = signed_in(app, "manager@example.org", factories.PASSWORD)
    desk = signed_in(app, "desk@example.org", factories.PASSWORD)
    assert desk.get("/events/teamwork/check-in").status_code == 403
    browser.get("/events/teamwork/team?lang=en")
    given = browser.post("/events/teamwork/team", {"right": "registrations", "email": "desk@example.org", "body": ""})
    assert given.status_code == 302
    # The desk checks people in, and edits nothing else.
    assert desk.get("/events/teamwork/check-in").status_code == 200
    assert desk.get("/events/teamwork/agenda/manage").status_code == 403
    assert desk.get("/events/teamwork/edit").status_code == 403
    assert desk.get("/events/teamwork/team").status_code == 403
    history = browser.get("/events/teamwork/history?lang=en").get_data(as_text=True)
    assert "Team: invitations, registrations and check-in" in history and "desk@example.org" in history
    with app.app_context():
        from events.models import TeamGrant

        grant_id = db.session.scalar(select(TeamGrant.id).where(TeamGrant.right == "registrations"))
    browser.get("/events/teamwork/team")
    assert browser.post(f"/events/teamwork/team/{grant_id}/remove").status_code == 302
    assert desk.get("/events/teamwork/check-in").status_code == 403
    refused = browser.post("/events/teamwork/team", {"right": "review", "email": "nobody@example.org", "body": ""})
    assert refused.status_code == 400
    assert "Nobody has an account with this e-mail address." in refused.get_data(as_text=True)


def test_the_staff_of_a_body_hold_what_is_given_to_the_body(app):
    manager = factories.user(app, "organiser", email="manager@example.org")
    factories.user(app, "organiser", email="odihr-staff@example.org", body="odihr")
    factories.user(app, "rapporteur", email="odihr-rapporteur@example.org", body="odihr")
    factories.meeting(app, slug="bodywork", team=[manager])
    browser = signed_in(app, "manager@example.org", factories.PASSWORD)
    browser.get("/events/bodywork/team")
    assert (
        browser.post("/events/bodywork/team", {"right": "programme", "email": "", "body": "odihr"}).status_code == 302
    )
    staff = signed_in(app, "odihr-staff@example.org", factories.PASSWORD)
    assert staff.get("/events/bodywork/agenda/manage").status_code == 200
    # Only organisers hold team rights, whatever their body.
    other = signed_in(app, "odihr-rapporteur@example.org", factories.PASSWORD)
    assert other.get("/events/bodywork/agenda/manage").status_code == 403


def test_the_team_through_the_api(app):
    from accounts.tokens import create_token

    manager = factories.user(app, "organiser", email="manager@example.org")
    outsider = factories.user(app, "organiser", email="outsider@example.org")
    factories.meeting(app, slug="api-team", team=[manager])
    with unit_of_work(app):
        tokens = {
            name: create_token(db.session.get(User, user_id), "test")[1]
            for name, user_id in (("manager", manager), ("outsider", outsider))
        }
    client = app.test_client()

    def call(method, url, who, **kwargs):
        return getattr(client, method)(url, headers={"Authorization": f"Bearer {tokens[who]}"}, **kwargs)

    refused = call("get", "/api/v1/meetings/api-team/team", "outsider")
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == "You have no right to do this on this meeting."
    assert call("patch", "/api/v1/meetings/api-team", "outsider", json={"city": "Osh"}).status_code == 403
    unknown = call("get", "/api/v1/meetings/no-such-meeting/team", "manager")
    assert unknown.status_code == 404 and unknown.get_json()["detail"] == "There is no such meeting."
    given = call(
        "post", "/api/v1/meetings/api-team/team", "manager", json={"right": "review", "user": "outsider@example.org"}
    )
    assert given.status_code == 201 and given.get_json()["right"] == "review"
    team = call("get", "/api/v1/meetings/api-team/team", "manager").get_json()["items"]
    assert {(g["user"], g["right"]) for g in team} == {
        ("manager@example.org", "manage"),
        ("outsider@example.org", "review"),
    }
    # A review right does not manage the meeting.
    assert call("patch", "/api/v1/meetings/api-team", "outsider", json={"city": "Osh"}).status_code == 403
    removed = call("delete", f"/api/v1/meetings/api-team/team/{given.get_json()['id']}", "manager")
    assert removed.status_code == 200 and len(removed.get_json()["items"]) == 1


def test_the_outbox_shows_each_organiser_the_mail_of_their_own_meetings(app):
    from core.mail import OutboxMessage

    ours = factories.user(app, "organiser", email="ours@example.org")
    factories.user(app, "organiser", email="theirs@example.org")
    factories.user(app, "admin", email="admin@example.org")
    factories.meeting(app, slug="ours", team=[ours])
    anyone = Browser(app.test_client())
    anyone.get("/events/ours/register")
    anyone.post("/events/ours/register", registration_form(email="delegate@example.org"))
    with app.app_context():
        message_id = db.session.scalar(select(OutboxMessage.id))
    pages = {who: signed_in(app, f"{who}@example.org", factories.PASSWORD) for who in ("ours", "theirs", "admin")}
    for who, sees in (("ours", True), ("theirs", False), ("admin", True)):
        listing = pages[who].get("/outbox?lang=en").get_data(as_text=True)
        assert ("delegate@example.org" in listing) is sees, who
        assert pages[who].get(f"/outbox/{message_id}").status_code == (200 if sees else 404), who


def test_a_rapporteur_learns_nothing_of_a_hidden_meeting_through_the_outcome_form(app):
    from agenda.models import Session
    from tests.agenda_helpers import FUTURE, add_session

    factories.user(app, "rapporteur", email="rapporteur@example.org")
    hidden = factories.meeting(app, slug="secret-draft", status="draft")
    add_session(app, hidden, FUTURE.replace(hour=10), FUTURE.replace(hour=11), "Closed-door briefing")
    public = factories.meeting(app, slug="public-meeting")
    published = add_session(app, public, FUTURE.replace(hour=10), FUTURE.replace(hour=11), "Opening")
    from tests.agenda_helpers import publish

    publish(app, public)
    add_session(app, public, FUTURE.replace(hour=12), FUTURE.replace(hour=13), "Not yet announced")
    rapporteur = signed_in(app, "rapporteur@example.org", factories.PASSWORD)
    page = rapporteur.get("/outcomes/new?event=secret-draft&lang=en").get_data(as_text=True)
    # Neither its sessions nor the meeting among the choices (the address is only in the page's own links).
    assert "Closed-door briefing" not in page and 'value="secret-draft"' not in page
    page = rapporteur.get("/outcomes/new?event=public-meeting&lang=en").get_data(as_text=True)
    assert "Opening" in page and "Not yet announced" not in page
    from tests.test_outcomes import outcome_form

    rapporteur.get("/outcomes/new")
    refused = rapporteur.post("/outcomes/new", outcome_form(event_slug="secret-draft"))
    assert refused.status_code == 400 and "Unknown meeting." in refused.get_data(as_text=True)
    assert count(app, Outcome) == 0
    with app.app_context():
        uid = db.session.get(Session, published).uid
    accepted = rapporteur.post("/outcomes/new", outcome_form(event_slug="public-meeting", session_uid=uid))
    assert accepted.status_code == 302 and count(app, Outcome) == 1


def test_only_the_managers_of_a_series_put_meetings_in_it(app):
    from tests.test_events import event_form

    factories.user(app, "organiser", email="outsider@example.org")
    with unit_of_work(app):
        from events.models import Series

        db.session.add(Series(slug="their-series", title={"en": "Their series"}))
    outsider = signed_in(app, "outsider@example.org", factories.PASSWORD)
    page = outsider.get("/events/new?lang=en").get_data(as_text=True)
    assert 'value="their-series"' not in page
    response = outsider.post("/events/new", event_form(slug="sneaked-in", series="their-series"))
    assert response.status_code == 400
    assert "You may not add meetings to this series." in response.get_data(as_text=True)
    assert count(app, Event, Event.slug == "sneaked-in") == 0


def test_a_paragraph_page_shows_only_sessions_that_were_published(app):
    from tests.agenda_helpers import FUTURE, add_session, publish

    event_id = factories.meeting(app, slug="announced")
    add_session(
        app, event_id, FUTURE.replace(hour=10), FUTURE.replace(hour=11), "Announced", paragraphs=["bucharest-2001:20"]
    )
    publish(app, event_id)
    add_session(
        app,
        event_id,
        FUTURE.replace(hour=12),
        FUTURE.replace(hour=13),
        "Still a draft",
        paragraphs=["bucharest-2001:20"],
    )
    hidden = factories.meeting(app, slug="hidden", status="draft")
    add_session(
        app,
        hidden,
        FUTURE.replace(hour=10),
        FUTURE.replace(hour=11),
        "Hidden meeting's",
        paragraphs=["bucharest-2001:20"],
    )
    publish(app, hidden)
    page = app.test_client().get("/plan/bucharest-2001/20?lang=en").get_data(as_text=True)
    assert "Announced" in page
    assert "Still a draft" not in page and "Hidden meeting&#39;s" not in page and "Hidden meeting's" not in page
    # Another paragraph's number that begins the same is not this one.
    assert "Announced" not in app.test_client().get("/plan/bucharest-2001/2?lang=en").get_data(as_text=True)


def test_a_refused_review_step_saves_nothing_it_carried(app):
    reviewer = factories.user(app, "organiser", email="reviewer@example.org")
    rapporteur = factories.user(app, "rapporteur")
    event_id = factories.meeting(app, slug="outcomes")
    factories.grant(app, event_id, "review", user_id=reviewer)
    approved = factories.outcome(app, event_id, rapporteur, "approved")
    before = factories.load(app, Outcome, approved)
    browser = signed_in(app, "reviewer@example.org", factories.PASSWORD)
    browser.get(f"/outcomes/{approved}")
    response = browser.post(f"/outcomes/{approved}/return", {"comment": "Slipped in."})
    assert response.status_code == 302
    after = factories.load(app, Outcome, approved)
    assert (after.review_state, after.review_comment, after.version) == ("approved", "", before.version)
