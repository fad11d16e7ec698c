"""Outcomes drafted in a spreadsheet: validated row by row, and imported all together or not at all."""

import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from accounts.models import User
from core.db import db
from core.i18n import LANGUAGES, localize
from core.xlsx import Sheet, workbook_bytes
from outcomes import services
from outcomes.labels import IMPLEMENTATION_LABELS, KIND_LABELS
from plan.services import actors, all_paragraphs

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
SEPARATORS = re.compile(r"[;,\s]+")
COLUMNS = (
    _l("Meeting (address)"),
    _l("Session (code, optional)"),
    _l("Kind"),
    _l("Language"),
    _l("Text"),
    _l("Plan paragraphs"),
    _l("Responsible bodies"),
    _l("Deadline (YYYY-MM-DD)"),
    _l("Implementation status"),
)


class ImportRefused(ValueError):
    """The file as a whole cannot be read: not an .xlsx, too large, empty."""


@dataclass
class RowProblem:
    row: int
    messages: list[str]


def template() -> bytes:
    """An empty sheet with the columns, and a sheet of the codes to use in them, in the reader's language."""
    codes = [(code, str(label)) for code, label in KIND_LABELS.items()]
    codes += [(code, str(label)) for code, label in IMPLEMENTATION_LABELS.items()]
    codes += [(p.reference, f"{p.label} {localize(p.heading).text}") for p in all_paragraphs()]
    codes += [(a.code, localize(a.name).text) for a in actors()]
    return workbook_bytes(
        [
            Sheet(_("Outcomes"), [str(c) for c in COLUMNS], [], widths=[24, 24, 16, 10, 80, 30, 30, 16, 18]),
            Sheet(_("Codes"), [_("Code"), _("Meaning")], codes, widths=[28, 90]),
        ]
    )


def _cells(upload: bytes):
    if len(upload) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than %(size)d MB.", size=MAX_BYTES // (1024 * 1024)))
    try:
        workbook = load_workbook(BytesIO(upload), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused(_("This file is not an .xlsx spreadsheet.")) from error
    sheet = workbook.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number - 1 > MAX_ROWS:
            raise ImportRefused(_("The file has more than %(count)d rows.", count=MAX_ROWS))
        if values and any(v not in (None, "") for v in values):
            rows.append((number, list(values) + [None] * (len(COLUMNS) - len(values))))
    workbook.close()
    if not rows:
        raise ImportRefused(_("The spreadsheet has no outcome in it."))
    return rows


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _deadline(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _row_data(values: list) -> tuple[services.OutcomeData | None, list[str]]:
    event, session, kind, language, text, paragraphs, bodies, deadline, status = values[: len(COLUMNS)]
    problems = []
    language = _text(language).lower() or "en"
    if language not in LANGUAGES:
        problems.append(_("Unknown language: %(codes)s.", codes=language))
    try:
        when = _deadline(deadline)
    except ValueError:
        problems.append(_("The deadline must be a date such as 2002-12-31."))
        when = None
    status = _text(status) or "proposed"
    data = services.OutcomeData(
        event_slug=_text(event),
        session_uid=_text(session),
        kind=_text(kind),
        text={language: _text(text)} if language in LANGUAGES else {},
        paragraphs=[p for p in SEPARATORS.split(_text(paragraphs)) if p],
        actors=[a for a in SEPARATORS.split(_text(bodies)) if a],
        deadline=when,
        implementation_status=status,
    )
    return data, problems


def import_outcomes(upload: bytes, user: User) -> tuple[int, list[RowProblem]]:
    """(number imported, problems): with any problem, nothing is imported."""
    problems: list[RowProblem] = []
    prepared = []
    for number, values in _cells(upload):
        data, messages = _row_data(values)
        try:
            services.check(data)
        except services.OutcomeError as refusal:
            messages += [str(message) for message in refusal.errors.values()]
        if messages:
            problems.append(RowProblem(number, messages))
        prepared.append(data)
    if problems:
        return 0, problems
    try:
        for data in prepared:
            services.create_outcome(data, user, commit=False)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(prepared), []
