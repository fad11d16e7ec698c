"""Administrators manage the accounts: find them, invite someone by mail, change a role or a body, deactivate.
Every account action goes into the audit log (entity "user"); accounts.views shows it."""

import secrets

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security.recoverable import generate_reset_password_token
from flask_security.utils import hash_password
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from accounts.models import User
from accounts.services import AccountError, body_id_of, check_new_account, check_role
from core import audit
from core.db import db, utcnow
from core.mail import enqueue
from core.rules import Role
from core.urls import public_url

INVITATION_DAYS = 7
ROLE_NAMES = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.RAPPORTEUR: _l("Rapporteur"),
    Role.PARTICIPANT: _l("Participant"),
}
ACTIVE, UNCONFIRMED, DEACTIVATED = "active", "unconfirmed", "deactivated"
ACCOUNT_STATES = {
    ACTIVE: _l("Active"),
    UNCONFIRMED: _l("Address not confirmed yet"),
    DEACTIVATED: _l("Deactivated"),
}
# What the history of an account says of each action recorded (audit entries of entity "user").
ACCOUNT_ACTIONS = {
    "signed_up": _l("Account created by its holder"),
    "invited": _l("Invited by an administrator"),
    "created": _l("Created from the command line"),
    "confirmed": _l("Address confirmed"),
    "role": _l("Role changed"),
    "body": _l("Organising body changed"),
    "deactivated": _l("Deactivated"),
    "reactivated": _l("Reactivated"),
    "token_created": _l("API token created"),
    "token_revoked": _l("API token revoked"),
    "deleted": _l("Deleted by its holder"),
}


def may_delete_own_account(user) -> bool:
    """Participants delete their own account; others hold rights or records that someone must take over, so an
    administrator deactivates theirs."""
    return bool(user.is_authenticated and user.role == Role.PARTICIPANT)


def account_state(user: User) -> str:
    if not user.active:
        return DEACTIVATED
    return UNCONFIRMED if user.confirmed_at is None else ACTIVE


def find_users(search: str = "", limit: int = 200) -> list[User]:
    query = select(User).order_by(User.email).limit(limit)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(User.email.like(pattern), func.lower(User.name).like(pattern)))
    return list(db.session.scalars(query))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="account-invitation")


def invite_user(email: str, name: str, role: str, language: str) -> User:
    """A new account, not confirmed and with no password anyone knows; its holder gets a mail whose link (valid
    INVITATION_DAYS) leads to choosing one, which confirms the address too."""
    email = check_new_account(email, role, language)
    user = User(
        email=email, name=name.strip(), role=role, language=language, password=hash_password(secrets.token_urlsafe(32))
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user", user.id, "invited", {"role": [None, role]})
    link = public_url("accounts.welcome", token=_serializer().dumps([user.id, user.fs_uniquifier]))
    with force_locale(language):
        body = render_template("accounts/mail/account_invitation.txt", user=user, link=link, days=INVITATION_DAYS)
        enqueue(email, _("You have an account for the follow-up meetings"), body, language=language)
    return user


def invited_user(token: str) -> User | None:
    """The account an invitation link names, while it is valid: the link dies once a password has been chosen
    (that gives the account a new uniquifier) and after INVITATION_DAYS."""
    try:
        user_id, uniquifier = _serializer().loads(token, max_age=INVITATION_DAYS * 86400)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.fs_uniquifier != uniquifier or not user.active:
        return None
    return user


def password_token(user: User) -> str:
    """A fresh token for Flask-Security's page to choose a password (valid two hours), for an invited account."""
    return generate_reset_password_token(user)


def change_user(user: User, role: str, body_code: str, active: bool, actor: User) -> None:
    """An administrator's change; nobody takes away their own administrator's rights or account."""
    check_role(role)
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise AccountError(_l("You cannot take away your own administrator’s rights or account."))
    body_id = body_id_of(body_code)
    if user.role != role:
        audit.record("user", user.id, "role", {"role": [str(user.role), role]})
        user.role = role
    if user.body_id != body_id:
        audit.record("user", user.id, "body", {"body": [user.body.code if user.body else None, body_code or None]})
        user.body_id = body_id
    if user.active != active:
        audit.record("user", user.id, "reactivated" if active else "deactivated")
        user.active = active
        if not active:
            # Its sessions end at once; its API tokens stop working with it (accounts.tokens asks for an active user).
            current_app.extensions["security"].datastore.set_uniquifier(user)
    db.session.flush()


def record_signed_up(_sender, user: User, **_extra) -> None:
    db.session.flush()  # the new account gets its id
    audit.record("user", user.id, "signed_up")


def record_confirmed(_sender, user: User, **_extra) -> None:
    audit.record("user", user.id, "confirmed")


def confirm_by_reset(_sender, user: User, **_extra) -> None:
    """A link to choose a password reached the address: that confirms it (an invited account's first password)."""
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        audit.record("user", user.id, "confirmed")
