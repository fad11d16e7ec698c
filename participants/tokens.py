"""Single-purpose, unguessable tokens for links in mails.

A token is HMAC-SHA256(secret key, purpose | row id | nonce), 256 bits: it names what it opens, cannot be guessed
without the secret key, can be computed again for a reminder, and dies when the nonce changes. The database keeps
only its SHA-256, so a leaked database does not leak working links.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app

INVITATION = "invitation"
MANAGE_REGISTRATION = "manage-registration"


def new_nonce() -> str:
    return secrets.token_hex(16)


def token(purpose: str, row_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{purpose}|{row_id}|{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
