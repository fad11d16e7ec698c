"""Hostile input and hostile hosts: where a redirect may lead, which Host headers are answered, and where the
links in mail point to, whatever the request said."""

import re

import pytest
from sqlalchemy import select

from app import create_app
from core.config import BadSetting, from_environment
from core.db import db
from core.mail import OutboxMessage
from core.urls import local_path
from tests import factories
from tests.agenda_helpers import make_event
from tests.conftest import Browser
from tests.test_registration import registration_form


@pytest.mark.parametrize(
    ("target", "followed"),
    [
        ("/events/", "/events/"),
        ("/events/?year=2005&lang=fr", "/events/?year=2005&lang=fr"),
        ("  /profile", "/profile"),
        # What a browser reads as another site once it has dropped tabs and line breaks or turned \\ into /.
        ("/\t/evil.example", None),
        ("/\n/evil.example", None),
        ("/\r\n/evil.example", None),
        ("\t//evil.example", None),
        ("/\\evil.example", None),
        ("\\\\evil.example", None),
        ("//evil.example", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("evil.example", None),
        ("/x\x00y", None),
        ("/x\x1by", None),
        ("", None),
        (None, None),
    ],
)
def test_a_redirect_follows_only_paths_of_this_site(target, followed):
    assert local_path(target) == followed


@pytest.mark.parametrize("next_value", ["/%09/evil.example", "/%0a/x", "/%0d%0a/evil.example", "%5C%5Cevil.example"])
def test_signing_in_never_leads_to_another_site(app, next_value):
    factories.user(app, "organiser", email="org@example.org")
    browser = Browser(app.test_client())
    browser.get("/login")
    response = browser.post(f"/login?next={next_value}", {"email": "org@example.org", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signing_in_leads_back_to_the_page_asked_for(app):
    factories.user(app, "organiser", email="org@example.org")
    browser = Browser(app.test_client())
    browser.get("/login")
    response = browser.post(
        "/login?next=/events/%3Fyear%3D2005", {"email": "org@example.org", "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/events/?year=2005"


@pytest.fixture
def public_site(app):
    """A second instance on the suite's database, as production runs it: no SERVER_NAME, a public address."""

    def make(**settings):
        return create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {
                    "argon2__rounds": 1,
                    "argon2__memory_cost": 8,
                    "argon2__parallelism": 1,
                },
                "PUBLIC_URL": "https://meetings.example.org",
                **settings,
            }
        )

    return make


def test_mail_links_come_from_the_public_address_not_from_the_host_header(app, public_site):
    make_event(app)
    site = public_site(TRUSTED_HOSTS=None)
    browser = Browser(site.test_client())
    browser.get("/events/vienna-2026/register", base_url="http://evil.example")
    response = browser.post(
        "/events/vienna-2026/register", registration_form(email="delegate@example.org"), base_url="http://evil.example"
    )
    assert response.status_code == 200
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body_text))
    links = re.findall(r"\w+://[^\s/]+", body)
    assert links and set(links) == {"https://meetings.example.org"}


def test_other_host_headers_are_refused(app, public_site):
    site = public_site(TRUSTED_HOSTS=["meetings.example.org"])
    client = site.test_client()
    assert client.get("/healthz", base_url="https://meetings.example.org").status_code == 200
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400


def test_the_public_address_is_checked_at_start(app, public_site, monkeypatch, tmp_path):
    with pytest.raises(BadSetting, match="PUBLIC_URL"):
        public_site(PUBLIC_URL="meetings.example.org")
    with pytest.raises(BadSetting, match="https"):
        public_site(PUBLIC_URL="http://meetings.example.org", BEHIND_TLS=True)
    monkeypatch.setenv("BEHIND_TLS", "1")
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(BadSetting, match="PUBLIC_URL is required"):
        from_environment(tmp_path)
    monkeypatch.setenv("PUBLIC_URL", "https://meetings.example.org/")
    assert from_environment(tmp_path)["TRUSTED_HOSTS"] == ["meetings.example.org"]


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("API_RATE_LIMIT_TOKEN", "lots", "API_RATE_LIMIT_TOKEN"),
        ("API_RATE_LIMIT_ANONYMOUS", "10 per fortnight", "API_RATE_LIMIT_ANONYMOUS"),
        ("RATELIMIT_STORAGE_URI", "memcached://x", "RATELIMIT_STORAGE_URI"),
    ],
)
def test_a_bad_setting_stops_the_app_at_start_and_says_which(public_site, setting, value, named):
    with pytest.raises(BadSetting, match=named):
        public_site(**{setting: value})


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1.5"])
def test_a_bad_number_in_the_environment_says_which_setting(monkeypatch, tmp_path, value):
    monkeypatch.setenv("MAIL_PORT", value)
    with pytest.raises(BadSetting, match="MAIL_PORT must be a positive whole number"):
        from_environment(tmp_path)
