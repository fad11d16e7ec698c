"""iCalendar (RFC 5545) feeds of published programmes and of series of meetings.

The icalendar library escapes text (commas, semicolons, backslashes, line breaks) and folds lines at 75 octets
without splitting a UTF-8 character; VTIMEZONE blocks are generated from the tz database for the very dates of
the events, so Bishkek in 2001 gets its +05:00 of the time, not today's rules.
"""

from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from threading import Lock
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Timezone, vRecur
from icalendar import Event as VEvent

from core.i18n import localize
from core.text import one_line, paragraphs
from events.models import CANCELLED, Event, Series

PRODUCT_ID = "-//Plan of Action follow-up meetings//EN"
RENDERED_LIMIT = 64
UID_DOMAIN = "follow-up-meetings"


_rendered: OrderedDict[tuple, bytes] = OrderedDict()
_rendered_lock = Lock()


def rendered(key: tuple, render: Callable[[], bytes]) -> bytes:
    """A feed rendered once per key and kept (least recently used first out).

    The key holds everything that goes into the feed (publication number, event version, language, address), so
    a kept feed is never stale and every app instance renders the same bytes: nothing here breaks running several
    instances side by side. Rendering 500 sessions costs about a hundred milliseconds; a kept one costs nothing.
    """
    with _rendered_lock:
        if key in _rendered:
            _rendered.move_to_end(key)
            return _rendered[key]
    body = render()
    with _rendered_lock:
        _rendered[key] = body
        while len(_rendered) > RENDERED_LIMIT:
            _rendered.popitem(last=False)
    return body


def _calendar(name: str, zone_name: str, first: date, last: date) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", zone_name)
    # One day of margin: a session late at night may end on the next local day.
    calendar.add_component(
        Timezone.from_tzid(zone_name, first_date=first - timedelta(days=1), last_date=last + timedelta(days=1))
    )
    return calendar


def _person(person: dict) -> str:
    return f"{person['name']} ({person['affiliation']})" if person.get("affiliation") else person["name"]


def _session_description(item: dict, language: str) -> str:
    parts = []
    if text := localize(item.get("description"), language).text:
        parts.append(text)
    if item.get("chair"):
        parts.append(_("Chair: %(name)s", name=_person(item["chair"])))
    if item.get("speakers"):
        parts.append(_("Speakers: %(names)s", names="; ".join(_person(p) for p in item["speakers"])))
    if item.get("paragraphs"):
        parts.append(_("Plan paragraphs: %(refs)s", refs=", ".join(item["paragraphs"])))
    return "\n\n".join(parts)


def sessions_calendar(
    event: Event, items: list[dict], language: str, agenda_url: str, stamp: datetime, name: str
) -> bytes:
    """The published sessions (cancelled and removed ones included, marked CANCELLED) as one calendar."""
    zone = ZoneInfo(event.timezone)
    starts = [datetime.fromisoformat(item["starts_at"]) for item in items] or [event.starts_at]
    ends = [datetime.fromisoformat(item["ends_at"]) for item in items] or [event.ends_at]
    with force_locale(language):
        calendar = _calendar(
            name, event.timezone, min(starts).astimezone(zone).date(), max(ends).astimezone(zone).date()
        )
        place = ", ".join(part for part in (event.venue, event.city) if part)
        for item in items:
            vevent = VEvent()
            vevent.add("uid", f"{item['uid']}@{UID_DOMAIN}")
            vevent.add("dtstamp", stamp)
            vevent.add("last-modified", datetime.fromisoformat(item["last_modified"]))
            vevent.add("sequence", item["sequence"])
            vevent.add("dtstart", datetime.fromisoformat(item["starts_at"]).astimezone(zone))
            vevent.add("dtend", datetime.fromisoformat(item["ends_at"]).astimezone(zone))
            vevent.add("summary", one_line(localize(item["title"], language).text))
            vevent.add("status", "CANCELLED" if item.get("cancelled") else "CONFIRMED")
            location = ", ".join(part for part in (item.get("room"), place) if part)
            if location:
                vevent.add("location", one_line(location))
            if description := _session_description(item, language):
                vevent.add("description", paragraphs(description))
            vevent.add("url", f"{agenda_url}#session-{item['uid']}")
            calendar.add_component(vevent)
    return calendar.to_ical()


def series_calendar(series: Series, events: list[Event], language: str, urls: dict[str, str], stamp: datetime) -> bytes:
    """The meetings of a series as one recurring event: an RRULE, EXDATE for a cancelled meeting, and for each
    held one an override (RECURRENCE-ID) carrying its real dates, title and place, as calendar clients expect.

    urls maps the series slug and each meeting's slug to its page."""
    occurrences = sorted(events, key=lambda e: e.starts_at)
    first = occurrences[0]
    zone = ZoneInfo(first.timezone)
    start = first.starts_at.astimezone(zone)
    length = first.ends_at - first.starts_at
    rule = f"{series.recurrence};COUNT={len(occurrences)}" if series.recurrence else ""
    expected = list(rrulestr(rule, dtstart=start)) if rule else [start]
    last = max(e.ends_at for e in occurrences).astimezone(zone).date()
    title = localize(series.title, language).text
    calendar = _calendar(title, first.timezone, start.date(), max(last, expected[-1].date()))

    master = VEvent()
    master.add("uid", f"series-{series.slug}@{UID_DOMAIN}")
    master.add("dtstamp", stamp)
    master.add("dtstart", start)
    master.add("dtend", start + length)
    master.add("summary", one_line(title))
    master.add("url", urls[series.slug])
    if rule:
        master.add("rrule", vRecur.from_ical(rule))
        cancelled = [expected[i] for i, e in enumerate(occurrences) if e.status == CANCELLED and i < len(expected)]
        if cancelled:
            master.add("exdate", cancelled)
    if text := localize(series.description, language).text:
        master.add("description", paragraphs(text))
    calendar.add_component(master)

    for index, event in enumerate(occurrences[: len(expected)]):
        if event.status == CANCELLED:
            continue
        override = VEvent()
        override.add("uid", f"series-{series.slug}@{UID_DOMAIN}")
        override.add("recurrence-id", expected[index])
        override.add("dtstamp", stamp)
        override.add("dtstart", event.starts_at.astimezone(zone))
        override.add("dtend", event.ends_at.astimezone(zone))
        override.add("summary", one_line(localize(event.title, language).text))
        override.add("location", one_line(", ".join(part for part in (event.venue, event.city) if part)))
        override.add("url", urls[event.slug])
        calendar.add_component(override)
    return calendar.to_ical()
