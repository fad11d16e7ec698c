"""Users, and the throttle of failed sign-ins (Flask-Security signs in: accounts.security)."""

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from accounts.models import LoginAttempt, User
from core.db import db, utcnow
from core.i18n import LANGUAGES, is_known_zone
from core.rules import ROLES
from plan.models import Actor


class AccountError(ValueError):
    """A refusal to show the user as it is (its message is translatable)."""


class TooManyAttempts(AccountError):
    pass


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(_l("This is not a valid e-mail address.")) from error


def create_user(
    email: str, password: str, role: str, name: str = "", language: str = "en", timezone: str = "UTC", body: str = ""
) -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(_l("Unknown role. Choose one of: %(roles)s.", roles=", ".join(ROLES)))
    # Flask-Security's rules for any new password: its length and its strength (zxcvbn).
    problems, password = current_app.extensions["security"].password_util.validate(password, True, email=email)
    if problems:
        raise AccountError(" ".join(str(problem) for problem in problems))
    if language not in LANGUAGES:
        raise AccountError(_l("Unknown language."))
    if not is_known_zone(timezone):
        raise AccountError(_l("Unknown time zone."))
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(_l("A user with this e-mail address already exists."))
    body_id = db.session.scalar(select(Actor.id).where(Actor.code == body)) if body else None
    if body and body_id is None:
        raise AccountError(_l("Unknown body: %(codes)s.", codes=body))
    user = User(email=email, role=role, name=name, language=language, timezone=timezone, body_id=body_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def _recent_failures(email: str) -> int:
    window = timedelta(minutes=current_app.config["LOGIN_THROTTLE_WINDOW_MINUTES"])
    query = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.email == email, LoginAttempt.attempted_at >= utcnow() - window
    )
    return db.session.scalar(query) or 0


def check_throttle(email: str) -> None:
    """TooManyAttempts once the address has had too many failed sign-ins; they are counted per address, so that
    guessing one account's password is slowed down whoever tries."""
    if _recent_failures(email) >= current_app.config["LOGIN_THROTTLE_LIMIT"]:
        raise TooManyAttempts(
            _l(
                "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                minutes=current_app.config["LOGIN_THROTTLE_WINDOW_MINUTES"],
            )
        )


def record_failure(email: str, remote_addr: str) -> None:
    db.session.add(LoginAttempt(email=email, remote_addr=remote_addr[:64]))
    db.session.flush()


def forget_failures(email: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    db.session.flush()


def update_preferences(user: User, name: str, language: str, timezone: str) -> None:
    user.name, user.language, user.timezone = name, language, timezone
    db.session.flush()
