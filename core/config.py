"""Configuration from the environment; nothing secret lives in the code."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

# Where `make run` serves the app.
LOCAL_URL = "http://127.0.0.1:5000"


class BadSetting(ValueError):
    """A setting the app cannot start with; the message says which and why."""


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/ and kept there."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: Path) -> dict:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'app.db'}"
    behind_tls = os.environ.get("BEHIND_TLS", "0") == "1"
    public = os.environ.get("PUBLIC_URL", "")
    if behind_tls and not public:
        raise BadSetting("PUBLIC_URL is required when BEHIND_TLS=1: the address mail links must point to")
    public_url = public or LOCAL_URL
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _driver(database_url),
        # PostgreSQL's (core.db.engine_options); libpq waits at least 2 s for a connection.
        "DATABASE_CONNECT_TIMEOUT": _number("DATABASE_CONNECT_TIMEOUT", 5),
        "DATABASE_STATEMENT_TIMEOUT": _number("DATABASE_STATEMENT_TIMEOUT", 30, float),
        # How long a write on SQLite waits for the one before it (core.db.init_sqlite).
        "SQLITE_BUSY_SECONDS": _number("SQLITE_BUSY_SECONDS", 15, float),
        "BABEL_DEFAULT_LOCALE": "en",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": behind_tls,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": behind_tls,
        "BEHIND_TLS": behind_tls,
        # How many proxies in front of the app set X-Forwarded-For and -Proto (Werkzeug's ProxyFix): behind TLS one
        # (the documented set-up), else none, so that a client cannot choose the address the throttle counts.
        "TRUSTED_PROXIES": _number("TRUSTED_PROXIES", 1 if behind_tls else 0, allow_zero=True),
        # The site's address as readers reach it: every link in mail, calendars and the API is built on it (never
        # on a request's Host header). Required behind TLS (production); the local default suits `make run`.
        "PUBLIC_URL": public_url,
        # Host headers the app answers (Flask refuses others with 400): by default only PUBLIC_URL's host.
        "TRUSTED_HOSTS": _list(os.environ.get("TRUSTED_HOSTS"))
        or ([urlsplit(public_url).hostname] if public else None),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _number("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "meetings@localhost"),
        "MATERIALS_STORAGE": os.environ.get("MATERIALS_STORAGE", str(instance_path / "materials")),
        "MATERIALS_MAX_BYTES": _number("MATERIALS_MAX_BYTES", 20 * 1024 * 1024),
        # Bodies larger than the largest document (plus the form around it) are refused before anything is read.
        "MAX_CONTENT_LENGTH": _number("MATERIALS_MAX_BYTES", 20 * 1024 * 1024) + 1024 * 1024,
        # The JSON API's budgets, per token or per client address without one (Flask-Limiter's notation).
        "API_RATE_LIMIT_ANONYMOUS": os.environ.get("API_RATE_LIMIT_ANONYMOUS", "120 per minute"),
        "API_RATE_LIMIT_TOKEN": os.environ.get("API_RATE_LIMIT_TOKEN", "1200 per minute"),
        "API_RATE_LIMIT_ADDRESS": os.environ.get("API_RATE_LIMIT_ADDRESS", "3000 per minute"),
        # memory:// counts per process; with several workers or instances, redis://host:6379 shares the counts.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "follow-up-api"),
        "LOGIN_THROTTLE_LIMIT": _number("LOGIN_THROTTLE_LIMIT", 5),
        "LOGIN_THROTTLE_WINDOW_MINUTES": _number("LOGIN_THROTTLE_WINDOW_MINUTES", 15),
        # Failed sign-ins from one client address, on any accounts, before it waits (accounts.throttle).
        "LOGIN_ADDRESS_LIMIT": _number("LOGIN_ADDRESS_LIMIT", 50),
    }


def _number(name: str, default: int, kind: type = int, allow_zero: bool = False):
    """A number from the environment, positive (or zero where allowed); anything else stops the app at start and
    says which setting."""
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < 0 or (value == 0 and not allow_zero):
        lowest = "zero or more" if allow_zero else f"a positive {'whole ' if kind is int else ''}number"
        raise BadSetting(f"{name} must be {lowest}, not {raw!r}")
    return value


def validate(config: dict) -> None:
    """What can only be checked once the settings are merged: each is checked at start, with a clear message,
    rather than failing on the first request that needs it."""
    from limits import parse_many

    for name in ("API_RATE_LIMIT_ANONYMOUS", "API_RATE_LIMIT_TOKEN", "API_RATE_LIMIT_ADDRESS"):
        try:
            parse_many(config[name])
        except ValueError:
            raise BadSetting(f"{name} must be a rate such as '120 per minute', not {config[name]!r}") from None
    scheme = config["RATELIMIT_STORAGE_URI"].partition("://")[0]
    if scheme not in ("memory", "redis", "rediss", "redis+unix"):
        raise BadSetting(f"RATELIMIT_STORAGE_URI must be memory:// or a redis:// address: {scheme!r}")


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _driver(url: str) -> str:
    """postgresql:// URLs as given by hosting providers use psycopg 3, the driver the app ships with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
