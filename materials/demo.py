"""Documents of the Bishkek conference and of the Internet workshop, as small files generated here: one-page PDFs
written byte by byte and DOCX files assembled with zipfile, so the demo needs no office suite and no fixture file.

Every one goes through the same checks as an upload. All are public but the list of participants, which only
organisers read.
"""

import zipfile
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from sqlalchemy import select

from agenda.models import Session
from core.db import db
from events.models import Event
from materials import services
from materials.models import PUBLIC, RESTRICTED, Material

# (event, session kind or None, kind, symbol, date, distribution, title, {language: file format})
DOCUMENTS = [
    (
        "bishkek-2001",
        None,
        "concept_note",
        "CIO.GAL/12/01",
        date(2001, 11, 20),
        PUBLIC,
        {
            "en": "Bishkek International Conference: concept note",
            "fr": "Conférence internationale de Bichkek : note de synthèse",
            "de": "Internationale Konferenz von Bischkek: Konzeptpapier",
            "ru": "Бишкекская международная конференция: концептуальная записка",
        },
        {"en": "pdf", "ru": "pdf", "fr": "docx"},
    ),
    (
        "bishkek-2001",
        None,
        "annotated_agenda",
        "CIO.GAL/13/01",
        date(2001, 11, 28),
        PUBLIC,
        {
            "en": "Annotated agenda of the Bishkek International Conference",
            "ru": "Аннотированная повестка дня Бишкекской международной конференции",
        },
        {"en": "pdf", "ru": "pdf"},
    ),
    (
        "bishkek-2001",
        "opening",
        "statement",
        "CIO.GAL/15/01",
        date(2001, 12, 13),
        PUBLIC,
        {
            "en": "Opening statement by the Representative of the Chairman-in-Office",
            "fr": "Déclaration d’ouverture du représentant du Président en exercice",
            "ru": "Вступительное заявление представителя Действующего председателя",
        },
        {"en": "pdf", "ru": "docx"},
    ),
    (
        "bishkek-2001",
        None,
        "list_of_participants",
        "CIO.GAL/16/01",
        date(2001, 12, 14),
        RESTRICTED,
        {"en": "List of participants", "ru": "Список участников"},
        {"en": "pdf"},
    ),
    (
        "internet-workshop-2005",
        None,
        "background_paper",
        "SEC.GAL/201/05",
        date(2005, 9, 30),
        PUBLIC,
        {
            "en": "Use of the Internet for terrorist purposes: background paper",
            "fr": "Utilisation de l’Internet à des fins terroristes : document de référence",
            "de": "Nutzung des Internets für terroristische Zwecke: Hintergrundpapier",
            "ru": "Использование Интернета в террористических целях: справочный документ",
        },
        {"en": "pdf", "fr": "pdf", "de": "docx", "ru": "docx"},
    ),
    (
        "internet-workshop-2005",
        None,
        "concept_note",
        "SEC.GAL/188/05",
        date(2005, 9, 12),
        PUBLIC,
        {
            "en": "Expert workshop with Interpol: concept note",
            "es": "Taller de expertos con Interpol: nota conceptual",
        },
        {"en": "docx", "es": "pdf"},
    ),
]


def pdf(line: str) -> bytes:
    """A one-page PDF showing one line in Helvetica, with an exact cross-reference table (about 600 bytes).

    The standard fonts show Western European letters only (Windows-1252): see _line.
    """
    text = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = b"BT /F1 12 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/>'
        "</Relationships>"
    ),
}


def docx(line: str) -> bytes:
    """The smallest document Word and LibreOffice open: the package's content types, its relationship to the main
    part, and one paragraph."""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, xml in (*DOCX_PARTS.items(), ("word/document.xml", document)):
            package.writestr(name, xml)
    return buffer.getvalue()


BUILDERS = {"pdf": pdf, "docx": docx}


def seed() -> int:
    """The demo documents of each meeting that has none yet; returns the number of files written."""
    events = _events_without_materials({document[0] for document in DOCUMENTS})
    written = 0
    for slug, session_kind, kind, symbol, issued_on, distribution, title, files in DOCUMENTS:
        if slug not in events:
            continue
        session = _session(events[slug], session_kind)
        data = services.MaterialData(kind, title, issued_on, symbol, session.id if session else None, distribution)
        material = services.create_material(events[slug], data)
        for language, extension in files.items():
            name = f"{symbol.replace('/', '-')}-{language}.{extension}"
            content = BUILDERS[extension](_line(symbol, title, language, extension))
            services.add_file(material, language, name, BytesIO(content))
            written += 1
    return written


def _line(symbol: str, title: dict, language: str, extension: str) -> str:
    """The title in the file's language; in a PDF, a title the standard fonts cannot show (Cyrillic) is given in
    English with the language's code, since embedding a font would take the file far beyond a few hundred bytes."""
    line = f"{symbol}: {title.get(language, title['en'])}"
    if extension == "pdf" and line.encode("cp1252", "ignore").decode("cp1252") != line:
        return f"{symbol}: {title['en']} [{language.upper()}]"
    return line


def _events_without_materials(slugs: set[str]) -> dict[str, Event]:
    """Seeding again adds nothing to a meeting that already has documents, the demo ones or anyone's."""
    events = db.session.scalars(select(Event).where(Event.slug.in_(slugs)))
    return {
        event.slug: event
        for event in events
        if db.session.scalar(select(Material.id).where(Material.event_id == event.id).limit(1)) is None
    }


def _session(event: Event, kind: str | None) -> Session | None:
    if kind is None:
        return None
    return db.session.scalar(
        select(Session).where(Session.event_id == event.id, Session.kind == kind).order_by(Session.starts_at)
    )
