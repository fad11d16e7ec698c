"""Administrators manage the accounts (accounts.admin): who may reach the pages, inviting someone by mail,
changing a role, deactivating; every action in the account's history."""

import re

import pytest
from sqlalchemy import select

from accounts.models import User
from core import audit
from core.db import db
from core.mail import OutboxMessage
from tests.conftest import Browser, count_queries, signed_in

PASSWORD = "correct horse battery"
NEW_PASSWORD = "my own passphrase for the meetings"


@pytest.fixture
def administrator(app, make_user):
    make_user("admin", name="Ana Admin")
    return signed_in(app, "admin@example.org", PASSWORD)


def _user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def _actions(app, user_id) -> list[str]:
    with app.app_context():
        return [entry.action for entry in reversed(audit.history("user", user_id))]


@pytest.mark.parametrize("role", [None, "participant", "rapporteur", "organiser"])
def test_only_administrators_reach_the_users(app, make_user, role):
    browser = Browser(app.test_client())
    target = make_user("participant", email="target@example.org")
    if role:
        make_user(role, email=f"{role}.user@example.org")
        browser = signed_in(app, f"{role}.user@example.org", PASSWORD)
    for method, url in [
        ("get", "/admin/users"),
        ("post", "/admin/users/invite"),
        ("get", f"/admin/users/{target}"),
        ("post", f"/admin/users/{target}"),
    ]:
        response = (
            browser.get(url) if method == "get" else browser.post(url, {"role": "admin", "email": "x@example.org"})
        )
        if role is None:
            assert response.status_code == 302 and "/login" in response.location, url
        else:
            assert response.status_code == 403, (role, url)
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.id == target)) == "participant"
        assert db.session.scalar(select(User.id).where(User.email == "x@example.org")) is None


def test_an_invited_person_chooses_a_password_by_the_link_and_signs_in(app, administrator):
    administrator.get("/admin/users?lang=en")
    response = administrator.post(
        "/admin/users/invite",
        {"email": "Rafael.Rapporteur@example.org", "name": "Rafael Rapporteur", "role": "rapporteur", "language": "es"},
    )
    assert response.status_code == 302
    user_id = _user_id(app, "rafael.rapporteur@example.org")
    with app.app_context():
        (mail,) = db.session.scalars(select(OutboxMessage)).all()
    assert mail.subject == "Tiene una cuenta para las reuniones de seguimiento"
    link = re.search(r"http://localhost(/account/welcome/\S+)", mail.body_text).group(1)
    invitee = Browser(app.test_client())
    assert invitee.login("rafael.rapporteur@example.org", NEW_PASSWORD).status_code == 401
    choose = invitee.get(link)
    assert choose.status_code == 302 and choose.location.startswith("/password/reset/")
    invitee.get(choose.location + "?lang=en")
    assert (
        invitee.post(choose.location, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).status_code == 302
    )
    # The link has done its work: it opens nothing any more.
    assert app.test_client().get(link).status_code == 404
    fresh = Browser(app.test_client())
    assert fresh.login("rafael.rapporteur@example.org", NEW_PASSWORD).status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.role, user.language) == ("rapporteur", "es") and user.confirmed_at is not None
    assert _actions(app, user_id)[:2] == ["invited", "confirmed"]


def test_an_administrator_changes_a_role_and_deactivates_an_account(app, administrator, make_user):
    user_id = make_user("participant")
    holder = signed_in(app, "participant@example.org", PASSWORD)
    administrator.get(f"/admin/users/{user_id}?lang=en")
    assert (
        administrator.post(
            f"/admin/users/{user_id}", {"role": "rapporteur", "body": "odihr", "active": "y"}
        ).status_code
        == 302
    )
    assert administrator.post(f"/admin/users/{user_id}", {"role": "rapporteur", "body": "odihr"}).status_code == 302
    assert _actions(app, user_id) == ["created", "role", "body", "deactivated"]
    page = administrator.get(f"/admin/users/{user_id}?lang=en").get_data(as_text=True)
    assert "Role changed" in page and "Deactivated" in page and "Ana Admin" in page
    # Its sessions end, and it cannot sign in again.
    assert holder.get("/profile").status_code == 302
    assert Browser(app.test_client()).login("participant@example.org", PASSWORD).status_code == 401


def test_nobody_takes_away_their_own_administrators_rights(app, administrator):
    own = _user_id(app, "admin@example.org")
    administrator.get(f"/admin/users/{own}?lang=en")
    response = administrator.post(f"/admin/users/{own}", {"role": "participant", "body": "", "active": "y"})
    assert response.status_code == 400
    assert "You cannot take away your own administrator’s rights or account." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, own).role == "admin"


def test_the_users_page_is_searched_and_its_queries_do_not_grow_with_the_users(app, administrator, make_user):
    def queries() -> int:
        with count_queries(app) as statements:
            assert administrator.get("/admin/users?lang=en").status_code == 200
        return len(statements)

    make_user("participant", email="one@example.org", name="Olga One")
    few = queries()
    for n in range(20):
        make_user("participant", email=f"many{n}@example.org")
    assert queries() == few
    page = administrator.get("/admin/users?q=olga&lang=en").get_data(as_text=True)
    assert "one@example.org" in page and "many3@example.org" not in page
