"""The audit log: who changed what, when, in every domain."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, db, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity_type", "entity_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(40))
    # {"field": [old, new]} with values as shown to people (strings, lists of codes, ISO instants).
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    user = relationship("User", lazy="joined")


def current_user_id() -> int | None:
    """The signed-in user, or None from the command line and in background jobs."""
    return current_user.id if current_user and current_user.is_authenticated else None


def record(entity_type: str, entity_id: int, action: str, changes: dict | None = None) -> AuditEntry:
    entry = AuditEntry(
        entity_type=entity_type, entity_id=entity_id, action=action, changes=changes or {}, user_id=current_user_id()
    )
    db.session.add(entry)
    return entry


def history(entity_type: str, entity_id: int) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    )
    return list(db.session.scalars(query))


def diff(before: dict, after: dict) -> dict:
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}


ACTION_LABELS = {
    "created": _l("Created"),
    "updated": _l("Changed"),
    "status": _l("Status changed"),
    "deleted": _l("Deleted"),
    "published": _l("Published"),
    "team": _l("Team changed"),
}
