"""The throttle of failed sign-ins (accounts.throttle): an attacker can neither guess a password nor keep its
owner out, one guess on each of many accounts is stopped per client address, and the waits grow."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts.throttle import delay
from tests.conftest import Browser

PASSWORD = "correct horse battery"
ATTACKER, DELEGATES = "198.51.100.7", "203.0.113.20"


def _browser(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(0, 0), (4, 0), (5, 15), (6, 30), (7, 60), (9, 240), (10, 480), (11, 900), (30, 900)],
)
def test_the_wait_after_each_failure_doubles_from_the_limit_up_to_the_window(failures, wait):
    assert delay(failures, limit=5, window=timedelta(minutes=15)) == timedelta(seconds=wait)


def test_an_attacker_cannot_keep_the_owner_out_of_her_account(app, make_user):
    make_user("organiser")
    owner = _browser(app, DELEGATES)
    assert owner.login("organiser@example.org", PASSWORD).status_code == 302
    owner.post("/logout")
    attacker = _browser(app, ATTACKER)
    answers = [attacker.login("organiser@example.org", f"guess {n}").status_code for n in range(8)]
    assert answers == [401] * 5 + [429] * 3
    # Even the right password waits, from a browser that has not signed in before …
    stranger = _browser(app, DELEGATES)
    assert stranger.login("organiser@example.org", PASSWORD).status_code == 429
    # … but the owner's own browser goes straight in.
    assert owner.login("organiser@example.org", PASSWORD).status_code == 302


def test_the_waits_pass_and_grow(app, make_user):
    make_user("organiser")
    attacker = _browser(app, ATTACKER)
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        for n in range(5):
            assert attacker.login("organiser@example.org", f"guess {n}").status_code == 401
        assert attacker.login("organiser@example.org", "guess").status_code == 429
        clock.shift(timedelta(seconds=16))
        assert attacker.login("organiser@example.org", "guess").status_code == 401  # the sixth failure
        clock.shift(timedelta(seconds=16))
        assert attacker.login("organiser@example.org", "guess").status_code == 429  # now 30 s
        clock.shift(timedelta(seconds=15))
        assert attacker.login("organiser@example.org", PASSWORD).status_code == 302


def test_one_guess_on_each_of_many_accounts_is_stopped_per_client_address(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", 10)
    make_user("organiser")
    owner = _browser(app, ATTACKER)  # the owner happens to share the attacker's network (a conference's)
    assert owner.login("organiser@example.org", PASSWORD).status_code == 302
    owner.post("/logout")
    sprayer = _browser(app, ATTACKER)
    answers = [sprayer.login(f"delegate{n}@example.org", "Summer2026!").status_code for n in range(12)]
    assert answers == [401] * 10 + [429] * 2
    assert sprayer.login("organiser@example.org", PASSWORD).status_code == 429
    assert _browser(app, DELEGATES).login("delegate99@example.org", "Summer2026!").status_code == 401
    assert owner.login("organiser@example.org", PASSWORD).status_code == 302


def test_a_forged_known_browser_cookie_counts_for_nothing(app, make_user):
    make_user("organiser")
    attacker = _browser(app, ATTACKER)
    attacker.client.set_cookie("known_browser", "WzFd.forged.signature")
    answers = [attacker.login("organiser@example.org", f"guess {n}").status_code for n in range(6)]
    assert answers == [401] * 5 + [429]


@pytest.mark.parametrize(("proxies", "stopped"), [(0, True), (1, False)])
def test_behind_a_proxy_each_client_address_is_counted_apart_and_without_one_the_header_is_ignored(
    app, proxies, stopped
):
    """Behind a proxy (TRUSTED_PROXIES=1, the default behind TLS) every client would otherwise share the proxy's
    address and one sprayer would stop them all; without one, a client must not pick its address by a header."""
    from app import create_app

    site = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TRUSTED_PROXIES": proxies,
            "LOGIN_ADDRESS_LIMIT": 3,
        }
    )
    sprayer = Browser(site.test_client())
    for n in range(3):
        sprayer.login(f"delegate{n}@example.org", "Summer2026!")
    someone_else = Browser(site.test_client())
    someone_else.get("/login")
    response = someone_else.post(
        "/login",
        {"email": "delegate9@example.org", "password": "Summer2026!"},
        headers={"X-Forwarded-For": "203.0.113.99"},
    )
    assert response.status_code == (429 if stopped else 401)


def _hammer(app, email, times=5):
    attacker = _browser(app, ATTACKER)
    for n in range(times):
        attacker.login(email, f"guess {n}")


def test_a_success_forgets_only_that_accounts_failures(app, make_user):
    make_user("organiser")
    make_user("participant")
    _hammer(app, "participant@example.org")
    assert _browser(app, DELEGATES).login("organiser@example.org", PASSWORD).status_code == 302
    assert _browser(app, DELEGATES).login("participant@example.org", PASSWORD).status_code == 429


def test_a_browser_remembers_each_account_it_has_signed_in_to(app, make_user):
    make_user("organiser")
    make_user("participant")
    desk = _browser(app, DELEGATES)  # a conference desk's computer
    for email in ("organiser@example.org", "participant@example.org"):
        assert desk.login(email, PASSWORD).status_code == 302
        desk.post("/logout")
    _hammer(app, "organiser@example.org")
    assert desk.login("organiser@example.org", PASSWORD).status_code == 302


def test_the_known_browser_cookie_is_signed_for_its_purpose_kept_half_a_year_and_hidden_from_scripts(
    app, make_user, monkeypatch
):
    from itsdangerous import URLSafeTimedSerializer

    owner_id = make_user("organiser")
    response = _browser(app, DELEGATES).login("organiser@example.org", PASSWORD)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("known_browser="))
    assert "Max-Age=15552000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    _hammer(app, "organiser@example.org")

    other_id = make_user("participant")

    def signed(salt: str, when: datetime | None = None, held=None) -> str:
        with time_machine.travel(when or datetime.now(UTC), tick=False):
            return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt).dumps(held or [owner_id])

    refused = (
        signed("account-invitation"),  # signed by this site, but for another purpose
        signed("known-browser", datetime.now(UTC) - timedelta(days=180, seconds=60)),  # just past half a year
        signed("known-browser", held=[other_id]),  # a browser known to another account
        signed("known-browser", held={"ids": [owner_id]}),  # not the list the site writes
    )
    for value in refused:
        browser = _browser(app, DELEGATES)
        browser.client.set_cookie("known_browser", value)
        assert browser.login("organiser@example.org", PASSWORD).status_code == 429
    browser = _browser(app, DELEGATES)
    browser.client.set_cookie("known_browser", signed("known-browser"))
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = browser.login("organiser@example.org", PASSWORD)
    assert response.status_code == 302
    assert "Secure" in next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("known_browser="))


def test_a_long_client_address_is_kept_to_its_column(app):
    from sqlalchemy import select

    from accounts.models import LoginAttempt
    from core.db import db

    _browser(app, "2001:db8:" + "a" * 90).login("nobody@example.org", "a guess")
    with app.app_context():
        assert len(db.session.scalar(select(LoginAttempt.remote_addr))) == 64


def test_failures_older_than_the_window_no_longer_count(app, make_user, monkeypatch):
    """For the account (a new burst starts free again) and for the address (a new burst is stopped again)."""
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", 3)
    make_user("organiser")
    attacker = _browser(app, ATTACKER)
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        assert [attacker.login("organiser@example.org", "guess").status_code for _ in range(3)] == [401] * 3
        clock.shift(timedelta(minutes=16))
        assert [attacker.login("organiser@example.org", "guess").status_code for _ in range(4)] == [401] * 3 + [429]


def test_after_the_owner_signs_in_the_next_guesses_start_again_from_nothing(app, make_user):
    make_user("organiser")
    attacker = _browser(app, ATTACKER)
    assert [attacker.login("organiser@example.org", "guess").status_code for _ in range(4)] == [401] * 4
    assert _browser(app, DELEGATES).login("organiser@example.org", PASSWORD).status_code == 302
    assert [attacker.login("organiser@example.org", "guess").status_code for _ in range(5)] == [401] * 5
