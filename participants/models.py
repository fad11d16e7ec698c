from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import Translations, UTCDateTime, db, enum_type, utcnow
from core.states import Transitions
from events.models import Event
from plan.models import Actor

DELEGATION_KINDS = ("state", "osce_body", "partner", "ngo")
ROLES = ("head_of_delegation", "delegate", "expert", "speaker", "observer", "press")


# How a registration whose personal data were erased is named on every page and export.
ERASED_NAME = _l("Personal data erased")


class InvitationStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    OPENED = "opened"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# Not stored: what an unanswered invitation past its expiry is (participants.rules.invitation_status).
EXPIRED = "expired"
INVITATION_STATUSES = (*InvitationStatus, EXPIRED)
UNANSWERED = frozenset({InvitationStatus.DRAFT, InvitationStatus.SENT, InvitationStatus.OPENED})
# An invitation's answers; an unanswered one expires with the registration deadline (or the meeting's end).
INVITATION_TRANSITIONS = Transitions(
    {
        "send": ({InvitationStatus.DRAFT}, InvitationStatus.SENT),
        "open": ({InvitationStatus.SENT}, InvitationStatus.OPENED),
        "accept": ({InvitationStatus.SENT, InvitationStatus.OPENED}, InvitationStatus.ACCEPTED),
        "decline": ({InvitationStatus.SENT, InvitationStatus.OPENED}, InvitationStatus.DECLINED),
        # Naming a colleague declines for oneself; the colleague gets an invitation of their own.
        "substitute": ({InvitationStatus.SENT, InvitationStatus.OPENED}, InvitationStatus.DECLINED),
    }
)


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"


PENDING, CONFIRMED, WAITLISTED, CANCELLED, ATTENDED = RegistrationStatus
REGISTRATION_STATUSES = tuple(RegistrationStatus)
# What holds a seat, which the capacity counts: awaiting approval, confirmed, or present.
SEAT_HOLDING = frozenset({PENDING, CONFIRMED, ATTENDED})
# Not cancelled: the registration's holder may still see and change it, and its calendar feed still serves.
ACTIVE = frozenset(set(RegistrationStatus) - {CANCELLED})
# The meeting's participants: they read its participants-only documents, wear a badge, are on the lists.
ADMITTED = frozenset({CONFIRMED, ATTENDED})
# A registration's life. Registering again after a cancellation starts it anew (None: no registration yet).
REGISTRATION_TRANSITIONS = Transitions(
    {
        "confirm": ({None, CANCELLED}, CONFIRMED),
        "await_approval": ({None, CANCELLED}, PENDING),
        "wait": ({None, CANCELLED}, WAITLISTED),
        "approve": ({PENDING}, CONFIRMED),
        "promote": ({WAITLISTED}, CONFIRMED),
        "promote_for_approval": ({WAITLISTED}, PENDING),
        "cancel": ({PENDING, CONFIRMED, WAITLISTED}, CANCELLED),
        "check_in": ({CONFIRMED}, ATTENDED),
        "undo_check_in": ({ATTENDED}, CONFIRMED),
    }
)


class Delegation(db.Model):
    """A participating State, an OSCE body, a partner organisation or an NGO, as it takes part in meetings."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[dict] = mapped_column(Translations)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[Actor | None] = relationship()
    people: Mapped[list["Person"]] = relationship(back_populates="delegation", order_by="Person.family_name")


class Person(db.Model):
    """Someone organisers invite: a delegate, an expert, a speaker."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    honorific: Mapped[str] = mapped_column(String(40), default="")
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    function: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    delegation: Mapped[Delegation | None] = relationship(back_populates="people")

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.honorific, self.given_name, self.family_name) if part)


class Invitation(db.Model):
    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The link's token is derived from the secret key and this nonce (so reminders can repeat the link); only
    # its hash is stored, for looking it up. A new nonce revokes the old link.
    token_nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(5))
    status: Mapped[InvitationStatus] = mapped_column(
        enum_type(InvitationStatus, "status"), default=InvitationStatus.DRAFT
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    substitute: Mapped[Person | None] = relationship(foreign_keys=[substitute_id])


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        Index("ix_registrations_event_status", "event_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_type(RegistrationStatus, "status"))
    role: Mapped[str] = mapped_column(String(30))
    honorific: Mapped[str] = mapped_column(String(40), default="")
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    function: Mapped[str] = mapped_column(String(200), default="")
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id", ondelete="SET NULL"), index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5))
    interpretation_language: Mapped[str] = mapped_column(String(5), default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    visa_letter: Mapped[bool] = mapped_column(Boolean, default=False)
    dietary_needs: Mapped[str] = mapped_column(String(300), default="")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The self-service link in the confirmation mail, derived like the invitation's; only its hash is kept.
    manage_nonce: Mapped[str] = mapped_column(String(32))
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The registrant's calendar feed: 256 random bits, revocable.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When its personal data were erased, as the meeting's retention setting asked (participants.retention).
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    event: Mapped[Event] = relationship()
    person: Mapped[Person | None] = relationship()
    delegation: Mapped[Delegation | None] = relationship()
    user: Mapped[User | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()

    @property
    def full_name(self) -> str:
        if self.personal_data_erased_at is not None:
            return str(ERASED_NAME)
        return " ".join(part for part in (self.honorific, self.given_name, self.family_name) if part)

    @hybrid_property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @holds_seat.inplace.expression
    @classmethod
    def _holds_seat_expression(cls):
        return cls.status.in_(SEAT_HOLDING)

    @hybrid_property
    def is_admitted(self) -> bool:
        return self.status in ADMITTED

    @is_admitted.inplace.expression
    @classmethod
    def _is_admitted_expression(cls):
        return cls.status.in_(ADMITTED)

    @hybrid_property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls):
        return cls.status.in_(ACTIVE)
