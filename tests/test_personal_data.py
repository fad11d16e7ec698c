"""What is held about a person (core.personal_data): a participant downloads all of it, without its secrets, and
can delete the account; delivered mail keeps no working links."""

import json
import re

from sqlalchemy import func, select

from accounts.models import ApiToken, User
from core.audit import AuditEntry
from core.db import db
from core.mail import OutboxMessage, deliver_due
from participants.models import Registration
from tests import factories
from tests.agenda_helpers import make_event
from tests.conftest import Browser, signed_in

PASSWORD = "correct horse battery"


def test_a_participant_downloads_everything_held_about_her_without_its_secrets(app, make_user):
    from accounts.tokens import create_token
    from tests.conftest import unit_of_work

    user_id = make_user("participant", email="dana@example.org")
    event_id = make_event(app)
    factories.registration(app, event_id, email="dana@example.org")
    factories.invitation(app, event_id, email="dana@example.org")
    with unit_of_work(app):
        create_token(db.session.get(User, user_id), "calendar sync")
    browser = signed_in(app, "dana@example.org", PASSWORD)
    response = browser.get("/profile/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    held = json.loads(response.data)
    assert held["users"][0]["email"] == "dana@example.org"
    assert [r["email"] for r in held["registrations"]] == ["dana@example.org"]
    assert [p["email"] for p in held["people"]] == ["dana@example.org"] and len(held["invitations"]) == 1
    assert [t["name"] for t in held["api_tokens"]] == ["calendar sync"]
    assert [e["action"] for e in held["audit_entries"]] == ["created", "token_created"]
    text = response.get_data(as_text=True)
    for secret in ("password", "token_hash", "nonce", "fs_uniquifier", "feed_token", "$argon2"):
        assert secret not in text, secret
    assert Browser(app.test_client()).get("/profile/data.json").status_code == 302


def test_a_participant_deletes_her_account_and_her_registrations_stay_with_the_organisers(app, make_user):
    user_id = make_user("participant", email="dana@example.org")
    event_id = make_event(app)
    factories.registration(app, event_id, email="dana@example.org", user_id=user_id)
    browser = signed_in(app, "dana@example.org", PASSWORD)
    browser.post("/profile/tokens", {"name": "sync"})
    browser.get("/profile?lang=en")
    wrong = browser.post("/profile/delete", {"password": "not my password"})
    assert wrong.status_code == 400 and "This is not your password." in wrong.get_data(as_text=True)
    assert browser.post("/profile/delete", {"password": PASSWORD}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id) is None
        assert db.session.scalar(select(func.count(ApiToken.id))) == 0
        assert db.session.scalar(select(Registration.user_id)) is None
        assert db.session.scalar(select(Registration.email)) == "dana@example.org"
        deleted = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deleted"))
        assert (deleted.entity_id, deleted.user_id) == (user_id, None)
    assert browser.get("/profile").status_code == 302
    assert Browser(app.test_client()).login("dana@example.org", PASSWORD).status_code == 401


def test_only_a_participant_deletes_her_own_account(app, make_user):
    make_user("organiser")
    organiser = signed_in(app, "organiser@example.org", PASSWORD)
    organiser.get("/profile?lang=en")
    assert "ask an administrator" in organiser.get("/profile?lang=en").get_data(as_text=True)
    assert organiser.post("/profile/delete", {"password": PASSWORD}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(User.id)) is not None


def test_a_delivered_mail_keeps_no_working_link(app, smtp):
    event_id = make_event(app)
    _invitation_id, token = factories.invitation(app, event_id, email="invitee@example.org")
    with app.app_context():
        from participants.mails import invitation_mail
        from participants.models import Invitation

        invitation_mail(db.session.scalar(select(Invitation)))
        db.session.commit()
        assert deliver_due().sent == 1
        kept = db.session.scalar(select(OutboxMessage)).body_text
    (received,) = smtp.messages
    assert token in received.get_body(("plain",)).get_content()
    assert token not in kept and re.search(r"http://localhost/invitations/…", kept)
