"""Query parameters parsed into their ranges: a value out of range or malformed is a 400 that says which and why,
never a 500 from deep inside a query or a date computation."""

from collections.abc import Collection
from datetime import date

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

# The dates the app takes anywhere: outside them they are typing mistakes, and would overflow time zone arithmetic.
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)
# No list is longer than this many pages.
LAST_PAGE = 100_000


class BadQuery(BadRequest):
    """A query parameter out of its range; the description is shown to the reader."""


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise BadQuery(
            _("“%(value)s” is not a whole number from %(low)d to %(high)d.", value=_shown(raw), low=low, high=high)
        )
    return value


def date_arg(name: str, default: date) -> date:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or not EARLIEST <= value <= LATEST:
        raise BadQuery(
            _(
                "“%(value)s” is not a date from %(earliest)s to %(latest)s, written as YYYY-MM-DD.",
                value=_shown(raw),
                earliest=EARLIEST.isoformat(),
                latest=LATEST.isoformat(),
            )
        )
    return value


def choice_arg(name: str, allowed: Collection[str]) -> str:
    """One of `allowed`, or "" when the parameter is absent or empty (no filter)."""
    raw = request.args.get(name, "")
    if raw and raw not in allowed:
        raise BadQuery(_("“%(value)s” is not one of the choices of this list.", value=_shown(raw)))
    return raw


def _shown(raw: str) -> str:
    """What the reader sent, as much of it as a message can hold."""
    return raw if len(raw) <= 40 else raw[:40] + "…"
