"""The database itself refuses what the code never writes: unknown statuses and roles, a meeting ending before it
starts, a capacity below one, a right given to nobody or on nothing. And the migration that brought meeting teams
keeps every existing organiser's rights and every meeting's visibility as they were."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from core.db import db
from tests import factories
from tests.agenda_helpers import FUTURE, add_session


def _refused(app, statement: str, **values) -> None:
    with app.app_context(), pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(text(statement), values)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("events", "status"),
        ("registrations", "status"),
        ("invitations", "status"),
        ("outcomes", "review_state"),
        ("outcomes", "implementation_status"),
        ("users", "role"),
        ("team_grants", "right"),
    ],
)
def test_an_unknown_value_is_refused_by_the_database(app, table, column):
    user_id = factories.user(app, "rapporteur")
    event_id = factories.meeting(app, slug="checked")
    factories.registration(app, event_id)
    factories.invitation(app, event_id)
    factories.outcome(app, event_id, user_id)
    factories.grant(app, event_id, "review", user_id=user_id)
    _refused(app, f'UPDATE {table} SET "{column}" = :value', value="made-up")


def test_a_meeting_ends_after_it_starts_and_seats_at_least_one(app):
    event_id = factories.meeting(app, slug="checked")
    _refused(app, "UPDATE events SET ends_at = starts_at WHERE id = :id", id=event_id)
    _refused(app, "UPDATE events SET capacity = 0 WHERE id = :id", id=event_id)
    add_session(app, event_id, FUTURE.replace(hour=10), FUTURE.replace(hour=11))
    _refused(app, "UPDATE agenda_sessions SET ends_at = starts_at")


def test_a_right_is_given_to_one_holder_on_one_subject(app):
    user_id = factories.user(app, "organiser")
    event_id = factories.meeting(app, slug="checked")
    grant_id = factories.grant(app, event_id, "programme", user_id=user_id)
    _refused(app, "UPDATE team_grants SET actor_id = (SELECT id FROM actors LIMIT 1) WHERE id = :id", id=grant_id)
    _refused(app, "UPDATE team_grants SET user_id = NULL WHERE id = :id", id=grant_id)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO event_series (slug, title, description, recurrence, created_at) "
                "VALUES ('s', '{}', '{}', '', CURRENT_TIMESTAMP)"
            )
        )
    _refused(app, "UPDATE team_grants SET series_id = (SELECT id FROM event_series) WHERE id = :id", id=grant_id)
    _refused(app, "UPDATE team_grants SET event_id = NULL WHERE id = :id", id=grant_id)


MEETINGS_BEFORE = (("open", "open"), ("draft", "draft"), ("dropped", "cancelled"), ("called-off", "cancelled"))
INSERT_EVENT = (
    "INSERT INTO events (slug, kind, title, description, starts_at, ends_at, timezone, venue, city, "
    "working_languages, visibility, requires_approval, status, status_note, created_at, updated_at, version) "
    "VALUES (:slug, 'meeting', '{}', '{}', :start, :end, 'UTC', '', '', '[]', 'public', 0, :status, '', :now, "
    ":now, 1)"
)


def test_a_right_is_given_once_to_the_same_holder_on_the_same_subject(app):
    user_id = factories.user(app, "organiser")
    event_id = factories.meeting(app, slug="checked")
    factories.grant(app, event_id, "programme", user_id=user_id)
    factories.grant(app, event_id, "documents", user_id=user_id)
    with pytest.raises(IntegrityError):
        factories.grant(app, event_id, "programme", user_id=user_id)


@contextmanager
def database_before_teams(path):
    """A database at the schema before teams (0006), its app and engine, and a naive "now" for raw rows."""
    from flask_migrate import upgrade

    from app import create_app

    url = f"sqlite:///{path}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0006")
        engine = create_engine(url)
        try:
            yield engine, datetime.now(UTC).replace(tzinfo=None)
        finally:
            engine.dispose()


def test_the_migration_gives_todays_organisers_todays_meetings_and_keeps_cancelled_drafts_hidden(tmp_path):
    """Upgraded from the schema before teams, with data in it, as a production database would be."""
    from flask_migrate import downgrade, upgrade

    with database_before_teams(tmp_path / "before.db") as (engine, now):
        with engine.begin() as connection:
            for email, role in (("olga@x.org", "organiser"), ("omar@x.org", "organiser"), ("rafa@x.org", "rapporteur")):
                connection.execute(
                    text(
                        "INSERT INTO users (email, name, password_hash, role, language, timezone, active, created_at) "
                        "VALUES (:email, '', 'x', :role, 'en', 'UTC', 1, :now)"
                    ),
                    {"email": email, "role": role, "now": now},
                )
            for slug, status in MEETINGS_BEFORE:
                values = {"slug": slug, "status": status, "start": now, "end": now + timedelta(hours=2), "now": now}
                connection.execute(text(INSERT_EVENT), values)
            # "called-off" was published before it was cancelled; "dropped" was cancelled as a draft.
            connection.execute(
                text(
                    "INSERT INTO audit_entries (occurred_at, entity_type, entity_id, action, changes) "
                    "SELECT :now, 'event', id, 'status', :changes FROM events WHERE slug = 'called-off'"
                ),
                {"now": now, "changes": '{"status": ["draft", "open"]}'},
            )
        upgrade()
        with engine.connect() as connection:
            published = dict(connection.execute(text("SELECT slug, published_at IS NOT NULL FROM events")).all())
            grants = connection.execute(
                text(
                    'SELECT users.email, events.slug, team_grants."right" FROM team_grants '
                    "JOIN users ON users.id = team_grants.user_id JOIN events ON events.id = team_grants.event_id"
                )
            ).all()
        assert published == {"open": 1, "draft": 0, "dropped": 0, "called-off": 1}
        assert sorted(grants) == sorted(
            (email, slug, "manage") for email in ("olga@x.org", "omar@x.org") for slug in published
        )
        downgrade(revision="0006")


def test_the_migration_stops_before_changing_anything_when_a_row_would_break_a_constraint(tmp_path, capfd):
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    with database_before_teams(tmp_path / "broken.db") as (engine, now):
        with engine.begin() as connection:
            values = {"slug": "odd", "status": "postponed", "start": now, "end": now, "now": now}
            connection.execute(text(INSERT_EVENT), values)
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits, as `flask db upgrade` does
            upgrade()
        assert "events 1: status = 'postponed'\nevents 1: ends before it starts" in capfd.readouterr().err
        assert "team_grants" not in inspect(engine).get_table_names()
