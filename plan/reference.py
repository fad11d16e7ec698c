"""The plan's reference data, shipped with the app as JSON in plan/data/ and loaded idempotently."""

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from core.db import db
from plan.models import Actor, Document, Paragraph, Section, paragraph_actors

DATA = Path(__file__).parent / "data"
DOCUMENT_FILES = ("bucharest-2001.json", "mc-dec-3-04.json")


def read(name: str) -> dict | list:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load() -> dict[str, int]:
    """Creates or updates actors, documents, sections and paragraphs; running it twice changes nothing."""
    actors = _load_actors(read("actors.json"))
    counts = {"actors": len(actors), "documents": 0, "paragraphs": 0}
    for position, name in enumerate(DOCUMENT_FILES):
        counts["paragraphs"] += _load_document(read(name), position, actors)
        counts["documents"] += 1
    db.session.flush()
    return counts


def _load_actors(rows: list[dict]) -> dict[str, Actor]:
    existing = {actor.code: actor for actor in db.session.scalars(select(Actor))}
    for position, row in enumerate(rows):
        actor = existing.get(row["code"]) or Actor(code=row["code"])
        actor.kind, actor.abbreviation, actor.name, actor.position = (
            row["kind"],
            row["abbreviation"],
            row["name"],
            position,
        )
        db.session.add(actor)
        existing[actor.code] = actor
    return existing


def _load_document(data: dict, position: int, actors: dict[str, Actor]) -> int:
    document = db.session.scalar(select(Document).where(Document.code == data["code"])) or Document(code=data["code"])
    document.symbol = data["symbol"]
    document.adopted_on = date.fromisoformat(data["adopted_on"])
    document.original_language = data["original_language"]
    document.title, document.adopted_by, document.position = data["title"], data["adopted_by"], position
    db.session.add(document)
    db.session.flush()

    sections = {section.number: section for section in document.sections}
    paragraphs = {
        p.number: p for p in db.session.scalars(select(Paragraph).where(Paragraph.document_id == document.id))
    }
    paragraph_position = 0
    for section_position, section_data in enumerate(data["sections"]):
        section = sections.get(section_data["number"]) or Section(number=section_data["number"], document=document)
        section.title, section.position = section_data["title"], section_position
        for paragraph_data in section_data["paragraphs"]:
            paragraph = paragraphs.get(paragraph_data["number"]) or Paragraph(
                number=paragraph_data["number"], document=document
            )
            paragraph.section = section
            paragraph.heading, paragraph.text = paragraph_data["heading"], paragraph_data["text"]
            paragraph.position = paragraph_position
            paragraph_position += 1
            db.session.add(paragraph)
            db.session.flush()
            _link_actors(paragraph, [actors[code] for code in paragraph_data["actors"]])
    return paragraph_position


def _link_actors(paragraph: Paragraph, actors: list[Actor]) -> None:
    # Written through the table so that the order of the actors, as named in the text, is kept.
    db.session.execute(paragraph_actors.delete().where(paragraph_actors.c.paragraph_id == paragraph.id))
    if actors:
        db.session.execute(
            paragraph_actors.insert(),
            [{"paragraph_id": paragraph.id, "actor_id": a.id, "position": i} for i, a in enumerate(actors)],
        )
    db.session.expire(paragraph, ["actors"])
