from datetime import date

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Translations, db

paragraph_actors = Table(
    "paragraph_actors",
    db.metadata,
    Column("paragraph_id", ForeignKey("paragraphs.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Actor(db.Model):
    """A body the plan tasks or names: participating States, OSCE bodies, partner organisations."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    abbreviation: Mapped[dict] = mapped_column(Translations)
    name: Mapped[dict] = mapped_column(Translations)
    position: Mapped[int] = mapped_column(default=0)

    paragraphs: Mapped[list["Paragraph"]] = relationship(
        secondary=paragraph_actors, back_populates="actors", order_by="Paragraph.position"
    )


class Document(db.Model):
    __tablename__ = "plan_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    symbol: Mapped[str] = mapped_column(String(60))
    adopted_on: Mapped[date]
    original_language: Mapped[str] = mapped_column(String(5))
    title: Mapped[dict] = mapped_column(Translations)
    adopted_by: Mapped[dict] = mapped_column(Translations)
    position: Mapped[int] = mapped_column(default=0)

    sections: Mapped[list["Section"]] = relationship(
        back_populates="document", order_by="Section.position", cascade="all, delete-orphan"
    )


class Section(db.Model):
    __tablename__ = "plan_sections"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("plan_documents.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[dict] = mapped_column(Translations)
    position: Mapped[int] = mapped_column(default=0)

    document: Mapped[Document] = relationship(back_populates="sections")
    paragraphs: Mapped[list["Paragraph"]] = relationship(
        back_populates="section", order_by="Paragraph.position", cascade="all, delete-orphan"
    )


class Paragraph(db.Model):
    __tablename__ = "paragraphs"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("plan_documents.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("plan_sections.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(default=0)
    heading: Mapped[dict] = mapped_column(Translations)
    # The text in the languages it exists in; the original (French) always.
    text: Mapped[dict] = mapped_column(Translations)

    document: Mapped[Document] = relationship()
    section: Mapped[Section] = relationship(back_populates="paragraphs")
    actors: Mapped[list[Actor]] = relationship(
        secondary=paragraph_actors, back_populates="paragraphs", order_by=paragraph_actors.c.position
    )

    @property
    def reference(self) -> str:
        """'bucharest-2001:20', the form used in filters and imports."""
        return f"{self.document.code}:{self.number}"

    @property
    def label(self) -> str:
        return f"§{self.number}"
