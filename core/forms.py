"""Form pieces shared by every domain: choices, checkbox lists and content in several languages."""

from collections.abc import Iterable

from flask import flash
from flask_babel import LazyString
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from core.i18n import LANGUAGES, language_name


def choices(pairs: Iterable[tuple], optgroup: str | None = None) -> list[SelectChoice]:
    return [SelectChoice(str(value), label, optgroup=optgroup) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TranslatedFieldsMixin:
    """One input per language for each content field; the template groups them and marks the missing ones."""

    def translations(self, name: str) -> dict[str, str]:
        return {code: (getattr(self, f"{name}_{code}").data or "") for code in LANGUAGES}

    def fill_translations(self, name: str, values: dict | None) -> None:
        for code in LANGUAGES:
            getattr(self, f"{name}_{code}").data = (values or {}).get(code, "")

    def language_fields(self, name: str) -> list:
        return [getattr(self, f"{name}_{code}") for code in LANGUAGES]


def add_translated_fields(form_class: type[FlaskForm], name: str, field_class, **kwargs) -> None:
    """Adds name_en … name_es, each labelled with its language's name in the reader's language."""
    for code in LANGUAGES:
        setattr(
            form_class,
            f"{name}_{code}",
            field_class(LazyString(language_name, code), render_kw={"lang": code}, **kwargs),
        )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


def show_errors(form: FlaskForm, errors: dict, aliases: dict[str, str] | None = None) -> None:
    """Puts each refusal of a service next to its field; one that belongs to no field becomes a flash message.

    aliases name the field that stands for a whole group, such as the English title for "title".
    """
    for name, message in errors.items():
        field = getattr(form, (aliases or {}).get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
        else:
            flash(str(message), "error")
