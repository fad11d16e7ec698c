"""Programmes of the demo meetings: a two-day programme for Bishkek published twice (so that the page shows what
changed), and shorter programmes for the other meetings. People are named by their function, not invented."""

from datetime import datetime, timedelta

from sqlalchemy import select

from agenda import services
from agenda.models import Session
from core.db import db
from events.models import CANCELLED, Event
from events.services import to_local

ALL = ["en", "fr", "de", "it", "ru", "es"]
CHAIR_CIO = "Representative of the Chairman-in-Office (OSCE Chairmanship, Romania)"
HOST = "Minister for Foreign Affairs (Kyrgyz Republic)"
SECRETARY_GENERAL = "Secretary General (OSCE)"


def _t(en: str, fr: str, ru: str | None = None) -> dict:
    return {"en": en, "fr": fr, **({"ru": ru} if ru else {})}


# (day, start, end, kind, room, title, chair, speakers, paragraphs)
BISHKEK = [
    (
        0,
        "09:30",
        "11:00",
        "opening",
        "Plenary hall",
        _t("Opening session", "Séance d’ouverture", "Открытие конференции"),
        HOST,
        [CHAIR_CIO, SECRETARY_GENERAL, "Representative (UNODCCP)"],
        ["bucharest-2001:29"],
    ),
    (0, "11:00", "11:30", "break", "", _t("Coffee break", "Pause café", "Перерыв на кофе"), "", [], []),
    (
        0,
        "11:30",
        "13:00",
        "plenary",
        "Plenary hall",
        _t(
            "The global fight against terrorism and the contribution of the OSCE",
            "La lutte mondiale contre le terrorisme et la contribution de l’OSCE",
            "Глобальная борьба с терроризмом и вклад ОБСЕ",
        ),
        CHAIR_CIO,
        ["Representative (United Nations)", "Director (ODIHR)"],
        ["bucharest-2001:1", "bucharest-2001:27"],
    ),
    (0, "13:00", "14:30", "break", "", _t("Lunch", "Déjeuner", "Обед"), "", [], []),
    (
        0,
        "14:30",
        "16:00",
        "working_session",
        "Room A",
        _t(
            "Working session I: Preventing terrorism — socio-economic factors",
            "Séance de travail I : Prévenir le terrorisme — facteurs socio-économiques",
            "Рабочее заседание I: предупреждение терроризма — социально-экономические факторы",
        ),
        "Co-ordinator of Economic and Environmental Activities (OSCE Secretariat)",
        ["Head of delegation (Kazakhstan)", "Head of delegation (Tajikistan)"],
        ["bucharest-2001:13", "bucharest-2001:9"],
    ),
    (
        0,
        "16:30",
        "18:00",
        "working_session",
        "Room A",
        _t(
            "Working session II: Law enforcement, organized crime, illicit drugs and arms",
            "Séance de travail II : Application de la loi, criminalité organisée, drogues et armes illicites",
            "Рабочее заседание II: правоохранительная деятельность, организованная преступность, наркотики и оружие",
        ),
        "Senior Police Adviser (OSCE Secretariat)",
        ["Representative (UNODCCP)", "Head of delegation (Uzbekistan)"],
        ["bucharest-2001:19"],
    ),
    (
        1,
        "09:30",
        "11:00",
        "working_session",
        "Room A",
        _t(
            "Working session III: Suppressing the financing of terrorism",
            "Séance de travail III : Réprimer le financement du terrorisme",
            "Рабочее заседание III: пресечение финансирования терроризма",
        ),
        "Representative (Council of Europe)",
        ["Expert (Financial Action Task Force)"],
        ["bucharest-2001:24"],
    ),
    (
        1,
        "11:30",
        "13:00",
        "working_session",
        "Room B",
        _t(
            "Working session IV: Border management and the movement of terrorists",
            "Séance de travail IV : Gestion des frontières et mouvements de terroristes",
            "Рабочее заседание IV: управление границами и передвижение террористов",
        ),
        "Head of delegation (Kyrgyz Republic)",
        ["Expert (UNHCR)", "Expert (Interpol)"],
        ["bucharest-2001:26"],
    ),
    (
        1,
        "14:30",
        "16:00",
        "plenary",
        "Plenary hall",
        _t(
            "Practical support for the Central Asian participating States",
            "Appui pratique aux États participants d’Asie centrale",
            "Практическая поддержка государств-участников Центральной Азии",
        ),
        CHAIR_CIO,
        ["Representative (UNODCCP)", SECRETARY_GENERAL],
        ["bucharest-2001:29"],
    ),
    (
        1,
        "16:30",
        "18:00",
        "closing",
        "Plenary hall",
        _t(
            "Closing session: the Bishkek Declaration and Programme of Action",
            "Séance de clôture : la Déclaration et le Programme d’action de Bichkek",
            "Закрытие: Бишкекская декларация и Программа действий",
        ),
        HOST,
        [CHAIR_CIO],
        ["bucharest-2001:29", "bucharest-2001:30"],
    ),
]

