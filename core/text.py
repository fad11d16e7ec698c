"""What a single line of text may hold, written once for the forms, the API and every output.

Titles, names, venues, rooms and addresses travel into mail headers, calendar properties, spreadsheet cells and
page titles, where a line break ends the header or the property and starts another, and where invisible bidi or
zero-width characters make one text look like another. Such a line refuses them; what was stored before this rule
is made one line again on the way out (one_line).
"""

import re

from flask_babel import lazy_gettext as _l

# C0 and C1 controls (line breaks and tabs included), the Unicode line and paragraph separators, the bidi marks
# (the Arabic letter mark too), embeddings, overrides and isolates, and the zero-width space, word joiner and
# byte-order mark. The zero-width joiner and non-joiner (U+200C, U+200D) stay: Persian, Hindi and other scripts
# need them inside words.
_CHARACTERS = "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
NOT_IN_A_LINE = re.compile(_CHARACTERS)
_RUNS = re.compile(_CHARACTERS + "+")
SINGLE_LINE_MESSAGE = _l("Write this on one line, without control characters or invisible formatting characters.")


def is_single_line(value: str) -> bool:
    return NOT_IN_A_LINE.search(value) is None


def one_line(value: str) -> str:
    """The value as one line: each run of what a line may not hold becomes one space."""
    return value if is_single_line(value) else _RUNS.sub(" ", value).strip()


_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_NOT_IN_PARAGRAPHS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def paragraphs(value: str) -> str:
    """A text of several lines as a consumer expects it: each line break a plain LF, and no other control or
    invisible formatting character."""
    return _NOT_IN_PARAGRAPHS.sub("", _BREAKS.sub("\n", value))
