"""The iCalendar feeds, read back with vobject (not the library that writes them) and by their raw lines."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
import vobject
from sqlalchemy import select

from agenda.models import PersonalAgenda, Session
from core.db import db
from tests.agenda_helpers import add_session, make_event, publish
from tests.clock import YEAR, last_sunday_of_march
from tests.conftest import Browser


def read_calendar(text: str):
    """vobject keeps the first VTIMEZONE it saw for a TZID for the whole process: read each feed with its own."""
    registry = vobject.icalendar.__dict__["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    return vobject.readOne(text)


def parse(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return read_calendar(response.get_data(as_text=True))


def events_of(calendar):
    return list(getattr(calendar, "vevent_list", []))


def test_bishkek_feed_has_every_session_at_utc_plus_5(browser, demo, app):
    calendar = parse(browser.get("/events/bishkek-2001/agenda.ics?lang=en"))
    vevents = events_of(calendar)
    with app.app_context():
        from agenda.services import latest_version
        from tests.agenda_helpers import event_by_slug

        published = latest_version(event_by_slug("bishkek-2001")).sessions
    assert len(vevents) == len(published) == 11
    by_uid = {v.uid.value.split("@")[0]: v for v in vevents}
    for item in published:
        vevent = by_uid[item["uid"]]
        start = vevent.dtstart.value
        assert start.astimezone(UTC) == datetime.fromisoformat(item["starts_at"])
        assert vevent.dtend.value.astimezone(UTC) == datetime.fromisoformat(item["ends_at"])
        # The offset comes from the VTIMEZONE in the file, and it must be the tz database's of that date.
        assert start.utcoffset() == timedelta(hours=5)
        assert start.utcoffset() == start.astimezone(ZoneInfo("Asia/Bishkek")).utcoffset()
    opening = next(v for v in vevents if v.summary.value == "Opening session")
    assert opening.dtstart.value.replace(tzinfo=None) == datetime(2001, 12, 13, 9, 30)
    assert "Chair: Minister for Foreign Affairs (Kyrgyz Republic)" in opening.description.value
    assert opening.location.value == "Plenary hall, Bishkek"
    assert opening.url.value.endswith(f"/events/bishkek-2001/agenda#session-{opening.uid.value.split('@')[0]}")


def test_times_in_the_feed_match_the_agenda_page(browser, demo):
    calendar = parse(browser.get("/events/bishkek-2001/agenda.ics?lang=en"))
    page = browser.get("/events/bishkek-2001/agenda?lang=en").get_data(as_text=True)
    held = [vevent for vevent in events_of(calendar) if vevent.status.value != "CANCELLED"]
    assert len(held) == 10  # the demo's 11 published sessions, one of them cancelled
    for vevent in held:
        utc = vevent.dtstart.value.astimezone(UTC).isoformat()
        local = vevent.dtstart.value.strftime("%H:%M")
        assert f'<time datetime="{utc}">{local}</time>' in page


def test_vtimezone_rules_agree_with_the_tz_database_on_every_session_date(app, organiser):
    # Vienna across a change to summer time: each session's offset must come out right from the file alone.
    change = datetime.combine(last_sunday_of_march(), time(10))
    days = [change - timedelta(days=1), change, change + timedelta(days=1)]
    event_id = make_event(app, slug="dst-2026", start=days[0].replace(hour=9), end=days[-1].replace(hour=18))
    for day in days:
        add_session(app, event_id, day, day + timedelta(hours=1), f"Day {day.day}")
    publish(app, event_id)
    calendar = parse(organiser.get("/events/dst-2026/agenda.ics?lang=en"))
    tz_from_file = calendar.vtimezone.gettzinfo()
    vienna = ZoneInfo("Europe/Vienna")
    offsets = {}
    for vevent in events_of(calendar):
        local = vevent.dtstart.value.replace(tzinfo=None)
        offsets[local.day] = tz_from_file.utcoffset(local)
        assert tz_from_file.utcoffset(local) == local.replace(tzinfo=vienna).utcoffset()
    before, during, after = (day.day for day in days)
    assert offsets == {before: timedelta(hours=1), during: timedelta(hours=2), after: timedelta(hours=2)}


def test_titles_follow_the_requested_language(browser, demo):
    calendar = parse(browser.get("/events/bishkek-2001/agenda.ics?lang=ru"))
    assert "Открытие конференции" in {v.summary.value for v in events_of(calendar)}
    calendar = parse(browser.get("/events/bishkek-2001/agenda.ics?lang=fr"))
    assert "Séance d’ouverture" in {v.summary.value for v in events_of(calendar)}


def test_uids_are_stable_and_sequence_grows_when_a_session_changes(app, organiser):
    event_id = make_event(app)
    moving = add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11), "Moving")
    add_session(app, event_id, datetime(YEAR, 3, 12, 12), datetime(YEAR, 3, 12, 13), "Staying")
    doomed = add_session(app, event_id, datetime(YEAR, 3, 12, 14), datetime(YEAR, 3, 12, 15), "Doomed")
    publish(app, event_id)
    first = {v.summary.value: v for v in events_of(parse(organiser.get("/events/vienna-2026/agenda.ics?lang=en")))}
    # An hour later, so that a LAST-MODIFIED left unchanged would show.
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1)):
        organiser.get("/events/vienna-2026/agenda/manage")
        organiser.post(f"/events/vienna-2026/agenda/sessions/{moving}/move", {"starts_at": f"{YEAR}-03-12T16:00"})
        organiser.post(f"/events/vienna-2026/agenda/sessions/{doomed}/delete")
        organiser.post("/events/vienna-2026/agenda/publish")
    second = {v.summary.value: v for v in events_of(parse(organiser.get("/events/vienna-2026/agenda.ics?lang=en")))}
    assert {k: v.uid.value for k, v in first.items()} == {k: v.uid.value for k, v in second.items()}
    assert int(second["Moving"].sequence.value) == int(first["Moving"].sequence.value) + 1
    assert int(second["Staying"].sequence.value) == int(first["Staying"].sequence.value)
    assert second["Moving"].dtstart.value.hour == 16
    # Deleted after publication: still in the feed, cancelled, so subscribed calendars remove it.
    assert second["Doomed"].status.value == "CANCELLED"
    assert int(second["Doomed"].sequence.value) == int(first["Doomed"].sequence.value) + 1
    assert second["Moving"].last_modified.value > first["Moving"].last_modified.value
    assert second["Staying"].last_modified.value == first["Staying"].last_modified.value


def test_cancelled_session_stays_in_the_feed_as_cancelled(browser, demo):
    calendar = parse(browser.get("/events/bishkek-2001/agenda.ics?lang=en"))
    side = next(v for v in events_of(calendar) if v.summary.value.startswith("Side event"))
    assert side.status.value == "CANCELLED"


def test_feed_answers_304_to_a_client_that_polls_an_unchanged_feed(browser, demo):
    first = browser.get("/events/bishkek-2001/agenda.ics?lang=en")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = browser.get("/events/bishkek-2001/agenda.ics?lang=en", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = browser.get(
        "/events/bishkek-2001/agenda.ics?lang=en", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    other_language = browser.get(
        "/events/bishkek-2001/agenda.ics?lang=ru", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert other_language.status_code == 200


def test_feed_changes_its_etag_after_a_publication(app, organiser):
    event_id = make_event(app)
    session_id = add_session(app, event_id, datetime(YEAR, 3, 12, 10), datetime(YEAR, 3, 12, 11))
    publish(app, event_id)
    before = organiser.get("/events/vienna-2026/agenda.ics?lang=en").headers["ETag"]
    organiser.get("/events/vienna-2026/agenda/manage")
    organiser.post(f"/events/vienna-2026/agenda/sessions/{session_id}/cancel")
    organiser.post("/events/vienna-2026/agenda/publish")
    response = organiser.get("/events/vienna-2026/agenda.ics?lang=en", headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before


HOSTILE = "Line one\nLine two, with; a comma\\backslash\r\nBEGIN:VEVENT\nSUMMARY:injected"
LONG_RUSSIAN = (
    "Рабочее заседание по вопросам противодействия использованию Интернета в террористических целях "
    "и укреплению международного сотрудничества правоохранительных органов государств-участников"
)


def test_whatever_organisers_typed_is_escaped_and_folded(app, organiser):
    event_id = make_event(app)
    add_session(
        app,
        event_id,
        datetime(YEAR, 3, 12, 10),
        datetime(YEAR, 3, 12, 11),
        {"en": HOSTILE, "ru": LONG_RUSSIAN},
        description={"en": HOSTILE},
    )
    publish(app, event_id)
    raw = organiser.get("/events/vienna-2026/agenda.ics?lang=en").get_data()
    lines = raw.split(b"\r\n")
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # no UTF-8 character is split across a fold
    assert lines.count(b"BEGIN:VEVENT") == 1
    assert b"\nSUMMARY:injected" not in raw.replace(b"\r\n ", b"")
    [vevent] = events_of(read_calendar(raw.decode()))
    # A title is one line (stored before the rule, it is written as one); a description keeps its lines.
    assert vevent.summary.value == HOSTILE.replace("\r\n", " ").replace("\n", " ")
    assert vevent.description.value.startswith(HOSTILE.replace("\r\n", "\n"))
    russian = organiser.get("/events/vienna-2026/agenda.ics?lang=ru").get_data()
    for line in russian.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    [vevent] = events_of(read_calendar(russian.decode()))
    assert vevent.summary.value == LONG_RUSSIAN


def test_one_session_calendar(browser, demo, app):
    with app.app_context():
        uid = db.session.scalar(select(Session.uid).where(Session.kind == "opening").order_by(Session.id))
    response = browser.get(f"/events/bishkek-2001/sessions/{uid}.ics?lang=en")
    [vevent] = events_of(parse(response))
    assert vevent.uid.value == f"{uid}@follow-up-meetings"
    assert "attachment" in response.headers["Content-Disposition"]
    page = browser.get("/events/bishkek-2001/agenda?lang=en").get_data(as_text=True)
    assert f"/events/bishkek-2001/sessions/{uid}.ics" in page
    assert browser.get("/events/bishkek-2001/sessions/nonexistent.ics").status_code == 404


def test_series_expands_to_the_meetings_held_and_skips_the_cancelled_one(browser, demo, app):
    calendar = parse(browser.get("/events/law-enforcement-meetings/agenda.ics?lang=en"))
    vevents = events_of(calendar)
    master = next(v for v in vevents if not hasattr(v, "recurrence_id"))
    overrides = {v.recurrence_id.value: v for v in vevents if hasattr(v, "recurrence_id")}
    instances = []
    for start in master.getrruleset(addRDate=True):
        instance = overrides.get(start)
        instances.append(instance.dtstart.value if instance is not None else start)
    with app.app_context():
        from events.models import Event

        held = db.session.scalars(
            select(Event.starts_at)
            .where(Event.series_id.is_not(None), Event.status != "cancelled")
            .order_by(Event.starts_at)
        ).all()
    assert [i.astimezone(UTC) for i in instances] == held
    assert len(held) == 3
    # The cancelled 2004 meeting is excluded from the rule by date, in the series' own wall-clock time.
    assert [d.replace(tzinfo=None) for e in master.exdate_list for d in e.value] == [datetime(2004, 10, 24, 10, 0)]


def test_personal_agenda_feed_with_a_secret_token(browser, make_user, demo, app):
    make_user("participant", email="delegate@example.org")
    browser.login("delegate@example.org", "correct horse battery")
    with app.app_context():
        uids = db.session.scalars(
            select(Session.uid).join(Session.event).where(Session.kind.in_(["opening", "closing"])).order_by(Session.id)
        ).all()[:2]
    browser.get("/events/bishkek-2001/agenda")
    for uid in uids:
        assert browser.post(f"/events/bishkek-2001/agenda/pick/{uid}").status_code == 302
    page = browser.get("/events/bishkek-2001/my-agenda?lang=en").get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(select(PersonalAgenda.feed_token))
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    assert f"/calendar/{token}.ics" in page
    anonymous = app.test_client()
    calendar = parse(anonymous.get(f"/calendar/{token}.ics?lang=en"))
    assert {v.uid.value.split("@")[0] for v in events_of(calendar)} == set(uids)
    # Revoking kills the old address and gives a new one.
    browser.post("/events/bishkek-2001/my-agenda/revoke")
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404
    with app.app_context():
        new_token = db.session.scalar(select(PersonalAgenda.feed_token))
    assert new_token != token and anonymous.get(f"/calendar/{new_token}.ics").status_code == 200
    assert anonymous.get("/calendar/guessed-token.ics").status_code == 404


def test_nobody_sees_another_person_s_agenda(browser, make_user, demo, app):
    make_user("participant", email="one@example.org")
    make_user("participant", email="two@example.org")
    browser.login("one@example.org", "correct horse battery")
    with app.app_context():
        uid = db.session.scalar(select(Session.uid).where(Session.kind == "opening").order_by(Session.id))
    browser.get("/events/bishkek-2001/agenda")
    browser.post(f"/events/bishkek-2001/agenda/pick/{uid}")
    other = Browser(app.test_client())
    other.login("two@example.org", "correct horse battery")
    page = other.get("/events/bishkek-2001/my-agenda?lang=en").get_data(as_text=True)
    assert "You have not picked any session yet." in page
    with app.app_context():
        token = db.session.scalar(select(PersonalAgenda.feed_token))
    assert token not in page


def test_picking_needs_sign_in_and_a_published_session(browser, demo, make_user):
    assert "/login" in browser.post("/events/bishkek-2001/agenda/pick/abc").location
    make_user("participant", email="p@example.org")
    browser.login("p@example.org", "correct horse battery")
    browser.get("/events/bishkek-2001/agenda")
    response = browser.post("/events/bishkek-2001/agenda/pick/not-a-session")
    assert "This session is not on the published programme." in browser.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("url", ["/events/bishkek-2001/agenda.ics", "/events/law-enforcement-meetings/agenda.ics"])
def test_feeds_are_public_without_login(app, demo, url):
    assert app.test_client().get(url).status_code == 200
