from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from agenda.models import Session
from core.db import Translations, UTCDateTime, db, utcnow
from events.models import Event
from plan.models import Actor, Paragraph

KINDS = ("conclusion", "recommendation", "decision", "commitment", "action_item")
ACTION_ITEM = "action_item"
IMPLEMENTATION_STATUSES = ("proposed", "agreed", "in_progress", "implemented", "not_pursued")
CLOSED_STATUSES = ("implemented", "not_pursued")
DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
REVIEW_STATES = (DRAFT, SUBMITTED, APPROVED, RETURNED)

outcome_paragraphs = Table(
    "outcome_paragraphs",
    db.metadata,
    Column("outcome_id", ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True),
    Column("paragraph_id", ForeignKey("paragraphs.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

outcome_actors = Table(
    "outcome_actors",
    db.metadata,
    Column("outcome_id", ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="RESTRICT"), primary_key=True, index=True),
    Column("position", Integer, nullable=False, default=0),
)


class Outcome(db.Model):
    """What a meeting or one of its sessions concluded, recommended, decided or set as an action item."""

    __tablename__ = "outcomes"
    __table_args__ = (
        Index("ix_outcomes_review_kind", "review_state", "kind"),
        Index("ix_outcomes_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for what the plan itself sets (its own deadlines), which no meeting decided.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[dict] = mapped_column(Translations)
    deadline: Mapped[date | None] = mapped_column(Date)
    implementation_status: Mapped[str] = mapped_column(String(20), default="proposed")
    review_state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    rapporteur_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: of two people editing at once, the second save is refused, not silently applied.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    event: Mapped[Event | None] = relationship()
    session: Mapped[Session | None] = relationship()
    rapporteur: Mapped[User | None] = relationship(foreign_keys=[rapporteur_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    paragraphs: Mapped[list[Paragraph]] = relationship(secondary=outcome_paragraphs, order_by=Paragraph.position)
    actors: Mapped[list[Actor]] = relationship(secondary=outcome_actors, order_by=outcome_actors.c.position)
    status_updates: Mapped[list["StatusUpdate"]] = relationship(
        back_populates="outcome", order_by="StatusUpdate.on", cascade="all, delete-orphan"
    )

    @property
    def is_open_action(self) -> bool:
        return self.kind == ACTION_ITEM and self.implementation_status not in CLOSED_STATUSES


class StatusUpdate(db.Model):
    """A dated step in implementing an outcome (agreed on…, in progress since…, implemented on…)."""

    __tablename__ = "outcome_status_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    outcome: Mapped[Outcome] = relationship(back_populates="status_updates")
    user: Mapped[User | None] = relationship()


class OutcomeRevision(db.Model):
    """The outcome as it stood after each change: its full history, diffed for reading."""

    __tablename__ = "outcome_revisions"
    __table_args__ = (UniqueConstraint("outcome_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    action: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[dict] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()
