"""One demo user per role, so that every part of the app can be tried at once."""

from sqlalchemy import select

from accounts.models import User
from core.db import db, utcnow

DEMO_USERS = (
    ("admin@example.org", "admin-demo-2001", "admin", "Ana Administrator", "en", "Europe/Vienna"),
    ("organiser@example.org", "organiser-demo-2001", "organiser", "Olga Organiser", "fr", "Europe/Vienna"),
    ("rapporteur@example.org", "rapporteur-demo-2001", "rapporteur", "Rafael Rapporteur", "es", "Europe/Madrid"),
    ("participant@example.org", "participant-demo-2001", "participant", "Pavel Participant", "ru", "Asia/Bishkek"),
    # A second organiser, on the team of one meeting only (events.demo gives the rights).
    ("internet-organiser@example.org", "internet-demo-2005", "organiser", "Ines Internet", "de", "Europe/Vienna"),
)
# What each demo account may do beyond its role, as seed-demo prints it.
DEMO_SCOPES = {
    "organiser@example.org": "manages every demo meeting",
    "internet-organiser@example.org": "manages only internet-workshop-2005",
}


def existing_demo_accounts() -> list[tuple[str, str, str, str]]:
    """(e-mail, password, role, scope) of the demo accounts in the database."""
    existing = set(db.session.scalars(select(User.email)))
    return [
        (email, password, role, DEMO_SCOPES.get(email, ""))
        for email, password, role, *_ in DEMO_USERS
        if email in existing
    ]


def seed() -> None:
    """Creates the demo users that are missing; existing accounts (and their passwords) are left alone."""
    existing = set(db.session.scalars(select(User.email)))
    for email, password, role, name, language, timezone in DEMO_USERS:
        if email in existing:
            continue
        user = User(email=email, role=role, name=name, language=language, timezone=timezone, confirmed_at=utcnow())
        user.set_password(password)
        db.session.add(user)
    db.session.flush()
