"""Personal API tokens: each user creates and revokes their own; other systems send them as Bearer tokens.

A token is "fum_" and 256 random bits. Only its SHA-256 is stored: the secret is too long to guess, so a fast
unsalted hash suffices and lets a request find its token with one indexed lookup.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from accounts.models import ApiToken, User
from accounts.services import AccountError
from core import audit
from core.db import db, utcnow

PREFIX = "fum_"
# The prefix and the first 8 random characters: enough to tell tokens apart, far too few to help guess one.
SHOWN_CHARACTERS = 12
MAX_NAME_LENGTH = 100
# token_urlsafe(32) always gives 43 characters of the URL-safe alphabet.
TOKEN_FORMAT = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_-]{43}")
# "Last used" is a hint for the owner, not a log: one write a minute per token spares a write on every request.
LAST_USED_PRECISION = timedelta(seconds=60)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """The new token and its raw value, which exists only in this return value: show it once."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise AccountError(_l("Give the token a name of 1 to %(count)d characters.", count=MAX_NAME_LENGTH))
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=raw[:SHOWN_CHARACTERS], token_hash=_hash(raw))
    db.session.add(token)
    db.session.flush()
    audit.record("user", user.id, "token_created", {"token": [None, token.prefix]})
    return token, raw


def revoke_token(user: User, token_id: int) -> None:
    """Revokes one of the user's own tokens; LookupError for any other id, so that others' tokens stay unseen."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        raise LookupError(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("user", user.id, "token_revoked", {"token": [token.prefix, None]})
        db.session.flush()


def user_tokens(user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(db.session.scalars(query))


def user_for_token(raw: str) -> User | None:
    """The active user holding this unrevoked token, or None whatever is wrong with it."""
    # The header is whatever the client sent: refuse anything that is not a token before touching the database.
    if not isinstance(raw, str) or not TOKEN_FORMAT.fullmatch(raw):
        return None
    # The database compares hashes of a 256-bit secret, so timing cannot leak a usable part of any token:
    # no constant-time comparison is needed.
    query = (
        select(ApiToken)
        .join(ApiToken.user)
        .options(contains_eager(ApiToken.user))
        .where(ApiToken.token_hash == _hash(raw), ApiToken.revoked_at.is_(None), User.active)
    )
    token = db.session.scalar(query)
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.flush()
    return token.user
