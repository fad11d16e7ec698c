"""Signing out, changing and resetting a password (Flask-Security, accounts.security), as an account holder does
it: every other session ends, the reset link comes by mail in the holder's language and works once."""

import re

from sqlalchemy import select

from accounts.models import User
from core.db import db
from core.mail import OutboxMessage
from tests.conftest import Browser

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase for Vienna"


def _mails(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _user(app, email="participant@example.org"):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _password_is(app, password, email="participant@example.org") -> bool:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email)).check_password(password)


def test_signing_out_ends_every_session_of_the_account_even_a_copied_cookie(app, make_user):
    make_user("participant")
    laptop, phone = Browser(app.test_client()), Browser(app.test_client())
    assert laptop.login("participant@example.org", PASSWORD).status_code == 302
    assert phone.login("participant@example.org", PASSWORD).status_code == 302
    copied = laptop.client.get_cookie("session").value
    assert phone.get("/profile").status_code == 200
    laptop.get("/")
    assert laptop.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    for client in (thief, phone.client, laptop.client):
        response = client.get("/profile")
        assert response.status_code == 302 and "/login" in response.location


def test_a_forgotten_password_is_reset_by_a_link_in_the_holders_language_that_works_once(app, make_user):
    make_user("participant", language="fr")
    browser = Browser(app.test_client())
    browser.get("/password/reset?lang=en")
    # The link must come from PUBLIC_URL, whatever Host the request names.
    response = browser.post("/password/reset", {"email": "participant@example.org"})
    assert response.status_code in (200, 302)
    unknown = browser.post("/password/reset", {"email": "nobody@example.org"})
    assert unknown.status_code == response.status_code  # no answer tells which addresses have accounts
    (mail,) = _mails(app)
    assert mail.recipient == "participant@example.org" and mail.subject == "Choisir un nouveau mot de passe"
    link = re.search(r"http://localhost(/password/reset/\S+)", mail.body_text).group(1)
    assert "Quelqu’un, probablement vous" in mail.body_text and "2\u00a0heures" in mail.body_text

    page = browser.get(link + "?lang=en")
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    weak = browser.post(link, {"password": "1234567890", "password_confirm": "1234567890"})
    assert "This is one of the most common passwords." in weak.get_data(as_text=True)
    assert _password_is(app, PASSWORD)
    saved = browser.post(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert saved.status_code == 302
    assert _password_is(app, NEW_PASSWORD) and not _password_is(app, PASSWORD)
    assert mail.subject != _mails(app)[-1].subject  # the holder is told the password changed
    again = app.test_client().get(link)
    assert again.status_code == 302 and again.location.startswith("/password/reset")


def test_changing_the_password_asks_for_the_current_one_and_ends_the_other_sessions(app, make_user):
    make_user("participant")
    here, elsewhere = Browser(app.test_client()), Browser(app.test_client())
    here.login("participant@example.org", PASSWORD)
    elsewhere.login("participant@example.org", PASSWORD)
    here.get("/profile/password?lang=en")
    wrong = here.post(
        "/profile/password",
        {"password": "not my password", "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and _password_is(app, PASSWORD)
    changed = here.post(
        "/profile/password",
        {"password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302 and _password_is(app, NEW_PASSWORD)
    assert here.get("/profile").status_code == 200
    assert elsewhere.get("/profile").status_code == 302
    assert [m.subject for m in _mails(app)] == ["Your password has been changed"]


def test_a_weak_password_is_refused_in_the_readers_language(app, make_user):
    make_user("participant")
    browser = Browser(app.test_client())
    browser.login("participant@example.org", PASSWORD)
    browser.get("/profile/password?lang=de")
    response = browser.post(
        "/profile/password",
        {"password": PASSWORD, "new_password": "password123", "new_password_confirm": "password123"},
    )
    assert "Dies ist ein sehr häufiges Passwort." in response.get_data(as_text=True)
    assert _password_is(app, PASSWORD)


def test_choosing_a_language_by_a_link_changes_the_session_not_the_profile(app, make_user):
    make_user("participant", language="fr")
    browser = Browser(app.test_client())
    browser.login("participant@example.org", PASSWORD)
    assert 'lang="de"' in browser.get("/?lang=de").get_data(as_text=True)
    assert _user(app).language == "fr"
