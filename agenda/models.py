from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import Translations, UTCDateTime, db, utcnow
from events.models import Event
from plan.models import Paragraph

SESSION_KINDS = ("opening", "plenary", "working_session", "panel", "side_event", "break", "closing")

session_paragraphs = Table(
    "session_paragraphs",
    db.metadata,
    Column("session_id", ForeignKey("agenda_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("paragraph_id", ForeignKey("paragraphs.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

session_speakers = Table(
    "session_speakers",
    db.metadata,
    Column("session_id", ForeignKey("agenda_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("agenda_speakers.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Room(db.Model):
    __tablename__ = "agenda_rooms"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)


class Speaker(db.Model):
    """A person on the programme of one event: chair or speaker, named with their affiliation."""

    __tablename__ = "agenda_speakers"
    __table_args__ = (UniqueConstraint("event_id", "name", "affiliation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str] = mapped_column(String(200), default="")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class Session(db.Model):
    """A session of the draft programme; what participants see is the last published version of it."""

    __tablename__ = "agenda_sessions"
    __table_args__ = (
        Index("ix_agenda_sessions_event_start", "event_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # Stable across edits and publications: calendars recognise the session by it.
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[dict] = mapped_column(Translations)
    description: Mapped[dict] = mapped_column(Translations, default=dict)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_rooms.id", ondelete="SET NULL"))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_speakers.id", ondelete="SET NULL"))
    rapporteur_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    interpretation_languages: Mapped[list] = mapped_column(JSON, default=list)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    event: Mapped[Event] = relationship()
    room: Mapped[Room | None] = relationship()
    chair: Mapped[Speaker | None] = relationship(foreign_keys=[chair_id])
    rapporteur: Mapped[User | None] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(secondary=session_speakers, order_by=session_speakers.c.position)
    paragraphs: Mapped[list[Paragraph]] = relationship(secondary=session_paragraphs, order_by=Paragraph.position)


class AgendaVersion(db.Model):
    """One publication of an event's programme, frozen as it was published.

    The public agenda and the calendars are served from the latest snapshot: one row, one query, and exactly what
    was published even while organisers keep editing the draft.
    """

    __tablename__ = "agenda_versions"
    __table_args__ = (UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # [{uid, kind, title, starts_at, ..., sequence, last_modified, removed}], in programme order.
    sessions: Mapped[list] = mapped_column(JSON)
    # {"added": [uid], "moved": [uid], "retitled": [uid], "cancelled": [uid], "removed": [uid], "changed": [uid]}
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    published_by: Mapped[User | None] = relationship()


class PersonalAgenda(db.Model):
    """The sessions a participant picked, and the secret address of their calendar feed."""

    __tablename__ = "personal_agendas"
    __table_args__ = (UniqueConstraint("user_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # 256 random bits; replaced (and the old address dead) when the participant revokes it.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True)
    session_uids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
