"""Materials of a meeting: recording them, taking in their language versions, and deciding who may read them."""

import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import BinaryIO

from babel.units import format_unit
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from accounts.models import User
from agenda.models import Session
from core import audit
from core.db import db
from core.errors import Refused
from core.i18n import LANGUAGES, format_locale
from events.models import Event
from materials import rules, storage
from materials.models import DISTRIBUTIONS, KINDS, NAMED_ROLES, PUBLIC, RESTRICTED, Material, MaterialFile
from materials.rules import Reader
from participants.models import Registration
from participants.rules import participates
from participants.services import find_registration

FILENAME_LIMIT = 200
# Control, format (such as the right-to-left override that disguises an extension), surrogate, private-use
# characters and line or paragraph separators have no place in a file name.
FORBIDDEN_IN_NAMES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


class MaterialsError(Refused):
    """What this domain refuses, field by field."""


# Recording materials ----------------------------------------------------------------------------------------


@dataclass
class MaterialData:
    kind: str
    title: dict[str, str]
    issued_on: date | None
    symbol: str = ""
    session_id: int | None = None
    distribution: str = PUBLIC
    allowed_roles: list[str] = field(default_factory=list)


def _validate(event: Event, data: MaterialData) -> tuple[dict, Session | None]:
    errors: dict[str, str] = {}
    if data.kind not in KINDS:
        errors["kind"] = _l("Unknown kind of document.")
    if not any(text.strip() for text in data.title.values()):
        errors["title"] = _l("Give a title in at least one language.")
    if data.issued_on is None:
        errors["issued_on"] = _l("Give the date of the document.")
    if len(data.symbol.strip()) > 60:
        errors["symbol"] = _l("The reference symbol is longer than %(count)d characters.", count=60)
    if data.distribution not in DISTRIBUTIONS:
        errors["distribution"] = _l("Unknown distribution.")
    if unknown := [role for role in data.allowed_roles if role not in NAMED_ROLES]:
        errors["allowed_roles"] = _l("Unknown role: %(roles)s.", roles=", ".join(unknown))
    session = db.session.get(Session, data.session_id) if data.session_id is not None else None
    if data.session_id is not None and (session is None or session.event_id != event.id):
        errors["session_id"] = _l("This session is not part of the meeting.")
    return errors, session


def snapshot(material: Material) -> dict:
    """The material as the audit log shows it: plain values that compare and serialise."""
    return {
        "kind": material.kind,
        "title": dict(material.title or {}),
        "symbol": material.symbol,
        "issued_on": material.issued_on.isoformat() if material.issued_on else None,
        "session": material.session.uid if material.session else None,
        "distribution": material.distribution,
        "allowed_roles": list(material.allowed_roles or []),
    }


def _apply(material: Material, data: MaterialData, session: Session | None) -> None:
    material.kind = data.kind
    material.title = {code: text.strip() for code, text in data.title.items() if text and text.strip()}
    material.symbol = data.symbol.strip()
    material.issued_on = data.issued_on
    material.session = session
    material.distribution = data.distribution
    # Named roles only widen a restricted document; kept for no other distribution, so none lingers unseen.
    named = [role for role in NAMED_ROLES if role in data.allowed_roles]
    material.allowed_roles = named if data.distribution == RESTRICTED else []


def create_material(event: Event, data: MaterialData) -> Material:
    errors, session = _validate(event, data)
    if errors:
        raise MaterialsError(errors)
    material = Material(event_id=event.id, created_by_id=audit.current_user_id())
    _apply(material, data, session)
    db.session.add(material)
    db.session.flush()
    audit.record("material", material.id, "created", audit.diff({}, snapshot(material)))
    db.session.flush()
    return material


def update_material(material: Material, data: MaterialData) -> Material:
    errors, session = _validate(material.event, data)
    if errors:
        raise MaterialsError(errors)
    before = snapshot(material)
    _apply(material, data, session)
    if changes := audit.diff(before, snapshot(material)):
        audit.record("material", material.id, "updated", changes)
    db.session.flush()
    return material


# Language versions ------------------------------------------------------------------------------------------


def check_filename(name: str | None) -> str:
    """The uploaded name as it will be offered back to readers; refused rather than silently rewritten."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise MaterialsError({"file": _l("Choose a file to upload.")})
    if "/" in name or "\\" in name:
        raise MaterialsError({"file": _l("The file name must not contain / or \\. Rename the file and try again.")})
    if any(unicodedata.category(character) in FORBIDDEN_IN_NAMES for character in name):
        raise MaterialsError({"file": _l("The file name contains control characters. Rename the file and try again.")})
    if not name.strip(". "):
        raise MaterialsError({"file": _l("The file name must contain more than dots. Rename the file and try again.")})
    if len(name) > FILENAME_LIMIT:
        raise MaterialsError(
            {"file": _l("The file name is longer than %(count)d characters. Rename the file.", count=FILENAME_LIMIT)}
        )
    return name


def describe_size(size: int) -> str:
    """A size as the reader's locale writes it, units included (CLDR, so nothing to translate): 20 MB, 3,4 ko."""
    if size >= 1024 * 1024:
        return format_unit(round(size / (1024 * 1024), 1), "digital-megabyte", "short", locale=format_locale())
    return format_unit(round(size / 1024, 1), "digital-kilobyte", "short", locale=format_locale())


