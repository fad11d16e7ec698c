"""Meeting documents: uploads checked by their content, language versions with their history, readers' languages,
the translation matrix, downloads (headers, ranges, zip) and who may read what."""

import hashlib
import re
import zipfile
from datetime import date
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from accounts.models import User
from core.db import db
from core.i18n import LANGUAGES
from events import team
from events.models import Event
from materials import demo as demo_materials
from materials import services, storage
from materials.models import Material, MaterialFile
from participants import services as participants
from participants.models import Registration
from tests.agenda_helpers import FUTURE, add_session, make_event
from tests.clock import YEAR
from tests.conftest import signed_in, unit_of_work

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def folder(app, tmp_path, monkeypatch):
    """A storage folder per test, so that "nothing stored" can be checked by listing it."""
    path = tmp_path / "materials"
    monkeypatch.setitem(app.config, "MATERIALS_STORAGE", str(path))
    return path


# Tiny real files of each accepted format -----------------------------------------------------------------------


def pdf(text: str = "Concept note") -> bytes:
    return demo_materials.pdf(text)


def docx(text: str = "Concept note") -> bytes:
    return demo_materials.docx(text)


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "Budget"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(parts: dict[str, str], first: tuple[str, str] | None = None) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, uncompressed, first: as ODF requires
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def content_types(main_type: str, part: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main_type}"/></Types>'
    )


def pptx() -> bytes:
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    return _zip(
        {
            "[Content_Types].xml": content_types(main, "ppt/presentation.xml"),
            "_rels/.rels": "<Relationships/>",
            "ppt/presentation.xml": "<p:presentation/>",
        }
    )


def odt() -> bytes:
    return _zip(
        {"content.xml": "<office:document-content/>", "META-INF/manifest.xml": "<manifest:manifest/>"},
        first=("mimetype", "application/vnd.oasis.opendocument.text"),
    )


def docm() -> bytes:
    """A macro-enabled Word document: zip, word/ folder and all, but not a DOCX."""
    main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    return _zip({"[Content_Types].xml": content_types(main, "word/document.xml"), "word/document.xml": "<w/>"})


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# Setting up ----------------------------------------------------------------------------------------------------


def new_material(app, event_id, title=None, distribution="public", roles=(), session_id=None, issued_on=None):
    with unit_of_work(app):
        event = db.session.get(Event, event_id)
        data = services.MaterialData(
            kind="background_paper",
            title=title or {"en": "Background paper", "fr": "Document de référence"},
            issued_on=issued_on or date(YEAR, 2, 1),
            symbol="CIO.GAL/12/01",
            session_id=session_id,
            distribution=distribution,
            allowed_roles=list(roles),
        )
        return services.create_material(event, data).id


def add_file(app, material_id, language, content, name=None) -> int:
    with unit_of_work(app):
        material = db.session.get(Material, material_id)
        return services.add_file(material, language, name or f"paper-{language}.pdf", BytesIO(content)).id


def upload(browser, material_id, content, name, language="en"):
    browser.get(f"/materials/{material_id}/?lang=en")
    return browser.post(f"/materials/{material_id}/files", {"language": language, "file": (BytesIO(content), name)})


