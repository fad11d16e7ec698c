"""Security checks generated from the app's URL map, so that a new route cannot escape them.

Every route must be classified: public, for any signed-in user, restricted to roles (role_required, or
core.api.roles_required for the JSON API, whose token checks are in test_api.py: the API takes no cookies), or
restricted to a right on the meeting it names (events.access.meeting_page and the like: the meeting's team).
"""

import pytest
from sqlalchemy import select

from accounts.models import User
from agenda.models import Room, Session
from core.db import db
from events.models import TeamGrant
from materials.models import Material, MaterialFile
from outcomes.models import Outcome
from participants.models import Person, Registration
from tests.conftest import signed_in

PUBLIC = {
    "core.home",
    "core.healthz",
    "static",
    "security.login",
    # Anyone may sign out; for someone not signed in it does nothing.
    "security.logout",
    "security.forgot_password",
    "security.reset_password",
    "security.register",
    "security.send_confirmation",
    "security.confirm_email",
    "accounts.welcome",
    "plan.index",
    "plan.paragraph",
    "plan.actor",
    "events.index",
    "events.show",
    "agenda.show",
    "agenda.calendar",
    "agenda.session_calendar",
    "agenda.personal_calendar",
    "outcomes.index",
    "outcomes.show",
    "outcomes.coverage",
    "outcomes.roadmaps",
    "outcomes.roadmap",
    "outcomes.roadmap_xlsx",
    "outcomes.report",
    "outcomes.report_xlsx",
    # Each material is checked against the reader (public, participants of the meeting, named roles): 404 otherwise.
    "materials.index",
    "materials.show",
    "materials.download",
    "materials.archive",
    # Open to whoever holds the link's token (a registration's or an invitation's); a wrong token is a 404.
    "participants.register",
    "participants.manage",
    "participants.cancel",
    "participants.feed",
    "participants.invitation",
    "participants.decline",
    "participants.colleague",
    # The JSON API's reading operations and its documentation.
    "core.api_document",
    "core.api_docs",
    "api_plan.list_paragraphs",
    "api_plan.get_paragraph",
    "api_plan.list_actors",
    "api_events.list_meetings",
    "api_events.get_meeting",
    "api_agenda.list_sessions",
    "api_agenda.get_session",
    "api_materials.list_materials",
    "api_materials.get_material",
    "api_outcomes.list_outcomes",
    "api_outcomes.get_outcome",
}
TOKEN_PAGES = {
    "agenda.personal_calendar",
    "participants.manage",
    "participants.feed",
    "participants.invitation",
    "accounts.welcome",
}
# A made-up token in a link to choose a new password, or to confirm an address, leads back to asking for a new link.
TOKEN_PAGES_THAT_REDIRECT = {"security.reset_password": "/password/reset", "security.confirm_email": "/sign-up/confirm"}
SIGNED_IN = {
    "security.change_password",
    "security.verify",
    "accounts.profile",
    "accounts.my_data",
    "accounts.delete_account",
    "accounts.create_token",
    "accounts.revoke_token",
    "agenda.pick",
    "agenda.my_agenda",
    "agenda.revoke",
}


def _values(app):
    with app.app_context():
        session = db.session.scalar(select(Session).where(Session.kind == "opening").order_by(Session.id))
        room = db.session.scalar(select(Room).where(Room.event_id == session.event_id))
        outcome_id = db.session.scalar(
            select(Outcome.id).where(Outcome.review_state == "approved").order_by(Outcome.id)
        )
        return {
            "slug": "bishkek-2001",
            "session_id": session.id,
            "room_id": room.id,
            "uid": session.uid,
            "action": "delete",
            "token": "x" * 43,
            "document": "bucharest-2001",
            "number": "20",
            "code": "odihr",
            "filename": "app.css",
            "outcome_id": outcome_id,
            "registration_id": db.session.scalar(select(Registration.id).order_by(Registration.id)),
            "person_id": db.session.scalar(select(Person.id).order_by(Person.id)),
            "message_id": 1,
            "token_id": 1,
            "reference": "bucharest-2001:20",
            "invitation_id": 1,
            "material_id": db.session.scalar(
                select(Material.id).where(Material.distribution == "public").order_by(Material.id)
            ),
            "language": "en",
            "file_id": db.session.scalar(select(MaterialFile.id).order_by(MaterialFile.id)),
            "user_id": db.session.scalar(select(User.id).order_by(User.id)),
            "grant_id": db.session.scalar(
                select(TeamGrant.id).where(TeamGrant.event_id == session.event_id).order_by(TeamGrant.id)
            ),
        }


