"""Tests run against a real database: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set.

The schema is built by the migrations (not create_all), so every run also proves the migrations work.
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import text

os.environ.setdefault("SECRET_KEY", "test-secret-key")

# The SMTP server fixtures (port, smtp) for every test that delivers mail.
pytest_plugins = ["tests.smtp"]

from app import create_app  # noqa: E402
from core.db import db  # noqa: E402

REFERENCE_TABLES = {"actors", "plan_documents", "plan_sections", "paragraphs", "paragraph_actors", "alembic_version"}
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from flask_migrate import upgrade

    from plan import reference

    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "SERVER_NAME": "localhost",
            "MATERIALS_STORAGE": str(tmp_path_factory.mktemp("materials")),
        }
    )
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        reference.load()
        db.session.remove()
    return application


@pytest.fixture(autouse=True)
def clean_database(app):
    """Each test starts with the plan loaded and nothing else."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in REFERENCE_TABLES:
                    connection.execute(table.delete())


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()


class Browser:
    """The test client used as a person would: it reads the CSRF token from the page it is on."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        if response.mimetype == "text/html" and (match := CSRF_FIELD.search(response.get_data(as_text=True))):
            self.token = match.group(1)
        return response

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)

    def login(self, email, password):
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})


def signed_in(app, email, password):
    """Signed in, and reading in English whatever the language of their profile."""
    browser = Browser(app.test_client())
    assert browser.login(email, password).status_code == 302
    browser.get("/?lang=en")
    return browser


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def make_user(app):
    from accounts.services import create_user

    def make(role="participant", email=None, password="correct horse battery", **kwargs):
        with app.app_context():
            user = create_user(email or f"{role}@example.org", password, role, **kwargs)
            return user.id

    return make


@pytest.fixture
def organiser(browser, make_user):
    make_user("organiser", name="Olga Organiser")
    response = browser.login("organiser@example.org", "correct horse battery")
    assert response.status_code == 302
    return browser


@contextmanager
def count_queries(app):
    with app.app_context():
        engine = db.engine
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def demo(app):
    from accounts import demo as demo_accounts
    from agenda import demo as demo_agenda
    from events import demo as demo_events
    from materials import demo as demo_materials
    from outcomes import demo as demo_outcomes
    from participants import demo as demo_participants

    with app.app_context():
        demo_accounts.seed()
        demo_events.seed()
        demo_agenda.seed()
        demo_outcomes.seed()
        demo_participants.seed()
        demo_materials.seed()
        db.session.remove()
