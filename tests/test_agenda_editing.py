from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from agenda.models import AgendaVersion, Room, Session
from core.db import db
from tests.agenda_helpers import add_session, make_event, publish
from tests.catalogs import translated
from tests.clock import YEAR
from tests.conftest import unit_of_work


def session_form(**overrides):
    data = {
        "kind": "working_session",
        "title_en": "Working session on border controls",
        "title_ru": "Рабочее заседание по пограничному контролю",
        "starts_at": f"{YEAR}-03-12T14:30",
        "ends_at": f"{YEAR}-03-12T16:00",
        "room": "Room A",
        "chair": "Head of delegation (Austria)",
        "speakers": "Expert (Interpol)\nExpert (UNODC)",
        "rapporteur_id": "",
        "interpretation_languages": ["en", "ru"],
        "paragraphs": ["bucharest-2001:26"],
    }
    data.update(overrides)
    return data


def sessions(app):
    with app.app_context():
        return db.session.scalars(select(Session).order_by(Session.starts_at)).all()


def test_organiser_adds_a_session_to_the_draft(organiser, app):
    make_event(app)
    organiser.get("/events/vienna-2026/agenda/sessions/new")
    response = organiser.post("/events/vienna-2026/agenda/sessions/new", session_form())
    assert response.status_code == 302
    [session] = sessions(app)
    assert session.starts_at == datetime(YEAR, 3, 12, 13, 30, tzinfo=UTC)
    with app.app_context():
        session = db.session.get(Session, session.id)
        assert session.room.name == "Room A"
        assert [s.label for s in session.speakers] == ["Expert (Interpol)", "Expert (UNODC)"]
        assert session.chair.label == "Head of delegation (Austria)"
        assert [p.reference for p in session.paragraphs] == ["bucharest-2001:26"]
    # Not public before it is published.
    page = app.test_client().get("/events/vienna-2026/agenda?lang=en").get_data(as_text=True)
    assert "Working session on border controls" not in page
    assert "The programme is not published yet." in page


def test_publishing_makes_the_programme_public_as_version_1(organiser, app):
    make_event(app)
    organiser.get("/events/vienna-2026/agenda/sessions/new")
    organiser.post("/events/vienna-2026/agenda/sessions/new", session_form())
    organiser.get("/events/vienna-2026/agenda/manage")
    assert organiser.post("/events/vienna-2026/agenda/publish").status_code == 302
    page = app.test_client().get("/events/vienna-2026/agenda?lang=en").get_data(as_text=True)
    assert "Working session on border controls" in page and "Version 1" in page


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        (
            {
                "title_en": "Clashing",
                "title_ru": "",
                "starts_at": f"{YEAR}-03-12T15:00",
                "ends_at": f"{YEAR}-03-12T17:00",
                "chair": "",
                "speakers": "",
            },
            "The room %(room)s is already booked for “%(session)s”.",
        ),
        (
            {
                "title_en": "Same speaker",
                "title_ru": "",
                "room": "Room B",
                "chair": "",
                "speakers": "Expert (Interpol)",
            },
            "%(person)s is also in “%(session)s” at the same time.",
        ),
        (
            {
                "title_en": "Too late",
                "title_ru": "",
                "room": "Room C",
                "chair": "",
                "speakers": "",
                "starts_at": f"{YEAR}-03-14T10:00",
                "ends_at": f"{YEAR}-03-14T11:00",
            },
            "The session falls outside the dates of the event.",
        ),
    ],
    ids=["room", "speaker", "outside-dates"],
)
def test_clashes_are_warned_about_and_need_confirmation(organiser, app, overrides, needle):
    make_event(app)
    organiser.get("/events/vienna-2026/agenda/sessions/new")
    organiser.post("/events/vienna-2026/agenda/sessions/new", session_form())
    response = organiser.post("/events/vienna-2026/agenda/sessions/new", session_form(**overrides))
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    expected = needle % {"room": "Room A", "session": "Working session on border controls", "person": "Expert"}
    assert expected in page
    assert len(sessions(app)) == 1
    confirmed = organiser.post("/events/vienna-2026/agenda/sessions/new", session_form(**overrides, confirm="y"))
    assert confirmed.status_code == 302
    assert len(sessions(app)) == 2
    # The draft overview keeps showing the problem.
    manage = unescape(organiser.get("/events/vienna-2026/agenda/manage?lang=en").get_data(as_text=True))
    assert expected.split("“")[0] in manage


