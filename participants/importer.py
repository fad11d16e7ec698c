"""Invitees from a spreadsheet: every row checked first; then the directory and the invitations are written
together, or nothing is. Importing the same file again adds nobody twice."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.i18n import LANGUAGES, localize
from core.text import SINGLE_LINE_MESSAGE, is_single_line
from core.xlsx import RowProblem, Sheet, read_rows, workbook_bytes
from core.xlsx import text as cell_text
from events.models import Event
from participants import services
from participants.services import delegations

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10000
COLUMNS = (
    _l("E-mail address"),
    _l("Form of address"),
    _l("Given name"),
    _l("Family name"),
    _l("Function"),
    _l("Delegation (code)"),
    _l("Language (en, fr, de, it, ru, es)"),
)


def template() -> bytes:
    codes = [(d.code, localize(d.name).text) for d in delegations()]
    codes += [(code, code.upper()) for code in LANGUAGES]
    return workbook_bytes(
        [
            Sheet(_("Invitees"), [str(c) for c in COLUMNS], [], widths=[32, 10, 20, 24, 30, 22, 16]),
            Sheet(_("Codes"), [_("Code"), _("Meaning")], codes, widths=[28, 60]),
        ]
    )


def import_invitees(event: Event, upload: bytes) -> tuple[int, int, list[RowProblem]]:
    """(invitations created, already invited, problems); with any problem nothing is written."""
    problems: list[RowProblem] = []
    entries: list[tuple[services.PersonData, dict]] = []
    seen: dict[str, int] = {}
    directory = services.Directory()
    for number, values in read_rows(upload, len(COLUMNS), MAX_BYTES, MAX_ROWS):
        email, honorific, given, family, function, delegation, language = (cell_text(v) for v in values)
        data = services.PersonData(
            email=email,
            given_name=given,
            family_name=family,
            honorific=honorific,
            function=function,
            language=(language or "en").lower(),
            delegation_code=delegation,
        )
        errors, resolved = services.check_person(data, directory)
        messages = [str(message) for message in errors.values()]
        # A cell typed with Alt+Enter, or pasted with invisible characters, is refused as a form field would be.
        if not all(is_single_line(text) for text in (email, honorific, given, family, function, delegation, language)):
            messages.append(str(SINGLE_LINE_MESSAGE))
        if resolved["email"] and resolved["email"] in seen:
            messages.append(_("The same address is on row %(row)d.", row=seen[resolved["email"]]))
        if messages:
            problems.append(RowProblem(number, messages))
        elif resolved["email"]:
            seen[resolved["email"]] = number
            entries.append((data, resolved))
    if problems:
        return 0, 0, problems
    created, already = services.invite_listed(event, services.merge_people(entries))
    return created, already, []
