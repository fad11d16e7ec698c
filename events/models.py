from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, and_, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import Translations, UTCDateTime, db, enum_type, utcnow
from core.states import Transitions
from plan.models import Actor, Paragraph

KINDS = ("conference", "expert_workshop", "meeting", "seminar")
VISIBILITIES = ("public", "invitation")


class EventStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    HELD = "held"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


DRAFT, OPEN, CLOSED, HELD, ARCHIVED, CANCELLED = EventStatus
STATUSES = tuple(EventStatus)
# The life of a meeting. Cancelling is possible before it is held; a cancelled meeting may be taken up again as a
# draft. Publishing (the first opening) makes it public for good, unless it goes back to being a draft.
TRANSITIONS = Transitions(
    {
        "publish": ({DRAFT}, OPEN),
        "close": ({OPEN}, CLOSED),
        "reopen": ({CLOSED}, OPEN),
        "hold": ({CLOSED}, HELD),
        "archive": ({HELD}, ARCHIVED),
        "cancel": ({DRAFT, OPEN, CLOSED}, CANCELLED),
        "redraft": ({CANCELLED}, DRAFT),
    }
)
# Statuses whose change tells readers why (the note shown on the meeting's page).
NOTED = (CANCELLED,)
# Statuses in which registration may be open (the deadline and the meeting's end decide the rest).
REGISTERING = (OPEN,)
ORGANISER, PARTNER = "organiser", "partner"


class MeetingRight(StrEnum):
    """What a member of a meeting's team may do there. MANAGE includes every other right."""

    MANAGE = "manage"  # the meeting itself: its details, status, team and history
    PROGRAMME = "programme"  # sessions, rooms and publishing the programme
    REGISTRATIONS = "registrations"  # invitations, registrations, check-in and their mail
    DOCUMENTS = "documents"  # materials and their language versions, restricted ones included
    REVIEW = "review"  # approving or returning the outcomes recorded for the meeting


MEETING_RIGHTS = tuple(MeetingRight)

event_paragraphs = Table(
    "event_paragraphs",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("paragraph_id", ForeignKey("paragraphs.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Series(db.Model):
    """Recurring meetings, such as the regular meetings of law-enforcement representatives (plan §20)."""

    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict] = mapped_column(Translations)
    description: Mapped[dict] = mapped_column(Translations, default=dict)
    # An RFC 5545 recurrence rule, e.g. FREQ=YEARLY, read by the calendars.
    recurrence: Mapped[str] = mapped_column(String(200), default="")
    convened_by_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    convened_by: Mapped[Actor | None] = relationship()
    events: Mapped[list["Event"]] = relationship(back_populates="series", order_by="Event.starts_at")


class EventBody(db.Model):
    """A body organising an event, or a partner organisation taking part in organising it."""

    __tablename__ = "event_bodies"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    actor: Mapped[Actor] = relationship(lazy="joined")


class Event(db.Model):
    __tablename__ = "events"

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_at_least_one"),
        CheckConstraint(
            "retention_months IS NULL OR (retention_months >= 1 AND retention_months <= 120)", name="retention_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[dict] = mapped_column(Translations)
    description: Mapped[dict] = mapped_column(Translations, default=dict)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    working_languages: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None]
    # Months after the meeting's end when its registrations' personal data are erased (participants.retention);
    # None keeps them.
    retention_months: Mapped[int | None]
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    # Registrations wait for an organiser's approval before they are confirmed.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus, "status"), default=DRAFT, index=True)
    # When it was first opened for registration: a meeting cancelled before that was never public and stays hidden.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id", ondelete="SET NULL"), index=True)
    status_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: a save based on a stale form is refused instead of overwriting someone else's edit.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    series: Mapped[Series | None] = relationship(back_populates="events")
    paragraphs: Mapped[list[Paragraph]] = relationship(secondary=event_paragraphs, order_by=Paragraph.position)
    bodies: Mapped[list[EventBody]] = relationship(
        cascade="all, delete-orphan", order_by=EventBody.position, passive_deletes=True
    )

    @property
    def organisers(self) -> list[Actor]:
        return [body.actor for body in self.bodies if body.role == ORGANISER]

    @property
    def partners(self) -> list[Actor]:
        return [body.actor for body in self.bodies if body.role == PARTNER]

    @property
    def is_cancelled(self) -> bool:
        return self.status == CANCELLED

    @hybrid_property
    def is_public(self) -> bool:
        """Shown to anyone: published once and not a draft now (a cancelled draft was never public)."""
        return self.status != DRAFT and self.published_at is not None

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls):
        return and_(cls.status != DRAFT, cls.published_at.is_not(None))


UNIQUE_GRANT = tuple(
    text(expression)
    for expression in (
        "coalesce(event_id, 0)",
        "coalesce(series_id, 0)",
        "coalesce(user_id, 0)",
        "coalesce(actor_id, 0)",
        '"right"',
    )
)


class TeamGrant(db.Model):
    """One right on one meeting, or on a series and so on each of its meetings, given to one user or to the staff
    of an organising body (the organisers whose body it is)."""

    __tablename__ = "team_grants"
    __table_args__ = (
        CheckConstraint("(event_id IS NULL) <> (series_id IS NULL)", name="one_subject"),
        CheckConstraint("(user_id IS NULL) <> (actor_id IS NULL)", name="one_holder"),
        Index("ix_team_grants_user_id", "user_id"),
        Index("ix_team_grants_actor_id", "actor_id"),
        # One right once per holder and subject, even between two requests at the same instant (NULL ≠ NULL in a
        # plain unique constraint, hence the expressions).
        Index("uq_team_grants_once", *UNIQUE_GRANT, unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    right: Mapped[MeetingRight] = mapped_column(enum_type(MeetingRight, "right"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped["Event | None"] = relationship()
    series: Mapped[Series | None] = relationship()
    user: Mapped[User | None] = relationship()
    actor: Mapped[Actor | None] = relationship()
