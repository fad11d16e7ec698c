from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from agenda import ics
from agenda.services import latest_version
from core import mail
from core.db import db
from core.forms import ActionForm, show_errors
from core.i18n import localize
from core.mail import OutboxMessage
from core.roles import ORGANISER, role_required
from core.rules import can
from core.urls import public_url
from core.xlsx import SpreadsheetRefused, xlsx_response
from events.access import meeting_page
from events.models import Event, MeetingRight
from participants import exports, importer, mails, rules, services
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
    ARRIVAL_MESSAGES,
    DELEGATION_KIND_LABELS,
    INVITATION_STATUS_LABELS,
    REGISTRATION_STATUS_LABELS,
    ROLE_LABELS,
)
from participants.models import REGISTRATION_STATUSES, REGISTRATION_TRANSITIONS, ROLES, Person, Registration

blueprint = Blueprint("participants", __name__)


# Registration ---------------------------------------------------------------------------------------------------


@blueprint.route("/events/<slug>/register", methods=["GET", "POST"])
@meeting_page()
def register(event: Event):
    token = request.values.get("invitation", "")
    invitation = services.find_invitation(token) if token else None
    if invitation is not None and invitation.event_id != event.id:
        invitation = None
    if invitation is not None and (registered := services.registration_of_invitation(invitation)) is not None:
        # Used once: the link now shows that registration, to its holder only.
        return redirect(url_for("participants.manage", token=services.manage_token(registered)))
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
    is_open = rules.registration_open(event)
    needs_invitation = not rules.admits(invitation, event)
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
    elif not registration.is_active:
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
        db.select(Registration).where(Registration.feed_token == token, Registration.is_active)
    )
    # A calendar sends no cookies: the feed serves the meetings anyone may see, not one that went back to a draft.
    if registration is None or len(token) > 64 or not registration.event.is_public:
        abort(404)
    event = registration.event
    version = latest_version(event)
    items = version.sessions if version else []
    language = registration.language
    name = localize(event.title, language).text
    stamp = version.published_at if version else event.updated_at
    body = ics.rendered(
        ("registration", event.id, event.version, version.number if version else 0, language, request.host_url),
        lambda: ics.sessions_calendar(event, items, language, public_url("agenda.show", slug=event.slug), stamp, name),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.cache_control.private = True
    return response


# Invitations, as the invitee sees them ------------------------------------------------------------------------


@blueprint.get("/invitations/<token>")
def invitation(token: str):
    found = services.find_invitation(token) or abort(404)
    if (registered := services.registration_of_invitation(found)) is not None:
        return redirect(url_for("participants.manage", token=services.manage_token(registered)))
    services.mark_opened(found)
    return render_template(
        "participants/invitation.html",
        invitation=found,
        token=token,
        status=rules.invitation_status(found),
        answerable=rules.invitation_allows(found, "accept"),
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
        except services.ParticipantsError as refusal:
            show_errors(form, refusal.errors)
        else:
            flash(_("Thank you: your colleague receives an invitation of their own."), "success")
            return redirect(url_for("participants.invitation", token=token))
    return render_template(
        "participants/invitation.html",
        invitation=found,
        token=token,
        status=rules.invitation_status(found),
        answerable=rules.invitation_allows(found, "accept"),
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
        effective_status=rules.invitation_status,
        people_form=people_form,
        delegations_form=delegations_form,
        upload_form=upload_form or UploadForm(),
        action_form=ActionForm(),
        problems=list(problems),
    )


@blueprint.get("/events/<slug>/invitations")
@meeting_page(MeetingRight.REGISTRATIONS)
def invitations(event: Event):
    return _invitations_page(event)


def _prepared(event, created: int, already: int):
    flash(
        _("Invitations prepared: %(created)d; already invited: %(already)d.", created=created, already=already),
        "success",
    )
    return redirect(url_for("participants.invitations", slug=event.slug))


def _back_to_invitations(event):
    return redirect(url_for("participants.invitations", slug=event.slug))


@blueprint.post("/events/<slug>/invitations/people")
@meeting_page(MeetingRight.REGISTRATIONS)
def invite_people(event: Event):
    form = InvitePeopleForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = list(db.session.scalars(db.select(Person).where(Person.id.in_(form.people.data or []))))
    created, already = services.invite(event, chosen)
    return _prepared(event, created, already)


@blueprint.post("/events/<slug>/invitations/delegations")
@meeting_page(MeetingRight.REGISTRATIONS)
def invite_delegations(event: Event):
    form = InviteDelegationsForm()
    if not form.validate_on_submit():
        abort(400)
    created, already = services.invite_delegations(event, form.delegations.data or [])
    return _prepared(event, created, already)


@blueprint.post("/events/<slug>/invitations/upload")
@meeting_page(MeetingRight.REGISTRATIONS)
def upload_invitees(event: Event):
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
@meeting_page(MeetingRight.REGISTRATIONS)
def invitees_template(event: Event):
    return xlsx_response(importer.template(), "invitees-template.xlsx")


@blueprint.post("/events/<slug>/invitations/<action>")
@meeting_page(MeetingRight.REGISTRATIONS)
def invitations_action(event: Event, action: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    items = services.invitations(event)
    if action == "send":
        count = mails.send_invitations(items)
        flash(
            ngettext("%(num)d invitation queued for sending.", "%(num)d invitations queued for sending.", count),
            "success",
        )
    elif action == "remind":
        count = mails.send_reminders(items)
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
@meeting_page(MeetingRight.REGISTRATIONS)
def participants(event: Event):
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
@meeting_page(MeetingRight.REGISTRATIONS)
def participants_xlsx(event: Event):
    body = exports.participants_workbook(event, services.registrations(event, _filters()))
    return xlsx_response(body, f"participants-{event.slug}.xlsx")


@blueprint.get("/events/<slug>/participants/by-delegation")
@meeting_page(MeetingRight.REGISTRATIONS)
def by_delegation(event: Event):
    groups = exports.sort_by_delegation(services.admitted(event))
    return render_template("participants/by_delegation.html", event=event, groups=groups)


@blueprint.get("/events/<slug>/check-in")
@meeting_page(MeetingRight.REGISTRATIONS)
def check_in_desk(event: Event):
    filters = _filters()
    everyone = list(db.session.scalars(services.registrations(event, filters).where(Registration.is_admitted)))
    present = [r for r in everyone if r.checked_in_at is not None]
    return render_template(
        "participants/check_in.html",
        event=event,
        filters=filters,
        action_form=ActionForm(),
        present=present,
        missing=[r for r in everyone if r.checked_in_at is None],
    )


@blueprint.get("/events/<slug>/badges")
@meeting_page(MeetingRight.REGISTRATIONS)
def badges(event: Event):
    return render_template("participants/badges.html", event=event, registrations=services.admitted(event))


@blueprint.post("/events/<slug>/participants/<int:registration_id>/<action>")
@meeting_page(MeetingRight.REGISTRATIONS)
def registration_action(event: Event, registration_id: int, action: str):
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
    target = "participants.check_in_desk" if action in ("check-in", "undo-check-in") else "participants.participants"
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
    already = None
    if not form.is_submitted() and existing is not None:
        form.fill_from(existing)
    elif form.validate_on_submit():
        try:
            if existing is None:
                services.add_person(form.person_data())
            else:
                services.update_person(existing, form.person_data())
        except services.PersonExists as refusal:
            show_errors(form, refusal.errors)
            already = refusal.person
        except services.ParticipantsError as refusal:
            show_errors(form, refusal.errors)
        else:
            flash(_("The directory is updated."), "success")
            return redirect(url_for("participants.directory"))
    return render_template("participants/person_form.html", form=form, person=existing, already=already), (
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


# The outbox ---------------------------------------------------------------------------------------------------


@blueprint.get("/outbox")
@role_required(ORGANISER)
def outbox():
    """What was or will be mailed: without MAIL_SERVER (local use) this page is the only place to read it."""
    return render_template(
        "participants/outbox.html",
        messages=mail.latest_messages(rules.readable_mail(current_user)),
        mail_server=current_app.config["MAIL_SERVER"],
        statuses=mail.STATUS_LABELS,
    )


@blueprint.get("/outbox/<int:message_id>")
@role_required(ORGANISER)
def outbox_message(message_id: int):
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id, rules.readable_mail(current_user))
    )
    if message is None:
        abort(404)
    return render_template(
        "participants/outbox_message.html",
        message=message,
        headers=mail.headers(message),
        attachments=mail.decoded_attachments(message),
        statuses=mail.STATUS_LABELS,
    )


# Blocks on other pages ----------------------------------------------------------------------------------------


def event_section(event):
    return "participants/_event_section.html", {
        "is_open": rules.registration_open(event),
        "mine": services.registration_for_user(event, current_user),
        "counts": services.status_counts(event) if can(current_user, MeetingRight.REGISTRATIONS, event) else {},
    }


@blueprint.app_context_processor
def participant_labels():
    return {
        "uses_directory": lambda: can(current_user, rules.USE_DIRECTORY, Person),
        "registration_allows": lambda registration, step: REGISTRATION_TRANSITIONS.allows(registration.status, step),
        "ROLE_LABELS": ROLE_LABELS,
        "REGISTRATION_STATUS_LABELS": REGISTRATION_STATUS_LABELS,
        "INVITATION_STATUS_LABELS": INVITATION_STATUS_LABELS,
        "ARRIVAL_MESSAGES": ARRIVAL_MESSAGES,
        "DELEGATION_KIND_LABELS": DELEGATION_KIND_LABELS,
    }
