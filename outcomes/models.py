from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    or_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from agenda.models import Session
from core.db import Translations, UTCDateTime, db, enum_type, utcnow
from core.states import Transitions
from events.models import Event
from plan.models import Actor, Paragraph

KINDS = ("conclusion", "recommendation", "decision", "commitment", "action_item")
ACTION_ITEM = "action_item"


class ImplementationStatus(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    NOT_PURSUED = "not_pursued"


IMPLEMENTATION_STATUSES = tuple(ImplementationStatus)
CLOSED_STATUSES = (ImplementationStatus.IMPLEMENTED, ImplementationStatus.NOT_PURSUED)


class ReviewState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


DRAFT, SUBMITTED, APPROVED, RETURNED = ReviewState
REVIEW_STATES = tuple(ReviewState)
# The review of an outcome: submitted for approval by its rapporteur, then approved or returned with a comment.
REVIEW_TRANSITIONS = Transitions(
    {
        "submit": ({DRAFT, RETURNED}, SUBMITTED),
        "approve": ({SUBMITTED}, APPROVED),
        "return": ({SUBMITTED}, RETURNED),
    }
)
# The states in which the rapporteur who recorded an outcome may still change it.
EDITABLE_BY_RAPPORTEUR = frozenset({DRAFT, RETURNED})

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
    implementation_status: Mapped[ImplementationStatus] = mapped_column(
        enum_type(ImplementationStatus, "implementation_status"), default=ImplementationStatus.PROPOSED
    )
    review_state: Mapped[ReviewState] = mapped_column(enum_type(ReviewState, "review_state"), default=DRAFT)
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

    @hybrid_property
    def is_public(self) -> bool:
        """Approved, and of a public meeting (or of none: what the plan itself sets)."""
        return self.review_state == APPROVED and (self.event is None or self.event.is_public)

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls):
        # The public meetings' ids once (an uncorrelated subquery), not a lookup per outcome.
        public_meetings = select(Event.id).where(Event.is_public)
        return and_(cls.review_state == APPROVED, or_(cls.event_id.is_(None), cls.event_id.in_(public_meetings)))


class StatusUpdate(db.Model):
    """A dated step in implementing an outcome (agreed on…, in progress since…, implemented on…)."""

    __tablename__ = "outcome_status_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    status: Mapped[ImplementationStatus] = mapped_column(enum_type(ImplementationStatus, "status"))
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
