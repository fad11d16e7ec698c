import os
import unicodedata
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.db import db
from core.forms import show_errors
from core.i18n import LANGUAGES, language_name
from core.security import ORGANISER, can_manage_events, role_required
from events.models import DRAFT, Event
from events.services import find_event
from materials import services, storage
from materials.forms import MaterialForm, UploadForm
from materials.labels import DISTRIBUTION_LABELS, KIND_LABELS
from materials.models import Material, MaterialFile

blueprint = Blueprint("materials", __name__)

# Only the six languages route to a download; anything else is a 404 before any lookup.
LANGUAGE_PATH = f"<any({','.join(LANGUAGES)}):language>"
RFC5987_SAFE = "!#$&+-.^_`|~"


def _visible_event(slug: str) -> Event:
    event = find_event(slug)
    if event is None or (event.status == DRAFT and not can_manage_events()):
        abort(404)
    return event


def _readable_material(material_id: int) -> Material:
    """A material the current user may read; anything else, existing or not, is the same 404."""
    material = db.session.get(Material, material_id)
    if material is None or (material.event.status == DRAFT and not can_manage_events()):
        abort(404)
    if not services.reader_for(material.event, current_user).may_read(material):
        abort(404)
    return material


# Reading ----------------------------------------------------------------------------------------------------


@blueprint.get("/events/<slug>/materials/")
def index(slug: str):
    event = _visible_event(slug)
    materials = services.readable_materials(event, services.reader_for(event, current_user))
    return render_template(
        "materials/index.html",
        event=event,
        groups=services.grouped(materials),
        has_files=any(m.latest for m in materials),
    )


@blueprint.get(f"/events/<slug>/materials/{LANGUAGE_PATH}.zip")
def archive(slug: str, language: str):
    """Every document the reader may read, each in the language or else in the best other one (the member names
    say which): a reader gets a complete set rather than a partial one."""
    event = _visible_event(slug)
    materials = services.readable_materials(event, services.reader_for(event, current_user))
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
    return render_template("materials/show.html", material=material, event=material.event, upload_form=form)


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
@role_required(ORGANISER)
def matrix(slug: str):
    """Materials by language: what exists, what is missing, and a filter on what is missing in one language."""
    event = _visible_event(slug)
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
@role_required(ORGANISER)
def create(slug: str):
    event = _visible_event(slug)
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
@role_required(ORGANISER)
def edit(material_id: int):
    material = db.session.get(Material, material_id) or abort(404)
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
@role_required(ORGANISER)
def upload(material_id: int):
    material = db.session.get(Material, material_id) or abort(404)
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
@role_required(ORGANISER)
def version(file_id: int):
    """Any earlier version, for organisers: readers only ever get the current one."""
    return _send(db.session.get(MaterialFile, file_id) or abort(404))


# The block on the event's page ------------------------------------------------------------------------------


def event_section(event: Event):
    """The documents the reader may read, or nothing at all when there is none (organisers always see the block)."""
    reader = services.reader_for(event, current_user)
    materials = services.readable_materials(event, reader)
    if not materials and not reader.organises:
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
