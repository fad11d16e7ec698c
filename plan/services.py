"""Reading the plan: documents with their sections and paragraphs, actors and what they are tasked with."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db import db
from plan.models import Actor, Document, Paragraph, Section


def documents_with_paragraphs() -> list[Document]:
    query = (
        select(Document)
        .order_by(Document.position)
        .options(selectinload(Document.sections).selectinload(Section.paragraphs).selectinload(Paragraph.actors))
    )
    return list(db.session.scalars(query))


def find_document(code: str) -> Document | None:
    return db.session.scalar(select(Document).where(Document.code == code))


def find_paragraph(document_code: str, number: str) -> Paragraph | None:
    query = (
        select(Paragraph)
        .join(Paragraph.document)
        .where(Document.code == document_code, Paragraph.number == number)
        .options(selectinload(Paragraph.actors), selectinload(Paragraph.section))
    )
    return db.session.scalar(query)


def neighbours(paragraph: Paragraph) -> tuple[Paragraph | None, Paragraph | None]:
    base = select(Paragraph).where(Paragraph.document_id == paragraph.document_id)
    previous = db.session.scalar(
        base.where(Paragraph.position < paragraph.position).order_by(Paragraph.position.desc()).limit(1)
    )
    following = db.session.scalar(base.where(Paragraph.position > paragraph.position).order_by(Paragraph.position))
    return previous, following


def actors() -> list[Actor]:
    return list(db.session.scalars(select(Actor).order_by(Actor.position)))


def find_actor(code: str) -> Actor | None:
    query = (
        select(Actor)
        .where(Actor.code == code)
        .options(
            selectinload(Actor.paragraphs).options(selectinload(Paragraph.document), selectinload(Paragraph.section))
        )
    )
    return db.session.scalar(query)


def all_paragraphs() -> list[Paragraph]:
    query = (
        select(Paragraph)
        .join(Paragraph.document)
        .order_by(Document.position, Paragraph.position)
        .options(selectinload(Paragraph.document))
    )
    return list(db.session.scalars(query))


def paragraphs_by_reference(references: list[str]) -> dict[str, Paragraph]:
    """{'bucharest-2001:20': Paragraph} for the references that exist; unknown ones are simply absent."""
    return {p.reference: p for p in all_paragraphs() if p.reference in set(references)}