def _routes(app, values, api=False):
    """Pages (cookies, CSRF, redirects to sign in) or, with api=True, the JSON API's operations."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_") != api:
            continue
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        yield rule.endpoint, url, rule.methods - {"HEAD", "OPTIONS"}


def _restriction(app, endpoint: str):
    """The roles or the meeting right a route requires, or None."""
    view = app.view_functions[endpoint]
    return getattr(view, "required_roles", None) or getattr(view, "required_right", None)


def test_every_route_is_classified(app):
    assert sum(1 for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api_")) == 24
    for rule in app.url_map.iter_rules():
        restricted = _restriction(app, rule.endpoint)
        assert (rule.endpoint in PUBLIC) + (rule.endpoint in SIGNED_IN) + bool(restricted) == 1, rule.endpoint


def test_every_state_changing_route_refuses_a_request_without_csrf_token(organiser, demo, app):
    values = _values(app)
    checked = 0
    for endpoint, url, methods in _routes(app, values):
        if "POST" not in methods:
            continue
        response = organiser.post(url, {"name": "x", "status": "archived"}, csrf=False)
        # Refused as a forged request (the error page), not merely as an incomplete form (the form again).
        assert response.status_code == 400, (endpoint, response.status_code)
        assert "The request could not be understood." in response.get_data(as_text=True), endpoint
        checked += 1
    assert checked >= 12
    with app.app_context():
        assert db.session.scalar(select(Session.id).where(Session.id == values["session_id"])) is not None


@pytest.mark.parametrize("who", ["anonymous", "participant", "rapporteur"])
def test_restricted_routes_refuse_everyone_without_the_role(browser, make_user, demo, app, who):
    values = _values(app)
    if who != "anonymous":
        make_user(who, email=f"{who}-audit@example.org")
        browser.login(f"{who}-audit@example.org", "correct horse battery")
    browser.get("/")
    checked = 0
    for endpoint, url, methods in _routes(app, values):
        restriction = _restriction(app, endpoint)
        # Roles a route names let their holders in; a meeting right is nobody's here (bishkek's team only).
        if not restriction or who in restriction:
            continue
        for method in methods:
            response = browser.get(url) if method == "GET" else browser.post(url, {"name": "x"})
            if who == "anonymous":
                assert response.status_code == 302 and "/login" in response.location, (endpoint, method)
            else:
                assert response.status_code == 403, (endpoint, method, response.status_code)
            checked += 1
    assert checked >= 50
    with app.app_context():
        assert db.session.scalar(select(Session.id).where(Session.id == values["session_id"])) is not None


def test_an_organiser_of_one_meeting_manages_no_other(demo, app):
    """The demo's second organiser manages the 2005 Internet workshop only: every management page of Bishkek
    (public, so 403) refuses them, while their own meeting's pages open."""
    organiser = signed_in(app, "internet-organiser@example.org", "internet-demo-2005")
    values = _values(app)
    checked = 0
    for endpoint, url, methods in _routes(app, values):
        if not getattr(app.view_functions[endpoint], "required_right", None):
            continue
        for method in methods:
            response = organiser.get(url) if method == "GET" else organiser.post(url, {"name": "x"})
            assert response.status_code == 403, (endpoint, method, response.status_code)
            checked += 1
    assert checked == 37  # every GET and POST of every management route
    for page in ("edit", "team", "history", "agenda/manage", "participants", "invitations", "materials/matrix"):
        assert organiser.get(f"/events/internet-workshop-2005/{page}").status_code == 200, page
    with app.app_context():
        assert db.session.scalar(select(Session.id).where(Session.id == values["session_id"])) is not None


def test_signed_in_routes_send_anonymous_users_to_sign_in(browser, demo, app):
    values = _values(app)
    checked = set()
    for endpoint, url, methods in _routes(app, values):
        if endpoint not in SIGNED_IN:
            continue
        for method in methods:
            response = browser.get(url) if method == "GET" else browser.post(url)
            assert response.status_code == 302 and "/login" in response.location, (endpoint, method)
        checked.add(endpoint)
    assert checked == SIGNED_IN


def test_public_pages_answer_without_sign_in(browser, demo, app):
    values = _values(app)
    checked = set()
    for endpoint, url, methods in [*_routes(app, values), *_routes(app, values, api=True)]:
        if endpoint in TOKEN_PAGES_THAT_REDIRECT:
            response = browser.get(url)
            assert (response.status_code, response.location) == (302, TOKEN_PAGES_THAT_REDIRECT[endpoint]), endpoint
            checked.add(endpoint)
        elif endpoint in PUBLIC and "GET" in methods and endpoint not in TOKEN_PAGES:
            assert browser.get(url).status_code == 200, endpoint
            checked.add(endpoint)
        elif endpoint in TOKEN_PAGES:
            assert browser.get(url).status_code == 404, endpoint  # a made-up token opens nothing
            checked.add(endpoint)
    assert checked >= TOKEN_PAGES and len(checked) == 48  # every public page and API read, the token pages
