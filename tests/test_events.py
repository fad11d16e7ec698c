from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.db import db
from events.models import Event
from tests.catalogs import translated
from tests.clock import YEAR, last_sunday_of_march


def event_form(**overrides):
    data = {
        "slug": "vienna-seminar-2026",
        "kind": "seminar",
        "title_en": "Seminar on travel document security",
        "title_fr": "Séminaire sur la sécurité des documents de voyage",
        "description_en": "First paragraph.\n\nSecond paragraph.",
        "starts_at": f"{YEAR}-03-12T09:30",
        "ends_at": f"{YEAR}-03-13T17:00",
        "timezone": "Europe/Vienna",
        "venue": "Hofburg",
        "city": "Vienna",
        "working_languages": ["en", "ru"],
        "capacity": "80",
        "registration_deadline": f"{YEAR}-03-01T23:59",
        "visibility": "public",
        "organisers": ["secretariat"],
        "partners": ["interpol"],
        "paragraphs": ["bucharest-2001:26", "bucharest-2001:20"],
        "series": "",
    }
    data.update(overrides)
    return data


def event_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Event.id)))


def load_event(app, slug):
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        db.session.expunge_all()
        return event


def create(browser, **overrides):
    browser.get("/events/new")
    return browser.post("/events/new", event_form(**overrides))


def test_organiser_creates_an_event_as_a_draft(organiser, app):
    response = create(organiser)
    assert response.status_code == 302
    assert response.location.endswith("/events/vienna-seminar-2026/")
    event = load_event(app, "vienna-seminar-2026")
    assert event.status == "draft"
    # Stored in UTC: Vienna is UTC+1 in March before the change to summer time.
    assert event.starts_at == datetime(YEAR, 3, 12, 8, 30, tzinfo=UTC)
    assert event.title == {
        "en": "Seminar on travel document security",
        "fr": "Séminaire sur la sécurité des documents de voyage",
    }
    assert event.working_languages == ["en", "ru"]
    page = organiser.get("/events/vienna-seminar-2026/?lang=en").get_data(as_text=True)
    assert "Seminar on travel document security" in page
    assert "Interpol" in page
    assert 'href="/plan/bucharest-2001/26"' in page


@pytest.mark.parametrize(
    ("overrides", "message", "values"),
    [
        ({"ends_at": f"{YEAR}-03-11T09:00"}, "The end must come after the start.", {}),
        (
            {"timezone": "Europe/Atlantis"},
            "Unknown time zone. Use a name from the tz database, such as Asia/Bishkek.",
            {},
        ),
        ({"paragraphs": ["bucharest-2001:99"]}, "Unknown plan paragraph: %(refs)s.", {"refs": "bucharest-2001:99"}),
        ({"title_en": "", "title_fr": ""}, "Give a title in at least one language.", {}),
        (
            {"starts_at": f"{last_sunday_of_march()}T02:30", "ends_at": f"{last_sunday_of_march()}T10:00"},
            "This time does not exist in the chosen time zone (clocks were put forward).",
            {},
        ),
        (
            {"registration_deadline": f"{YEAR}-04-01T10:00"},
            "The registration deadline must not be after the end.",
            {},
        ),
    ],
    ids=["end-before-start", "unknown-zone", "unknown-paragraph", "no-title", "dst-gap", "late-deadline"],
)
@pytest.mark.parametrize("language", ["fr", "ru"])
def test_bad_input_is_explained_in_the_reader_language_and_saves_nothing(
    organiser, app, overrides, message, values, language
):
    organiser.get(f"/events/new?lang={language}")
    response = organiser.post("/events/new", event_form(**overrides))
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert translated("The event is not saved. Please correct the fields marked below.", language) in page
    assert translated(message, language, **values) in page
    assert message % values not in page
    assert event_count(app) == 0


def test_zero_capacity_is_refused_with_the_form_library_message_in_french(organiser, app):
    organiser.get("/events/new?lang=fr")
    response = organiser.post("/events/new", event_form(capacity="0"))
    assert response.status_code == 400
    assert "Le nombre doit être au minimum 1." in unescape(response.get_data(as_text=True))
    assert event_count(app) == 0


def test_duplicate_slug_is_refused(organiser, app):
    create(organiser)
    response = create(organiser, title_en="Another one")
    assert response.status_code == 400
    assert "Another event or series already uses this address." in response.get_data(as_text=True)
    assert event_count(app) == 1


def test_slug_shared_with_a_series_is_refused(organiser, app, demo):
    response = create(organiser, slug="law-enforcement-meetings")
    assert response.status_code == 400
    assert "Another event or series already uses this address." in response.get_data(as_text=True)
    assert event_count(app) == 8


def test_anonymous_users_are_sent_to_sign_in(browser, app):
    response = browser.get("/events/new")
    assert response.status_code == 302 and "/login" in response.location
    response = browser.post("/events/new", event_form())
    assert response.status_code == 302 and "/login" in response.location
    assert event_count(app) == 0


