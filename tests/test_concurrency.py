"""Many delegates registering at the same instant, over real HTTP, on the database the suite runs on (SQLite by
default, PostgreSQL in CI): the seats are never overbooked and nobody gets an error."""

import os
import threading

from sqlalchemy import func, select

from core.db import db
from core.mail import OutboxMessage
from tests.agenda_helpers import make_event
from tests.conftest import signed_in
from tests.servers import Visitor, gunicorn
from tests.test_registration import registration_form, registrations

CLIENTS, SEATS, WORKERS = 60, 10, 4


def test_simultaneous_registrations_over_http_never_overbook(app):
    make_event(app, capacity=SEATS)
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "concurrency"}
    with gunicorn("app:create_app()", env, workers=WORKERS, ready_path="/healthz") as base:
        page = f"{base}/events/vienna-2026/register"
        visitors = [Visitor() for _ in range(CLIENTS)]
        tokens = [visitor.csrf_token(page) for visitor in visitors]
        barrier = threading.Barrier(CLIENTS)
        statuses = [0] * CLIENTS

        def register(number: int) -> None:
            form = {**registration_form(email=f"delegate{number}@example.org"), "csrf_token": tokens[number]}
            barrier.wait()
            statuses[number] = visitors[number].post(page, form)

        threads = [threading.Thread(target=register, args=(number,)) for number in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * CLIENTS
    found = [registration.status for registration in registrations(app)]
    assert (found.count("confirmed"), found.count("waitlisted")) == (SEATS, CLIENTS - SEATS)
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == CLIENTS


def test_a_double_clicked_cancellation_cancels_once_and_answers_every_click(app):
    """Twenty clicks on "cancel my registration" at once, as from an impatient finger or two tabs."""
    from participants.models import Registration
    from participants.services import manage_token
    from tests import factories

    event_id = make_event(app, capacity=SEATS)
    registration_id = factories.registration(app, event_id)
    with app.app_context():
        token = manage_token(db.session.get(Registration, registration_id))
    clicks = 20
    page = f"/registrations/{token}"
    visitors = [(client := app.test_client(), _csrf(client, page)) for _ in range(clicks)]
    barrier = threading.Barrier(clicks)
    statuses = [0] * clicks

    def click(number: int) -> None:
        client, csrf = visitors[number]
        barrier.wait()
        statuses[number] = client.post(f"{page}/cancel", data={"csrf_token": csrf}).status_code

    threads = [threading.Thread(target=click, args=(number,)) for number in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * clicks
    assert [registration.status for registration in registrations(app)] == ["cancelled"]


def _csrf(client, page: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(page).get_data(as_text=True)).group(1)


def test_an_approval_clicked_twice_at_once_approves_once(app):
    """Two organisers (or one double click) approve the same registration: one approval, one mail, no error."""
    from tests import factories

    factories.user(app, "organiser", email="desk@example.org")
    event_id = make_event(app, capacity=SEATS, requires_approval=True, team=["desk@example.org"])
    registration_id = factories.registration(app, event_id, status="pending")
    clicks = 10
    desks = [signed_in(app, "desk@example.org", factories.PASSWORD) for _ in range(clicks)]
    for desk in desks:
        desk.get("/events/vienna-2026/participants")
    barrier = threading.Barrier(clicks)
    statuses = [0] * clicks

    def click(number: int) -> None:
        barrier.wait()
        statuses[number] = desks[number].post(f"/events/vienna-2026/participants/{registration_id}/approve").status_code

    threads = [threading.Thread(target=click, args=(number,)) for number in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {302, 409} and 302 in statuses
    assert [registration.status for registration in registrations(app)] == ["confirmed"]
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_opening_an_invitation_never_overwrites_an_answer_committed_meanwhile(app):
    """Following an invitation link marks the invitation opened: a GET, which takes no lock. The invitee answers in
    another tab, and that answer is committed between the GET's reading the invitation and its marking it: the
    answer stays, and the page still answers."""
    from sqlalchemy import event as sa_event
    from sqlalchemy import text

    from participants.models import Invitation
    from tests import factories

    invitation_id, token = factories.invitation(app, make_event(app), status="sent")
    with app.app_context():
        engine = db.engine
    answered = []

    def meanwhile(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("UPDATE invitations") and not answered:
            answered.append(True)
            with engine.connect() as other:  # another request: its own connection and transaction
                other.execute(text("UPDATE invitations SET status = 'accepted' WHERE id = :id"), {"id": invitation_id})
                other.commit()

    sa_event.listen(engine, "before_cursor_execute", meanwhile)
    try:
        response = app.test_client().get(f"/invitations/{token}?lang=en")
    finally:
        sa_event.remove(engine, "before_cursor_execute", meanwhile)
    assert answered and response.status_code == 200
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).status == "accepted"
