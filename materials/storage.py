"""The files of materials on disk: outside the web root, each named by the SHA-256 of its content.

Incoming bytes are first copied to a private temporary file (counted, hashed, checked), and only then written into
the storage folder, atomically: a reader never sees half a file, and no user-given name ever reaches the disk.
"""

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024
# Incoming files larger than this go from memory to a temporary file on disk.
IN_MEMORY = 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")
# Enough for the small entries that tell the formats apart; a zip bomb is never inflated beyond this.
SMALL_ENTRY = 256 * 1024


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    label: str


PDF = Format(".pdf", "application/pdf", "PDF")
DOCX = Format(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")
XLSX = Format(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
PPTX = Format(".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX")
ODT = Format(".odt", "application/vnd.oasis.opendocument.text", "ODT")
FORMATS = (PDF, DOCX, XLSX, PPTX, ODT)
FORMATS_BY_TYPE = {f.content_type: f for f in FORMATS}
# Office Open XML: the folder of the main part, and the type [Content_Types].xml declares for it. Macro-enabled
# documents and templates declare another type, so they are refused.
OOXML = (
    ("word/", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", DOCX),
    ("xl/", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", XLSX),
    ("ppt/", b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", PPTX),
)


def root() -> Path:
    configured = current_app.config.get("MATERIALS_STORAGE")
    return Path(configured) if configured else Path(current_app.instance_path) / "materials"


def max_bytes() -> int:
    return int(current_app.config.get("MATERIALS_MAX_BYTES") or DEFAULT_MAX_BYTES)


def path_for(content_hash: str) -> Path:
    """Only a well-formed hash makes a path, so no stored value can point outside the folder."""
    if not SHA256.fullmatch(content_hash):
        raise ValueError("not a SHA-256 hex digest")
    return root() / content_hash


@dataclass
class Incoming:
    file: BinaryIO
    size: int
    content_hash: str
    too_large: bool


@contextmanager
def received(stream: BinaryIO, limit: int) -> Iterator[Incoming]:
    """The upload copied aside while counting and hashing; reading stops one byte past the limit."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY) as spool:
        while size <= limit and (chunk := stream.read(min(CHUNK, limit + 1 - size))):
            digest.update(chunk)
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        yield Incoming(spool, size, digest.hexdigest(), size > limit)


def sniff(file: BinaryIO) -> Format | None:
    """The format as the content says, whatever the file is called: PDF by its magic bytes, the zip-based formats
    by what the archive holds."""
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head == b"%PDF-":
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(file) as archive:
            return _zip_format(archive)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return None
    finally:
        file.seek(0)


def _zip_format(archive: zipfile.ZipFile) -> Format | None:
    names = set(archive.namelist())
    if "mimetype" in names:
        return ODT if _small_entry(archive, "mimetype") == ODT.content_type.encode() else None
    if "[Content_Types].xml" not in names:
        return None
    declared = _small_entry(archive, "[Content_Types].xml")
    for folder, main_type, found in OOXML:
        if main_type in declared and any(name.startswith(folder) for name in names):
            return found
    return None


def _small_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as entry:
        return entry.read(SMALL_ENTRY)


def store(incoming: Incoming) -> Path:
    """Written under a temporary name in the storage folder, then renamed: atomic on one file system. The same
    content is stored once, however many materials share it."""
    target = path_for(incoming.content_hash)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            incoming.file.seek(0)
            shutil.copyfileobj(incoming.file, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
