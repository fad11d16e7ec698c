from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from core.forms import ActionForm, show_errors
from core.i18n import LANGUAGES, current_language
from core.params import LAST_PAGE, choice_arg, date_arg, int_arg
from core.roles import ORGANISER, RAPPORTEUR, role_required
from core.rules import can
from core.xlsx import SpreadsheetRefused, xlsx_response
from events.services import find_event
from outcomes import exports, importer, rules, services
from outcomes.forms import ImportForm, OutcomeForm, ReturnForm, StatusUpdateForm
from outcomes.labels import FIELD_LABELS, IMPLEMENTATION_LABELS, KIND_LABELS, REVIEW_LABELS, REVISION_LABELS
from outcomes.models import IMPLEMENTATION_STATUSES, REVIEW_STATES, REVIEW_TRANSITIONS, Outcome
from plan.services import actors, all_paragraphs, find_actor

blueprint = Blueprint("outcomes", __name__)
PER_PAGE = 50


def _visible_outcome(outcome_id: int, right: str | None = None):
    """The outcome if the reader may see it (else 404, as for one that does not exist); with `right`, 403 without."""
    outcome = services.find_outcome(outcome_id)
    if outcome is None or not can(current_user, rules.SEE, outcome):
        abort(404)
    if right is not None and not can(current_user, right, outcome):
        abort(403)
    return outcome


# Lists and pages ------------------------------------------------------------------------------------------------


