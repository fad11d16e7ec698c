from tests.agenda_helpers import bulk_programme
from tests.conftest import count_queries


def test_programme_is_grouped_by_day_in_the_event_zone(browser, demo):
    page = browser.get("/events/bishkek-2001/agenda?lang=en").get_data(as_text=True)
    assert "Thursday, 13 December 2001" in page and "Friday, 14 December 2001" in page
    assert page.index("Thursday, 13 December 2001") < page.index("Friday, 14 December 2001")
    assert "Kyrgyzstan Time (GMT+05:00)" in page
    assert ">09:30</time>" in page


def test_reader_can_switch_to_another_zone(browser, demo):
    page = browser.get("/events/bishkek-2001/agenda?lang=en&tz=Europe/Vienna").get_data(as_text=True)
    # The opening, 09:30–11:00 in Bishkek (UTC+5), is 05:30–07:00 in Vienna (UTC+1) in December.
    assert '">05:30</time>–<time datetime="2001-12-13T06:00:00+00:00">07:00</time>' in page


def test_signed_in_reader_is_offered_their_own_zone(browser, demo, make_user):
    make_user("participant", email="tz@example.org", timezone="America/New_York")
    browser.login("tz@example.org", "correct horse battery")
    page = browser.get("/events/bishkek-2001/agenda?lang=en").get_data(as_text=True)
    assert 'value="America/New_York"' in page and "My time zone (America/New_York)" in page


def test_filters_by_day_room_and_paragraph(browser, demo):
    day = browser.get("/events/bishkek-2001/agenda?lang=en&day=2001-12-14").get_data(as_text=True)
    assert "Working session III" in day and "Working session I:" not in day
    room = browser.get("/events/bishkek-2001/agenda?lang=en&room=Room+B").get_data(as_text=True)
    assert "Side event" in room and "Working session III" not in room
    paragraph = browser.get("/events/bishkek-2001/agenda?lang=en&paragraph=bucharest-2001:24").get_data(as_text=True)
    assert "Working session III" in paragraph and "Opening session" not in paragraph


def test_page_says_when_it_last_changed_and_what_changed(browser, demo):
    page = browser.get("/events/bishkek-2001/agenda?lang=en").get_data(as_text=True)
    assert "Version 2, published on" in page
    changes = page.split("Changes since version 1")[1].split("</section>")[0]
    assert "Working session IV" in changes and "Side event" in changes


def test_programme_in_russian(browser, demo):
    page = browser.get("/events/bishkek-2001/agenda?lang=ru").get_data(as_text=True)
    assert "четверг, 13 декабря 2001" in page
    assert "Открытие конференции" in page


def test_print_stylesheet_gives_a_clean_programme(browser, demo):
    page = browser.get("/events/bishkek-2001/agenda").get_data(as_text=True)
    assert 'href="/static/print.css" media="print"' in page
    css = browser.get("/static/print.css").get_data(as_text=True)
    assert ".site-header" in css and "break-inside: avoid" in css


def test_event_page_links_to_its_programme_and_paragraph_page_to_its_sessions(browser, demo):
    page = browser.get("/events/bishkek-2001/?lang=en").get_data(as_text=True)
    assert "/events/bishkek-2001/agenda" in page
    assert "10 sessions" in page  # the cancelled side event is not counted
    paragraph = browser.get("/plan/bucharest-2001/24?lang=en").get_data(as_text=True)
    assert "Working session III: Suppressing the financing of terrorism" in paragraph


def _queries(app, url):
    client = app.test_client()
    client.get(url)
    with count_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_agenda_page_and_feed_use_a_fixed_number_of_queries(app):
    bulk_programme(app, "small-2026", 20)
    bulk_programme(app, "big-2026", 500)
    for page in ("agenda", "agenda.ics"):
        small = _queries(app, f"/events/small-2026/{page}")
        assert small == _queries(app, f"/events/big-2026/{page}"), page
        assert small <= 6, page


def test_draft_editor_uses_a_fixed_number_of_queries(app, organiser):
    bulk_programme(app, "small-2026", 20)
    bulk_programme(app, "big-2026", 300)

    def queries(slug):
        organiser.get(f"/events/{slug}/agenda/manage")
        with count_queries(app) as statements:
            assert organiser.get(f"/events/{slug}/agenda/manage").status_code == 200
        return len(statements)

    assert queries("small-2026") == queries("big-2026")
