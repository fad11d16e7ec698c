"""Configuration from the environment; nothing secret lives in the code."""

import os
import secrets
from pathlib import Path


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
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _driver(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "en",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": behind_tls,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": behind_tls,
        "BEHIND_TLS": behind_tls,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "meetings@localhost"),
        "MATERIALS_STORAGE": os.environ.get("MATERIALS_STORAGE", str(instance_path / "materials")),
        "MATERIALS_MAX_BYTES": int(os.environ.get("MATERIALS_MAX_BYTES", str(20 * 1024 * 1024))),
        # Bodies larger than the largest document (plus the form around it) are refused before anything is read.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MATERIALS_MAX_BYTES", str(20 * 1024 * 1024))) + 1024 * 1024,
        # The JSON API's budgets, per token or per client address without one (Flask-Limiter's notation).
        "API_RATE_LIMIT_ANONYMOUS": os.environ.get("API_RATE_LIMIT_ANONYMOUS", "120 per minute"),
        "API_RATE_LIMIT_TOKEN": os.environ.get("API_RATE_LIMIT_TOKEN", "1200 per minute"),
        "API_RATE_LIMIT_ADDRESS": os.environ.get("API_RATE_LIMIT_ADDRESS", "3000 per minute"),
        # memory:// counts per process; with several workers or instances, redis://host:6379 shares the counts.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "follow-up-api"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOGIN_THROTTLE_LIMIT": int(os.environ.get("LOGIN_THROTTLE_LIMIT", "5")),
        "LOGIN_THROTTLE_WINDOW_MINUTES": int(os.environ.get("LOGIN_THROTTLE_WINDOW_MINUTES", "15")),
    }


def _driver(url: str) -> str:
    """postgresql:// URLs as given by hosting providers use psycopg 3, the driver the app ships with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
