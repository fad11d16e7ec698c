"""The mails of invitations and registrations, each in the language of its reader, queued in the outbox."""

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from agenda import ics
from agenda.services import latest_version
from core.db import utcnow
from core.i18n import localize
from core.mail import enqueue
from participants import services
from participants.models import CONFIRMED, PENDING, WAITLISTED, Invitation, Registration


def invitation_mail(invitation: Invitation, reminder: bool = False) -> None:
    event = invitation.event
    link = url_for("participants.invitation", token=services.invitation_link_token(invitation), _external=True)
    with force_locale(invitation.language):
        title = localize(event.title, invitation.language).text
        subject = (
            _("Reminder: invitation to %(title)s", title=title) if reminder else _("Invitation: %(title)s", title=title)
        )
        body = render_template(
            "participants/mail/invitation.txt",
            invitation=invitation,
            event=event,
            title=title,
            link=link,
            reminder=reminder,
            language=invitation.language,
        )
    enqueue(invitation.person.email, subject, body, language=invitation.language)


def _agenda_attachment(registration: Registration) -> list[tuple[str, str, bytes]]:
    event = registration.event
    version = latest_version(event)
    if version is None:
        return []
    agenda_url = url_for("agenda.show", slug=event.slug, _external=True)
    name = localize(event.title, registration.language).text
    body = ics.sessions_calendar(event, version.sessions, registration.language, agenda_url, version.published_at, name)
    return [(f"{event.slug}.ics", "text/calendar", body)]


def registration_mail(registration: Registration) -> None:
    """Confirmation, receipt (awaiting approval) or waiting list, with the self-service link."""
    event = registration.event
    language = registration.language
    with force_locale(language):
        title = localize(event.title, language).text
        subjects = {
            CONFIRMED: _("Registration confirmed: %(title)s", title=title),
            PENDING: _("Registration received: %(title)s", title=title),
            WAITLISTED: _("On the waiting list: %(title)s", title=title),
        }
        body = render_template(
            "participants/mail/registration.txt",
            registration=registration,
            event=event,
            title=title,
            language=language,
            **_links(registration),
        )
    attachments = _agenda_attachment(registration) if registration.status == CONFIRMED else []
    enqueue(registration.email, subjects[registration.status], body, language=language, attachments=attachments)


def promotion_mail(registration: Registration) -> None:
    event = registration.event
    language = registration.language
    with force_locale(language):
        title = localize(event.title, language).text
        body = render_template(
            "participants/mail/promoted.txt",
            registration=registration,
            event=event,
            title=title,
            language=language,
            **_links(registration),
        )
        subject = _("A seat is available for you: %(title)s", title=title)
    attachments = _agenda_attachment(registration) if registration.status == CONFIRMED else []
    enqueue(registration.email, subject, body, language=language, attachments=attachments)


def _links(registration: Registration) -> dict:
    return {
        "manage_link": url_for("participants.manage", token=services.manage_token(registration), _external=True),
        "feed_link": url_for("participants.feed", token=registration.feed_token, _external=True),
        "event_link": url_for("events.show", slug=registration.event.slug, _external=True),
    }


def send_invitations(invitations: list[Invitation]) -> int:
    """Queues the invitations not sent yet; returns how many."""
    sent = 0
    for invitation in invitations:
        if invitation.status != "draft":
            continue
        invitation_mail(invitation)
        invitation.status, invitation.sent_at = "sent", utcnow()
        sent += 1
    return sent


def send_reminders(invitations: list[Invitation]) -> int:
    """Reminds those who have not answered an invitation that is still valid."""
    reminded = 0
    for invitation in invitations:
        if services.effective_status(invitation) not in ("sent", "opened"):
            continue
        invitation_mail(invitation, reminder=True)
        invitation.reminders += 1
        invitation.reminded_at = utcnow()
        reminded += 1
    return reminded
