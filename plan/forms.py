from wtforms.fields.choices import SelectChoice

from core.i18n import localize
from plan.services import actors, all_paragraphs


def paragraph_choices() -> list[SelectChoice]:
    """Every paragraph, grouped by document, for a multiple select."""
    return [
        SelectChoice(p.reference, f"{p.label} — {localize(p.heading)}", optgroup=str(localize(p.document.title)))
        for p in all_paragraphs()
    ]


def actor_choices() -> list[SelectChoice]:
    return [SelectChoice(a.code, f"{localize(a.abbreviation)} — {localize(a.name)}") for a in actors()]
