"""Reads the committed catalogs, so tests can expect a message in a language without copying its translation."""

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


@cache
def catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def translated(message: str, language: str, **values) -> str:
    entry = catalog(language).get(message)
    assert entry is not None and entry.string, f"{message!r} has no {language} translation"
    text = entry.string if isinstance(entry.string, str) else entry.string[0]
    return text % values if values else text
