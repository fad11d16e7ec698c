"""Spreadsheets people open in Excel or LibreOffice: bold frozen header, autofilter, sensible widths, and no cell
that a spreadsheet would run as a formula."""

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from core.formulas import needs_quote_prefix

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Write-only mode streams rows, so memory stays bounded however many rows there are."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        widths = sheet.widths or [max(12, min(60, len(str(h)) + 4)) for h in sheet.headers]
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        last_row = 1
        header = []
        for title in sheet.headers:
            cell = _text_cell(worksheet, str(title))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([_cell(worksheet, value) for value in row])
            last_row += 1
        worksheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(sheet.headers)))}{last_row}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(worksheet, value):
    """Plain values where they are safe (openpyxl writes them fastest); a text cell for what looks like a formula."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        # XML 1.0 cannot carry most control characters: openpyxl would refuse the whole file for one of them.
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value)
        if needs_quote_prefix(value):
            return _text_cell(worksheet, value)
    return value


def _text_cell(worksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=text)
    if needs_quote_prefix(text):
        # openpyxl takes "=…" for a formula: the type is set back to text, and marked so it stays text when edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


@dataclass
class RowProblem:
    """What is wrong with one row of an imported spreadsheet, for the report shown before anything is saved."""

    row: int
    messages: list[str]


class SpreadsheetRefused(ValueError):
    """The file as a whole cannot be read: not an .xlsx, too large, too many rows, empty."""


# What an import's file may unpack to: ten thousand rows of twenty columns take a few megabytes of XML; a
# "zip bomb" of 2 MB can unpack to 700 MB, all of which openpyxl would hold in memory.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# The start of one item of the shared strings part, <si> or <x:si …>; its count is what openpyxl would build.
_STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def _count_strings(part) -> int:
    """The items of a shared strings part, read a megabyte at a time: the count it declares may be a lie."""
    count, carry = 0, b""
    while chunk := part.read(1024 * 1024):
        data = carry + chunk
        # An item may be cut in two by the chunk's end: what follows the last "<" waits for the next chunk.
        cut = data.rfind(b"<")
        cut = len(data) if cut == -1 else cut
        count += len(_STRING_ITEM.findall(data, 0, cut))
        carry = data[cut:]
    return count + len(_STRING_ITEM.findall(carry))


def _check_archive(upload: bytes, columns: int, max_rows: int) -> None:
    """Refuses, before openpyxl reads anything, a file that would unpack to too much (as its directory declares:
    Python's zipfile never unpacks a member beyond that) or hold more distinct texts than its cells could (counted
    in its strings part, a stream of at most MAX_UNPACKED_BYTES)."""
    try:
        archive = zipfile.ZipFile(BytesIO(upload))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetRefused(_("This file is not an .xlsx spreadsheet.")) from error
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise SpreadsheetRefused(
                _("The file unpacks to more than %(size)d MB.", size=MAX_UNPACKED_BYTES // (1024 * 1024))
            )
        strings = next((m for m in members if m.filename.lower() == "xl/sharedstrings.xml"), None)
        if strings is not None:
            with archive.open(strings) as part:
                texts = _count_strings(part)
            if texts > (max_rows + 1) * columns:
                raise SpreadsheetRefused(_("The file holds more texts than %(count)d rows can.", count=max_rows))


def read_rows(upload: bytes, columns: int, max_bytes: int, max_rows: int) -> list[tuple[int, list]]:
    """(row number, values) of each non-empty row under the header of the first sheet, padded to `columns`."""
    if len(upload) > max_bytes:
        raise SpreadsheetRefused(_("The file is larger than %(size)d MB.", size=max_bytes // (1024 * 1024)))
    _check_archive(upload, columns, max_rows)
    try:
        workbook = load_workbook(BytesIO(upload), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SpreadsheetRefused(_("This file is not an .xlsx spreadsheet.")) from error
    rows = []
    try:
        for number, values in enumerate(workbook.worksheets[0].iter_rows(min_row=2, values_only=True), start=2):
            if number - 1 > max_rows:
                raise SpreadsheetRefused(_("The file has more than %(count)d rows.", count=max_rows))
            if values and any(v not in (None, "") for v in values):
                rows.append((number, (list(values) + [None] * columns)[:columns]))
    except (zipfile.BadZipFile, SyntaxError, KeyError, OSError, ValueError, TypeError) as error:  # XML: SyntaxError
        # Read-only mode parses the sheet only here: a damaged sheet is the file's fault, not the server's.
        if isinstance(error, SpreadsheetRefused):
            raise
        raise SpreadsheetRefused(_("This file is not an .xlsx spreadsheet.")) from error
    finally:
        workbook.close()
    if not rows:
        raise SpreadsheetRefused(_("The spreadsheet has no row to import."))
    return rows


def text(value) -> str:
    return "" if value is None else str(value).strip()
