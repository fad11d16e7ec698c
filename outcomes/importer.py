"""Outcomes drafted in a spreadsheet: validated row by row, and imported all together or not at all."""

import re
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from core.i18n import LANGUAGES, localize
from core.xlsx import RowProblem, Sheet, read_rows, workbook_bytes
from core.xlsx import text as _text
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
    references = services.References()
    for number, values in read_rows(upload, len(COLUMNS), MAX_BYTES, MAX_ROWS):
        data, messages = _row_data(values)
        try:
            services.check(data, user, references)
        except services.OutcomeError as refusal:
            messages += [str(message) for message in refusal.errors.values()]
        if messages:
            problems.append(RowProblem(number, messages))
        prepared.append(data)
    if problems:
        return 0, problems
    for data in prepared:
        services.create_outcome(data, user, references=references)
    return len(prepared), []
