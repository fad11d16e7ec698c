"""Coverage of the plan, road maps, the Secretary General's report, spreadsheet import and exports."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.db import db
from outcomes.models import Outcome
from tests.catalogs import translated
from tests.conftest import signed_in
from tests.outcome_helpers import record

HOSTILE = '=HYPERLINK("http://evil.example","click")'


def test_coverage_counts_meetings_outcomes_and_open_action_items(browser, demo):
    page = browser.get("/plan/coverage?lang=en").get_data(as_text=True)
    row = page.split('href="/plan/bucharest-2001/29"')[1].split("</tr>")[0]
    # §29: the Bishkek conference; two approved outcomes tied to it (the declaration and the border projects).
    assert [cell.split(">")[-1] for cell in row.split("</a></td>")[:2]] == ["1", "2"]
    row = page.split('href="/plan/bucharest-2001/5"')[1].split("</tr>")[0]
    assert row.rstrip().endswith('<td class="number">1</td>')  # the §5 deadline, still open
    # Paragraphs with no follow-up stand out.
    row = page.split('href="/plan/bucharest-2001/2"')[1].split("</tr>")[0]
    assert "No follow-up" in row
    assert "paragraphs have no follow-up yet." in page


def test_coverage_filters_by_body_and_section(browser, demo):
    odihr = browser.get("/plan/coverage?actor=odihr").get_data(as_text=True)
    assert 'href="/plan/bucharest-2001/6"' in odihr and 'href="/plan/bucharest-2001/20"' not in odihr
    section = browser.get("/plan/coverage?section=bucharest-2001:V").get_data(as_text=True)
    assert {n for n in range(1, 32) if f'href="/plan/bucharest-2001/{n}"' in section} == {29, 30, 31}


def test_paragraph_page_shows_approved_outcomes_and_their_status(browser, demo):
    page = browser.get("/plan/bucharest-2001/30?lang=en").get_data(as_text=True)
    assert "Counter-Terrorism Committee" in page and "Implemented" in page
    assert "2 outcomes" in page


def test_roadmap_lists_the_action_items_of_a_body_and_exports_them(browser, demo):
    page = browser.get("/roadmaps/?lang=en").get_data(as_text=True)
    assert "/roadmaps/secretariat" in page and "/roadmaps/participating-states" in page
    response = browser.get("/roadmaps/secretariat.xlsx?lang=fr")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "Réunion" and all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["D"].width >= 60
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and "documents de voyage" in rows[0][3]


def test_exports_neutralise_formulas(app, demo):
    record(app, text={"en": HOSTILE}, approve_with="organiser@example.org")
    response = app.test_client().get("/roadmaps/secretariat.xlsx?lang=en")
    sheet = load_workbook(BytesIO(response.data)).active
    [hostile] = [row[3] for row in sheet.iter_rows(min_row=2) if row[3].value == HOSTILE]
    assert hostile.data_type == "s" and hostile.quotePrefix


def test_secretary_general_report_matches_the_data(browser, demo, app):
    page = browser.get("/reports/secretary-general?start=2001-12-01&end=2002-12-31&lang=en").get_data(as_text=True)
    assert "/events/bishkek-2001/" in page and "/events/coc-follow-up-2002/" in page
    assert "/events/internet-workshop-2005/" not in page
    response = browser.get("/reports/secretary-general.xlsx?start=2001-12-01&end=2002-12-31&lang=ru")
    workbook = load_workbook(BytesIO(response.data))
    assert workbook.sheetnames == [
        translated("Meetings", "ru"),
        translated("Outcomes by paragraph", "ru"),
        translated("Action items by body", "ru"),
    ]
    meetings, by_paragraph, by_body = workbook.worksheets
    with app.app_context():
        approved = db.session.scalar(select(func.count(Outcome.id)).where(Outcome.review_state == "approved"))
    titles = [row[0] for row in meetings.iter_rows(min_row=2, values_only=True)]
    assert len(titles) == 4 and any("Бишкек" in t for t in titles)  # 2001-2002: Bishkek, SALW, CoC, LE 2002
    paragraph_rows = list(by_paragraph.iter_rows(min_row=2, values_only=True))
    refs = {row[0] for row in paragraph_rows}
    assert {
        "bucharest-2001:29",
        "bucharest-2001:24",
        "bucharest-2001:26",
        "bucharest-2001:5",
        "bucharest-2001:30",
    } <= refs
    outcome_texts = {row[5] for row in paragraph_rows}
    assert len(outcome_texts) == approved
    bodies = {row[0] for row in by_body.iter_rows(min_row=2, values_only=True)}
    assert "Секретариат ОБСЕ" in bodies


def _spreadsheet(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Meeting", "Session", "Kind", "Language", "Text", "Paragraphs", "Bodies", "Deadline", "Status"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


GOOD_ROWS = [
    [
        "bishkek-2001",
        "",
        "recommendation",
        "en",
        "Share best practices on border controls.",
        "bucharest-2001:26",
        "participating-states",
        "",
        "proposed",
    ],
    [
        "bishkek-2001",
        "",
        "action_item",
        "fr",
        "Le Secrétariat organise un atelier.",
        "bucharest-2001:20; bucharest-2001:21",
        "secretariat",
        date(2002, 9, 30),
        "agreed",
    ],
]


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Outcome.id)))


def test_import_from_xlsx_all_rows(app, demo):
    rapporteur = signed_in(app, "rapporteur@example.org", "rapporteur-demo-2001")
    before = _count(app)
    template = rapporteur.get("/outcomes/import/template.xlsx?lang=en")
    assert load_workbook(BytesIO(template.data)).sheetnames == ["Outcomes", "Codes"]
    rapporteur.get("/outcomes/import")
    response = rapporteur.post(
        "/outcomes/import",
        {"spreadsheet": (_spreadsheet(GOOD_ROWS), "outcomes.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _count(app) == before + 2
    with app.app_context():
        imported = db.session.scalar(
            select(Outcome).where(Outcome.text["fr"].as_string() == "Le Secrétariat organise un atelier.")
        )
        assert imported.deadline == date(2002, 9, 30) and imported.review_state == "draft"
        assert [p.reference for p in imported.paragraphs] == ["bucharest-2001:20", "bucharest-2001:21"]


def test_import_reads_the_plan_and_the_meetings_once_not_once_per_row(app, demo):
    """What rows name is looked up once per import: more rows add only their own inserts."""
    from accounts.models import User
    from outcomes.importer import import_outcomes
    from tests.conftest import count_queries

    def queries(rows: int) -> int:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == "rapporteur@example.org"))
            upload = _spreadsheet(GOOD_ROWS * rows).getvalue()
            with count_queries(app) as statements:
                assert import_outcomes(upload, user)[0] == 2 * rows
            return len(statements)

    # Each outcome: itself, its paragraphs, its bodies (replaced), its first revision.
    per_row = (queries(30) - queries(5)) / (2 * 25)
    assert per_row <= 6


def test_import_is_all_or_nothing_with_a_report_by_row(app, demo):
    rapporteur = signed_in(app, "rapporteur@example.org", "rapporteur-demo-2001")
    before = _count(app)
    bad = [*GOOD_ROWS, ["nowhere-2001", "", "wish", "en", "", "bucharest-2001:99", "", "tomorrow", ""]]
    rapporteur.get("/outcomes/import?lang=en")
    response = rapporteur.post(
        "/outcomes/import", {"spreadsheet": (_spreadsheet(bad), "outcomes.xlsx")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported." in page and "Row 4:" in page
    assert "Unknown meeting." in page and "bucharest-2001:99" in page and "2002-12-31" in page
    assert _count(app) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not really a zip", "This file is not an .xlsx spreadsheet."),
        (b"name,text\nx,y\n", "This file is not an .xlsx spreadsheet."),
        (b"x" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB."),
    ],
    ids=["broken-zip", "csv", "too-large"],
)
def test_import_refuses_files_that_are_not_valid_xlsx(app, demo, content, message):
    rapporteur = signed_in(app, "rapporteur@example.org", "rapporteur-demo-2001")
    before = _count(app)
    rapporteur.get("/outcomes/import?lang=en")
    response = rapporteur.post(
        "/outcomes/import", {"spreadsheet": (BytesIO(content), "outcomes.xlsx")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _count(app) == before