@blueprint.get("/outcomes/")
def index():
    filters = services.OutcomeFilters(
        **{name: request.args.get(name, "") for name in ("paragraph", "actor", "event", "kind")},
        status=choice_arg("status", IMPLEMENTATION_STATUSES),
        review=choice_arg("review", REVIEW_STATES),
    )
    page = int_arg("page", 1, 1, LAST_PAGE)
    outcomes, total = services.list_outcomes(current_user, filters, page, PER_PAGE)
    return render_template(
        "outcomes/index.html",
        outcomes=outcomes,
        total=total,
        page=page,
        pages=max(1, (total + PER_PAGE - 1) // PER_PAGE),
        filters=filters,
        paragraphs=all_paragraphs(),
        bodies=actors(),
    )


@blueprint.get("/outcomes/<int:outcome_id>")
def show(outcome_id: int):
    outcome = _visible_outcome(outcome_id)
    return render_template(
        "outcomes/show.html",
        outcome=outcome,
        can_edit=can(current_user, rules.EDIT, outcome),
        can_follow=can(current_user, rules.FOLLOW, outcome),
        reviews=can(current_user, rules.REVIEW, outcome),
        steps=REVIEW_TRANSITIONS.possible(outcome.review_state),
        action_form=ActionForm(),
        return_form=ReturnForm(),
        status_form=StatusUpdateForm(on=date.today()),
    )


@blueprint.route("/outcomes/new", methods=["GET", "POST"])
@role_required(RAPPORTEUR, ORGANISER)
def create():
    event = find_event(request.values.get("event_slug") or request.args.get("event", ""))
    if event is not None and not can(current_user, rules.RECORD, event):
        event = None  # neither its sessions nor that it exists are shown (the service refuses it too)
    form = OutcomeForm(event=event, user=current_user)
    if not form.is_submitted() and event is not None:
        form.event_slug.data = event.slug
        form.session_uid.data = request.args.get("session", "")
    if form.validate_on_submit():
        try:
            outcome = services.create_outcome(form.to_data(), current_user)
        except services.OutcomeError as refusal:
            show_errors(form, refusal.errors, {"text": "text_en"})
        else:
            flash(_("The outcome is saved as a draft."), "success")
            return redirect(url_for("outcomes.show", outcome_id=outcome.id))
    return render_template("outcomes/form.html", form=form, outcome=None), 400 if form.is_submitted() else 200


@blueprint.route("/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@role_required(RAPPORTEUR, ORGANISER)
def edit(outcome_id: int):
    outcome = _visible_outcome(outcome_id, rules.EDIT)
    form = OutcomeForm(event=outcome.event, user=current_user)
    current = None
    if not form.is_submitted():
        form.fill_from(outcome)
    elif form.validate():
        try:
            services.update_outcome(outcome, form.to_data(), int(form.version.data or 0), current_user)
        except services.OutcomeError as refusal:
            show_errors(form, refusal.errors, {"text": "text_en"})
            if "version" in refusal.errors:
                # The person sees what was saved meanwhile, keeps their text, and saves again knowingly.
                current = services.find_outcome(outcome_id)
                form.version.data = str(current.version)
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("outcomes.show", outcome_id=outcome.id))
    status = 409 if current is not None else (400 if form.is_submitted() else 200)
    return render_template("outcomes/form.html", form=form, outcome=outcome, current=current), status


def _review_step(outcome_id: int, step, success: str):
    outcome = _visible_outcome(outcome_id)
    try:
        step(outcome)
    except services.OutcomeError as refusal:
        flash(str(next(iter(refusal.errors.values()))), "error")
    else:
        flash(success, "success")
    return redirect(url_for("outcomes.show", outcome_id=outcome.id))


@blueprint.post("/outcomes/<int:outcome_id>/submit")
@role_required(RAPPORTEUR, ORGANISER)
def submit(outcome_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    return _review_step(
        outcome_id, lambda o: services.submit(o, current_user), _("The outcome is submitted for approval.")
    )


@blueprint.post("/outcomes/<int:outcome_id>/approve")
@role_required(ORGANISER)
def approve(outcome_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    return _review_step(outcome_id, lambda o: services.approve(o, current_user), _("The outcome is approved."))


@blueprint.post("/outcomes/<int:outcome_id>/return")
@role_required(ORGANISER)
def return_to_rapporteur(outcome_id: int):
    form = ReturnForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Say why the outcome is returned."), "error")
        return redirect(url_for("outcomes.show", outcome_id=outcome_id))
    return _review_step(
        outcome_id,
        lambda o: services.return_to_rapporteur(o, current_user, form.comment.data),
        _("The outcome is returned to its rapporteur."),
    )


@blueprint.post("/outcomes/<int:outcome_id>/status")
@role_required(RAPPORTEUR, ORGANISER)
def add_status(outcome_id: int):
    outcome = _visible_outcome(outcome_id, rules.FOLLOW)
    form = StatusUpdateForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Give the date and the status."), "error")
    else:
        try:
            services.add_status_update(outcome, current_user, form.on.data, form.status.data, form.note.data or "")
        except services.OutcomeError as refusal:
            flash(str(next(iter(refusal.errors.values()))), "error")
        else:
            flash(_("The implementation status is updated."), "success")
    return redirect(url_for("outcomes.show", outcome_id=outcome.id))


@blueprint.get("/outcomes/<int:outcome_id>/history")
@role_required(RAPPORTEUR, ORGANISER)
def history(outcome_id: int):
    outcome = _visible_outcome(outcome_id, rules.FOLLOW)
    return render_template("outcomes/history.html", outcome=outcome, revisions=services.history(outcome))


# Import ---------------------------------------------------------------------------------------------------------


@blueprint.route("/outcomes/import", methods=["GET", "POST"])
@role_required(RAPPORTEUR, ORGANISER)
def import_outcomes():
    form = ImportForm()
    problems, refused = [], None
    if form.validate_on_submit():
        try:
            count, problems = importer.import_outcomes(form.spreadsheet.data.read(), current_user)
        except SpreadsheetRefused as refusal:
            refused = str(refusal)
        else:
            if not problems:
                flash(
                    ngettext("%(num)d outcome imported as a draft.", "%(num)d outcomes imported as drafts.", count),
                    "success",
                )
                return redirect(url_for("outcomes.index", review="draft"))
    status = 400 if form.is_submitted() else 200
    return render_template("outcomes/import.html", form=form, problems=problems, refused=refused), status


@blueprint.get("/outcomes/import/template.xlsx")
@role_required(RAPPORTEUR, ORGANISER)
def import_template():
    return xlsx_response(importer.template(), "outcomes-template.xlsx")


# Coverage, road maps, report ------------------------------------------------------------------------------------


@blueprint.get("/plan/coverage")
def coverage():
    actor, section = request.args.get("actor", ""), request.args.get("section", "")
    rows = services.coverage(actor=actor, section=section)
    return render_template(
        "outcomes/coverage.html",
        rows=rows,
        actor=actor,
        section=section,
        bodies=actors(),
        sections=services.sections(),
        missing=sum(1 for row in rows if not row.followed_up),
    )


@blueprint.get("/roadmaps/")
def roadmaps():
    return render_template("outcomes/roadmaps.html", bodies=services.bodies_with_action_items())


@blueprint.get("/roadmaps/<code>")
def roadmap(code: str):
    actor = find_actor(code) or abort(404)
    return render_template("outcomes/roadmap.html", actor=actor, items=services.roadmap(actor), today=date.today())


@blueprint.get("/roadmaps/<code>.xlsx")
def roadmap_xlsx(code: str):
    actor = find_actor(code) or abort(404)
    language = _language()
    return xlsx_response(
        exports.roadmap_workbook(actor, services.roadmap(actor), language), f"roadmap-{code}-{language}.xlsx"
    )


def _language() -> str:
    requested = request.args.get("lang")
    return requested if requested in LANGUAGES else current_language()


def _period() -> tuple[date, date]:
    start = date_arg("start", date(2001, 12, 1))
    end = date_arg("end", date.today())
    return (start, end) if start <= end else (end, start)


@blueprint.get("/reports/secretary-general")
def report():
    start, end = _period()
    return render_template("outcomes/report.html", report=services.secretary_general_report(start, end))


@blueprint.get("/reports/secretary-general.xlsx")
def report_xlsx():
    start, end = _period()
    language = _language()
    body = exports.report_workbook(services.secretary_general_report(start, end), language)
    return xlsx_response(body, f"secretary-general-report-{start}-{end}-{language}.xlsx")


# Blocks on other pages ------------------------------------------------------------------------------------------


def paragraph_block(paragraph):
    return "outcomes/_paragraph_outcomes.html", {
        "follow_up": services.paragraph_follow_up(paragraph, current_user),
        "paragraph": paragraph,
    }


def event_section(event):
    return "outcomes/_event_section.html", {"approved": services.approved_count(event)}


@blueprint.app_context_processor
def outcome_labels():
    return {
        "OUTCOME_KIND_LABELS": KIND_LABELS,
        "IMPLEMENTATION_LABELS": IMPLEMENTATION_LABELS,
        "REVIEW_LABELS": REVIEW_LABELS,
        "REVISION_LABELS": REVISION_LABELS,
        "OUTCOME_FIELD_LABELS": FIELD_LABELS,
        "records_outcomes": lambda: can(current_user, rules.RECORD, Outcome),
    }
