from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from agenda import ics
from agenda.services import latest_version
from core.db import db
from core.forms import ActionForm, show_errors
from core.i18n import localize
from core.security import ORGANISER, can_manage_events, role_required
from core.xlsx import SpreadsheetRefused, xlsx_response
from events.models import DRAFT
from events.services import find_event
from participants import exports, importer, mails, services
from participants.forms import (
    ColleagueForm,
    DeclineForm,
    DelegationForm,
    InviteDelegationsForm,
    InvitePeopleForm,
    PersonForm,
    RegistrationForm,
    UploadForm,
)
from participants.labels import (
    DELEGATION_KIND_LABELS,
    INVITATION_STATUS_LABELS,
    REGISTRATION_STATUS_LABELS,
    ROLE_LABELS,
)
from participants.models import CANCELLED, REGISTRATION_STATUSES, ROLES, Person, Registration

blueprint = Blueprint("participants", __name__)


def _event(slug: str):
    event = find_event(slug)
    if event is None or (event.status == DRAFT and not can_manage_events()):
        abort(404)
    return event


# Registration ---------------------------------------------------------------------------------------------------


@blueprint.route("/events/<slug>/register", methods=["GET", "POST"])
def register(slug: str):
    event = _event(slug)
    token = request.values.get("invitation", "")
    invitation = services.find_invitation(token) if token else None
    if invitation is not None and invitation.event_id != event.id:
        invitation = None
    form = RegistrationForm()
    if not form.is_submitted():
        if invitation is not None:
            form.prefill_from_invitation(invitation)
        elif current_user.is_authenticated:
            form.email.data, form.language.data = current_user.email, current_user.language
    elif form.validate():
        try:
            registration = services.register(event, form.to_data(), invitation=invitation, user=current_user)
        except services.ParticipantsError as refusal:
            show_errors(form, refusal.errors)
        else:
            return render_template("participants/registered.html", event=event, registration=registration)
    is_open = services.registration_open(event)
    needs_invitation = event.visibility == "invitation" and invitation is None
    status = 400 if form.is_submitted() else 200
    return render_template(
        "participants/register.html",
        event=event,
        form=form,
        invitation=invitation,
        token=token,
        is_open=is_open,
        needs_invitation=needs_invitation,
    ), status


@blueprint.route("/registrations/<token>", methods=["GET", "POST"])
def manage(token: str):
    registration = services.find_registration(token) or abort(404)
    form = RegistrationForm()
    if not form.is_submitted():
        form.fill_from(registration)
    elif registration.status == CANCELLED:
        abort(404)
    elif form.validate():
        try:
            services.update_registration(registration, form.to_data())
        except services.ParticipantsError as refusal:
            show_errors(form, refusal.errors)
        else:
            flash(_("Your registration is updated."), "success")
            return redirect(url_for("participants.manage", token=token))
    return render_template(
        "participants/manage.html", registration=registration, form=form, token=token, action_form=ActionForm()
    ), (400 if form.is_submitted() else 200)


@blueprint.post("/registrations/<token>/cancel")
def cancel(token: str):
    registration = services.find_registration(token) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.cancel(registration)
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("participants.manage", token=token))


