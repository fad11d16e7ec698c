import uuid
from datetime import datetime

from flask_security import UserMixin
from flask_security.utils import hash_password, verify_password
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from core.db import UTCDateTime, db, enum_type, utcnow
from core.rules import Role
from plan.models import Actor


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Flask-Security's name for the hash (argon2id); the column keeps its name.
    password: Mapped[str] = mapped_column("password_hash", String(255))
    # Which sessions are this account's: the session cookie names it, and a new one (sign-out, a new password)
    # ends every session signed in before, on every device.
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: uuid.uuid4().hex)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    # The organising body whose staff the user is (ODIHR, the Secretariat …): rights given to that body's staff on
    # a meeting are theirs too. Only organisers hold such rights.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Actor | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(password, self.password)

    def verify_and_update_password(self, password: str) -> bool:
        """Also takes the hashes made before Flask-Security (Werkzeug's scrypt or pbkdf2), and replaces such a hash
        with an argon2id one once its password is given."""
        if self.password.startswith(LEGACY_HASH_PREFIXES):
            if not check_password_hash(self.password, password):
                return False
            self.set_password(password)
            return True
        return super().verify_and_update_password(password)


# How Werkzeug's hashes begin ("scrypt:32768:8:1$…", "pbkdf2:sha256:…"); argon2's begin with "$argon2".
LEGACY_HASH_PREFIXES = ("scrypt:", "pbkdf2:")


class LoginAttempt(db.Model):
    """Failed sign-ins, kept in the database so the throttle holds across app instances."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "attempted_at"),
        Index("ix_login_attempts_remote_addr_at", "remote_addr", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(db.Model):
    """A personal token for the JSON API; only its SHA-256 is kept, so a leaked database opens nothing."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The token's first characters, shown so that its owner can tell which one a system holds.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
