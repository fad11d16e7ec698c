"""Outcomes of the Bishkek conference tied to the plan's paragraphs, and the deadlines the plan itself sets
(§5: 31 December 2002; §30: 27 December 2001) as action items of the bodies concerned."""

from datetime import date

from sqlalchemy import select

from accounts.models import User
from agenda.models import Session
from core.db import db
from outcomes import services
from outcomes.models import Outcome


def _session_uid(event_slug: str, title_start: str) -> str:
    for session in db.session.scalars(select(Session).join(Session.event).where(Session.kind != "break")):
        if session.event.slug == event_slug and session.title.get("en", "").startswith(title_start):
            return session.uid
    return ""


def _outcomes() -> list[tuple[services.OutcomeData, bool, list[tuple[date, str, str]]]]:
    """(data, approved, status updates)."""
    return [
        (
            services.OutcomeData(
                event_slug="",
                kind="action_item",
                text={
                    "en": "Participating States to become parties to the 12 United Nations conventions and protocols "
                    "relating to terrorism, if possible by 31 December 2002, and to inform the Permanent Council of "
                    "the steps taken.",
                    "fr": "Les États participants s’efforcent de devenir parties aux 12 conventions et protocoles des "
                    "Nations Unies relatifs au terrorisme, si possible d’ici le 31 décembre 2002, et informent le "
                    "Conseil permanent des mesures prises.",
                    "ru": "Государствам-участникам стать участниками 12 конвенций и протоколов Организации "
                    "Объединенных Наций, касающихся терроризма, по возможности к 31 декабря 2002 года, и "
                    "информировать Постоянный совет о принятых мерах.",
                },
                paragraphs=["bucharest-2001:5"],
                actors=["participating-states"],
                deadline=date(2002, 12, 31),
                implementation_status="in_progress",
            ),
            True,
            [(date(2002, 1, 15), "agreed", ""), (date(2002, 9, 1), "in_progress", "")],
        ),
        (
            services.OutcomeData(
                event_slug="",
                kind="action_item",
                text={
                    "en": "The Secretary General to submit to the United Nations Counter-Terrorism Committee, by "
                    "27 December 2001, the measures taken by the OSCE to combat terrorism.",
                    "fr": "Le Secrétaire général présente au Comité contre le terrorisme de l’Organisation des Nations "
                    "Unies, d’ici le 27 décembre 2001, les mesures de lutte contre le terrorisme prises par l’OSCE.",
                },
                paragraphs=["bucharest-2001:30"],
                actors=["secretary-general", "un-ctc"],
                deadline=date(2001, 12, 27),
                implementation_status="implemented",
            ),
            True,
            [(date(2001, 12, 21), "implemented", "")],
        ),
        (
            services.OutcomeData(
                event_slug="",
                kind="action_item",
                text={
                    "en": "The Secretary General to report on the activities of OSCE bodies in combating terrorism to "
                    "the next meeting of the Ministerial Council.",
                    "fr": "Le Secrétaire général présente à la prochaine réunion du Conseil ministériel un rapport sur "
                    "les activités des organes de l’OSCE dans le domaine de la lutte anti-terroriste.",
                },
                paragraphs=["bucharest-2001:30"],
                actors=["secretary-general"],
                deadline=date(2002, 12, 6),
                implementation_status="agreed",
            ),
            True,
            [],
        ),
        (
            services.OutcomeData(
                event_slug="bishkek-2001",
                session_uid=_session_uid("bishkek-2001", "Closing session"),
                kind="decision",
                text={
                    "en": "The conference adopted the Bishkek Declaration and the Bishkek Programme of Action.",
                    "fr": "La Conférence a adopté la Déclaration de Bichkek et le Programme d’action de Bichkek.",
                    "ru": "Конференция приняла Бишкекскую декларацию и Бишкекскую программу действий.",
                },
                paragraphs=["bucharest-2001:29"],
                actors=["participating-states", "chairman-in-office"],
                implementation_status="implemented",
            ),
            True,
            [(date(2001, 12, 14), "implemented", "")],
        ),
        (
            services.OutcomeData(
                event_slug="bishkek-2001",
                session_uid=_session_uid("bishkek-2001", "Working session III"),
                kind="recommendation",
                text={
                    "en": "Central Asian participating States should criminalize the financing of terrorism and set up "
                    "financial intelligence units, with the assistance of UNODC.",
                    "fr": "Les États participants d’Asie centrale devraient incriminer le financement du terrorisme et "
                    "créer des cellules de renseignement financier, avec l’assistance de l’ONUDC.",
                },
                paragraphs=["bucharest-2001:24"],
                actors=["participating-states", "unodc"],
                implementation_status="agreed",
            ),
            True,
            [],
        ),
        (
            services.OutcomeData(
                event_slug="bishkek-2001",
                session_uid=_session_uid("bishkek-2001", "Working session IV"),
                kind="action_item",
                text={
                    "en": "The Secretariat, with UNODC, to prepare assistance projects on border management and the "
                    "security of travel documents for the Central Asian participating States.",
                    "fr": "Le Secrétariat, avec l’ONUDC, prépare des projets d’assistance sur la gestion des "
                    "frontières "
                    "et la sécurité des documents de voyage pour les États participants d’Asie centrale.",
                },
                paragraphs=["bucharest-2001:26", "bucharest-2001:29"],
                actors=["secretariat", "unodc"],
                deadline=date(2002, 6, 30),
                implementation_status="in_progress",
            ),
            True,
            [(date(2002, 3, 1), "in_progress", "First project documents circulated.")],
        ),
        (
            services.OutcomeData(
                event_slug="bishkek-2001",
                session_uid=_session_uid("bishkek-2001", "Working session II"),
                kind="commitment",
                text={
                    "en": "The Central Asian participating States commit to closer co-operation between their "
                    "law-enforcement agencies, including against drug trafficking.",
                },
                paragraphs=["bucharest-2001:19"],
                actors=["participating-states"],
                implementation_status="proposed",
            ),
            False,
            [],
        ),
    ]


def seed() -> int:
    """The demo outcomes, once: recorded by the demo rapporteur, approved by the demo organiser (who manages the
    meetings), or by the administrator for what the plan sets itself, which no meeting's team reviews."""
    if db.session.scalar(select(Outcome.id).limit(1)) is not None:
        return 0
    people = {u.email: u for u in db.session.scalars(select(User))}
    rapporteur, organiser = people.get("rapporteur@example.org"), people.get("organiser@example.org")
    admin = people.get("admin@example.org")
    if rapporteur is None or organiser is None or admin is None:
        return 0
    created = 0
    for data, approved, updates in _outcomes():
        outcome = services.create_outcome(data, rapporteur)
        if approved:
            services.submit(outcome, rapporteur)
            services.approve(outcome, organiser if outcome.event is not None else admin)
        for on, status, note in updates:
            services.add_status_update(outcome, rapporteur, on, status, note)
        created += 1
    return created