SHORT_PROGRAMME = [
    (0, "10:00", "11:00", "opening", "Neuer Saal", _t("Opening session", "Séance d’ouverture"), "Chairperson", [], []),
    (
        0,
        "11:00",
        "13:00",
        "working_session",
        "Neuer Saal",
        _t("Exchange of experience and best practices", "Échange d’expériences et de pratiques optimales"),
        "Moderator",
        [],
        [],
    ),
    (
        0,
        "14:30",
        "17:00",
        "working_session",
        "Ratsaal",
        _t("Implementation: gaps and needs for assistance", "Mise en œuvre : lacunes et besoins d’assistance"),
        "Moderator",
        [],
        [],
    ),
    (
        1,
        "10:00",
        "12:30",
        "panel",
        "Neuer Saal",
        _t("Co-operation with international organizations", "Coopération avec les organisations internationales"),
        "Moderator",
        [],
        [],
    ),
    (
        1,
        "14:00",
        "16:00",
        "closing",
        "Neuer Saal",
        _t("Conclusions and recommendations", "Conclusions et recommandations"),
        "Chairperson",
        [],
        [],
    ),
]
PROGRAMME_PARAGRAPHS = {
    "coc-follow-up-2002": ["bucharest-2001:8"],
    "salw-workshop-2002": ["bucharest-2001:8"],
    "internet-workshop-2005": ["mc-dec-3-04:2", "mc-dec-3-04:1"],
}


def _data(event: Event, row: tuple, paragraphs: list[str]) -> services.SessionData:
    day, start, end, kind, room, title, chair, speakers, refs = row
    first_day = to_local(event.starts_at, event.timezone).date()
    date = first_day + timedelta(days=day)
    return services.SessionData(
        kind=kind,
        title=title,
        starts_local=datetime.combine(date, datetime.strptime(start, "%H:%M").time()),
        ends_local=datetime.combine(date, datetime.strptime(end, "%H:%M").time()),
        room=room,
        chair=chair,
        speakers=speakers,
        interpretation_languages=[] if kind == "break" else (event.working_languages or ALL),
        paragraphs=refs or ([] if kind == "break" else paragraphs),
    )


def _build(event: Event, rows: list[tuple], paragraphs: list[str]) -> None:
    for row in rows:
        services.create_session(event, _data(event, row, paragraphs), confirmed=True)


def seed() -> list[str]:
    """Programmes for the demo meetings that have none yet; returns the slugs that got one."""
    events = {e.slug: e for e in db.session.scalars(select(Event).where(Event.is_public))}
    with_sessions = set(db.session.scalars(select(Session.event_id).distinct()))
    seeded = []
    for slug, event in sorted(events.items()):
        if event.id in with_sessions or event.status == CANCELLED:
            continue
        if slug == "bishkek-2001":
            _build(event, BISHKEK, [])
            services.publish(event)
            _second_version(event)
        elif slug in PROGRAMME_PARAGRAPHS or event.series_id is not None:
            paragraphs = PROGRAMME_PARAGRAPHS.get(slug, [p.reference for p in event.paragraphs])
            _build(event, SHORT_PROGRAMME, paragraphs)
            services.publish(event)
        else:
            continue
        seeded.append(slug)
    return seeded


def _second_version(event: Event) -> None:
    """The programme as finally held: working session IV moved, and a side event added then called off."""
    sessions = {s.title["en"]: s for s in services.draft_sessions(event)}
    moved = sessions["Working session IV: Border management and the movement of terrorists"]
    services.move_session(moved, to_local(moved.starts_at, event.timezone) + timedelta(minutes=30), "Room A", True)
    side = services.create_session(
        event,
        services.SessionData(
            kind="side_event",
            title=_t(
                "Side event: assistance projects in Central Asia",
                "Manifestation parallèle : projets d’assistance en Asie centrale",
                "Параллельное мероприятие: проекты помощи в Центральной Азии",
            ),
            starts_local=datetime(2001, 12, 13, 18, 15),
            ends_local=datetime(2001, 12, 13, 19, 15),
            room="Room B",
            paragraphs=["bucharest-2001:29"],
        ),
        confirmed=True,
    )
    services.set_cancelled(side, True)
    services.publish(event)