def test_bad_session_input_is_explained_in_french_and_saves_nothing(organiser, app):
    make_event(app)
    organiser.get("/events/vienna-2026/agenda/sessions/new?lang=fr")
    response = organiser.post(
        "/events/vienna-2026/agenda/sessions/new",
        session_form(ends_at=f"{YEAR}-03-12T10:00", paragraphs=["bucharest-2001:77"]),
    )
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert translated("The end must come after the start.", "fr") in page
    assert translated("The session is not saved. Please correct the fields marked below.", "fr") in page
    assert sessions(app) == []


def test_stale_session_edit_is_refused(organiser, app):
    event_id = make_event(app)
    session_id = add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11))
    url = f"/events/vienna-2026/agenda/sessions/{session_id}/edit"
    organiser.get(url)
    assert organiser.post(url, session_form(title_en="First", version="1")).status_code == 302
    second = organiser.post(url, session_form(title_en="Second", version="1"))
    assert second.status_code == 400
    assert "Someone else changed this session" in second.get_data(as_text=True)
    assert sessions(app)[0].title["en"] == "First"


def test_move_keeps_the_length_and_duplicate_cancel_delete(organiser, app):
    event_id = make_event(app)
    session_id = add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11, 30), room="Room A")
    organiser.get(f"/events/vienna-2026/agenda/sessions/{session_id}/move")
    response = organiser.post(
        f"/events/vienna-2026/agenda/sessions/{session_id}/move", {"starts_at": f"{YEAR}-03-13T14:00", "room": "Room B"}
    )
    assert response.status_code == 302
    [moved] = sessions(app)
    assert (moved.starts_at, moved.ends_at) == (
        datetime(YEAR, 3, 13, 13, tzinfo=UTC),
        datetime(YEAR, 3, 13, 14, 30, tzinfo=UTC),
    )
    organiser.post(f"/events/vienna-2026/agenda/sessions/{session_id}/duplicate")
    assert len(sessions(app)) == 2 and len({s.uid for s in sessions(app)}) == 2
    organiser.post(f"/events/vienna-2026/agenda/sessions/{session_id}/cancel")
    assert next(s for s in sessions(app) if s.id == session_id).cancelled
    organiser.post(f"/events/vienna-2026/agenda/sessions/{session_id}/restore")
    assert not next(s for s in sessions(app) if s.id == session_id).cancelled
    organiser.post(f"/events/vienna-2026/agenda/sessions/{session_id}/delete")
    assert [s.id for s in sessions(app)] != [session_id] and len(sessions(app)) == 1


def test_rooms_are_managed_and_a_used_room_cannot_be_deleted(organiser, app):
    event_id = make_event(app)
    organiser.get("/events/vienna-2026/agenda/manage")
    assert organiser.post("/events/vienna-2026/agenda/rooms", {"name": "Ratsaal"}).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Room.name)).all() == ["Ratsaal"]
    add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11), room="Ratsaal")
    with app.app_context():
        room_id = db.session.scalar(select(Room.id).where(Room.name == "Ratsaal"))
    response = organiser.post(f"/events/vienna-2026/agenda/rooms/{room_id}/delete")
    assert response.status_code == 302
    assert "Sessions still use this room" in organiser.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Room.id))) == 1


def test_second_publication_lists_what_changed(organiser, app):
    event_id = make_event(app)
    add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11), "Opening")
    move = add_session(app, event_id, datetime(YEAR, 3, 12, 11), datetime(YEAR, 3, 12, 12), "Plenary", room="A")
    retitle = add_session(app, event_id, datetime(YEAR, 3, 12, 14), datetime(YEAR, 3, 12, 15), "Panel")
    drop = add_session(app, event_id, datetime(YEAR, 3, 12, 16), datetime(YEAR, 3, 12, 17), "Side event")
    publish(app, event_id)
    organiser.get("/events/vienna-2026/agenda/manage")
    organiser.post(
        f"/events/vienna-2026/agenda/sessions/{move}/move", {"starts_at": f"{YEAR}-03-12T12:00", "room": "A"}
    )
    organiser.get(f"/events/vienna-2026/agenda/sessions/{retitle}/edit")
    organiser.post(
        f"/events/vienna-2026/agenda/sessions/{retitle}/edit",
        session_form(
            title_en="Panel on documents",
            title_ru="",
            starts_at=f"{YEAR}-03-12T14:00",
            ends_at=f"{YEAR}-03-12T15:00",
            room="",
            chair="",
            speakers="",
            paragraphs=[],
            interpretation_languages=[],
            kind="plenary",
            version="1",
        ),
    )
    organiser.post(f"/events/vienna-2026/agenda/sessions/{drop}/cancel")
    add_session(app, event_id, datetime(YEAR, 3, 13, 9), datetime(YEAR, 3, 13, 10), "Breakfast briefing")
    organiser.post("/events/vienna-2026/agenda/publish")
    page = app.test_client().get("/events/vienna-2026/agenda?lang=en").get_data(as_text=True)
    assert "Version 2" in page and "Changes since version 1" in page
    changes = page.split("Changes since version 1")[1].split("</section>")[0]
    assert 'Moved:</strong> <span lang="en">Plenary' in changes
    assert 'Retitled:</strong> <span lang="en">Panel on documents' in changes
    assert 'Cancelled:</strong> <span lang="en">Side event' in changes
    assert 'Added:</strong> <span lang="en">Breakfast briefing' in changes
    assert "Opening" not in changes


