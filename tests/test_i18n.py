"""The interface in six languages: every page, the switcher, the stickiness of the choice, and the catalogs."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from accounts.models import User
from core.db import db
from core.i18n import LANGUAGE_NAMES, LANGUAGES
from tests.catalogs import TRANSLATIONS, catalog

ROOT = Path(__file__).resolve().parents[1]
# Besides pybabel's own (hidden folders): the mutation run's copy of the code, and the browser tests' packages.
IGNORED_DIRS = ".* ._ mutants node_modules"
PUBLIC_PAGES = [
    "/",
    "/login",
    "/plan/",
    "/plan/bucharest-2001/29",
    "/plan/mc-dec-3-04/p5",
    "/plan/actors/secretariat",
    "/events/",
    "/events/?kind=conference&year=2001",
    "/events/bishkek-2001/",
    "/events/bishkek-2001/materials/",
    "/events/law-enforcement-meetings/",
    "/events/internet-workshop-2005/",
    "/does-not-exist",
]
ORGANISER_PAGES = [
    "/events/new",
    "/events/series/new",
    "/events/bishkek-2001/edit",
    "/events/bishkek-2001/history",
    "/events/law-enforcement-meetings/edit",
    "/profile",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_each_language(browser, demo, make_user, language):
    for url in PUBLIC_PAGES:
        separator = "&" if "?" in url else "?"
        response = browser.get(f"{url}{separator}lang={language}")
        assert response.status_code == (404 if url == "/does-not-exist" else 200), url
        assert f'<html lang="{language}">' in response.get_data(as_text=True), url
    browser.login("organiser@example.org", "organiser-demo-2001")
    for url in ORGANISER_PAGES:
        response = browser.get(f"{url}?lang={language}")
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.get_data(as_text=True), url


def test_switcher_names_each_language_in_itself_and_keeps_the_page(browser):
    page = browser.get("/plan/bucharest-2001/20?lang=ru").get_data(as_text=True)
    for code, name in LANGUAGE_NAMES.items():
        assert f'href="/plan/bucharest-2001/20?lang={code}" lang="{code}" hreflang="{code}"' in page
        assert f">{name}</a>" in page
    assert re.search(r'lang="ru" hreflang="ru"\s+aria-current="true"', page)


def test_choice_sticks_for_the_session(browser):
    browser.get("/?lang=de")
    assert '<html lang="de">' in browser.get("/events/").get_data(as_text=True)


def test_accept_language_is_used_when_nothing_was_chosen(app):
    client = app.test_client()
    page = client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    page = client.get("/", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_unknown_language_is_ignored(browser):
    browser.get("/?lang=fr")
    assert '<html lang="fr">' in browser.get("/?lang=xx").get_data(as_text=True)


def test_a_link_switches_the_session_and_only_the_profile_form_changes_the_profile(browser, make_user, app):
    from tests.conftest import Browser

    make_user("participant")
    browser.login("participant@example.org", "correct horse battery")
    # Any site could make a browser follow ?lang=: it switches this session and stores nothing.
    assert '<html lang="it">' in browser.get("/?lang=it").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.language)) == "en"
    browser.get("/profile")
    browser.post("/profile", {"name": "", "language": "it", "timezone": "UTC"})
    with app.app_context():
        assert db.session.scalar(select(User.language)) == "it"
    # A new session of the same user starts in the language of the profile.
    second = Browser(app.test_client())
    second.login("participant@example.org", "correct horse battery")
    assert '<html lang="it">' in second.get("/").get_data(as_text=True)


@pytest.fixture(scope="module")
def extracted_messages(tmp_path_factory) -> set[str]:
    """What the code and templates ask to translate, extracted afresh as `make extract-translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot)]
        + ["--ignore-dirs", IGNORED_DIRS, "."],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_string_of_the_code_translated_and_not_fuzzy(extracted_messages, language):
    messages = catalog(language)
    known = {m.id if isinstance(m.id, str) else m.id[0]: m for m in messages if m.id}
    assert len(extracted_messages) > 100
    missing = extracted_messages - set(known)
    assert not missing, f"not in the {language} catalog (run make extract-translations): {sorted(missing)[:5]}"
    for message in known.values():
        assert not message.fuzzy, f"fuzzy in {language}: {message.id}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated in {language}: {message.id}"
        assert not list(message.check(messages)), f"placeholders differ in {language}: {message.id}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_passes_msgfmt_check(language):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed")
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


# Words spelt the same in both languages; anything else equal to the English is English left behind.
NEUTRAL = {"%(name)s: %(status)s."}
SAME_IN_TRANSLATION = {
    "fr": NEUTRAL
    | {
        "Actions",
        "Code",
        "Codes",
        "Conclusion",
        "Date",
        "Documents",
        "Public",
        "Version",
        "Version %(number)d",
        "Dates",
        "Description",
        "Document",
        "Expert",
        "Invitation",
        "Invitations",
        "Note",
        "Organisation",
        "Pages",
        "Participant",
        "Participants",
        "Participation",
        "Programme",
        "Rapporteur",
        "Section",
        "Type",
    },
    "de": NEUTRAL
    | {
        "Administrator",
        "Delegation",
        "Name",
        "Organisation",
        "Seminar",
        "Status",
        "System",
        "Text",
        "Version",
        "Version %(number)d",
    },
    "it": NEUTRAL | {"File", "Password", "in %(language)s"},
    "ru": NEUTRAL | {"JSON API"},
    "es": NEUTRAL,
}


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_no_english_left_in_other_catalogs(language):
    messages = catalog(language)
    left = [
        m.id
        for m in messages
        if m.id and isinstance(m.id, str) and m.string == m.id and m.id not in SAME_IN_TRANSLATION[language]
    ]
    assert not left, f"{language} keeps English: {left}"


def test_russian_plurals_have_three_forms(browser, demo):
    messages = catalog("ru")
    plural = next(m for m in messages if isinstance(m.id, tuple) and m.id[0] == "%(num)d meeting")
    assert len(plural.string) == 3 and all(plural.string)
    page = browser.get("/events/law-enforcement-meetings/?lang=ru").get_data(as_text=True)
    assert f"4 {plural.string[1].split(' ', 1)[1]}" in page
