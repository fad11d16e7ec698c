"""Languages of the interface and of content, and formatting in the reader's locale and the event's zone."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_interval,
    format_time,
    get_timezone_gmt,
    get_timezone_name,
)
from babel.numbers import format_decimal
from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

LANGUAGES = ("en", "fr", "de", "it", "ru", "es")
# Each language named in itself, as a switcher must show it.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "it": "Italiano",
    "ru": "Русский",
    "es": "Español",
}
# When a text is missing in the reader's language: the two working languages of the texts come first.
FALLBACK_ORDER = ("en", "fr", "de", "it", "ru", "es")

# The organisation writes British English: dates as "13 December 2001, 09:30".
FORMAT_LOCALES = {"en": "en_GB"}

babel = Babel()


def _in_api() -> bool:
    """The JSON API keeps no session and changes no profile: its language comes from Accept-Language alone."""
    from core.api import is_api_request  # core.api builds on this module

    return is_api_request()


def select_locale() -> str:
    if not has_request_context():
        return "en"
    if _in_api():
        return request.accept_languages.best_match(LANGUAGES) or "en"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    return request.accept_languages.best_match(LANGUAGES) or "en"


def remember_requested_language() -> None:
    """?lang=xx on any page switches the interface for the session. A GET changes nothing stored (another site
    could make a browser send it): the profile's language changes only by posting the profile form."""
    requested = request.args.get("lang")
    if requested not in LANGUAGES or _in_api():
        return
    session["lang"] = requested


def switch_language_url(code: str) -> str:
    """This very page in another language."""
    args = request.args.to_dict(flat=True)
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"


def current_language() -> str:
    return str(get_locale() or "en")


def format_locale() -> str:
    language = current_language()
    return FORMAT_LOCALES.get(language, language)


def language_name(code: str, in_language: str | None = None) -> str:
    """The name of a language in another language (French in Russian: французский)."""
    return Locale.parse(code).get_display_name(in_language or current_language())


@dataclass(frozen=True)
class LocalizedText:
    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def localize(texts: dict | None, language: str | None = None) -> LocalizedText:
    """The text in the reader's language, or the best other one, marked as a fallback."""
    language = language or current_language()
    texts = {code: value for code, value in (texts or {}).items() if value}
    if language in texts:
        return LocalizedText(texts[language], language, False)
    for code in FALLBACK_ORDER:
        if code in texts:
            return LocalizedText(texts[code], code, True)
    return LocalizedText("", language, False)


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_known_zone(name: str) -> bool:
    return name in _zone_names()


def _zone_names() -> frozenset[str]:
    if not hasattr(_zone_names, "cache"):
        _zone_names.cache = frozenset(available_timezones())
    return _zone_names.cache


def zone_choices() -> list[str]:
    return sorted(name for name in _zone_names() if "/" in name and not name.startswith(("Etc/", "SystemV/")))


def format_instant(value: datetime, zone_name: str, format: str = "medium") -> str:
    """An instant in the given zone, formatted for the reader's locale; the offset comes from the tz database.

    "day" gives the full date with hours and minutes, joined as the locale joins them.
    """
    if format != "day":
        return format_datetime(value, format, tzinfo=ZoneInfo(zone_name), locale=format_locale())
    locale = Locale.parse(format_locale())
    local = value.astimezone(ZoneInfo(zone_name))
    pattern = locale.datetime_formats["full"]
    return pattern.format(format_time(local, "short", locale=locale), format_date(local, "full", locale=locale))


def format_day(value, format: str = "long") -> str:
    return format_date(value, format, locale=format_locale())


def format_clock(value: datetime) -> str:
    """Hours and minutes of an already-localised instant, as the reader's locale writes them."""
    return format_time(value, "short", tzinfo=value.tzinfo, locale=format_locale())


def format_number(value: int | float) -> str:
    return format_decimal(value, locale=format_locale())


def format_span(start: datetime, end: datetime, zone_name: str, skeleton: str = "yMMMd") -> str:
    return format_interval(start, end, skeleton, tzinfo=ZoneInfo(zone_name), locale=format_locale())


def describe_zone(value: datetime, zone_name: str) -> str:
    """'Kyrgyzstan Time (GMT+05:00)': the zone's name and its offset on that very date."""
    tz = ZoneInfo(zone_name)
    local = value.astimezone(tz)
    name = get_timezone_name(local, locale=format_locale())
    return f"{name} ({get_timezone_gmt(local, locale=format_locale())})"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    app.before_request(remember_requested_language)

    @app.context_processor
    def language_context():
        return {
            "LANGUAGES": LANGUAGES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "current_language": current_language(),
            "localize": localize,
            "language_name": language_name,
            "switch_language_url": switch_language_url,
        }

    app.jinja_env.filters["instant"] = format_instant
    app.jinja_env.filters["span"] = format_span
    app.jinja_env.filters["local_date"] = format_day
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.filters["format_number"] = format_number
    app.jinja_env.filters["zone_label"] = describe_zone
