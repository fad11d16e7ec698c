"""The participant list as a workbook a conference secretariat can work with, written row by row."""

from flask_babel import gettext as _

from core.db import db
from core.i18n import language_name, localize
from core.xlsx import Sheet, workbook_bytes
from events.models import Event
from participants.labels import REGISTRATION_STATUS_LABELS, ROLE_LABELS
from participants.models import Registration


def _rows(query, zone: str):
    from events.services import to_local

    # Streamed from the database a thousand at a time, so memory stays flat for ten thousand registrations.
    for registration in db.session.scalars(query.execution_options(yield_per=1000)):
        yield [
            str(REGISTRATION_STATUS_LABELS[registration.status]),
            str(ROLE_LABELS[registration.role]),
            registration.honorific,
            registration.family_name,
            registration.given_name,
            registration.function,
            localize(registration.delegation.name).text if registration.delegation else "",
            registration.organisation,
            registration.email,
            language_name(registration.language),
            language_name(registration.interpretation_language) if registration.interpretation_language else "",
            registration.accessibility_needs,
            _("Yes") if registration.visa_letter else "",
            registration.dietary_needs,
            to_local(registration.created_at, zone),
            to_local(registration.checked_in_at, zone) if registration.checked_in_at else None,
        ]


def participants_workbook(event: Event, query) -> bytes:
    headers = [
        _("Status"),
        _("Role"),
        _("Form of address"),
        _("Family name"),
        _("Given name"),
        _("Function"),
        _("Delegation"),
        _("Organisation"),
        _("E-mail address"),
        _("Preferred language"),
        _("Interpretation into"),
        _("Accessibility needs"),
        _("Visa letter"),
        _("Dietary needs"),
        _("Registered on"),
        _("Checked in"),
    ]
    widths = [16, 18, 8, 22, 18, 28, 30, 24, 32, 14, 14, 30, 10, 20, 18, 18]
    return workbook_bytes([Sheet(_("Participants"), headers, _rows(query, event.timezone), widths)])


def sort_by_delegation(registrations: list[Registration]) -> list[tuple[str, list[Registration]]]:
    groups: dict[str, list[Registration]] = {}
    for registration in registrations:
        name = localize(registration.delegation.name).text if registration.delegation else registration.organisation
        groups.setdefault(name or "—", []).append(registration)
    return sorted(groups.items(), key=lambda pair: pair[0].casefold())
