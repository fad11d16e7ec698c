import re
from html import unescape

import pytest
from sqlalchemy import select

from accounts.models import User
from accounts.services import AccountError, create_user
from core.db import db
from tests.catalogs import translated


def test_sign_in_and_out(browser, make_user):
    make_user("organiser")
    response = browser.login("organiser@example.org", "correct horse battery")
    assert response.status_code == 302
    assert "Sign out" in browser.get("/?lang=en").get_data(as_text=True)
    browser.get("/")
    assert browser.post("/logout").status_code == 302
    assert "Sign in" in browser.get("/?lang=en").get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part_is_wrong(browser, make_user):
    make_user("organiser")
    response = browser.login("organiser@example.org", "wrong password")
    assert response.status_code == 401
    assert "The e-mail address or the password is wrong." in response.get_data(as_text=True)
    unknown = browser.login("nobody@example.org", "wrong password")
    assert unknown.status_code == 401


def test_repeated_failed_logins_are_throttled(browser, make_user, app):
    make_user("organiser")
    limit = app.config["LOGIN_THROTTLE_LIMIT"]
    for _ in range(limit):
        assert browser.login("organiser@example.org", "wrong password").status_code == 401
    # Even the right password is refused until the window has passed.
    response = browser.login("organiser@example.org", "correct horse battery")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)


def test_throttle_message_is_in_the_reader_language(browser, make_user, app):
    make_user("organiser")
    browser.get("/?lang=fr")
    for _ in range(app.config["LOGIN_THROTTLE_LIMIT"]):
        browser.login("organiser@example.org", "wrong password")
    response = browser.login("organiser@example.org", "wrong password")
    assert response.status_code == 429
    expected = translated("Too many failed sign-in attempts. Try again in %(wait)s.", "fr", wait="15\u00a0secondes")
    assert re.sub(r"\d+", "15", unescape(response.get_data(as_text=True))).count(expected) == 1


def test_successful_login_clears_failures(browser, make_user, app):
    make_user("organiser")
    for _ in range(app.config["LOGIN_THROTTLE_LIMIT"] - 1):
        browser.login("organiser@example.org", "wrong password")
    assert browser.login("organiser@example.org", "correct horse battery").status_code == 302
    browser.post("/logout")
    # Had the failures been kept, one more would reach the limit and the right password would be refused.
    for _ in range(app.config["LOGIN_THROTTLE_LIMIT"] - 1):
        browser.login("organiser@example.org", "wrong password")
    assert browser.login("organiser@example.org", "correct horse battery").status_code == 302


def test_passwords_are_hashed_with_argon2_and_older_hashes_replaced_at_sign_in(app, browser):
    from werkzeug.security import generate_password_hash

    from tests.conftest import unit_of_work

    with unit_of_work(app):
        user = create_user("someone@example.org", "a long enough password", "participant")
        assert user.password.startswith("$argon2id$") and "a long enough password" not in user.password
        assert user.check_password("a long enough password") and not user.check_password("another password")
        # An account made before Flask-Security: Werkzeug's scrypt hash.
        user.password = generate_password_hash("a long enough password", method="scrypt")
    assert browser.login("someone@example.org", "not its password").status_code == 401
    with app.app_context():
        assert db.session.scalar(select(User.password)).startswith("scrypt:")
    assert browser.login("someone@example.org", "a long enough password").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.password)).startswith("$argon2id$")


@pytest.mark.parametrize(
    ("email", "password", "role", "message"),
    [
        ("not-an-address", "a long enough password", "participant", "not a valid e-mail"),
        ("a@example.org", "short", "participant", "at least 10 characters"),
        # Long enough, but among the first guesses of any attacker (the strength check, zxcvbn).
        ("a@example.org", "1234567890", "participant", "common password"),
        ("a@example.org", "password123", "participant", "common password"),
        ("a@example.org", "a long enough password", "emperor", "Unknown role"),
    ],
)
def test_create_user_refuses_bad_input(app_context, email, password, role, message):
    with pytest.raises(AccountError, match=message):
        create_user(email, password, role)
    assert db.session.scalar(select(User)) is None


def test_duplicate_email_is_refused(app_context):
    create_user("a@example.org", "a long enough password", "participant")
    with pytest.raises(AccountError, match="already exists"):
        create_user("A@Example.org", "a long enough password", "organiser")


def test_cli_creates_a_user_who_can_sign_in(app, browser):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--email", "rapp@example.org", "--password", "rapporteur-pass", "--role", "rapporteur"]
    )
    assert result.exit_code == 0, result.output
    assert "rapp@example.org (rapporteur)" in result.output
    assert browser.login("rapp@example.org", "rapporteur-pass").status_code == 302


def _create(app, email, role, password="staff of ODIHR since 2026", *extra):
    args = ["users", "create", "--email", email, "--password", password, "--role", role, *extra]
    return app.test_cli_runner().invoke(args=args)


def test_cli_refuses_an_unknown_role_and_a_short_password(app):
    bad_role = _create(app, "x@example.org", "king")
    assert bad_role.exit_code == 2 and "'king' is not one of 'admin', 'organiser'" in bad_role.output
    short = _create(app, "x@example.org", "admin", "x")
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_profile_keeps_language_and_time_zone(browser, make_user, app):
    make_user("participant")
    browser.login("participant@example.org", "correct horse battery")
    browser.get("/profile")
    response = browser.post("/profile", {"name": "Pavel", "language": "ru", "timezone": "Asia/Bishkek"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "participant@example.org"))
        assert (user.name, user.language, user.timezone) == ("Pavel", "ru", "Asia/Bishkek")
    assert '<html lang="ru">' in browser.get("/").get_data(as_text=True)


def test_profile_refuses_an_unknown_time_zone_and_saves_nothing(browser, make_user, app):
    make_user("participant")
    browser.login("participant@example.org", "correct horse battery")
    browser.get("/profile")
    response = browser.post("/profile", {"name": "X", "language": "fr", "timezone": "Mars/Olympus"})
    assert response.status_code == 400
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.name, user.language, user.timezone) == ("", "en", "UTC")


def test_profile_needs_sign_in(browser):
    response = browser.get("/profile")
    assert response.status_code == 302 and "/login" in response.location


def test_login_redirect_stays_on_this_site(browser, make_user):
    make_user("organiser")
    browser.get("/login")
    response = browser.post(
        "/login?next=//evil.example/steal",
        {"email": "organiser@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 302 and response.location == "/"


def test_cli_makes_an_organiser_one_of_a_bodys_staff(app):
    assert _create(app, "staff@example.org", "organiser", "staff of ODIHR since 2026", "--body", "odihr").exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "staff@example.org")).body.code == "odihr"
    unknown = _create(app, "x@example.org", "organiser", "staff of ODIHR since 2026", "--body", "atlantis")
    assert unknown.exit_code == 1 and "Unknown body: atlantis." in unknown.output
