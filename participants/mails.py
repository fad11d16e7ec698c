"""The mails of invitations and registrations, each in the language of its reader, queued in the outbox."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from agenda import ics
from agenda.services import latest_version
from core.db import utcnow
from core.i18n import localize
from core.mail import enqueue
from core.urls import public_url
from participants import rules, services
from participants.models import CONFIRMED, PENDING, WAITLISTED, Invitation, Registration


def invitation_mail(invitation: Invitation, reminder: bool = False) -> None:
    event = invitation.event
    link = public_url("participants.invitation", token=services.invitation_link_token(invitation))
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
    enqueue(invitation.person.email, subject, body, language=invitation.language, event_id=event.id)


def _agenda_attachment(registration: Registration) -> list[tuple[str, str, bytes]]:
    event = registration.event
    version = latest_version(event)
    if version is None:
        return []
    agenda_url = public_url("agenda.show", slug=event.slug)
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
        openings = {
            CONFIRMED: _("Your registration for the following meeting is confirmed:"),
            PENDING: _(
                "We have received your registration for the following meeting. An organiser will confirm it shortly:"
            ),
            WAITLISTED: _(
                "The meeting is full. You are on the waiting list, and we will write to you as soon as a seat is free:"
            ),
        }
        body = render_template(
            "participants/mail/registration.txt",
            opening=openings[registration.status],
            registration=registration,
            event=event,
            title=title,
            language=language,
            **_links(registration),
        )
    attachments = _agenda_attachment(registration) if registration.is_admitted else []
    enqueue(
        registration.email,
        subjects[registration.status],
        body,
        language=language,
        attachments=attachments,
        event_id=event.id,
    )


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
    attachments = _agenda_attachment(registration) if registration.is_admitted else []
    enqueue(registration.email, subject, body, language=language, attachments=attachments, event_id=event.id)


def _links(registration: Registration) -> dict:
    return {
        "manage_link": public_url("participants.manage", token=services.manage_token(registration)),
        "feed_link": public_url("participants.feed", token=registration.feed_token),
        "event_link": public_url("events.show", slug=registration.event.slug),
    }


def send_invitations(invitations: list[Invitation]) -> int:
    """Queues the invitations not sent yet; returns how many."""
    sent = 0
    for invitation in invitations:
        if services.mark_sent(invitation):
            invitation_mail(invitation)
            sent += 1
    return sent


def send_reminders(invitations: list[Invitation]) -> int:
    """Reminds those who have not answered an invitation that is still valid."""
    reminded = 0
    for invitation in invitations:
        if not rules.invitation_allows(invitation, "accept"):
            continue
        invitation_mail(invitation, reminder=True)
        invitation.reminders += 1
        invitation.reminded_at = utcnow()
        reminded += 1
    return reminded
