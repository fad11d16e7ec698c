from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit
from core.forms import ActionForm, show_errors
from core.i18n import is_known_zone, zone_choices
from core.params import EARLIEST, LATEST, int_arg
from core.roles import ORGANISER, role_required
from core.rules import can
from events import services, team
from events.access import load_for_page, meeting_page
from events.forms import EventForm, SeriesForm, StatusForm, TeamForm
from events.labels import (
    FIELD_LABELS,
    KIND_LABELS,
    RECURRENCE_LABELS,
    RIGHT_LABELS,
    STATUS_ACTIONS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
)
from events.models import KINDS, NOTED, TRANSITIONS, Event, MeetingRight
from events.rules import CREATE, SEE
from events.sections import event_sections
from plan.services import all_paragraphs

blueprint = Blueprint("events", __name__, url_prefix="/events")


def _meeting_or_series(slug: str, right: str | None = None):
    """The meeting with this address, else the series: /events/<slug>/ names either."""
    return load_for_page(services.find_event(slug) or services.find_series(slug), right)


def _subject_page(right: str):
    """Like events.access.meeting_page, for the pages a meeting and a series share: the subject is either."""

    def decorator(view):
        @wraps(view)
        def wrapped(slug: str, **kwargs):
            return view(_meeting_or_series(slug, right), **kwargs)

        wrapped.required_right = right
        return wrapped

    return decorator


@blueprint.get("/")
def index():
    filters = services.EventFilters(
        kind=request.args.get("kind", "") if request.args.get("kind") in KINDS else "",
        year=int_arg("year", None, EARLIEST.year, LATEST.year),
        paragraph=request.args.get("paragraph", ""),
    )
    upcoming, past = services.list_events(filters, current_user)
    return render_template(
        "events/index.html",
        upcoming=upcoming,
        past=past,
        filters=filters,
        years=services.event_years(current_user),
        paragraphs=all_paragraphs(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@role_required(ORGANISER)
def create():
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = services.create_event(form.to_data(), creator=current_user)
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
            series = services.save_series(None, form.to_data(), creator=current_user)
        except services.EventError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en", "description": "description_en"})
        else:
            flash(_("The series is created."), "success")
            return redirect(url_for("events.show", slug=series.slug))
    return render_template("events/series_form.html", form=form, series=None), 400 if form.is_submitted() else 200


@blueprint.get("/<slug>/")
def show(slug: str):
    subject = _meeting_or_series(slug)
    if not isinstance(subject, Event):
        occurrences = [e for e in subject.events if can(current_user, SEE, e)]
        return render_template("events/series.html", series=subject, occurrences=occurrences)
    event = subject
    reader_zone = request.args.get("tz", "")
    return render_template(
        "events/show.html",
        event=event,
        reader_zone=reader_zone if is_known_zone(reader_zone) else "",
        zones=zone_choices(),
        transitions=[(status, STATUS_ACTIONS[status], status in NOTED) for status in TRANSITIONS.targets(event.status)],
        status_form=StatusForm(),
        sections=event_sections.blocks_for(event),
    )


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@_subject_page(MeetingRight.MANAGE)
def edit(subject):
    if not isinstance(subject, Event):
        return _edit_series(subject)
    event = subject
    form = EventForm()
    if not form.is_submitted():
        form.fill_from(event)
    elif form.validate():
        try:
            services.update_event(event, form.to_data(), int(form.version.data or 0), editor=current_user)
        except services.EventError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en", "description": "description_en"})
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("events.show", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("events/form.html", form=form, event=event, zones=zone_choices()), status


def _edit_series(series):
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
@meeting_page(MeetingRight.MANAGE)
def change_status(event: Event):
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
@_subject_page(MeetingRight.MANAGE)
def history(subject):
    kind = "event" if isinstance(subject, Event) else "series"
    return render_template("events/history.html", subject=subject, entries=audit.history(kind, subject.id))


def _team_page(subject, form: TeamForm | None = None):
    return render_template(
        "events/team.html",
        subject=subject,
        is_series=not isinstance(subject, Event),
        grants=team.grants(subject),
        inherited=team.inherited(subject) if isinstance(subject, Event) else [],
        form=form or TeamForm(formdata=None),
        action_form=ActionForm(),
    )


@blueprint.route("/<slug>/team", methods=["GET", "POST"])
@_subject_page(MeetingRight.MANAGE)
def team_page(subject):
    """Who holds which right on the meeting (or series); those who manage it give and take back rights."""
    if request.method == "GET":
        return _team_page(subject)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team.give(subject, form.to_data())
        except team.TeamError as refusal:
            show_errors(form, refusal.errors)
        else:
            flash(_("The right is given."), "success")
            return redirect(url_for("events.team_page", slug=subject.slug))
    return _team_page(subject, form), 400


@blueprint.post("/<slug>/team/<int:grant_id>/remove")
@_subject_page(MeetingRight.MANAGE)
def remove_grant(subject, grant_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        team.take_back(subject, grant_id)
    except LookupError:
        abort(404)
    flash(_("The right is taken back."), "success")
    return redirect(url_for("events.team_page", slug=subject.slug))


def paragraph_block(paragraph):
    """The meetings that follow a plan paragraph up, for the paragraph's page."""
    events = services.events_for_paragraph(paragraph, current_user)
    return "events/_paragraph_events.html", {"followup_events": events}


@blueprint.app_context_processor
def event_labels():
    return {
        "KIND_LABELS": KIND_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "VISIBILITY_LABELS": VISIBILITY_LABELS,
        "RECURRENCE_LABELS": RECURRENCE_LABELS,
        "FIELD_LABELS": FIELD_LABELS,
        "RIGHT_LABELS": RIGHT_LABELS,
        "creates_meetings": lambda: can(current_user, CREATE, Event),
    }
