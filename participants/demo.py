"""A small directory (delegations of participating States, OSCE bodies and partner organisations, and people named
by function) and the participants of the Bishkek conference, recorded as having attended."""

import secrets

from sqlalchemy import select

from core.db import db
from events.models import Event
from participants import services, tokens
from participants.models import ATTENDED, Delegation, Registration

DELEGATIONS = [
    (
        "kyrgyzstan",
        "state",
        {
            "en": "Kyrgyz Republic",
            "fr": "République kirghize",
            "de": "Kirgisische Republik",
            "it": "Repubblica del Kirghizistan",
            "ru": "Кыргызская Республика",
            "es": "República Kirguisa",
        },
        "",
    ),
    (
        "kazakhstan",
        "state",
        {
            "en": "Kazakhstan",
            "fr": "Kazakhstan",
            "de": "Kasachstan",
            "it": "Kazakistan",
            "ru": "Казахстан",
            "es": "Kazajstán",
        },
        "",
    ),
    (
        "romania",
        "state",
        {"en": "Romania", "fr": "Roumanie", "de": "Rumänien", "it": "Romania", "ru": "Румыния", "es": "Rumania"},
        "",
    ),
    (
        "austria",
        "state",
        {"en": "Austria", "fr": "Autriche", "de": "Österreich", "it": "Austria", "ru": "Австрия", "es": "Austria"},
        "",
    ),
    (
        "osce-secretariat",
        "osce_body",
        {
            "en": "OSCE Secretariat",
            "fr": "Secrétariat de l’OSCE",
            "de": "OSZE-Sekretariat",
            "it": "Segretariato dell’OSCE",
            "ru": "Секретариат ОБСЕ",
            "es": "Secretaría de la OSCE",
        },
        "secretariat",
    ),
    (
        "odihr",
        "osce_body",
        {
            "en": "OSCE Office for Democratic Institutions and Human Rights",
            "fr": "Bureau des institutions démocratiques et des droits de l’homme de l’OSCE",
            "ru": "Бюро ОБСЕ по демократическим институтам и правам человека",
        },
        "odihr",
    ),
    (
        "unodc",
        "partner",
        {
            "en": "United Nations Office on Drugs and Crime",
            "fr": "Office des Nations Unies contre la drogue et le crime",
            "ru": "Управление ООН по наркотикам и преступности",
        },
        "unodc",
    ),
    ("interpol", "partner", {"en": "Interpol", "fr": "Interpol", "ru": "Интерпол"}, "interpol"),
]

PEOPLE = [
    (
        "head.kg@example.org",
        "H.E.",
        "Head",
        "of Delegation",
        "Minister for Foreign Affairs",
        "ru",
        "kyrgyzstan",
        "head_of_delegation",
    ),
    (
        "delegate.kg@example.org",
        "Ms",
        "Delegate",
        "of Kyrgyzstan",
        "Ministry of Internal Affairs",
        "ru",
        "kyrgyzstan",
        "delegate",
    ),
    ("head.kz@example.org", "Mr", "Head", "of Delegation", "Deputy Minister", "ru", "kazakhstan", "head_of_delegation"),
    ("cio.ro@example.org", "Mr", "Representative", "of the Chairmanship", "Ambassador", "fr", "romania", "speaker"),
    (
        "expert.at@example.org",
        "Dr",
        "Expert",
        "of Austria",
        "Federal Ministry of the Interior",
        "de",
        "austria",
        "expert",
    ),
    (
        "police.adviser@example.org",
        "Ms",
        "Senior Police",
        "Adviser",
        "Strategic Police Matters",
        "en",
        "osce-secretariat",
        "expert",
    ),
    ("odihr.expert@example.org", "Mr", "Human Rights", "Adviser", "Anti-Terrorism Programme", "en", "odihr", "expert"),
    ("unodc.expert@example.org", "Ms", "Programme", "Officer", "Terrorism Prevention Branch", "en", "unodc", "speaker"),
    (
        "interpol.liaison@example.org",
        "Mr",
        "Liaison",
        "Officer",
        "Counter-Terrorism Directorate",
        "en",
        "interpol",
        "observer",
    ),
]


def seed() -> int:
    """The directory and the Bishkek participants, once; returns the number of registrations written."""
    if db.session.scalar(select(Delegation.id).limit(1)) is not None:
        return 0
    for code, kind, name, actor in DELEGATIONS:
        services.save_delegation(code, kind, name, actor)
    bishkek = db.session.scalar(select(Event).where(Event.slug == "bishkek-2001"))
    written = 0
    for email, honorific, given, family, function, language, delegation, role in PEOPLE:
        person = services.add_person(
            services.PersonData(email, given, family, honorific, function, language, delegation)
        )
        if bishkek is None:
            continue
        registration = Registration(
            event_id=bishkek.id,
            person=person,
            status=ATTENDED,
            role=role,
            honorific=honorific,
            given_name=given,
            family_name=family,
            function=function,
            delegation=person.delegation,
            email=email,
            language=language,
            interpretation_language="ru" if language != "ru" else "en",
            consent_at=bishkek.starts_at,
            created_at=bishkek.starts_at,
            checked_in_at=bishkek.starts_at,
            manage_nonce=tokens.new_nonce(),
            manage_token_hash=secrets.token_hex(32),
            feed_token=secrets.token_urlsafe(32),
        )
        db.session.add(registration)
        db.session.flush()
        registration.manage_token_hash = tokens.token_hash(services.manage_token(registration))
        written += 1
    db.session.flush()
    return written
