"""Tests run against a real database: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set.

The schema is built by the migrations (not create_all), so every run also proves the migrations work.
"""

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy import event as sa_event

os.environ.setdefault("SECRET_KEY", "test-secret-key")

# The SMTP server fixtures (port, smtp) for every test that delivers mail.
pytest_plugins = ["tests.smtp"]

from app import create_app  # noqa: E402
from core.db import db  # noqa: E402

REFERENCE_TABLES = {"actors", "plan_documents", "plan_sections", "paragraphs", "paragraph_actors", "alembic_version"}
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _database_url(tmp_path_factory, worker: str) -> str:
    """SQLite in a temporary folder, or TEST_DATABASE_URL's server: one database per pytest-xdist worker."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url)
    if worker == "master":
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_{worker}")
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}"'))
        connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    server.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from flask_migrate import upgrade

    from plan import reference

    application = create_app(
        {
            "TESTING": True,
            # pytest-xdist names its workers gw0, gw1 …; without it (one process, or the mutation run) there is one.
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory, os.environ.get("PYTEST_XDIST_WORKER", "master")),
            "SERVER_NAME": "localhost",
            "PUBLIC_URL": "http://localhost",
            "MATERIALS_STORAGE": str(tmp_path_factory.mktemp("materials")),
            # argon2 at its cheapest instead of its deliberate cost: the suite signs in hundreds of times.
            "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {
                "argon2__rounds": 1,
                "argon2__memory_cost": 8,
                "argon2__parallelism": 1,
            },
        }
    )
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        reference.load()
        db.session.commit()
        db.session.remove()
    return application


def _data_tables():
    return [table for table in db.metadata.sorted_tables if table.name not in REFERENCE_TABLES]


def _empty_data_tables() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(_data_tables()):
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def clean_database(app):
    """Each test starts with the plan loaded and nothing else, and with no API request counted against its rate
    limits (the app, and so the limiter's memory, is shared by every test a worker runs)."""
    for limiter in app.extensions.get("limiter", ()):
        limiter.reset()
    yield
    with app.app_context():
        _empty_data_tables()


@contextmanager
def unit_of_work(app):
    """What a request or a command does for the services, which only flush: commit once everything succeeded."""
    with app.app_context():
        yield
        db.session.commit()


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
        with unit_of_work(app):
            user = create_user(email or f"{role}@example.org", password, role, **kwargs)
            return user.id

    return make


@pytest.fixture
def organiser(request, browser, make_user):
    """Signed in as organiser@example.org: the demo's organiser when the test loads the demo, else a new one."""
    from accounts.demo import DEMO_USERS

    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")
        password = next(password for email, password, *_ in DEMO_USERS if email == "organiser@example.org")
    else:
        make_user("organiser", name="Olga Organiser")
        password = "correct horse battery"
    response = browser.login("organiser@example.org", password)
    assert response.status_code == 302
    browser.get("/?lang=en")  # the demo's organiser reads French; the tests read English
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


def _seed_demo() -> None:
    from accounts import demo as demo_accounts
    from agenda import demo as demo_agenda
    from events import demo as demo_events
    from materials import demo as demo_materials
    from outcomes import demo as demo_outcomes
    from participants import demo as demo_participants

    demo_accounts.seed()
    demo_events.seed()
    demo_agenda.seed()
    demo_outcomes.seed()
    demo_participants.seed()
    demo_materials.seed()


@dataclass
class DemoSnapshot:
    rows: dict[str, list[dict]]
    files: dict[str, bytes]


@pytest.fixture(scope="session")
def demo_snapshot(app) -> DemoSnapshot:
    """The demo data, seeded once per session through the real seed functions and kept as rows and files.

    Seeding costs about two seconds (the agenda, the outcomes with their revisions, the documents); putting the
    same rows back costs a few milliseconds, so each test that needs the demo gets a fresh copy of it.
    """
    from materials import storage

    with unit_of_work(app):
        _seed_demo()
    with app.app_context():
        with db.engine.connect() as connection:
            rows = {
                table.name: [dict(r._mapping) for r in connection.execute(table.select())] for table in _data_tables()
            }
        files = {path.name: path.read_bytes() for path in storage.root().iterdir() if path.is_file()}
        _empty_data_tables()
    return DemoSnapshot(rows, files)


def _restore(snapshot: DemoSnapshot) -> None:
    from materials import storage

    with db.engine.begin() as connection:
        if connection.execute(db.metadata.tables["users"].select().limit(1)).first() is not None:
            raise RuntimeError("the demo must be loaded before anything else: put the demo fixture first")
        for table in _data_tables():
            if snapshot.rows[table.name]:
                connection.execute(table.insert(), snapshot.rows[table.name])
        if connection.dialect.name == "postgresql":
            # The rows came back with their ids: each sequence must move past them before the next insert.
            for table in _data_tables():
                if snapshot.rows[table.name] and "id" in table.columns:
                    connection.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM {table.name}")
                    )
    folder = storage.root()
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in snapshot.files.items():
        if not (folder / name).exists():
            (folder / name).write_bytes(content)


@pytest.fixture
def demo(app, demo_snapshot):
    with app.app_context():
        _restore(demo_snapshot)
        db.session.remove()
