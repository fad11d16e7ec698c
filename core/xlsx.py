"""Spreadsheets people open in Excel or LibreOffice: bold frozen header, autofilter, sensible widths, and no cell
that a spreadsheet would run as a formula."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
            worksheet.append([_cell(worksheet, value) for value in row])
            last_row += 1
        worksheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(sheet.headers)))}{last_row}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(worksheet, value):
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    cell = WriteOnlyCell(worksheet, value=neutralise(value))
    if isinstance(value, str):
        cell.data_type = "s"
        cell.alignment = Alignment(vertical="top", wrap_text=len(value) > 60)
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell
