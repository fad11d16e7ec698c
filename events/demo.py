"""The follow-up meetings that the reference documents ask for (shared/seeds/README.md), as demo data.

Dates and places come from the documents where they give them (Bishkek, 13-14 December 2001; Internet
workshop in 2005); the others are placed in Vienna in the years the documents name.
"""

from datetime import datetime

from sqlalchemy import select

from accounts.models import User
from core import audit
from core.db import db
from events import services
from events.models import CANCELLED, HELD, Event, MeetingRight, Series, TeamGrant
from events.rules import forget_team_rights

SERIES = services.SeriesData(
    slug="law-enforcement-meetings",
    title={
        "en": "Regular meetings of law-enforcement representatives of the participating States",
        "fr": "Réunions régulières de représentants des services de répression des États participants",
        "de": "Regelmäßige Treffen von Vertretern der Strafverfolgungsbehörden der Teilnehmerstaaten",
        "it": "Riunioni periodiche dei rappresentanti delle autorità di contrasto degli Stati partecipanti",
        "ru": "Регулярные встречи представителей правоохранительных органов государств-участников",
        "es": "Reuniones periódicas de representantes de los servicios policiales de los Estados participantes",
    },
    description={
        "en": "Convened by the Permanent Council under paragraph 20 of the Bucharest Plan of Action, to exchange "
        "best practices and information on combating terrorism and organized crime.",
        "fr": "Convoquées par le Conseil permanent en application du paragraphe 20 du Plan d’action de Bucarest, "
        "pour échanger des informations et des pratiques optimales sur la lutte contre le terrorisme et la "
        "criminalité organisée.",
    },
    recurrence="FREQ=YEARLY",
    convened_by="permanent-council",
)


def _law_enforcement_meeting(year: int, day: int) -> tuple[services.EventData, str]:
    ordinal = year - 2001
    data = services.EventData(
        slug=f"law-enforcement-meeting-{year}",
        kind="meeting",
        title={
            "en": f"Meeting of law-enforcement representatives {year}",
            "fr": f"Réunion de représentants des services de répression {year}",
            "de": f"Treffen von Vertretern der Strafverfolgungsbehörden {year}",
            "it": f"Riunione dei rappresentanti delle autorità di contrasto {year}",
            "ru": f"Встреча представителей правоохранительных органов {year} года",
            "es": f"Reunión de representantes de los servicios policiales {year}",
        },
        description={
            "en": f"Meeting no. {ordinal} of the series convened by the Permanent Council (Bucharest Plan of "
            "Action, paragraph 20).",
            "fr": f"Réunion no {ordinal} de la série convoquée par le Conseil permanent (Plan d’action de "
            "Bucarest, paragraphe 20).",
        },
        starts_local=datetime(year, 10, day, 10, 0),
        ends_local=datetime(year, 10, day + 1, 17, 0),
        timezone="Europe/Vienna",
        venue="Hofburg",
        city="Vienna",
        working_languages=["en", "fr", "de", "it", "ru", "es"],
        capacity=150,
        visibility="invitation",
        organisers=["permanent-council", "secretariat"],
        partners=["interpol", "unodc"],
        paragraphs=["bucharest-2001:20", "bucharest-2001:19"],
        series_slug=SERIES.slug,
    )
    return data, CANCELLED if year == 2004 else HELD


MEETINGS: list[tuple[services.EventData, str]] = [
    (
        services.EventData(
            slug="bishkek-2001",
            kind="conference",
            title={
                "en": "Bishkek International Conference on Enhancing Security and Stability in Central Asia: "
                "Strengthening Comprehensive Efforts to Counter Terrorism",
                "fr": "Conférence internationale de Bichkek sur le renforcement de la sécurité et de la stabilité "
                "en Asie centrale : renforcement des efforts d’ensemble pour lutter contre le terrorisme",
                "de": "Internationale Konferenz von Bischkek über die Stärkung von Sicherheit und Stabilität in "
                "Zentralasien: Verstärkung umfassender Bemühungen zur Bekämpfung des Terrorismus",
                "it": "Conferenza internazionale di Bishkek sul rafforzamento della sicurezza e della stabilità in "
                "Asia centrale: intensificare gli sforzi globali per contrastare il terrorismo",
                "ru": "Бишкекская международная конференция по укреплению безопасности и стабильности в "
                "Центральной Азии: усиление всеобъемлющих усилий по борьбе с терроризмом",
                "es": "Conferencia Internacional de Bishkek sobre el fortalecimiento de la seguridad y la "
                "estabilidad en Asia Central: intensificación de los esfuerzos globales para combatir el terrorismo",
            },
            description={
                "en": "Called for by paragraph 29 of the Bucharest Plan of Action: for the first time, to examine "
                "with a broad range of participants concrete experience and best practices in combating "
                "international terrorism, and to provide the Central Asian participating States with practical "
                "support, including financial and technical assistance.",
                "fr": "Prévue au paragraphe 29 du Plan d’action de Bucarest : examiner pour la première fois, avec "
                "une vaste gamme de participants, l’expérience concrète et les meilleures pratiques en matière de "
                "lutte contre le terrorisme international, et apporter aux États participants d’Asie centrale un "
                "appui pratique, y compris une assistance financière et technique.",
                "ru": "Предусмотрена пунктом 29 Бухарестского плана действий: впервые рассмотреть с широким кругом "
                "участников конкретный опыт и наилучшую практику борьбы с международным терроризмом и оказать "
                "государствам-участникам Центральной Азии практическую поддержку, включая финансовую и "
                "техническую помощь.",
            },
            starts_local=datetime(2001, 12, 13, 9, 30),
            ends_local=datetime(2001, 12, 14, 18, 0),
            timezone="Asia/Bishkek",
            city="Bishkek",
            working_languages=["en", "ru"],
            capacity=300,
            visibility="invitation",
            organisers=["chairman-in-office"],
            partners=["unodc"],
            paragraphs=["bucharest-2001:29", "bucharest-2001:13", "bucharest-2001:19", "bucharest-2001:24"],
        ),
        HELD,
    ),
    (
        services.EventData(
            slug="coc-follow-up-2002",
            kind="conference",
            title={
                "en": "Follow-up Conference on the Code of Conduct on Politico-Military Aspects of Security",
                "fr": "Conférence de suivi sur le Code de conduite relatif aux aspects politico-militaires de la "
                "sécurité",
                "de": "Folgekonferenz zum Verhaltenskodex zu politisch-militärischen Aspekten der Sicherheit",
                "it": "Conferenza sui seguiti del Codice di condotta relativo agli aspetti politico-militari della "
                "sicurezza",
                "ru": "Конференция по выполнению Кодекса поведения, касающегося военно-политических аспектов "
                "безопасности",
                "es": "Conferencia de seguimiento del Código de Conducta sobre los aspectos político-militares de "
                "la seguridad",
            },
            description={
                "en": "Held under the Forum for Security Co-operation, as paragraph 8 of the Bucharest Plan of "
                "Action foresees, to strengthen the implementation of the Code of Conduct in combating terrorism.",
                "fr": "Tenue dans le cadre du Forum pour la coopération en matière de sécurité, comme le prévoit le "
                "paragraphe 8 du Plan d’action de Bucarest, pour renforcer l’application du Code de conduite dans "
                "la lutte contre le terrorisme.",
            },
            starts_local=datetime(2002, 6, 27, 10, 0),
            ends_local=datetime(2002, 6, 28, 18, 0),
            timezone="Europe/Vienna",
            venue="Hofburg",
            city="Vienna",
            working_languages=["en", "fr", "de", "it", "ru", "es"],
            capacity=250,
            visibility="invitation",
            organisers=["fsc"],
            paragraphs=["bucharest-2001:8"],
        ),
        HELD,
    ),
    (
        services.EventData(
            slug="salw-workshop-2002",
            kind="expert_workshop",
            title={
                "en": "Workshop on Small Arms and Light Weapons",
                "fr": "Atelier sur les armes légères et de petit calibre",
                "de": "Workshop über Klein- und Leichtwaffen",
                "it": "Seminario sulle armi di piccolo calibro e leggere",
                "ru": "Семинар по стрелковому оружию и легким вооружениям",
                "es": "Taller sobre armas pequeñas y armas ligeras",
            },
            description={
                "en": "Foreseen for 2002 by paragraph 8 of the Bucharest Plan of Action, to further the "
                "implementation of the OSCE Document on Small Arms and Light Weapons in combating terrorism.",
                "fr": "Prévu pour 2002 au paragraphe 8 du Plan d’action de Bucarest, pour renforcer l’application "
                "du Document de l’OSCE sur les armes légères et de petit calibre dans la lutte contre le terrorisme.",
            },
            starts_local=datetime(2002, 2, 4, 10, 0),
            ends_local=datetime(2002, 2, 5, 17, 0),
            timezone="Europe/Vienna",
            venue="Hofburg",
            city="Vienna",
            working_languages=["en", "fr", "de", "it", "ru", "es"],
            capacity=120,
            visibility="invitation",
            organisers=["fsc"],
            partners=["un"],
            paragraphs=["bucharest-2001:8"],
        ),
        HELD,
    ),
    *[_law_enforcement_meeting(year, day) for year, day in ((2002, 24), (2003, 23), (2004, 21), (2005, 20))],
    (
        services.EventData(
            slug="internet-workshop-2005",
            kind="expert_workshop",
            title={
                "en": "Expert Workshop on Combating the Use of the Internet for Terrorist Purposes",
                "fr": "Atelier d’experts sur la lutte contre l’utilisation d’Internet à des fins terroristes",
                "de": "Expertenworkshop zur Bekämpfung der Nutzung des Internets für terroristische Zwecke",
                "it": "Seminario di esperti sulla lotta all’uso di Internet a fini terroristici",
                "ru": "Семинар экспертов по борьбе с использованием Интернета в террористических целях",
                "es": "Taller de expertos sobre la lucha contra la utilización de Internet con fines terroristas",
            },
            description={
                "en": "Organized by the Secretary General in co-operation with Interpol and other interested "
                "international organizations, as Ministerial Council Decision No. 3/04 tasks him, to exchange "
                "information on the extent of the threat and on existing legal and institutional instruments.",
                "fr": "Organisé par le Secrétaire général en coopération avec Interpol et d’autres organisations "
                "internationales intéressées, comme le demande la Décision No 3/04 du Conseil ministériel, pour "
                "échanger des informations sur l’ampleur de la menace et sur les instruments juridiques et "
                "institutionnels existants.",
            },
            starts_local=datetime(2005, 10, 13, 9, 30),
            ends_local=datetime(2005, 10, 14, 17, 30),
            timezone="Europe/Vienna",
            venue="Hofburg",
            city="Vienna",
            working_languages=["en", "fr", "de", "it", "ru", "es"],
            capacity=120,
            visibility="invitation",
            organisers=["secretary-general", "secretariat"],
            partners=["interpol", "council-of-europe"],
            paragraphs=["mc-dec-3-04:2", "mc-dec-3-04:1"],
        ),
        HELD,
    ),
]


# Who is on which demo meeting's team: the demo organiser manages the series and every meeting; the second
# organiser manages only the 2005 Internet workshop.
TEAMS = {
    "organiser@example.org": [*(data.slug for data, _status in MEETINGS), SERIES.slug],
    "internet-organiser@example.org": ["internet-workshop-2005"],
}


def seed() -> list[str]:
    """Creates the demo series and meetings that are missing; what organisers changed is left alone."""
    created = []
    if db.session.scalar(select(Series.id).where(Series.slug == SERIES.slug)) is None:
        services.save_series(None, SERIES)
        created.append(SERIES.slug)
    existing = set(db.session.scalars(select(Event.slug)))
    for data, status in MEETINGS:
        if data.slug in existing:
            continue
        event = services.create_event(data)
        # The demo meetings are history: they are recorded in their final state in one step, published once.
        event.status, event.published_at = status, event.created_at
        audit.record("event", event.id, "status", {"status": ["draft", status]})
        created.append(data.slug)
    db.session.flush()
    _seed_teams(created)
    return [data.slug for data, _ in MEETINGS]


def _seed_teams(new_slugs: list[str]) -> None:
    """Rights on the meetings just created, for the demo organisers that exist."""
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(TEAMS)))}
    for email, slugs in TEAMS.items():
        if email not in users:
            continue
        for slug in slugs:
            if slug not in new_slugs:
                continue
            subject = services.find_event(slug) or services.find_series(slug)
            grant = TeamGrant(user_id=users[email].id, right=MeetingRight.MANAGE)
            if isinstance(subject, Event):
                grant.event_id = subject.id
            else:
                grant.series_id = subject.id
            db.session.add(grant)
    db.session.flush()
    forget_team_rights()
