"""The database handle, the declarative base and column types shared by every domain."""

from datetime import UTC, datetime
from enum import StrEnum

from flask import Flask, Response, g, has_request_context, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, Enum, MetaData, TypeDecorator, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names let Alembic alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def init_unit_of_work(app: Flask) -> None:
    """One commit per request: services only flush, and what a request changed is saved once it has succeeded.

    An answer of 400 or more, or any refusal met on the way (core.errors.Refused), rolls back whatever was
    flushed; a view whose refusal must still keep something (a failed sign-in counted by the throttle) commits
    that itself."""

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if response.status_code < 400 and not g.get("refused"):
            db.session.commit()
        else:
            db.session.rollback()
        return response


def engine_options(config: dict) -> dict:
    """How the app connects: a connection that is not made within DATABASE_CONNECT_TIMEOUT seconds, or a statement
    that runs longer than DATABASE_STATEMENT_TIMEOUT, fails instead of holding a worker for ever."""
    options = {"pool_pre_ping": True, **config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        statement_ms = int(config["DATABASE_STATEMENT_TIMEOUT"] * 1000)
        options.setdefault(
            "connect_args",
            {
                "connect_timeout": config["DATABASE_CONNECT_TIMEOUT"],
                "options": f"-c statement_timeout={statement_ms}",
            },
        )
    return options


# Requests that only read; every other one may write.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_sqlite(app: Flask) -> None:
    """SQLite, the embedded default for one machine, made safe for several workers writing at once.

    pysqlite starts a transaction only at the first INSERT or UPDATE, so two requests could both count free seats
    before either writes and overbook. A request that may write therefore takes SQLite's write lock first
    (BEGIN IMMEDIATE): writers queue one behind the other, for up to SQLITE_BUSY_SECONDS, and each counts what the
    one before it committed. Write-ahead logging lets reading requests go on meanwhile. Reading requests keep
    pysqlite's own behaviour, so they never wait for a writer."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    busy_ms = int(app.config["SQLITE_BUSY_SECONDS"] * 1000)

    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    def on_begin(connection) -> None:
        if has_request_context() and request.method not in READING_METHODS:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    with app.app_context():
        for engine in db.engines.values():
            event.listen(engine, "connect", on_connect)
            event.listen(engine, "begin", on_begin)


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so naive values are refused on the way in and UTC is attached on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every instant must carry its time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Text in several languages: {"en": "...", "fr": "..."}; JSONB on PostgreSQL so it can be indexed later.
Translations = JSON().with_variant(JSONB(), "postgresql")


def enum_type(enum_class: type[StrEnum], name: str, length: int = 20) -> Enum:
    """A StrEnum stored as its values in a VARCHAR that a CHECK constraint (ck_<table>_<name>) holds to them, on
    SQLite and PostgreSQL alike: the database refuses a value the code does not know, whoever writes it."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)
