"""Setting up events and programmes for the agenda tests through the same services the views use."""

from datetime import datetime, timedelta

from sqlalchemy import select

from accounts.models import User
from agenda import services
from core.db import db
from events.models import Event, MeetingRight, TeamGrant
from events.services import EventData, change_status, create_event
from tests.clock import YEAR
from tests.conftest import unit_of_work

# A meeting still to come, so that registration and invitations are open.
FUTURE = datetime(YEAR, 3, 12, 9)


def make_event(app, slug="vienna-2026", zone="Europe/Vienna", start=FUTURE, end=None, team=None, **extra):
    """An open meeting. Its team: the organisers named in `team` (e-mail addresses), by default every organiser
    there is, as the migration gave today's organisers today's meetings."""
    with unit_of_work(app):
        data = EventData(
            slug=slug,
            kind="conference",
            title={"en": "Conference on travel documents", "fr": "Conférence sur les documents de voyage"},
            starts_local=start,
            ends_local=end or start.replace(day=start.day + 1, hour=18),
            timezone=zone,
            venue="Hofburg",
            city="Vienna",
            paragraphs=["bucharest-2001:26"],
            **extra,
        )
        event = create_event(data)
        change_status(event, "open")
        organisers = select(User).where(User.role == "organiser")
        if team is not None:
            organisers = organisers.where(User.email.in_(team))
        for user in db.session.scalars(organisers):
            db.session.add(TeamGrant(event_id=event.id, user_id=user.id, right=MeetingRight.MANAGE))
        return event.id


def session_data(start, end, title="Opening session", **extra) -> services.SessionData:
    return services.SessionData(
        kind=extra.pop("kind", "plenary"),
        title={"en": title} if isinstance(title, str) else title,
        starts_local=start,
        ends_local=end,
        **extra,
    )


def add_session(app, event_id, start, end, title="Opening session", **extra) -> int:
    with unit_of_work(app):
        event = db.session.get(Event, event_id)
        return services.create_session(event, session_data(start, end, title, **extra), confirmed=True).id


def publish(app, event_id):
    with unit_of_work(app):
        return services.publish(db.session.get(Event, event_id)).number


def event_by_slug(slug):
    return db.session.scalar(select(Event).where(Event.slug == slug))


def bulk_programme(app, slug: str, count: int, per_day: int = 20) -> int:
    """An event of `count` sessions in two rooms, published: the size of a large conference and beyond."""
    from agenda.models import Session

    days = (count + per_day - 1) // per_day
    start = datetime(YEAR, 3, 1, 8)
    event_id = make_event(app, slug=slug, start=start, end=start + timedelta(days=days, hours=12))
    with unit_of_work(app):
        event = db.session.get(Event, event_id)
        rooms = [services.add_room(event, "Hall A"), services.add_room(event, "Hall B")]
        first = event.starts_at
        for index in range(count):
            day, slot = divmod(index, per_day)
            starts_at = first + timedelta(days=day, minutes=30 * (slot // 2))
            db.session.add(
                Session(
                    event_id=event_id,
                    uid=f"{slug}-{index:05d}",
                    kind="panel",
                    title={"en": f"Panel {index}", "ru": f"Панель номер {index}"},
                    description={"en": f"Discussion {index}, with questions from the floor."},
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=25),
                    room_id=rooms[slot % 2].id,
                    interpretation_languages=["en", "ru"],
                )
            )
        db.session.commit()
    publish(app, event_id)
    return event_id
