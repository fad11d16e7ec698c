import os
import unicodedata
from functools import wraps
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.db import db
from core.forms import show_errors
from core.i18n import LANGUAGES, language_name
from core.rules import can
from events.access import load_for_page, meeting_page
from events.models import Event, MeetingRight
from events.rules import SEE
from materials import services, storage
from materials.forms import MaterialForm, UploadForm
from materials.labels import DISTRIBUTION_LABELS, KIND_LABELS
from materials.models import Material, MaterialFile

blueprint = Blueprint("materials", __name__)

# Only the six languages route to a download; anything else is a 404 before any lookup.
LANGUAGE_PATH = f"<any({','.join(LANGUAGES)}):language>"
RFC5987_SAFE = "!#$&+-.^_`|~"


def _registration_token() -> str:
    """A registration's own link, carried by the pages its holder reaches from it."""
    return request.args.get("registration", "")[:100]


def _reader(event: Event):
    return services.reader_for(event, current_user, _registration_token())


def _readable_material(material_id: int) -> Material:
    """A material the current user may read; anything else, existing or not, is the same 404."""
    material = db.session.get(Material, material_id)
    if material is None or not can(current_user, SEE, material.event):
        abort(404)
    if not _reader(material.event).may_read(material):
        abort(404)
    return material


def material_page(view):
    """The view is called with the material, once the reader may keep the meeting's documents (else 403/404)."""

    @wraps(view)
    def wrapped(material_id: int, **kwargs):
        material = db.session.get(Material, material_id)
        load_for_page(material.event if material else None, MeetingRight.DOCUMENTS)
        return view(material, **kwargs)

    wrapped.required_right = MeetingRight.DOCUMENTS
    return wrapped


# Reading ----------------------------------------------------------------------------------------------------


@blueprint.get("/events/<slug>/materials/")
@meeting_page()
def index(event: Event):
    materials = services.readable_materials(event, _reader(event))
    return render_template(
        "materials/index.html",
        event=event,
        groups=services.grouped(materials),
        has_files=any(m.latest for m in materials),
        registration_token=_registration_token(),
    )


@blueprint.get(f"/events/<slug>/materials/{LANGUAGE_PATH}.zip")
@meeting_page()
def archive(event: Event, language: str):
    """Every document the reader may read, each in the language or else in the best other one (the member names
    say which): a reader gets a complete set rather than a partial one."""
    materials = services.readable_materials(event, _reader(event))
    files = services.best_files(materials, language) or abort(404)
    response = send_file(
        services.archive(files),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{event.slug}-materials-{language}.zip",
    )
    response.cache_control.private = True
    return response


@blueprint.get("/materials/<int:material_id>/")
def show(material_id: int):
    material = _readable_material(material_id)
    language = request.args.get("language", "")
    form = UploadForm(storage.max_bytes(), language=language if language in LANGUAGES else None)
    return render_template(
        "materials/show.html",
        material=material,
        event=material.event,
        upload_form=form,
        registration_token=_registration_token(),
    )


@blueprint.get(f"/materials/<int:material_id>/{LANGUAGE_PATH}")
def download(material_id: int, language: str):
    material = _readable_material(material_id)
    file = material.latest.get(language) or abort(404)
    return _send(file)


def _send(file: MaterialFile):
    """Streamed from disk with Range and conditional requests answered (206, 304); the ETag is the content hash."""
    response = send_file(
        storage.path_for(file.content_hash),
        mimetype=file.content_type,
        as_attachment=True,
        download_name=file.original_filename,
        conditional=True,
        etag=file.content_hash,
        last_modified=file.uploaded_at,
    )
    response.headers.set("Content-Disposition", "attachment", **_disposition(file))
    response.cache_control.private = True
    return response