def _check_content(incoming: storage.Incoming, name: str, limit: int, current: MaterialFile | None) -> storage.Format:
    if incoming.size == 0:
        raise MaterialsError({"file": _l("The file is empty.")})
    if incoming.too_large:
        raise MaterialsError({"file": _l("The file is larger than %(size)s.", size=describe_size(limit))})
    found = storage.sniff(incoming.file)
    if found is None:
        raise MaterialsError(
            {"file": _l("This file is not a PDF, DOCX, XLSX, PPTX or ODT document (its content was checked).")}
        )
    if PurePosixPath(name).suffix.lower() != found.extension:
        raise MaterialsError(
            {
                "file": _l(
                    "This file is a %(format)s document: its name must end in %(extension)s.",
                    format=found.label,
                    extension=found.extension,
                )
            }
        )
    if current is not None and current.content_hash == incoming.content_hash:
        raise MaterialsError({"file": _l("This file is the same as the current version.")})
    return found


def add_file(material: Material, language: str, filename: str | None, stream: BinaryIO) -> MaterialFile:
    """A new language version, or the next version of one: the earlier files stay, readers get the newest.

    Everything is checked before anything is written, so a refused file leaves neither a row nor a file."""
    if language not in LANGUAGES:
        raise MaterialsError({"language": _l("Unknown language.")})
    name = check_filename(filename)
    limit = storage.max_bytes()
    history = material.history(language)
    with storage.received(stream, limit) as incoming:
        found = _check_content(incoming, name, limit, history[0] if history else None)
        storage.store(incoming)
    added = MaterialFile(
        material=material,
        language=language,
        version=history[0].version + 1 if history else 1,
        content_hash=incoming.content_hash,
        size=incoming.size,
        content_type=found.content_type,
        original_filename=name,
        uploaded_by_id=audit.current_user_id(),
    )
    db.session.add(added)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        message = _l("Someone else uploaded this language version at the same moment. Reload the page and try again.")
        raise MaterialsError({"file": message}) from error
    return added


# Reading ----------------------------------------------------------------------------------------------------


def reader_for(event: Event, user: User, registration_token: str = "") -> Reader:
    """The reader of this meeting's documents: a participant is shown by their registration's own link, or is
    signed in with the address an admitted registration of the meeting was made with."""
    participant = bool(registration_token) and participates(find_registration(registration_token), event)
    if not participant and user.is_authenticated:
        own = select(Registration.id).where(
            Registration.event_id == event.id, Registration.email == user.email, Registration.is_admitted
        )
        participant = db.session.scalar(own.limit(1)) is not None
    return rules.reader(user, event, participant)


def event_materials(event: Event) -> list[Material]:
    query = (
        select(Material)
        .where(Material.event_id == event.id)
        .options(selectinload(Material.files), selectinload(Material.session))
        .order_by(Material.issued_on, Material.id)
    )
    return list(db.session.scalars(query))


def readable_materials(event: Event, reader: Reader) -> list[Material]:
    return [material for material in event_materials(event) if reader.may_read(material)]


def grouped(materials: list[Material]) -> list[tuple[Session | None, list[Material]]]:
    """The meeting's own documents first, then each session's in programme order."""
    sessions = sorted({m.session for m in materials if m.session is not None}, key=lambda s: (s.starts_at, s.id))
    whole = [m for m in materials if m.session is None]
    return ([(None, whole)] if whole else []) + [(s, [m for m in materials if m.session is s]) for s in sessions]


def missing_counts(materials: list[Material]) -> dict[str, int]:
    return {code: sum(1 for m in materials if code not in m.latest) for code in LANGUAGES}


def best_files(materials: list[Material], language: str) -> list[MaterialFile]:
    """For each material that has a file: the version in the language, else the best other one."""
    return [file for material in materials if (file := material.best_file(language)) is not None]


def archive(files: list[MaterialFile]) -> BinaryIO:
    """The files as one zip in a temporary file on disk, whatever their total size. Stored, not deflated: every
    accepted format is compressed already. Member names are numbered, so two equal names cannot collide."""
    bundle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once streamed
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_STORED) as archive_file:
        for index, file in enumerate(files, start=1):
            archive_file.write(storage.path_for(file.content_hash), arcname=member_name(index, file))
    bundle.seek(0)
    return bundle


def member_name(index: int, file: MaterialFile) -> str:
    """NN-language-name. Names were checked on upload; they are made safe here again all the same, since a member
    whose name held a separator could be written outside the folder the reader unzips into."""
    name = "".join(
        "_" if character in "/\\" or unicodedata.category(character) in FORBIDDEN_IN_NAMES else character
        for character in file.original_filename
    )
    return f"{index:02d}-{file.language}-{name}"
