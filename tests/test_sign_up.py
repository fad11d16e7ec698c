"""Signing up (Flask-Security, accounts.security): anyone may create a participant's account; its address is
confirmed by a link in the reader's language before it signs in; then the registrations made with that address are
the account's, and so are the participants-only documents of those meetings."""

import re

from sqlalchemy import select

from accounts.models import User
from core.db import db
from core.mail import OutboxMessage
from participants.models import Registration
from tests import factories
from tests.conftest import Browser
from tests.test_materials import add_file, event_id, new_material, pdf, readable  # noqa: F401 (fixture)

PASSWORD = "a passphrase of my own choosing"
FORM = {"name": "Dana Delegate", "email": "Dana.Delegate@example.org", "password": PASSWORD}


def _mails(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _sign_up(app, language="fr", **changes) -> Browser:
    browser = Browser(app.test_client())
    browser.get(f"/sign-up?lang={language}")
    form = {**FORM, "password_confirm": FORM["password"], **changes}
    assert browser.post("/sign-up", form).status_code in (200, 302)
    return browser


def test_a_delegate_signs_up_confirms_and_finds_her_registration_and_its_documents(app, event_id):  # noqa: F811
    factories.registration(app, event_id, email="dana.delegate@example.org", status="confirmed")
    ids = {
        "public": new_material(app, event_id, title={"en": "Public paper"}),
        "participants": new_material(app, event_id, title={"en": "Participants paper"}, distribution="participants"),
    }
    for name, material_id in ids.items():
        add_file(app, material_id, "en", pdf(f"{name} paper"))

    browser = _sign_up(app, language="fr", role="admin")  # a right cannot be posted into an account
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role, user.language, user.confirmed_at) == (
            "dana.delegate@example.org",
            "participant",
            "fr",
            None,
        )
    (mail,) = _mails(app)
    assert mail.subject == "Confirmez votre adresse électronique" and mail.recipient == "dana.delegate@example.org"
    # Not before the address is confirmed.
    assert browser.login("dana.delegate@example.org", PASSWORD).status_code == 401
    link = re.search(r"http://localhost(/sign-up/confirm/\S+)", mail.body_text).group(1)
    assert browser.get(link).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.confirmed_at)) is not None
        assert db.session.scalar(select(Registration.user_id)) == db.session.scalar(select(User.id))
    browser.get("/?lang=en")
    assert readable(browser, ids) == {"public", "participants"}


def test_signing_up_again_with_a_taken_address_says_nothing_to_the_page_and_tells_the_owner(app, make_user):
    make_user("organiser", email="dana.delegate@example.org", language="de")
    first = Browser(app.test_client())
    first.get("/sign-up?lang=en")
    taken = first.post("/sign-up", {**FORM, "password_confirm": PASSWORD})
    fresh = Browser(app.test_client())
    fresh.get("/sign-up?lang=en")
    new = fresh.post("/sign-up", {**FORM, "email": "someone.else@example.org", "password_confirm": PASSWORD})
    assert taken.status_code == new.status_code
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "dana.delegate@example.org")) == "organiser"
    owner_mail = next(m for m in _mails(app) if m.recipient == "dana.delegate@example.org")
    assert (
        owner_mail.subject == "Sie haben bereits ein Konto"
        and "http://localhost/password/reset" in owner_mail.body_text
    )


def test_a_weak_password_or_a_name_on_two_lines_creates_no_account(app):
    _sign_up(app, language="en", password="password123", password_confirm="password123")
    _sign_up(app, language="en", name="Dana\nDelegate")
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None
    assert _mails(app) == []