@pytest.mark.parametrize("role", ["participant", "rapporteur"])
def test_participants_and_rapporteurs_cannot_create_or_change_events(browser, make_user, app, demo, role):
    make_user(role, email=f"someone-{role}@example.org")
    browser.login(f"someone-{role}@example.org", "correct horse battery")
    browser.get("/")
    assert browser.get("/events/new").status_code == 403
    assert browser.post("/events/new", event_form()).status_code == 403
    assert browser.get("/events/bishkek-2001/edit").status_code == 403
    assert browser.post("/events/bishkek-2001/edit", event_form(slug="bishkek-2001")).status_code == 403
    assert browser.post("/events/bishkek-2001/status", {"status": "archived"}).status_code == 403
    assert browser.get("/events/bishkek-2001/history").status_code == 403
    assert event_count(app) == 8
    assert load_event(app, "bishkek-2001").status == "held"
    assert load_event(app, "bishkek-2001").city == "Bishkek"


def test_post_without_csrf_token_is_refused(organiser, app):
    organiser.get("/events/new")
    response = organiser.post("/events/new", event_form(), csrf=False)
    assert response.status_code == 400
    assert event_count(app) == 0


def test_drafts_are_hidden_from_the_public_until_published(organiser, app):
    create(organiser)
    anonymous = app.test_client()
    assert anonymous.get("/events/vienna-seminar-2026/").status_code == 404
    assert "vienna-seminar-2026" not in anonymous.get("/events/").get_data(as_text=True)

    organiser.get("/events/vienna-seminar-2026/")
    response = organiser.post("/events/vienna-seminar-2026/status", {"status": "open"})
    assert response.status_code == 302
    assert anonymous.get("/events/vienna-seminar-2026/").status_code == 200
    assert "vienna-seminar-2026" in anonymous.get("/events/").get_data(as_text=True)


def test_status_follows_the_life_of_a_meeting(organiser, app):
    create(organiser)
    organiser.get("/events/vienna-seminar-2026/")
    for status in ("open", "closed", "held", "archived"):
        organiser.post("/events/vienna-seminar-2026/status", {"status": status})
        assert load_event(app, "vienna-seminar-2026").status == status
    # Archived is final.
    response = organiser.post("/events/vienna-seminar-2026/status", {"status": "open"})
    assert response.status_code == 302
    assert load_event(app, "vienna-seminar-2026").status == "archived"
    assert "This change of status is not possible." in organiser.get(response.location).get_data(as_text=True)


def test_cancel_keeps_a_note_and_says_so_on_the_page(organiser, app):
    create(organiser)
    organiser.get("/events/vienna-seminar-2026/")
    organiser.post("/events/vienna-seminar-2026/status", {"status": "open"})
    organiser.post("/events/vienna-seminar-2026/status", {"status": "cancelled", "note": "Venue unavailable."})
    page = app.test_client().get("/events/vienna-seminar-2026/?lang=en").get_data(as_text=True)
    assert "This event is cancelled." in page and "Venue unavailable." in page


def test_edit_is_recorded_in_the_audit_log(organiser, app):
    create(organiser)
    organiser.get("/events/vienna-seminar-2026/edit")
    response = organiser.post("/events/vienna-seminar-2026/edit", event_form(city="Wien", capacity="120", version="1"))
    assert response.status_code == 302
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.entity_type == "event").order_by(AuditEntry.id)
        entries = db.session.scalars(query).all()
        assert [e.action for e in entries] == ["created", "updated"]
        assert entries[1].changes == {"city": ["Vienna", "Wien"], "capacity": [80, 120]}
        assert entries[1].user.email == "organiser@example.org"
    history = organiser.get("/events/vienna-seminar-2026/history?lang=en").get_data(as_text=True)
    assert "Olga Organiser" in history and "Wien" in history and "Capacity" in history


def test_stale_edit_is_refused_and_nothing_is_overwritten(organiser, app):
    create(organiser)
    organiser.get("/events/vienna-seminar-2026/edit")
    first = organiser.post("/events/vienna-seminar-2026/edit", event_form(city="Graz", version="1"))
    assert first.status_code == 302
    second = organiser.post("/events/vienna-seminar-2026/edit", event_form(city="Linz", version="1"))
    assert second.status_code == 400
    assert "Someone else changed this event" in second.get_data(as_text=True)
    assert load_event(app, "vienna-seminar-2026").city == "Graz"


def test_edit_form_shows_local_times_and_missing_languages(organiser):
    create(organiser)
    page = organiser.get("/events/vienna-seminar-2026/edit?lang=en").get_data(as_text=True)
    assert f'value="{YEAR}-03-12T09:30"' in page
    assert "Given in: EN · FR." in page
    assert "Missing: DE · IT · RU · ES." in page


