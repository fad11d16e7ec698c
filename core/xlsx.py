"""Spreadsheets people open in Excel or LibreOffice: bold frozen header, autofilter, sensible widths, and no cell
that a spreadsheet would run as a formula."""

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def neutralise(value):
    """Text that starts like a formula gets a leading apostrophe (the OWASP advice), so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
            cell = WriteOnlyCell(worksheet, value=neutralise(str(title)))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([_cell(value) for value in row])
            last_row += 1
        worksheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(sheet.headers)))}{last_row}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    """Plain values: openpyxl writes them fastest, and a neutralised text can no longer pass for a formula."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return neutralise(value)


@dataclass
class RowProblem:
    """What is wrong with one row of an imported spreadsheet, for the report shown before anything is saved."""

    row: int
    messages: list[str]


class SpreadsheetRefused(ValueError):
    """The file as a whole cannot be read: not an .xlsx, too large, too many rows, empty."""


def read_rows(upload: bytes, columns: int, max_bytes: int, max_rows: int) -> list[tuple[int, list]]:
    """(row number, values) of each non-empty row under the header of the first sheet, padded to `columns`."""
    if len(upload) > max_bytes:
        raise SpreadsheetRefused(_("The file is larger than %(size)d MB.", size=max_bytes // (1024 * 1024)))
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
    finally:
        workbook.close()
    if not rows:
        raise SpreadsheetRefused(_("The spreadsheet has no row to import."))
    return rows


def text(value) -> str:
    return "" if value is None else str(value).strip()
