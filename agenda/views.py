from hashlib import sha256

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from agenda import ics, services
from agenda.forms import MoveForm, RoomForm, SessionForm
from agenda.labels import CHANGE_LABELS, SESSION_KIND_LABELS
from core.db import utcnow
from core.forms import ActionForm, show_errors
from core.i18n import LANGUAGES, current_language, is_known_zone, localize
from core.rules import can
from core.urls import public_url
from events.access import load_for_page, meeting_page
from events.models import Event, MeetingRight
from events.rules import SEE
from events.services import find_event, find_series

blueprint = Blueprint("agenda", __name__)


def _feed_language() -> str:
    requested = request.args.get("lang")
    return requested if requested in LANGUAGES else current_language()


def _calendar_response(body_factory, etag_parts: tuple, last_modified, private: bool = False) -> Response:
    """text/calendar with ETag and Last-Modified; an unchanged feed costs a 304 and no rendering.

    etag_parts name everything that goes into the feed, down to the instant of its last change, so that they also
    key the rendered feeds kept in memory."""
    key = (*etag_parts, request.host_url)
    etag = sha256("|".join(str(part) for part in key).encode()).hexdigest()[:32]
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304)
    else:
        response = Response(ics.rendered(key, body_factory), mimetype="text/calendar")
        response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.set_etag(etag)
    response.last_modified = last_modified
    response.cache_control.private = private
    response.cache_control.public = not private
    response.cache_control.max_age = 300
    response.cache_control.must_revalidate = True
    return response


# Public programme ---------------------------------------------------------------------------------------------


@blueprint.get("/events/<slug>/agenda")
def show(slug: str):
    event = find_event(slug)
    if event is None:
        series = load_for_page(find_series(slug))
        occurrences = [e for e in series.events if can(current_user, SEE, e)]
        return render_template("agenda/series.html", series=series, occurrences=occurrences)
    load_for_page(event)
    version = services.latest_version(event)
    items = version.sessions if version else []
    reader_zone = request.args.get("tz", "")
    zone = reader_zone if is_known_zone(reader_zone) else event.timezone
    filters = services.ProgrammeFilters(
        day=request.args.get("day", ""), room=request.args.get("room", ""), paragraph=request.args.get("paragraph", "")
    )
    picked = set()
    if current_user.is_authenticated:
        personal = services.personal_agenda(current_user, event)
        picked = set(personal.session_uids) if personal else set()
    by_uid = {item["uid"]: item for item in items}
    return render_template(
        "agenda/show.html",
        event=event,
        version=version,
        days=services.programme(items, zone, filters),
        all_days=services.programme_days(items, event.timezone),
        rooms=sorted({item["room"] for item in items if item.get("room") and not item.get("removed")}),
        paragraphs=sorted({ref for item in items for ref in item.get("paragraphs", [])}),
        filters=filters,
        zone=zone,
        reader_zone=zone if zone != event.timezone else "",
        picked=picked,
        changes=[
            (CHANGE_LABELS[kind], [by_uid[uid] for uid in uids if uid in by_uid])
            for kind, uids in (version.changes.items() if version else [])
        ],
        action_form=ActionForm(),
    )


@blueprint.get("/events/<slug>/agenda.ics")
def calendar(slug: str):
    language = _feed_language()
    event = find_event(slug)
    if event is None:
        # A calendar is the same for everyone (subscribed calendars send no cookies): public meetings only.
        series = find_series(slug) or abort(404)
        occurrences = [e for e in series.events if e.is_public]
        if not occurrences:
            abort(404)
        urls = {series.slug: public_url("events.show", slug=series.slug)}
        urls.update({e.slug: public_url("events.show", slug=e.slug) for e in occurrences})
        changed = max(e.updated_at for e in occurrences)
        return _calendar_response(
            lambda: ics.series_calendar(series, occurrences, language, urls, changed),
            ("series", series.id, series.recurrence, language, *[(e.id, e.version, e.updated_at) for e in occurrences]),
            changed,
        )
    if not event.is_public:
        abort(404)
    version = services.latest_version(event)
    items = version.sessions if version else []
    changed = max(event.updated_at, version.published_at) if version else event.updated_at
    agenda_url = public_url("agenda.show", slug=event.slug)
    name = localize(event.title, language).text
    return _calendar_response(
        lambda: ics.sessions_calendar(event, items, language, agenda_url, changed, name),
        ("agenda", event.id, event.version, changed, version.number if version else 0, language),
        changed,
    )