def stored(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def file_rows(app) -> list[MaterialFile]:
    with app.app_context():
        return db.session.scalars(select(MaterialFile).order_by(MaterialFile.id)).all()


def register_user(app, event_id, role="participant", email="delegate@example.org", make_user=None) -> int:
    """A user with an account and a registration for the meeting: a participant of the meeting."""
    user_id = make_user(role, email=email)
    with unit_of_work(app):
        user, event = db.session.get(User, user_id), db.session.get(Event, event_id)
        data = participants.RegistrationData(
            "Dana", "Delegate", email, "delegate", "en", consent=True, organisation="Ministry of Justice"
        )
        participants.register(event, data, user=user)
    return user_id


@pytest.fixture
def event_id(app):
    return make_event(app, start=FUTURE)


# Uploads -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "name", "content_type"),
    [
        (pdf, "paper.pdf", "application/pdf"),
        (docx, "paper.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (xlsx, "budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (pptx, "slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (odt, "paper.odt", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_each_accepted_format_is_stored_under_its_hash(app, organiser, event_id, folder, build, name, content_type):
    material_id = new_material(app, event_id)
    content = build()
    response = upload(organiser, material_id, content, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    [row] = file_rows(app)
    digest = hashlib.sha256(content).hexdigest()
    assert (row.content_type, row.content_hash, row.size, row.version) == (content_type, digest, len(content), 1)
    assert row.original_filename == name and row.uploaded_by_id is not None
    assert stored(folder) == [digest] and (folder / digest).read_bytes() == content
    download = organiser.get(f"/materials/{material_id}/en")
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == content_type


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (PNG, "picture-renamed.pdf", "is not a PDF, DOCX, XLSX, PPTX or ODT document"),
        (_zip({"notes.txt": "hello"}), "archive.docx", "is not a PDF, DOCX, XLSX, PPTX or ODT document"),
        (docm(), "macros.docx", "is not a PDF, DOCX, XLSX, PPTX or ODT document"),
        (b"%PDF", "truncated.pdf", "is not a PDF, DOCX, XLSX, PPTX or ODT document"),
        (b"", "empty.pdf", "The file is empty."),
        (pdf(), "paper.docx", "This file is a PDF document: its name must end in .pdf."),
        (docx(), "paper", "This file is a DOCX document: its name must end in .docx."),
        (pdf(), "../../paper.pdf", "must not contain / or \\"),
        (pdf(), "..\\\\paper.pdf", "must not contain / or \\"),
        (pdf(), "paper\x07.pdf", "contains control characters"),
        (pdf(), "paper\x1b[31m.pdf", "contains control characters"),
        (pdf(), "invoice\u202efdp.pdf", "contains control characters"),
        (pdf(), "..", "must contain more than dots"),
        (pdf(), "....", "must contain more than dots"),
        (pdf(), "x" * 200 + ".pdf", "longer than 200 characters"),
        (pdf(), "", "Choose a file to upload."),
    ],
)
def test_refused_files_leave_neither_a_row_nor_a_file(app, organiser, event_id, folder, content, name, message):
    material_id = new_material(app, event_id)
    response = upload(organiser, material_id, content, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page, page
    assert 'aria-invalid="true"' in page
    assert file_rows(app) == [] and stored(folder) == []


@pytest.mark.parametrize("name", ["a\nb.pdf", "a\rb.pdf", "a\x00b.pdf", "a\u2028b.pdf", "/etc/passwd", " . . "])
def test_names_no_browser_can_send_are_refused_as_well(app, name):
    with pytest.raises(services.MaterialsError):
        services.check_filename(name)


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_taken(app, organiser, event_id, folder, monkeypatch):
    monkeypatch.setitem(app.config, "MATERIALS_MAX_BYTES", 1000)
    material_id = new_material(app, event_id)
    base = pdf()
    response = upload(organiser, material_id, base + b" " * (1001 - len(base)), "big.pdf")
    assert response.status_code == 400
    assert "The file is larger than 1 kB." in response.get_data(as_text=True)
    assert file_rows(app) == [] and stored(folder) == []
    response = upload(organiser, material_id, base + b" " * (1000 - len(base)), "exact.pdf")
    assert response.status_code == 302
    assert [row.size for row in file_rows(app)] == [1000]


def test_the_upload_form_states_the_limit(app, organiser, event_id):
    material_id = new_material(app, event_id)
    page = organiser.get(f"/materials/{material_id}/?lang=en").get_data(as_text=True)
    assert "at most 20 MB" in page
    assert 'enctype="multipart/form-data"' in page and 'for="file"' in page


def test_replacing_a_version_keeps_every_earlier_file(app, organiser, event_id, folder, make_user):
    material_id = new_material(app, event_id)
    first, second = pdf("First draft"), pdf("Final text")
    assert upload(organiser, material_id, first, "paper.pdf").status_code == 302
    assert upload(organiser, material_id, second, "paper-rev1.pdf").status_code == 302
    rows = file_rows(app)
    assert [(r.language, r.version, r.original_filename) for r in rows] == [
        ("en", 1, "paper.pdf"),
        ("en", 2, "paper-rev1.pdf"),
    ]
    assert stored(folder) == sorted(hashlib.sha256(c).hexdigest() for c in (first, second))
    assert organiser.get(f"/materials/{material_id}/en").data == second
    assert organiser.get(f"/materials/files/{rows[0].id}").data == first

    page = organiser.get(f"/materials/{material_id}/?lang=en").get_data(as_text=True)
    assert "paper.pdf" in page and "paper-rev1.pdf" in page and page.count("Olga Organiser") == 2

    same = upload(organiser, material_id, second, "again.pdf")
    assert same.status_code == 400 and "the same as the current version" in same.get_data(as_text=True)
    assert len(file_rows(app)) == 2

    make_user("participant", email="reader@example.org")
    reader = signed_in(app, "reader@example.org", PASSWORD)
    assert reader.get(f"/materials/files/{rows[0].id}").status_code == 403
    assert reader.get(f"/materials/{material_id}/en").data == second


# Reading -------------------------------------------------------------------------------------------------------


def test_readers_get_their_language_or_the_best_one_marked(app, browser, event_id):
    material_id = new_material(app, event_id, title={"en": "Background paper", "fr": "Document de référence"})
    add_file(app, material_id, "fr", pdf("Version française"))
    add_file(app, material_id, "en", pdf("English version"))
    main_link = re.compile(r'href="/materials/\d+/(\w\w)" hreflang="\w\w" type="application/pdf"')

    page = browser.get("/events/vienna-2026/materials/?lang=fr").get_data(as_text=True)
    assert main_link.findall(page) == ["fr"]
    assert 'class="fallback"' not in page and 'lang="fr">Document de référence' in page

    page = browser.get("/events/vienna-2026/materials/?lang=ru").get_data(as_text=True)
    assert main_link.findall(page) == ["en"]
    item = page.split('<ul class="outcome-list">')[1]
    assert item.count('class="fallback"') == 2  # the title and the file, each marked as in another language
    marker = item.split('<p class="meta">')[1].split("</p>")[0]
    assert re.findall(r">(\w\w)<span", marker) == ["EN", "FR"]
    assert f'href="/materials/{material_id}/fr"' in marker
    assert browser.get(f"/materials/{material_id}/fr").data == pdf("Version française")


def test_event_page_lists_the_meetings_documents_and_the_way_to_all_of_them(app, browser, demo, make_user):
    page = browser.get("/events/bishkek-2001/?lang=en").get_data(as_text=True)
    assert 'id="materials-heading"' in page and "/events/bishkek-2001/materials/" in page
    assert "concept note" in page and "List of participants" not in page
    assert "/events/bishkek-2001/materials/new" not in page
    # A meeting without documents shows no block to readers.
    assert 'id="materials-heading"' not in browser.get("/events/coc-follow-up-2002/?lang=en").get_data(as_text=True)

    # The meetings' team (the demo's organiser) sees the restricted list and the way to add documents.
    organiser = signed_in(app, "organiser@example.org", "organiser-demo-2001")
    page = organiser.get("/events/bishkek-2001/?lang=en").get_data(as_text=True)
    assert "List of participants" in page and "/events/bishkek-2001/materials/new" in page
    page = organiser.get("/events/coc-follow-up-2002/?lang=en").get_data(as_text=True)
    assert 'id="materials-heading"' in page and "No document yet." in page
    # An organiser of other meetings is a reader here like anyone else.
    make_user("organiser", email="olga@example.org")
    other = signed_in(app, "olga@example.org", PASSWORD)
    page = other.get("/events/bishkek-2001/?lang=en").get_data(as_text=True)
    assert "List of participants" not in page and "/events/bishkek-2001/materials/new" not in page


def test_documents_of_sessions_are_grouped_under_their_session(app, browser, event_id):
    session_id = add_session(app, event_id, FUTURE.replace(hour=10), FUTURE.replace(hour=11), "Opening session")
    new_material(app, event_id, title={"en": "Statement"}, session_id=session_id)
    new_material(app, event_id, title={"en": "Concept note"})
    page = browser.get("/events/vienna-2026/materials/?lang=en").get_data(as_text=True)
    assert page.index("The meeting as a whole") < page.index("Concept note") < page.index("Opening session")
    assert page.index("Opening session") < page.index("Statement")


# The translation matrix ----------------------------------------------------------------------------------------


def test_matrix_shows_what_exists_and_filters_what_is_missing(app, organiser, event_id):
    complete = new_material(app, event_id, title={"en": "Concept note"})
    partial = new_material(app, event_id, title={"en": "Annotated agenda"})
    for language in LANGUAGES:
        add_file(app, complete, language, pdf(f"Concept note {language}"))
    add_file(app, partial, "en", pdf("Agenda"))
    add_file(app, partial, "en", pdf("Agenda, revised"))

    page = organiser.get("/events/vienna-2026/materials/matrix?lang=en").get_data(as_text=True)
    assert "Concept note" in page and "Annotated agenda" in page
    row = page.split("Annotated agenda", 1)[1].split("</tr>")[0]
    assert row.count("Missing") == 5 and "Version 2" in row
    assert row.count(f"/materials/{partial}/?language=") == 5
    assert "Missing in Russian (1)" in page

    page = organiser.get("/events/vienna-2026/materials/matrix?missing=ru&lang=en").get_data(as_text=True)
    assert "Annotated agenda" in page and "Concept note" not in page
    assert '<option value="ru" selected>' in page
    page = organiser.get("/events/vienna-2026/materials/matrix?missing=en&lang=en").get_data(as_text=True)
    assert "Annotated agenda" not in page and "No document to show." in page


# Downloads -----------------------------------------------------------------------------------------------------


def test_download_headers_keep_a_cyrillic_name_and_name_the_type(app, browser, event_id):
    material_id = new_material(app, event_id)
    content = docx("Концептуальная записка")
    name = "Концептуальная записка CIO.GAL-12-01.docx"
    add_file(app, material_id, "ru", content, name=name)
    response = browser.get(f"/materials/{material_id}/ru")
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=CIO.GAL-12-01.docx; filename*=UTF-8''" + quote(name, safe="")
    )
    assert response.headers["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert "private" in response.headers["Cache-Control"]

    add_file(app, material_id, "en", pdf(), name="Записка.pdf")
    disposition = browser.get(f"/materials/{material_id}/en").headers["Content-Disposition"]
    assert disposition.startswith(f"attachment; filename=material-{material_id}-en.pdf; filename*=UTF-8''%D0%97")


def test_ranges_and_conditional_requests(app, browser, event_id):
    material_id = new_material(app, event_id)
    content = pdf()
    add_file(app, material_id, "en", content)
    url = f"/materials/{material_id}/en"
    partial = browser.get(url, headers={"Range": "bytes=0-4"})
    assert partial.status_code == 206 and partial.data == b"%PDF-"
    assert partial.headers["Content-Range"] == f"bytes 0-4/{len(content)}"
    tail = browser.get(url, headers={"Range": "bytes=-6"})
    assert tail.status_code == 206 and tail.data == content[-6:]

    etag = browser.get(url).headers["ETag"]
    unchanged = browser.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert browser.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_all_documents_in_one_language_as_a_zip(app, browser, event_id):
    both = new_material(app, event_id, title={"en": "Concept note"}, issued_on=date(YEAR, 1, 1))
    english = new_material(app, event_id, title={"en": "Budget"}, issued_on=date(YEAR, 1, 2))
    russian = new_material(app, event_id, title={"ru": "Доклад"}, issued_on=date(YEAR, 1, 3))
    new_material(app, event_id, title={"en": "Not uploaded yet"}, issued_on=date(YEAR, 1, 4))
    add_file(app, both, "en", pdf("Concept note"), "concept-note.pdf")
    add_file(app, both, "ru", pdf("Concept note RU"), "Концепция.pdf")
    add_file(app, english, "en", xlsx(), "budget.xlsx")
    add_file(app, russian, "ru", docx("Доклад"), "Доклад.docx")

    response = browser.get("/events/vienna-2026/materials/ru.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == "attachment; filename=vienna-2026-materials-ru.zip"
    with zipfile.ZipFile(BytesIO(response.data)) as bundle:
        assert bundle.testzip() is None
        names = bundle.namelist()
        assert names == ["01-ru-Концепция.pdf", "02-en-budget.xlsx", "03-ru-Доклад.docx"]
        assert bundle.read(names[0]) == pdf("Concept note RU")
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)

    with zipfile.ZipFile(BytesIO(browser.get("/events/vienna-2026/materials/en.zip").data)) as bundle:
        assert bundle.namelist() == ["01-en-concept-note.pdf", "02-en-budget.xlsx", "03-ru-Доклад.docx"]
    assert browser.get("/events/vienna-2026/materials/xx.zip").status_code == 404


def test_a_zip_member_name_cannot_leave_its_folder(app, event_id):
    material_id = new_material(app, event_id)
    with app.app_context():
        row = MaterialFile(
            material_id=material_id,
            language="en",
            version=1,
            content_hash="0" * 64,
            size=1,
            content_type="application/pdf",
            original_filename="../../.bashrc\x00.pdf",
        )
        assert services.member_name(1, row) == "01-en-.._.._.bashrc_.pdf"


def test_an_event_without_files_has_no_zip(app, browser, event_id):
    new_material(app, event_id)
    assert browser.get("/events/vienna-2026/materials/en.zip").status_code == 404
    assert "zip" not in browser.get("/events/vienna-2026/materials/?lang=en").get_data(as_text=True)


# Who may read what ---------------------------------------------------------------------------------------------


@pytest.fixture
def distributed(app, event_id):
    """One document of each distribution, each with an English file."""
    ids = {
        "public": new_material(app, event_id, title={"en": "Public paper"}),
        "participants": new_material(app, event_id, title={"en": "Participants paper"}, distribution="participants"),
        "organisers": new_material(app, event_id, title={"en": "Organisers paper"}, distribution="restricted"),
        "rapporteurs": new_material(
            app, event_id, title={"en": "Rapporteurs paper"}, distribution="restricted", roles=["rapporteur"]
        ),
    }
    for name, material_id in ids.items():
        add_file(app, material_id, "en", pdf(f"{name} paper"))
    return ids


def readable(reader, ids) -> set[str]:
    """The documents a reader reaches, checked on every way in: page, download, list and zip."""
    found = set()
    listing = reader.get("/events/vienna-2026/materials/?lang=en").get_data(as_text=True)
    with zipfile.ZipFile(BytesIO(reader.get("/events/vienna-2026/materials/en.zip").data)) as bundle:
        zipped = bundle.namelist()
    for name, material_id in ids.items():
        statuses = {
            reader.get(f"/materials/{material_id}/").status_code,
            reader.get(f"/materials/{material_id}/en").status_code,
        }
        assert statuses in ({200}, {404}), (name, statuses)
        if statuses == {200}:
            found.add(name)
        listed = f"{name.capitalize()} paper" in listing
        assert listed == (statuses == {200}), name
    assert len(zipped) == len(found)
    return found


def test_each_reader_reaches_exactly_what_the_distribution_allows(app, browser, distributed, event_id, make_user):
    assert readable(browser, distributed) == {"public"}

    make_user("participant", email="stranger@example.org")
    assert readable(signed_in(app, "stranger@example.org", PASSWORD), distributed) == {"public"}

    register_user(app, event_id, make_user=make_user)
    delegate = signed_in(app, "delegate@example.org", PASSWORD)
    assert readable(delegate, distributed) == {"public", "participants"}

    make_user("rapporteur", email="rapporteur@example.org")
    rapporteur = signed_in(app, "rapporteur@example.org", PASSWORD)
    assert readable(rapporteur, distributed) == {"public", "rapporteurs"}

    # An organiser reads everything only once on the meeting's team with the documents right.
    make_user("organiser", email="olga@example.org")
    olga = signed_in(app, "olga@example.org", PASSWORD)
    assert readable(olga, distributed) == {"public"}
    with unit_of_work(app):
        team.give(db.session.get(Event, event_id), team.GrantData(right="documents", email="olga@example.org"))
    assert readable(olga, distributed) == set(distributed)


def test_a_cancelled_registration_no_longer_opens_participants_documents(app, distributed, event_id, make_user):
    register_user(app, event_id, make_user=make_user)
    delegate = signed_in(app, "delegate@example.org", PASSWORD)
    url = f"/materials/{distributed['participants']}/en"
    assert delegate.get(url).status_code == 200
    with app.app_context():
        participants.cancel(db.session.scalar(select(Registration)))
        db.session.commit()
    assert delegate.get(url).status_code == 404


def test_guessed_addresses_answer_as_if_nothing_were_there(app, browser, distributed, make_user):
    with app.app_context():
        highest = db.session.scalar(select(func.max(Material.id)))
        highest_file = db.session.scalar(select(func.max(MaterialFile.id)))
    restricted, absent = f"/materials/{distributed['organisers']}/en", f"/materials/{highest + 1}/en"
    pages = [browser.get(url) for url in (restricted, absent)]
    assert [page.status_code for page in pages] == [404, 404]
    # The same page but for its own address (in the language switcher).
    assert pages[0].get_data(as_text=True).replace(restricted, "") == pages[1].get_data(as_text=True).replace(
        absent, ""
    )
    for material_id in (*distributed.values(), highest + 1, highest + 2, highest + 100):
        for url in (f"/materials/{material_id}/", *(f"/materials/{material_id}/{code}" for code in LANGUAGES)):
            status = browser.get(url).status_code
            assert status == 404 or material_id == distributed["public"], url
    assert browser.get(f"/materials/{distributed['public']}/de").status_code == 404
    assert browser.get(f"/materials/{distributed['public']}/xx").status_code == 404
    # Earlier versions are for organisers only, whatever the id.
    for file_id in (1, highest_file, highest_file + 1):
        assert browser.get(f"/materials/files/{file_id}").status_code == 302
    make_user("participant", email="guesser@example.org")
    guesser = signed_in(app, "guesser@example.org", PASSWORD)
    assert guesser.get(f"/materials/files/{highest_file}").status_code == 403
    assert guesser.get(f"/materials/{distributed['participants']}/en").status_code == 404


def test_documents_of_a_draft_meeting_stay_hidden(app, browser):
    with unit_of_work(app):
        from events.services import EventData, create_event

        event = create_event(
            EventData(
                slug="draft-2027",
                kind="meeting",
                title={"en": "Draft meeting"},
                starts_local=FUTURE,
                ends_local=FUTURE.replace(hour=18),
                timezone="Europe/Vienna",
            )
        )
        event_id = event.id
    material_id = new_material(app, event_id)
    add_file(app, material_id, "en", pdf())
    for url in (f"/materials/{material_id}/", f"/materials/{material_id}/en", "/events/draft-2027/materials/en.zip"):
        assert browser.get(url).status_code == 404, url


# Recording documents -------------------------------------------------------------------------------------------


def test_organisers_record_and_edit_a_document(app, organiser, event_id):
    session_id = add_session(app, event_id, FUTURE.replace(hour=10), FUTURE.replace(hour=11), "Opening session")
    organiser.get("/events/vienna-2026/materials/new?lang=en")
    response = organiser.post(
        "/events/vienna-2026/materials/new",
        {
            "kind": "statement",
            "title_fr": "Déclaration d’ouverture",
            "title_ru": "Вступительное заявление",
            "symbol": " CIO.GAL/15/01 ",
            "issued_on": f"{YEAR}-03-12",
            "session_id": str(session_id),
            "distribution": "restricted",
            "allowed_roles": ["rapporteur"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        material = db.session.scalar(select(Material))
        assert material.title == {"fr": "Déclaration d’ouverture", "ru": "Вступительное заявление"}
        assert (material.symbol, material.session_id, material.allowed_roles) == (
            "CIO.GAL/15/01",
            session_id,
            ["rapporteur"],
        )
        material_id = material.id
    assert response.location.endswith(f"/materials/{material_id}/")

    page = organiser.get(f"/materials/{material_id}/edit?lang=en").get_data(as_text=True)
    assert 'value="CIO.GAL/15/01"' in page and re.search(r'<input checked[^>]*value="rapporteur"', page)
    response = organiser.post(
        f"/materials/{material_id}/edit",
        {
            "kind": "statement",
            "title_en": "Opening statement",
            "issued_on": f"{YEAR}-03-12",
            "distribution": "public",
            "allowed_roles": ["rapporteur"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        material = db.session.get(Material, material_id)
        # Named roles only mean something for a restricted document.
        assert (material.distribution, material.allowed_roles, material.session_id) == ("public", [], None)
        assert material.title["en"] == "Opening statement"
        from core.audit import history

        assert [entry.action for entry in history("material", material_id)] == ["updated", "created"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title_en": ""}, "title_en", "Give a title in at least one language."),
        ({"issued_on": ""}, "issued_on", "This field is required."),
        ({"session_id": "999999"}, "session_id", "This session is not part of the meeting."),
        ({"distribution": "everyone"}, "distribution", "Not a valid choice."),
        ({"symbol": "X" * 61}, "symbol", "Field cannot be longer than 60 characters."),
    ],
)
def test_a_document_with_wrong_fields_is_not_recorded(app, organiser, event_id, changes, field, message):
    organiser.get("/events/vienna-2026/materials/new?lang=en")
    data = {"kind": "report", "title_en": "Report", "issued_on": f"{YEAR}-03-12", "distribution": "public"} | changes
    response = organiser.post("/events/vienna-2026/materials/new", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Material.id))) == 0


def test_a_session_of_another_meeting_is_refused(app, event_id):
    other = make_event(app, slug="other-2027", start=FUTURE)
    session_id = add_session(app, other, FUTURE.replace(hour=10), FUTURE.replace(hour=11))
    with app.app_context(), pytest.raises(services.MaterialsError) as refusal:
        data = services.MaterialData("report", {"en": "Report"}, date(YEAR, 1, 1), session_id=session_id)
        services.create_material(db.session.get(Event, event_id), data)
    assert set(refusal.value.errors) == {"session_id"}


# Pages in six languages, and the demo --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_materials_page_renders_in_each_language(app, browser, demo, make_user, language):
    with app.app_context():
        public = db.session.scalar(select(Material.id).where(Material.distribution == "public").order_by(Material.id))
    for url in ("/events/bishkek-2001/materials/", f"/materials/{public}/", "/events/bishkek-2001/"):
        response = browser.get(f"{url}?lang={language}")
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.get_data(as_text=True), url
    browser.login("organiser@example.org", "organiser-demo-2001")
    for url in (
        "/events/bishkek-2001/materials/matrix",
        "/events/bishkek-2001/materials/new",
        f"/materials/{public}/",
        f"/materials/{public}/edit",
    ):
        response = browser.get(f"{url}?lang={language}")
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.get_data(as_text=True), url


def test_demo_documents_are_real_files_seeded_once(app, demo, folder):
    with unit_of_work(app):
        rows = db.session.scalars(select(MaterialFile)).all()
        restricted = db.session.scalars(select(Material).where(Material.distribution != "public")).all()
        assert {m.kind for m in restricted} == {"list_of_participants"}
        assert {m.event.slug for m in db.session.scalars(select(Material))} == {
            "bishkek-2001",
            "internet-workshop-2005",
        }
        assert {r.language for r in rows} >= {"en", "fr", "ru", "de", "es"}
        assert demo_materials.seed() == 0
        for row in rows:
            with storage.path_for(row.content_hash).open("rb") as handle:
                assert storage.sniff(handle).content_type == row.content_type
            if row.content_type == "application/pdf":
                assert_valid_pdf(storage.path_for(row.content_hash).read_bytes())


def assert_valid_pdf(content: bytes) -> None:
    """Header, trailer and a cross-reference table whose every offset points at its object."""
    assert content.startswith(b"%PDF-1.") and content.rstrip().endswith(b"%%EOF")
    start = int(content.rsplit(b"startxref", 1)[1].split()[0])
    assert content[start:].startswith(b"xref\n0 ")
    entries = content[start:].split(b"\n")[2:]
    count = int(content[start:].split(b"\n")[1].split()[1])
    for number, entry in enumerate(entries[1:count], start=1):
        assert len(entry) + 1 == 20
        assert content[int(entry[:10]) :].startswith(b"%d 0 obj" % number)


def test_two_uploads_of_the_same_version_at_once_keep_one_and_refuse_the_other(app, event_id, folder):
    material_id = new_material(app, event_id)
    with unit_of_work(app):
        material = db.session.get(Material, material_id)
        assert material.latest == {}  # this request has read the versions: none yet
        with db.engine.begin() as other_request:
            other_request.execute(
                MaterialFile.__table__.insert().values(
                    material_id=material_id,
                    language="en",
                    version=1,
                    content_hash="0" * 64,
                    size=1,
                    content_type="application/pdf",
                    original_filename="theirs.pdf",
                    uploaded_at=material.created_at,
                )
            )
        with pytest.raises(services.MaterialsError) as refusal:
            services.add_file(material, "en", "mine.pdf", BytesIO(pdf()))
        assert "at the same moment" in str(refusal.value.errors["file"])
    assert [row.original_filename for row in file_rows(app)] == ["theirs.pdf"]
