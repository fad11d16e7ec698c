"""The road maps (plan §31) and the Secretary General's report (plan §30) as workbooks, in a chosen language."""

from flask_babel import force_locale
from flask_babel import gettext as _

from core.i18n import localize
from core.xlsx import Sheet, workbook_bytes
from events.services import to_local
from outcomes.labels import IMPLEMENTATION_LABELS, KIND_LABELS
from outcomes.models import Outcome
from outcomes.services import Report
from plan.models import Actor


def _outcome_row(outcome: Outcome, language: str) -> list:
    return [
        localize(outcome.event.title, language).text if outcome.event else _("Set by the plan itself"),
        localize(outcome.session.title, language).text if outcome.session else "",
        str(KIND_LABELS[outcome.kind]),
        localize(outcome.text, language).text,
        "; ".join(p.reference for p in outcome.paragraphs),
        "; ".join(localize(a.abbreviation, language).text for a in outcome.actors),
        outcome.deadline,
        str(IMPLEMENTATION_LABELS[outcome.implementation_status]),
    ]


def _outcome_headers() -> list[str]:
    return [
        _("Meeting"),
        _("Session"),
        _("Kind"),
        _("Text"),
        _("Plan paragraphs"),
        _("Responsible bodies"),
        _("Deadline"),
        _("Implementation status"),
    ]


OUTCOME_WIDTHS = [40, 30, 16, 80, 24, 24, 12, 18]


def roadmap_workbook(actor: Actor, items: list[Outcome], language: str) -> bytes:
    with force_locale(language):
        title = localize(actor.abbreviation, language).text
        return workbook_bytes(
            [Sheet(title, _outcome_headers(), (_outcome_row(o, language) for o in items), OUTCOME_WIDTHS)]
        )


def report_workbook(report: Report, language: str) -> bytes:
    with force_locale(language):
        meetings = Sheet(
            _("Meetings"),
            [_("Meeting"), _("Start"), _("End"), _("Time zone"), _("City"), _("Plan paragraphs"), _("Outcomes")],
            (
                [
                    localize(m.title, language).text,
                    to_local(m.starts_at, m.timezone),
                    to_local(m.ends_at, m.timezone),
                    m.timezone,
                    m.city,
                    "; ".join(p.reference for p in m.paragraphs),
                    sum(1 for o in report.outcomes if o.event_id == m.id),
                ]
                for m in report.meetings
            ),
            [50, 18, 18, 18, 16, 30, 10],
        )
        by_paragraph = Sheet(
            _("Outcomes by paragraph"),
            [_("Plan paragraph"), _("Heading"), *_outcome_headers()],
            (
                [paragraph.reference, localize(paragraph.heading, language).text, *_outcome_row(outcome, language)]
                for paragraph, outcomes in report.by_paragraph
                for outcome in outcomes
            ),
            [18, 40, *OUTCOME_WIDTHS],
        )
        by_body = Sheet(
            _("Action items by body"),
            [_("Body"), *_outcome_headers()],
            (
                [localize(actor.name, language).text, *_outcome_row(outcome, language)]
                for actor, outcomes in report.by_body
                for outcome in outcomes
            ),
            [40, *OUTCOME_WIDTHS],
        )
        return workbook_bytes([meetings, by_paragraph, by_body])
