"""axe-core in a real browser: no serious or critical violation on the main pages, in English and in Russian."""

import pytest

from tests.e2e.conftest import AXE, sign_in

PAGES = [
    "/",
    "/events/",
    "/events/bishkek-2001/",
    "/events/bishkek-2001/agenda",
    "/plan/",
    "/plan/bucharest-2001/29",
    "/plan/coverage",
    "/outcomes/",
    "/events/bishkek-2001/materials/",
    "/login",
    "/sign-up",
    "/password/reset",
    "/api/v1/docs",
]
ORGANISER_PAGES = [
    "/events/new",
    "/events/bishkek-2001/agenda/manage",
    "/outcomes/new?event=bishkek-2001",
    "/profile",
    "/profile/password",
]
ADMIN_PAGES = ["/admin/users", "/admin/users/1"]


def serious_violations(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_main_pages_have_no_serious_accessibility_violation(new_page, demo, language):
    page = new_page()
    found = {}
    for url in PAGES:
        page.goto(f"{url}{'&' if '?' in url else '?'}lang={language}")
        if violations := serious_violations(page):
            found[url] = violations
    sign_in(page, "organiser@example.org", "organiser-demo-2001")
    for url in ORGANISER_PAGES:
        page.goto(f"{url}{'&' if '?' in url else '?'}lang={language}")
        if violations := serious_violations(page):
            found[url] = violations
    page.context.clear_cookies()
    sign_in(page, "admin@example.org", "admin-demo-2001")
    for url in ADMIN_PAGES:
        assert page.goto(f"{url}?lang={language}").status == 200, url
        if violations := serious_violations(page):
            found[url] = violations
    assert not found


def test_keyboard_reaches_the_skip_link_and_shows_focus(new_page, demo):
    page = new_page()
    page.goto("/events/?lang=en")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_language_switcher_is_reachable_by_keyboard(new_page, demo):
    page = new_page()
    page.goto("/plan/?lang=en")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "ru":
            break
    else:
        pytest.fail("the Russian link of the language switcher was not reached by Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**lang=ru")
    assert page.evaluate("document.documentElement.lang") == "ru"
