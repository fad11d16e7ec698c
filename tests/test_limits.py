"""Limits that hold against hostile bodies: JSON nested too deeply, spreadsheets that unpack to far more than they
weigh."""

import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook

from core.xlsx import SpreadsheetRefused, read_rows

DEEP = "[" * 100_000


@pytest.mark.parametrize("path", ["/api/v1/meetings", "/api/v1/meetings/bishkek-2001", "/api/v1/actors"])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/x-www-form-urlencoded"])
def test_json_nested_too_deeply_is_refused_without_signing_in(app, path, content_type):
    client = app.test_client()
    for method in ("post", "patch", "put"):
        response = getattr(client, method)(path, data=DEEP, content_type=content_type)
        assert response.status_code < 500, (method, response.status_code)
    refused = client.post("/api/v1/meetings", data=DEEP, content_type="application/json")
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"


def test_json_of_a_sensible_depth_still_reaches_validation(app):
    nested = '{"title": {"en": [[[["x"]]]]}}'
    response = app.test_client().post("/api/v1/meetings", data=nested, content_type="application/json")
    # Refused for want of a token, not for its shape.
    assert response.status_code == 401


def _workbook(rows: int, text) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Family name", "Given name"])
    for number in range(rows):
        sheet.append([text(number), "x"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STRINGS_RELATION = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _inflated(shared_strings: bytes) -> bytes:
    """A real workbook given a shared strings part (declared as Excel declares it) that compresses to almost
    nothing."""
    source = zipfile.ZipFile(BytesIO(_workbook(1, lambda n: "Petrova")))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/></Types>' % STRINGS_TYPE
                data = data.replace(b"</Types>", override)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                relation = b'<Relationship Id="rIdS" Type="%s" Target="sharedStrings.xml"/>' % STRINGS_RELATION
                data = data.replace(b"</Relationships>", relation + b"</Relationships>")
            target.writestr(item.filename, data)
        target.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


def test_a_spreadsheet_that_unpacks_to_hundreds_of_megabytes_is_refused_before_loading():
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    strings += b"<si><t>" + b"A" * (200 * 1024 * 1024) + b"</t></si></sst>"
    upload = _inflated(strings)
    assert len(upload) < 2 * 1024 * 1024
    with pytest.raises(SpreadsheetRefused, match="unpacks"):
        read_rows(upload, columns=2, max_bytes=5 * 1024 * 1024, max_rows=10_000)


def test_a_spreadsheet_with_more_shared_strings_than_cells_is_refused_whatever_it_declares():
    """Three and a half million tiny texts declared as one: they fit under the unpacked-size ceiling, and openpyxl
    would build an object for each (57 s and 530 MB here) before reading a single row."""
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    strings += b"<si><t>x</t></si>" * 3_500_000 + b"</sst>"
    with pytest.raises(SpreadsheetRefused, match="texts"):
        read_rows(_inflated(strings), columns=2, max_bytes=5 * 1024 * 1024, max_rows=10_000)


def test_an_ordinary_spreadsheet_is_read():
    rows = read_rows(_workbook(100, lambda n: f"Person {n}"), columns=2, max_bytes=5 * 1024 * 1024, max_rows=10_000)
    assert len(rows) == 100 and rows[0] == (2, ["Person 0", "x"])


def test_a_body_that_would_make_a_string_scanner_backtrack_is_measured_in_linear_time(app):
    """One quote then hundreds of thousands of escaped quotes: a regular expression for JSON strings would retry
    from every quote (the first version of this check took 53 s on 80 KB)."""
    import time

    body = b'"' + b'\\"' * 400_000
    started = time.monotonic()
    response = app.test_client().post("/login", data=body, content_type="text/plain")
    assert response.status_code == 400 and time.monotonic() - started < 5


def test_json_in_utf16_nested_too_deeply_is_refused_too(app):
    """json reads UTF-16 and UTF-32 by itself; a check reading the raw bytes as UTF-8 would miss the brackets."""
    body = ('["\u2200",' + "[" * 3000 + "]" * 3000 + ',"x"]').encode("utf-16-le")
    response = app.test_client().post("/api/v1/meetings", data=body, content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("part", "damage"),
    [
        ("xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2]),
        ("xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<v>", b"<v>abc", 1).replace(b't="n"', b"", 1)),
    ],
)
def test_a_damaged_sheet_is_refused_not_a_server_error(part, damage):
    source = zipfile.ZipFile(BytesIO(_workbook(3, lambda n: n)))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, damage(data) if item.filename == part else data)
    with pytest.raises(SpreadsheetRefused):
        read_rows(buffer.getvalue(), columns=2, max_bytes=5 * 1024 * 1024, max_rows=10_000)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/meetings/bishkek-2001/team/{id}"),
        ("get", "/api/v1/materials/{id}"),
        ("patch", "/api/v1/meetings/bishkek-2001/invitations/{id}"),
        ("get", "/api/v1/outcomes/{id}"),
    ],
)
def test_an_id_in_an_api_path_past_what_a_database_holds_is_refused_not_a_server_error(app, demo, method, path):
    """Found by the schemathesis run: DELETE …/team/27047963320815101223170046164992 answered 500 on SQLite."""
    from tests.test_api import bearer, token_for

    headers = bearer(token_for(app, "admin@example.org"))
    for huge in (2**63, 10**32):
        response = getattr(app.test_client(), method)(path.format(id=huge), headers=headers, json={})
        assert response.status_code in (404, 422), (path, huge, response.status_code)
