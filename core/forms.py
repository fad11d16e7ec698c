"""Small helpers shared by the forms of every domain."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple], optgroup: str | None = None) -> list[SelectChoice]:
    return [SelectChoice(str(value), label, optgroup=optgroup) for value, label in pairs]
