"""Users (Flask-Security signs them in: accounts.security; its throttle: accounts.throttle)."""

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from accounts.models import User
from core import audit
from core.db import db, utcnow
from core.i18n import LANGUAGES, is_known_zone
from core.rules import ROLES
from plan.models import Actor


class AccountError(ValueError):
    """A refusal to show the user as it is (its message is translatable)."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(_l("This is not a valid e-mail address.")) from error


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(_l("Unknown role. Choose one of: %(roles)s.", roles=", ".join(ROLES)))


def check_new_account(email: str, role: str, language: str) -> str:
    """The address of a new account, normalised, once it and the account's role and language are acceptable."""
    email = normalise_email(email)
    check_role(role)
    if language not in LANGUAGES:
        raise AccountError(_l("Unknown language."))
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(_l("A user with this e-mail address already exists."))
    return email


def body_id_of(code: str) -> int | None:
    """The id of the organising body with this code (None for none); an unknown code is refused."""
    if not code:
        return None
    body_id = db.session.scalar(select(Actor.id).where(Actor.code == code))
    if body_id is None:
        raise AccountError(_l("Unknown body: %(codes)s.", codes=code))
    return body_id


def create_user(
    email: str, password: str, role: str, name: str = "", language: str = "en", timezone: str = "UTC", body: str = ""
) -> User:
    email = check_new_account(email, role, language)
    # Flask-Security's rules for any new password: its length and its strength (zxcvbn).
    problems, password = current_app.extensions["security"].password_util.validate(password, True, email=email)
    if problems:
        raise AccountError(" ".join(str(problem) for problem in problems))
    if not is_known_zone(timezone):
        raise AccountError(_l("Unknown time zone."))
    body_id = body_id_of(body)
    # An administrator vouches for the address: the account is confirmed as it is made.
    user = User(
        email=email, role=role, name=name, language=language, timezone=timezone, body_id=body_id, confirmed_at=utcnow()
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user", user.id, "created", {"role": [None, role]})
    return user


def update_preferences(user: User, name: str, language: str, timezone: str) -> None:
    user.name, user.language, user.timezone = name, language, timezone
    db.session.flush()