def test_bishkek_2001_is_shown_at_utc_plus_5_from_the_tz_database(browser, demo, app):
    event = load_event(app, "bishkek-2001")
    assert event.starts_at == datetime(2001, 12, 13, 4, 30, tzinfo=UTC)
    page = browser.get("/events/bishkek-2001/?lang=en").get_data(as_text=True)
    # CLDR 47 (Babel 2.19, pinned in the lock) puts thin spaces around the range's dash.
    assert "13\u2009–\u200914 Dec 2001" in page
    assert "Thursday, 13 December 2001, 09:30" in page
    assert "GMT+05:00" in page


def test_bishkek_today_is_utc_plus_6(organiser):
    create(
        organiser,
        slug="bishkek-2026",
        timezone="Asia/Bishkek",
        starts_at=f"{YEAR}-12-13T09:30",
        ends_at=f"{YEAR}-12-13T18:00",
        registration_deadline="",
    )
    organiser.get("/events/bishkek-2026/")
    page = organiser.get("/events/bishkek-2026/?lang=en").get_data(as_text=True)
    assert "GMT+06:00" in page and "09:30" in page


def test_reader_can_see_times_in_their_own_zone(browser, demo):
    page = browser.get("/events/bishkek-2001/?lang=en&tz=Europe/Vienna").get_data(as_text=True)
    assert "Thursday, 13 December 2001, 05:30" in page


def test_event_page_in_russian_uses_russian_dates(browser, demo):
    page = browser.get("/events/bishkek-2001/?lang=ru").get_data(as_text=True)
    assert "13 декабря 2001" in page
    assert "Бишкекская международная конференция" in page


def test_content_missing_in_a_language_is_marked_as_fallback(browser, demo):
    page = browser.get("/events/coc-follow-up-2002/?lang=de").get_data(as_text=True)
    # Title exists in German; the description only in English and French.
    assert "Folgekonferenz zum Verhaltenskodex" in page
    assert 'class="fallback"' in page


def test_list_filters_by_kind_year_and_paragraph(browser, demo):
    def slugs(query):
        page = browser.get(f"/events/?{query}").get_data(as_text=True)
        return {
            slug
            for slug in (
                "bishkek-2001",
                "coc-follow-up-2002",
                "salw-workshop-2002",
                "internet-workshop-2005",
                "law-enforcement-meeting-2003",
            )
            if f"/events/{slug}/" in page
        }

    assert slugs("kind=expert_workshop") == {"salw-workshop-2002", "internet-workshop-2005"}
    assert slugs("year=2002") == {"coc-follow-up-2002", "salw-workshop-2002"}
    assert slugs("paragraph=bucharest-2001:8") == {"coc-follow-up-2002", "salw-workshop-2002"}
    assert slugs("paragraph=bucharest-2001:20&year=2003") == {"law-enforcement-meeting-2003"}


def test_list_separates_upcoming_and_past(organiser, app, demo):
    create(organiser, starts_at=f"{YEAR}-05-01T10:00", ends_at=f"{YEAR}-05-02T17:00", registration_deadline="")
    organiser.get("/events/vienna-seminar-2026/")
    organiser.post("/events/vienna-seminar-2026/status", {"status": "open"})
    page = app.test_client().get("/events/?lang=en").get_data(as_text=True)
    upcoming, past = page.split('id="past"')
    assert "/events/vienna-seminar-2026/" in upcoming
    assert "/events/bishkek-2001/" in past


def test_series_page_lists_its_meetings(browser, demo):
    response = browser.get("/events/law-enforcement-meetings/?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Every year" in page
    for year in (2002, 2003, 2004, 2005):
        assert f"/events/law-enforcement-meeting-{year}/" in page
    assert "Cancelled" in page


def test_organiser_creates_a_series_and_adds_a_meeting_to_it(organiser, app):
    organiser.get("/events/series/new")
    response = organiser.post(
        "/events/series/new",
        {
            "slug": "border-experts",
            "title_en": "Border security experts",
            "recurrence": "FREQ=MONTHLY;INTERVAL=6",
            "convened_by": "secretariat",
        },
    )
    assert response.status_code == 302
    assert create(organiser, series="border-experts").status_code == 302
    assert load_event(app, "vienna-seminar-2026").series_id is not None
    page = organiser.get("/events/border-experts/?lang=en").get_data(as_text=True)
    assert "Every six months" in page and "/events/vienna-seminar-2026/" in page


def test_paragraph_page_lists_the_meetings_that_follow_it_up(browser, demo):
    page = browser.get("/plan/bucharest-2001/29?lang=en").get_data(as_text=True)
    assert "/events/bishkek-2001/" in page
    page = browser.get("/plan/mc-dec-3-04/2?lang=en").get_data(as_text=True)
    assert "/events/internet-workshop-2005/" in page


def test_unknown_event_is_404(browser):
    assert browser.get("/events/nothing-here/").status_code == 404
