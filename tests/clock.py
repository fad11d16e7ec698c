"""Dates for the tests, derived from the clock, so that the suite passes on any day it runs.

A meeting "next year" is always still to come: registration and invitations are open for it, and nothing about it
depends on the day the suite runs. Tests that need one fixed instant freeze the clock explicitly (time-machine).
"""

from datetime import date, timedelta

YEAR = date.today().year + 1


def last_sunday_of_march(year: int = YEAR) -> date:
    """The day clocks go forward in the European Union (and so in Vienna)."""
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)