@blueprint.get("/events/<slug>/sessions/<uid>.ics")
@meeting_page()
def session_calendar(event: Event, uid: str):
    version = services.latest_version(event) or abort(404)
    items = [item for item in version.sessions if item["uid"] == uid] or abort(404)
    language = _feed_language()
    agenda_url = public_url("agenda.show", slug=event.slug)
    name = localize(items[0]["title"], language).text
    changed = max(event.updated_at, version.published_at)
    response = _calendar_response(
        lambda: ics.sessions_calendar(event, items, language, agenda_url, changed, name),
        ("session", event.id, event.version, changed, version.number, uid, language),
        changed,
    )
    response.headers["Content-Disposition"] = f'attachment; filename="session-{uid}.ics"'
    return response


# Personal agenda ----------------------------------------------------------------------------------------------


@blueprint.post("/events/<slug>/agenda/pick/<uid>")
@login_required
@meeting_page()
def pick(event: Event, uid: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        picked = services.toggle_pick(current_user, event, uid)
    except services.AgendaError as refusal:
        flash(str(refusal.errors["session"]), "error")
    else:
        flash(_("Added to your agenda.") if picked else _("Removed from your agenda."), "success")
    return redirect(url_for("agenda.show", slug=event.slug, _anchor=f"session-{uid}"))


@blueprint.get("/events/<slug>/my-agenda")
@login_required
@meeting_page()
def my_agenda(event: Event):
    personal = services.personal_agenda(current_user, event)
    version = services.latest_version(event)
    picked = set(personal.session_uids) if personal else set()
    items = [item for item in (version.sessions if version else []) if item["uid"] in picked]
    return render_template(
        "agenda/my_agenda.html",
        event=event,
        personal=personal,
        days=services.programme(items, event.timezone, services.ProgrammeFilters()),
        action_form=ActionForm(),
    )


@blueprint.post("/events/<slug>/my-agenda/revoke")
@login_required
@meeting_page()
def revoke(event: Event):
    if not ActionForm().validate_on_submit():
        abort(400)
    services.revoke_feed(current_user, event)
    flash(_("Your calendar address is replaced; the old one no longer works."), "success")
    return redirect(url_for("agenda.my_agenda", slug=event.slug))


@blueprint.get("/calendar/<token>.ics")
def personal_calendar(token: str):
    personal = services.agenda_by_token(token) or abort(404)
    event = personal.event
    if not event.is_public:
        abort(404)  # a calendar sends no cookies: only what anyone may see, not a meeting gone back to a draft
    version = services.latest_version(event)
    picked = set(personal.session_uids)
    items = [item for item in (version.sessions if version else []) if item["uid"] in picked]
    language = _feed_language()
    agenda_url = public_url("agenda.show", slug=event.slug)
    name = localize(event.title, language).text
    changed = max(event.updated_at, personal.updated_at, version.published_at if version else event.updated_at)
    return _calendar_response(
        lambda: ics.sessions_calendar(event, items, language, agenda_url, changed, name),
        (
            "personal",
            personal.id,
            personal.feed_token,
            tuple(sorted(picked)),
            event.version,
            changed,
            version.number if version else 0,
            language,
        ),
        changed,
        private=True,
    )


# Editing the draft programme ----------------------------------------------------------------------------------


@blueprint.get("/events/<slug>/agenda/manage")
@meeting_page(MeetingRight.PROGRAMME)
def manage(event: Event):
    sessions = services.draft_sessions(event)
    return render_template(
        "agenda/manage.html",
        event=event,
        sessions=sessions,
        clashes=services.draft_clashes(sessions, event),
        rooms=services.rooms(event),
        room_form=RoomForm(),
        action_form=ActionForm(),
        version=services.latest_version(event),
        kinds=SESSION_KIND_LABELS,
    )


def _session_form_page(event, form, session, warnings):
    return (
        render_template(
            "agenda/session_form.html",
            event=event,
            form=form,
            session=session,
            warnings=warnings,
            rooms=services.rooms(event),
        ),
        400 if form.is_submitted() else 200,
    )


@blueprint.route("/events/<slug>/agenda/sessions/new", methods=["GET", "POST"])
@meeting_page(MeetingRight.PROGRAMME)
def create_session(event: Event):
    form = SessionForm()
    warnings: list[str] = []
    if form.validate_on_submit():
        try:
            services.create_session(event, form.to_data(), confirmed=form.confirm.data)
        except services.NeedsConfirmation as check:
            warnings = check.warnings
        except services.AgendaError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en"})
        else:
            flash(_("The session is added to the draft programme."), "success")
            return redirect(url_for("agenda.manage", slug=event.slug))
    elif not form.is_submitted():
        form.starts_at.data = form.ends_at.data = None
    return _session_form_page(event, form, None, warnings)


@blueprint.route("/events/<slug>/agenda/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@meeting_page(MeetingRight.PROGRAMME)
def edit_session(event: Event, session_id: int):
    session = services.find_session(event, session_id) or abort(404)
    form = SessionForm()
    warnings: list[str] = []
    if not form.is_submitted():
        form.fill_from(session)
    elif form.validate():
        try:
            services.update_session(session, form.to_data(), int(form.version.data or 0), confirmed=form.confirm.data)
        except services.NeedsConfirmation as check:
            warnings = check.warnings
        except services.AgendaError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en"})
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("agenda.manage", slug=event.slug))
    return _session_form_page(event, form, session, warnings)


@blueprint.route("/events/<slug>/agenda/sessions/<int:session_id>/move", methods=["GET", "POST"])
@meeting_page(MeetingRight.PROGRAMME)
def move_session(event: Event, session_id: int):
    session = services.find_session(event, session_id) or abort(404)
    form = MoveForm()
    warnings: list[str] = []
    if not form.is_submitted():
        data = services.draft_data(session)
        form.starts_at.data, form.room.data = data.starts_local, data.room
    elif form.validate():
        try:
            services.move_session(session, form.starts_at.data, form.room.data or "", confirmed=form.confirm.data)
        except services.NeedsConfirmation as check:
            warnings = check.warnings
        except services.AgendaError as refusal:
            show_errors(form, refusal.errors, {"title": "title_en"})
        else:
            flash(_("The session is moved."), "success")
            return redirect(url_for("agenda.manage", slug=event.slug))
    return (
        render_template("agenda/move.html", event=event, session=session, form=form, warnings=warnings),
        400 if form.is_submitted() else 200,
    )


@blueprint.post("/events/<slug>/agenda/sessions/<int:session_id>/<action>")
@meeting_page(MeetingRight.PROGRAMME)
def session_action(event: Event, session_id: int, action: str):
    session = services.find_session(event, session_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if action == "duplicate":
        services.duplicate_session(session)
        flash(_("The session is duplicated."), "success")
    elif action == "cancel":
        services.set_cancelled(session, True)
        flash(_("The session is cancelled."), "success")
    elif action == "restore":
        services.set_cancelled(session, False)
        flash(_("The session is restored."), "success")
    elif action == "delete":
        services.delete_session(session)
        flash(_("The session is deleted from the draft."), "success")
    else:
        abort(404)
    return redirect(url_for("agenda.manage", slug=event.slug))


@blueprint.post("/events/<slug>/agenda/rooms")
@meeting_page(MeetingRight.PROGRAMME)
def add_room(event: Event):
    form = RoomForm()
    if form.validate_on_submit():
        try:
            services.add_room(event, form.name.data)
        except services.AgendaError as refusal:
            flash(str(refusal.errors["name"]), "error")
        else:
            flash(_("The room is added."), "success")
    else:
        flash(_("Give the room a name."), "error")
    return redirect(url_for("agenda.manage", slug=event.slug, _anchor="rooms"))


@blueprint.post("/events/<slug>/agenda/rooms/<int:room_id>/delete")
@meeting_page(MeetingRight.PROGRAMME)
def delete_room(event: Event, room_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_room(event, room_id)
    except services.AgendaError as refusal:
        flash(str(refusal.errors["room"]), "error")
    else:
        flash(_("The room is deleted."), "success")
    return redirect(url_for("agenda.manage", slug=event.slug, _anchor="rooms"))


@blueprint.post("/events/<slug>/agenda/publish")
@meeting_page(MeetingRight.PROGRAMME)
def publish(event: Event):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        version = services.publish(event)
    except services.AgendaError as refusal:
        flash(str(refusal.errors["publish"]), "error")
    else:
        flash(_("Version %(number)d of the programme is published.", number=version.number), "success")
    return redirect(url_for("agenda.manage", slug=event.slug))


# Blocks on other pages ----------------------------------------------------------------------------------------


def event_section(event):
    version = services.latest_version(event)
    return "agenda/_event_section.html", {"version": version, "now": utcnow()}


def paragraph_block(paragraph):
    return "agenda/_paragraph_sessions.html", {"sessions": services.published_sessions_for(paragraph, current_user)}


@blueprint.app_context_processor
def agenda_labels():
    return {"SESSION_KIND_LABELS": SESSION_KIND_LABELS}
