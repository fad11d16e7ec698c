"""Meeting documents: one row per document, one row per file uploaded for each of its language versions."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from agenda.models import Session
from core.db import Translations, UTCDateTime, db, utcnow
from core.i18n import FALLBACK_ORDER, LANGUAGES
from core.roles import PARTICIPANT, RAPPORTEUR
from events.models import Event

KINDS = (
    "concept_note",
    "annotated_agenda",
    "background_paper",
    "presentation",
    "statement",
    "report",
    "list_of_participants",
)
PUBLIC, PARTICIPANTS, RESTRICTED = "public", "participants", "restricted"
DISTRIBUTIONS = (PUBLIC, PARTICIPANTS, RESTRICTED)
# Roles an organiser may name as readers of a restricted document; organisers and admins read everything.
NAMED_ROLES = (RAPPORTEUR, PARTICIPANT)


class Material(db.Model):
    """A document of a meeting, or of one of its sessions, in up to six language versions."""

    __tablename__ = "materials"
    __table_args__ = (Index("ix_materials_event", "event_id", "issued_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # A deleted session leaves its documents to the meeting as a whole.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[dict] = mapped_column(Translations)
    # The document symbol, such as CIO.GAL/12/01; not every document has one.
    symbol: Mapped[str] = mapped_column(String(60), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    distribution: Mapped[str] = mapped_column(String(20), default=PUBLIC)
    # For a restricted document: the roles that may read it besides organisers, e.g. ["rapporteur"].
    allowed_roles: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    session: Mapped[Session | None] = relationship()
    files: Mapped[list["MaterialFile"]] = relationship(
        back_populates="material",
        order_by="MaterialFile.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def latest(self) -> dict[str, "MaterialFile"]:
        """The current file of each language version, in the order of the interface's languages."""
        newest: dict[str, MaterialFile] = {}
        for file in self.files:
            if file.language not in newest or file.version > newest[file.language].version:
                newest[file.language] = file
        return {code: newest[code] for code in LANGUAGES if code in newest}

    def best_file(self, language: str) -> "MaterialFile | None":
        """The reader's language version, else the first one available in the fallback order."""
        latest = self.latest
        for code in (language, *FALLBACK_ORDER):
            if code in latest:
                return latest[code]
        return None

    def history(self, language: str) -> list["MaterialFile"]:
        """Every file of one language version, the current one first."""
        return sorted((f for f in self.files if f.language == language), key=lambda f: f.version, reverse=True)


class MaterialFile(db.Model):
    """One upload of one language version; a replacement adds a row with the next version number, none is removed.

    The bytes live in the storage folder under their SHA-256 (materials.storage), never under the uploaded name.
    """

    __tablename__ = "material_files"
    __table_args__ = (UniqueConstraint("material_id", "language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(120))
    original_filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    material: Mapped[Material] = relationship(back_populates="files")
    uploaded_by: Mapped[User | None] = relationship()