def test_publishing_an_unchanged_programme_is_refused(organiser, app):
    event_id = make_event(app)
    add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11))
    publish(app, event_id)
    organiser.get("/events/vienna-2026/agenda/manage")
    response = organiser.post("/events/vienna-2026/agenda/publish")
    assert "Nothing has changed since the last published version." in organiser.get(response.location).get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(AgendaVersion.id))) == 1


@pytest.mark.parametrize("role", ["participant", "rapporteur"])
def test_only_organisers_edit_the_programme(browser, make_user, app, role):
    event_id = make_event(app)
    session_id = add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11))
    make_user(role)
    browser.login(f"{role}@example.org", "correct horse battery")
    browser.get("/")
    base = "/events/vienna-2026/agenda"
    for url in (
        f"{base}/manage",
        f"{base}/sessions/new",
        f"{base}/sessions/{session_id}/edit",
        f"{base}/sessions/{session_id}/move",
    ):
        assert browser.get(url).status_code == 403, url
    for url in (f"{base}/sessions/new", f"{base}/sessions/{session_id}/delete", f"{base}/publish", f"{base}/rooms"):
        assert browser.post(url, session_form()).status_code == 403, url
    assert len(sessions(app)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(AgendaVersion.id))) == 0
        assert db.session.scalar(select(func.count(Room.id))) == 0


def test_anonymous_users_are_sent_to_sign_in_and_change_nothing(browser, app):
    event_id = make_event(app)
    add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11))
    assert "/login" in browser.get("/events/vienna-2026/agenda/manage").location
    assert "/login" in browser.post("/events/vienna-2026/agenda/publish").location
    with app.app_context():
        assert db.session.scalar(select(func.count(AgendaVersion.id))) == 0


def test_a_session_of_another_event_is_not_reachable_by_its_id(organiser, app):
    make_event(app)
    other = make_event(app, slug="other-2026")
    session_id = add_session(app, other, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11))
    assert organiser.get(f"/events/vienna-2026/agenda/sessions/{session_id}/edit").status_code == 404
    organiser.get("/events/vienna-2026/agenda/manage")
    assert organiser.post(f"/events/vienna-2026/agenda/sessions/{session_id}/delete").status_code == 404
    assert len(sessions(app)) == 1


def test_action_without_csrf_token_is_refused(organiser, app):
    event_id = make_event(app)
    session_id = add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11))
    response = organiser.post(f"/events/vienna-2026/agenda/sessions/{session_id}/delete", csrf=False)
    assert response.status_code == 400
    assert len(sessions(app)) == 1


def test_draft_event_programme_is_hidden_from_the_public(app):
    event_id = make_event(app)
    with unit_of_work(app):
        from events.models import Event
        from events.services import change_status

        change_status(db.session.get(Event, event_id), "cancelled")
        change_status(db.session.get(Event, event_id), "draft")
    client = app.test_client()
    assert client.get("/events/vienna-2026/agenda").status_code == 404
    assert client.get("/events/vienna-2026/agenda.ics").status_code == 404


def test_a_move_alone_is_listed_as_moved_and_nothing_else(app):
    from agenda.services import compare

    before = [
        {
            "uid": "a",
            "title": {"en": "A"},
            "starts_at": "1",
            "ends_at": "2",
            "room": "",
            "cancelled": False,
            "sequence": 0,
            "last_modified": "x",
        }
    ]
    after = [{**before[0], "starts_at": "3", "ends_at": "4", "sequence": 1, "last_modified": "y"}]
    assert compare(before, after) == {"moved": ["a"]}


@pytest.mark.parametrize("speakers", ["Expert (Interpol)\nExpert\u202e (UNODC)", "Expert\t(Interpol)", "A\x1bB"])
def test_each_speaker_line_is_held_to_the_single_line_rule(organiser, app, speakers):
    make_event(app)
    organiser.get("/events/vienna-2026/agenda/sessions/new")
    response = organiser.post("/events/vienna-2026/agenda/sessions/new?lang=en", session_form(speakers=speakers))
    assert response.status_code == 400
    assert "Write one item per line" in unescape(response.get_data(as_text=True))
    assert sessions(app) == []