def _disposition(file: MaterialFile) -> dict[str, str]:
    """filename* keeps the name in any script (RFC 5987, 6266); filename is an ASCII stand-in for older clients."""
    stem, extension = os.path.splitext(file.original_filename)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = "".join(c for c in ascii_stem if c.isalnum() or c in " ._-()").strip(" .")
    stand_in = f"{ascii_stem or f'material-{file.material_id}-{file.language}'}{extension}"
    return {"filename": stand_in, "filename*": "UTF-8''" + quote(file.original_filename, safe=RFC5987_SAFE)}


# Managing ---------------------------------------------------------------------------------------------------


@blueprint.get("/events/<slug>/materials/matrix")
@meeting_page(MeetingRight.DOCUMENTS)
def matrix(event: Event):
    """Materials by language: what exists, what is missing, and a filter on what is missing in one language."""
    materials = services.event_materials(event)
    missing = request.args.get("missing", "")
    missing = missing if missing in LANGUAGES else ""
    shown = [m for m in materials if missing not in m.latest] if missing else materials
    return render_template(
        "materials/matrix.html",
        event=event,
        materials=shown,
        total=len(materials),
        missing=missing,
        missing_counts=services.missing_counts(materials),
    )


@blueprint.route("/events/<slug>/materials/new", methods=["GET", "POST"])
@meeting_page(MeetingRight.DOCUMENTS)
def create(event: Event):
    form = MaterialForm(event)
    if form.validate_on_submit():
        try:
            material = services.create_material(event, form.to_data())
        except services.MaterialsError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en"})
        else:
            flash(_("The document is recorded. Now upload its language versions."), "success")
            return redirect(url_for("materials.show", material_id=material.id))
    status = 400 if form.is_submitted() else 200
    return render_template("materials/form.html", form=form, event=event, material=None), status


@blueprint.route("/materials/<int:material_id>/edit", methods=["GET", "POST"])
@material_page
def edit(material: Material):
    form = MaterialForm(material.event)
    if not form.is_submitted():
        form.fill_from(material)
    elif form.validate():
        try:
            services.update_material(material, form.to_data())
        except services.MaterialsError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en"})
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("materials.show", material_id=material.id))
    status = 400 if form.is_submitted() else 200
    return render_template("materials/form.html", form=form, event=material.event, material=material), status


@blueprint.post("/materials/<int:material_id>/files")
@material_page
def upload(material: Material):
    form = UploadForm(storage.max_bytes())
    if form.validate_on_submit():
        try:
            added = services.add_file(material, form.language.data, form.file.data.filename, form.file.data.stream)
        except services.MaterialsError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en"})
        else:
            flash(
                _(
                    "The %(language)s version is saved (version %(version)d).",
                    language=language_name(added.language),
                    version=added.version,
                ),
                "success",
            )
            return redirect(url_for("materials.show", material_id=material.id))
    return render_template("materials/show.html", material=material, event=material.event, upload_form=form), 400


@blueprint.get("/materials/files/<int:file_id>")
def version(file_id: int):
    """Any earlier version, for those who keep the meeting's documents: readers only ever get the current one."""
    file = db.session.get(MaterialFile, file_id)
    load_for_page(file.material.event if file else None, MeetingRight.DOCUMENTS)
    return _send(file)


version.required_right = MeetingRight.DOCUMENTS


# The block on the event's page ------------------------------------------------------------------------------


def event_section(event: Event):
    """The documents the reader may read, or nothing at all when there is none (organisers always see the block)."""
    reader = services.reader_for(event, current_user)
    materials = services.readable_materials(event, reader)
    if not materials and not reader.keeps_documents:
        return None
    return "materials/_event_section.html", {"materials": materials}


@blueprint.app_template_filter("file_size")
def file_size(size: int) -> str:
    return services.describe_size(size)


@blueprint.app_context_processor
def material_labels():
    return {
        "MATERIAL_KIND_LABELS": KIND_LABELS,
        "DISTRIBUTION_LABELS": DISTRIBUTION_LABELS,
        "FILE_FORMATS": storage.FORMATS_BY_TYPE,
    }
