from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Translations, UTCDateTime, db, utcnow
from plan.models import Actor, Paragraph

KINDS = ("conference", "expert_workshop", "meeting", "seminar")
VISIBILITIES = ("public", "invitation")
DRAFT, OPEN, CLOSED, HELD, ARCHIVED, CANCELLED = "draft", "open", "closed", "held", "archived", "cancelled"
STATUSES = (DRAFT, OPEN, CLOSED, HELD, ARCHIVED, CANCELLED)
# The life of a meeting; cancelling is possible from any state before it is archived.
TRANSITIONS = {
    DRAFT: (OPEN, CANCELLED),
    OPEN: (CLOSED, CANCELLED),
    CLOSED: (OPEN, HELD, CANCELLED),
    HELD: (ARCHIVED,),
    ARCHIVED: (),
    CANCELLED: (DRAFT,),
}
ORGANISER, PARTNER = "organiser", "partner"

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
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    # Registrations wait for an organiser's approval before they are confirmed.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
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
    def is_public(self) -> bool:
        return self.status != DRAFT
