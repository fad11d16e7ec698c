"""Personal API tokens: created and revoked in the profile, stored hashed, resolved to their user for the API."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts import tokens
from accounts.models import ApiToken, User
from accounts.services import AccountError
from core.db import db
from tests.conftest import signed_in

PASSWORD = "correct horse battery"
NEW_TOKEN = re.compile(r"<code>(fum_[A-Za-z0-9_-]{43})</code>")


def _all_tokens(app) -> list[ApiToken]:
    with app.app_context():
        found = list(db.session.scalars(select(ApiToken)))
        db.session.expunge_all()
        return found


def _create_on_the_page(browser, name="Registry sync"):
    browser.get("/profile")
    response = browser.post("/profile/tokens", {"name": name})
    assert response.status_code == 200
    return NEW_TOKEN.search(response.get_data(as_text=True)).group(1)


def test_a_token_is_created_in_the_profile_and_shown_only_once(app, make_user):
    make_user("participant", email="owner@example.org")
    owner = signed_in(app, "owner@example.org", PASSWORD)
    owner.get("/profile")
    response = owner.post("/profile/tokens", {"name": "Registry sync"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Copy your new token now: it will not be shown again." in page
    assert "no-store" in response.headers["Cache-Control"]
    raw = NEW_TOKEN.search(page).group(1)

    later = owner.get("/profile").get_data(as_text=True)
    assert raw not in later
    assert "Copy your new token now" not in later
    assert "Registry sync" in later and raw[:12] in later
    assert "Never" in later and "Active" in later
    assert 'href="/api/v1/docs"' in later


def test_the_database_keeps_only_the_hash(app, make_user):
    make_user("participant", email="owner@example.org")
    raw = _create_on_the_page(signed_in(app, "owner@example.org", PASSWORD))
    [token] = _all_tokens(app)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12]
    assert raw not in (token.name, token.prefix, token.token_hash)
    assert token.revoked_at is None and token.last_used_at is None


def test_user_for_token_finds_the_user_and_notes_the_use_at_most_once_a_minute(app_context, make_user):
    user = db.session.get(User, make_user("organiser"))
    token, raw = tokens.create_token(user, "  Registry sync  ")
    assert token.name == "Registry sync"

    assert tokens.user_for_token(raw).id == user.id
    first_use = db.session.get(ApiToken, token.id).last_used_at
    assert first_use is not None

    tokens.user_for_token(raw)
    assert db.session.get(ApiToken, token.id).last_used_at == first_use

    token.last_used_at = first_use - timedelta(minutes=2)
    db.session.commit()
    tokens.user_for_token(raw)
    assert db.session.get(ApiToken, token.id).last_used_at >= first_use


@pytest.mark.parametrize(
    "raw",
    ["", "fum_", "Bearer fum_x", "fum_" + "a" * 42, "fum_" + "a" * 44, "fum_" + "!" * 43, "abc_" + "a" * 43, None],
)
def test_user_for_token_refuses_what_is_not_a_token(app_context, make_user, raw):
    tokens.create_token(db.session.get(User, make_user()), "Registry sync")
    assert tokens.user_for_token(raw) is None


def test_user_for_token_refuses_unknown_revoked_and_inactive(app_context, make_user):
    user = db.session.get(User, make_user())
    token, raw = tokens.create_token(user, "Registry sync")
    assert tokens.user_for_token("fum_" + "A" * 43) is None

    tokens.revoke_token(user, token.id)
    assert tokens.user_for_token(raw) is None

    _other, other_raw = tokens.create_token(user, "Mailing list")
    assert tokens.user_for_token(other_raw) is not None
    user.active = False
    db.session.commit()
    assert tokens.user_for_token(other_raw) is None


def test_revoking_is_idempotent_and_user_tokens_lists_newest_first(app_context, make_user):
    user = db.session.get(User, make_user())
    first, _raw = tokens.create_token(user, "First")
    second, _raw = tokens.create_token(user, "Second")
    tokens.revoke_token(user, first.id)
    revoked_at = db.session.get(ApiToken, first.id).revoked_at
    tokens.revoke_token(user, first.id)
    assert db.session.get(ApiToken, first.id).revoked_at == revoked_at
    assert [t.name for t in tokens.user_tokens(user)] == ["Second", "First"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_create_token_refuses_a_bad_name(app_context, make_user, name):
    with pytest.raises(AccountError):
        tokens.create_token(db.session.get(User, make_user()), name)
    assert db.session.scalar(select(ApiToken.id)) is None


def test_the_owner_revokes_a_token_on_the_page(app, make_user):
    make_user("participant", email="owner@example.org")
    owner = signed_in(app, "owner@example.org", PASSWORD)
    raw = _create_on_the_page(owner)
    [token] = _all_tokens(app)
    response = owner.post(f"/profile/tokens/{token.id}/revoke")
    assert response.status_code == 302 and response.location.endswith("/profile")
    page = owner.get("/profile").get_data(as_text=True)
    assert "The token is revoked." in page and "Revoked" in page
    assert f"/profile/tokens/{token.id}/revoke" not in page
    with app.app_context():
        assert tokens.user_for_token(raw) is None


def test_nobody_revokes_another_users_token(app, make_user):
    make_user("organiser", email="owner@example.org")
    make_user("organiser", email="intruder@example.org")
    raw = _create_on_the_page(signed_in(app, "owner@example.org", PASSWORD))
    [token] = _all_tokens(app)
    intruder = signed_in(app, "intruder@example.org", PASSWORD)
    assert intruder.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    assert "Registry sync" not in intruder.get("/profile").get_data(as_text=True)
    [token] = _all_tokens(app)
    assert token.revoked_at is None
    with app.app_context():
        assert tokens.user_for_token(raw) is not None


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_bad_name_is_refused_next_to_the_field(app, make_user, name):
    make_user("participant", email="owner@example.org")
    owner = signed_in(app, "owner@example.org", PASSWORD)
    owner.get("/profile")
    response = owner.post("/profile/tokens", {"name": name})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="token-name-error"' in page
    assert NEW_TOKEN.search(page) is None
    assert _all_tokens(app) == []


def test_the_preferences_form_is_not_filled_with_the_token_name(app, make_user):
    make_user("participant", email="owner@example.org", name="Ada Owner")
    owner = signed_in(app, "owner@example.org", PASSWORD)
    owner.get("/profile")
    page = owner.post("/profile/tokens", {"name": "Registry sync"}).get_data(as_text=True)
    assert 'value="Ada Owner"' in page
    assert 'action="/profile"' in page


def test_both_routes_need_the_csrf_token(app, make_user):
    make_user("participant", email="owner@example.org")
    owner = signed_in(app, "owner@example.org", PASSWORD)
    _create_on_the_page(owner)
    [token] = _all_tokens(app)
    assert owner.post("/profile/tokens", {"name": "Forged"}, csrf=False).status_code == 400
    assert owner.post(f"/profile/tokens/{token.id}/revoke", csrf=False).status_code == 400
    [token] = _all_tokens(app)
    assert token.revoked_at is None


def test_anonymous_users_are_sent_to_sign_in(browser, app, make_user):
    browser.get("/login")
    for url in ("/profile/tokens", "/profile/tokens/1/revoke"):
        response = browser.post(url, {"name": "Registry sync"})
        assert response.status_code == 302 and "/login" in response.location, url
    assert _all_tokens(app) == []
