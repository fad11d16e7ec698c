from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import audit
from core.forms import show_errors
from core.i18n import is_known_zone, zone_choices
from core.security import ORGANISER, can_manage_events, role_required
from events import services
from events.forms import EventForm, SeriesForm, StatusForm
from events.labels import FIELD_LABELS, KIND_LABELS, RECURRENCE_LABELS, STATUS_ACTIONS, STATUS_LABELS, VISIBILITY_LABELS
from events.models import DRAFT, KINDS, TRANSITIONS
from events.sections import event_sections
from plan.services import all_paragraphs

blueprint = Blueprint("events", __name__, url_prefix="/events")


@blueprint.get("/")
def index():
    year = request.args.get("year", type=int)
    filters = services.EventFilters(
        kind=request.args.get("kind", "") if request.args.get("kind") in KINDS else "",
        year=year,
        paragraph=request.args.get("paragraph", ""),
    )
    upcoming, past = services.list_events(filters, include_drafts=can_manage_events())
    return render_template(
        "events/index.html",
        upcoming=upcoming,
        past=past,
        filters=filters,
        years=services.event_years(),
        paragraphs=all_paragraphs(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@role_required(ORGANISER)
def create():
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = services.create_event(form.to_data())
        except services.EventError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en", "description": "description_en"})
        else:
            flash(_("The event is created as a draft."), "success")
            return redirect(url_for("events.show", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("events/form.html", form=form, event=None, zones=zone_choices()), status


@blueprint.route("/series/new", methods=["GET", "POST"])
@role_required(ORGANISER)
def create_series():
    form = SeriesForm()
    if form.validate_on_submit():
        try:
            series = services.save_series(None, form.to_data())
        except services.EventError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en", "description": "description_en"})
        else:
            flash(_("The series is created."), "success")
            return redirect(url_for("events.show", slug=series.slug))
    return render_template("events/series_form.html", form=form, series=None), 400 if form.is_submitted() else 200


@blueprint.get("/<slug>/")
def show(slug: str):
    event = services.find_event(slug)
    if event is None:
        series = services.find_series(slug) or abort(404)
        occurrences = [e for e in series.events if e.status != DRAFT or can_manage_events()]
        return render_template("events/series.html", series=series, occurrences=occurrences)
    if event.status == DRAFT and not can_manage_events():
        abort(404)
    reader_zone = request.args.get("tz", "")
    return render_template(
        "events/show.html",
        event=event,
        reader_zone=reader_zone if is_known_zone(reader_zone) else "",
        zones=zone_choices(),
        transitions=[(status, STATUS_ACTIONS[status]) for status in TRANSITIONS[event.status]],
        status_form=StatusForm(),
        sections=event_sections.blocks_for(event),
    )


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(ORGANISER)
def edit(slug: str):
    event = services.find_event(slug)
    if event is None:
        return _edit_series(slug)
    form = EventForm()
    if not form.is_submitted():
        form.fill_from(event)
    elif form.validate():
        try:
            services.update_event(event, form.to_data(), int(form.version.data or 0))
        except services.EventError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en", "description": "description_en"})
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("events.show", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("events/form.html", form=form, event=event, zones=zone_choices()), status


def _edit_series(slug: str):
    series = services.find_series(slug) or abort(404)
    form = SeriesForm()
    if not form.is_submitted():
        form.fill_from(series)
    elif form.validate():
        try:
            services.save_series(series, form.to_data())
        except services.EventError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en", "description": "description_en"})
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("events.show", slug=series.slug))
    return render_template("events/series_form.html", form=form, series=series), 400 if form.is_submitted() else 200


@blueprint.post("/<slug>/status")
@role_required(ORGANISER)
def change_status(slug: str):
    event = services.find_event(slug) or abort(404)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.change_status(event, form.status.data, form.note.data or "")
        except services.EventError as refusal:
            flash(str(refusal.errors["status"]), "error")
        else:
            flash(_("The status of the event is now: %(status)s.", status=str(STATUS_LABELS[event.status])), "success")
    else:
        flash(_("The form has expired. Please try again."), "error")
    return redirect(url_for("events.show", slug=event.slug))


@blueprint.get("/<slug>/history")
@role_required(ORGANISER)
def history(slug: str):
    event = services.find_event(slug)
    if event is not None:
        entries = audit.history("event", event.id)
        return render_template("events/history.html", subject=event, entries=entries)
    series = services.find_series(slug) or abort(404)
    return render_template("events/history.html", subject=series, entries=audit.history("series", series.id))


def paragraph_block(paragraph):
    """The meetings that follow a plan paragraph up, for the paragraph's page."""
    events = services.events_for_paragraph(paragraph, include_drafts=can_manage_events())
    return "events/_paragraph_events.html", {"followup_events": events}


@blueprint.app_context_processor
def event_labels():
    return {
        "KIND_LABELS": KIND_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "VISIBILITY_LABELS": VISIBILITY_LABELS,
        "RECURRENCE_LABELS": RECURRENCE_LABELS,
        "FIELD_LABELS": FIELD_LABELS,
    }