@blueprint.get("/calendar/r/<token>.ics")
def feed(token: str):
    registration = db.session.scalar(
        db.select(Registration).where(Registration.feed_token == token, Registration.status != CANCELLED)
    )
    if registration is None or len(token) > 64:
        abort(404)
    event = registration.event
    version = latest_version(event)
    items = version.sessions if version else []
    language = registration.language
    name = localize(event.title, language).text
    stamp = version.published_at if version else event.updated_at
    body = ics.rendered(
        ("registration", event.id, event.version, version.number if version else 0, language, request.host_url),
        lambda: ics.sessions_calendar(
            event, items, language, url_for("agenda.show", slug=event.slug, _external=True), stamp, name
        ),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.cache_control.private = True
    return response


# Invitations, as the invitee sees them ------------------------------------------------------------------------


@blueprint.get("/invitations/<token>")
def invitation(token: str):
    found = services.find_invitation(token) or abort(404)
    services.mark_opened(found)
    return render_template(
        "participants/invitation.html",
        invitation=found,
        token=token,
        status=services.effective_status(found),
        decline_form=DeclineForm(),
        colleague_form=ColleagueForm(),
    )


@blueprint.post("/invitations/<token>/decline")
def decline(token: str):
    found = services.find_invitation(token) or abort(404)
    form = DeclineForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.decline(found, form.reason.data or "")
    except services.ParticipantsError as refusal:
        flash(str(refusal.errors["invitation"]), "error")
    else:
        flash(_("Thank you: your answer is recorded."), "success")
    return redirect(url_for("participants.invitation", token=token))


@blueprint.post("/invitations/<token>/colleague")
def colleague(token: str):
    found = services.find_invitation(token) or abort(404)
    form = ColleagueForm()
    if form.validate_on_submit():
        try:
            substitute = services.name_colleague(found, form.person_data())
            mails.send_invitations([substitute])
            db.session.commit()
        except services.ParticipantsError as refusal:
            db.session.rollback()
            show_errors(form, refusal.errors)
        else:
            flash(_("Thank you: your colleague receives an invitation of their own."), "success")
            return redirect(url_for("participants.invitation", token=token))
    return render_template(
        "participants/invitation.html",
        invitation=found,
        token=token,
        status=services.effective_status(found),
        decline_form=DeclineForm(),
        colleague_form=form,
    ), 400


# Invitations, as organisers manage them -----------------------------------------------------------------------


def _invitations_page(event, upload_form=None, problems=()):
    items = services.invitations(event)
    people_form = InvitePeopleForm()
    people_form.people.choices = [(p.id, f"{p.full_name} — {p.email}") for p in services.people()]
    delegations_form = InviteDelegationsForm()
    delegations_form.delegations.choices = [(d.code, localize(d.name).text) for d in services.delegations()]
    return render_template(
        "participants/invitations.html",
        event=event,
        invitations=items,
        counts=services.invitation_counts(items),
        effective_status=services.effective_status,
        people_form=people_form,
        delegations_form=delegations_form,
        upload_form=upload_form or UploadForm(),
        action_form=ActionForm(),
        problems=list(problems),
    )


@blueprint.get("/events/<slug>/invitations")
@role_required(ORGANISER)
def invitations(slug: str):
    return _invitations_page(_event(slug))


def _prepared(event, created: int, already: int):
    flash(
        _("Invitations prepared: %(created)d; already invited: %(already)d.", created=created, already=already),
        "success",
    )
    return redirect(url_for("participants.invitations", slug=event.slug))


def _back_to_invitations(event):
    return redirect(url_for("participants.invitations", slug=event.slug))


@blueprint.post("/events/<slug>/invitations/people")
@role_required(ORGANISER)
def invite_people(slug: str):
    event = _event(slug)
    form = InvitePeopleForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = list(db.session.scalars(db.select(Person).where(Person.id.in_(form.people.data or []))))
    created, already = services.invite(event, chosen)
    return _prepared(event, created, already)


@blueprint.post("/events/<slug>/invitations/delegations")
@role_required(ORGANISER)
def invite_delegations(slug: str):
    event = _event(slug)
    form = InviteDelegationsForm()
    if not form.validate_on_submit():
        abort(400)
    created, already = services.invite_delegations(event, form.delegations.data or [])
    return _prepared(event, created, already)


@blueprint.post("/events/<slug>/invitations/upload")
@role_required(ORGANISER)
def upload_invitees(slug: str):
    event = _event(slug)
    form = UploadForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Choose a spreadsheet to upload."), "error")
        return _back_to_invitations(event)
    try:
        created, already, problems = importer.import_invitees(event, form.spreadsheet.data.read())
    except SpreadsheetRefused as refusal:
        flash(str(refusal), "error")
        return _back_to_invitations(event)
    if problems:
        return _invitations_page(event, form, problems), 400
    return _prepared(event, created, already)


@blueprint.get("/events/<slug>/invitations/template.xlsx")
@role_required(ORGANISER)
def invitees_template(slug: str):
    _event(slug)
    return xlsx_response(importer.template(), "invitees-template.xlsx")


@blueprint.post("/events/<slug>/invitations/<action>")
@role_required(ORGANISER)
def invitations_action(slug: str, action: str):
    event = _event(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    items = services.invitations(event)
    if action == "send":
        count = mails.send_invitations(items)
        db.session.commit()
        flash(
            ngettext("%(num)d invitation queued for sending.", "%(num)d invitations queued for sending.", count),
            "success",
        )
    elif action == "remind":
        count = mails.send_reminders(items)
        db.session.commit()
        flash(
            ngettext("%(num)d reminder queued for sending.", "%(num)d reminders queued for sending.", count), "success"
        )
    else:
        abort(404)
    return _back_to_invitations(event)


# Participants, as organisers manage them ----------------------------------------------------------------------


def _filters() -> services.ParticipantFilters:
    status, role = request.args.get("status", ""), request.args.get("role", "")
    return services.ParticipantFilters(
        search=request.args.get("q", "")[:100],
        status=status if status in REGISTRATION_STATUSES else "",
        role=role if role in ROLES else "",
        delegation=request.args.get("delegation", ""),
    )


@blueprint.get("/events/<slug>/participants")
@role_required(ORGANISER)
def participants(slug: str):
    event = _event(slug)
    filters = _filters()
    return render_template(
        "participants/participants.html",
        event=event,
        registrations=list(db.session.scalars(services.registrations(event, filters))),
        counts=services.status_counts(event),
        filters=filters,
        delegations=services.delegations(),
        action_form=ActionForm(),
    )


@blueprint.get("/events/<slug>/participants.xlsx")
@role_required(ORGANISER)
def participants_xlsx(slug: str):
    event = _event(slug)
    body = exports.participants_workbook(event, services.registrations(event, _filters()))
    return xlsx_response(body, f"participants-{event.slug}.xlsx")


@blueprint.get("/events/<slug>/participants/by-delegation")
@role_required(ORGANISER)
def by_delegation(slug: str):
    event = _event(slug)
    seated = [r for r in db.session.scalars(services.registrations(event)) if r.status in ("confirmed", "attended")]
    return render_template("participants/by_delegation.html", event=event, groups=exports.sort_by_delegation(seated))


@blueprint.get("/events/<slug>/check-in")
@role_required(ORGANISER)
def check_in_desk(slug: str):
    event = _event(slug)
    filters = _filters()
    everyone = [
        r for r in db.session.scalars(services.registrations(event, filters)) if r.status in ("confirmed", "attended")
    ]
    return render_template(
        "participants/check_in.html",
        event=event,
        filters=filters,
        action_form=ActionForm(),
        present=[r for r in everyone if r.status == "attended"],
        missing=[r for r in everyone if r.status != "attended"],
    )


@blueprint.get("/events/<slug>/badges")
@role_required(ORGANISER)
def badges(slug: str):
    event = _event(slug)
    seated = [r for r in db.session.scalars(services.registrations(event)) if r.status in ("confirmed", "attended")]
    return render_template("participants/badges.html", event=event, registrations=seated)


@blueprint.post("/events/<slug>/participants/<int:registration_id>/<action>")
@role_required(ORGANISER)
def registration_action(slug: str, registration_id: int, action: str):
    event = _event(slug)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if action == "approve":
            services.approve(registration)
        elif action == "cancel":
            services.cancel(registration)
        elif action == "check-in":
            services.check_in(registration)
        elif action == "undo-check-in":
            services.check_in(registration, attended=False)
        else:
            abort(404)
    except services.ParticipantsError as refusal:
        flash(str(refusal.errors["status"]), "error")
    else:
        flash(
            _(
                "%(name)s: %(status)s.",
                name=registration.full_name,
                status=REGISTRATION_STATUS_LABELS[registration.status],
            ),
            "success",
        )
    target = "participants.check_in_desk" if "check-in" in action else "participants.participants"
    return redirect(url_for(target, slug=event.slug, q=request.args.get("q", "")))


# Directory ----------------------------------------------------------------------------------------------------


@blueprint.get("/directory/")
@role_required(ORGANISER)
def directory():
    search = request.args.get("q", "")[:100]
    return render_template(
        "participants/directory.html",
        people=services.people(search, request.args.get("delegation", "")),
        delegations=services.delegations(),
        search=search,
    )


@blueprint.route("/directory/people/new", methods=["GET", "POST"])
@blueprint.route("/directory/people/<int:person_id>/edit", methods=["GET", "POST"])
@role_required(ORGANISER)
def person(person_id: int | None = None):
    existing = db.session.get(Person, person_id) if person_id else None
    if person_id and existing is None:
        abort(404)
    form = PersonForm()
    if not form.is_submitted() and existing is not None:
        form.fill_from(existing)
    elif form.validate_on_submit():
        try:
            services.save_person(form.person_data(), existing)
        except services.ParticipantsError as refusal:
            show_errors(form, refusal.errors)
        else:
            flash(_("The directory is updated."), "success")
            return redirect(url_for("participants.directory"))
    return render_template("participants/person_form.html", form=form, person=existing), (
        400 if form.is_submitted() else 200
    )


@blueprint.route("/directory/delegations/new", methods=["GET", "POST"])
@role_required(ORGANISER)
def delegation():
    form = DelegationForm()
    if form.validate_on_submit():
        try:
            services.save_delegation(
                form.code.data.strip(), form.kind.data, form.translations("name"), form.actor_code.data or ""
            )
        except services.ParticipantsError as refusal:
            show_errors(form, refusal.errors, {"name": "name_en"})
        else:
            flash(_("The directory is updated."), "success")
            return redirect(url_for("participants.directory"))
    return render_template("participants/delegation_form.html", form=form), 400 if form.is_submitted() else 200


# Blocks on other pages ----------------------------------------------------------------------------------------


def event_section(event):
    return "participants/_event_section.html", {
        "is_open": services.registration_open(event),
        "mine": services.registration_for_user(event, current_user),
        "counts": services.status_counts(event) if can_manage_events() else {},
    }


@blueprint.app_context_processor
def participant_labels():
    return {
        "ROLE_LABELS": ROLE_LABELS,
        "REGISTRATION_STATUS_LABELS": REGISTRATION_STATUS_LABELS,
        "INVITATION_STATUS_LABELS": INVITATION_STATUS_LABELS,
        "DELEGATION_KIND_LABELS": DELEGATION_KIND_LABELS,
    }
