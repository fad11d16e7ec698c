"""Form pieces shared by every domain: choices, checkbox lists and content in several languages."""

from collections.abc import Iterable
from datetime import date, datetime

from flask import flash
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeField, PasswordField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from core.i18n import LANGUAGES, language_name
from core.params import EARLIEST, LATEST
from core.text import SINGLE_LINE_MESSAGE, is_single_line


class Form(FlaskForm):
    """Every form of the app: CSRF (FlaskForm), single-line fields that refuse what a line may not hold, and dates
    within the years the app takes (core.params)."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if _single_line(field) and isinstance(field.data, str) and not is_single_line(field.data):
                field.errors = [*field.errors, str(SINGLE_LINE_MESSAGE)]
                valid = False
            elif isinstance(field, DateTimeField) and field.data is not None and not _in_range(field.data):
                field.errors = [
                    *field.errors,
                    _("Give a date from %(earliest)s to %(latest)s.", earliest=EARLIEST.year, latest=LATEST.year),
                ]
                valid = False
        return valid


def _in_range(value: date | datetime) -> bool:
    return EARLIEST <= (value.date() if isinstance(value, datetime) else value) <= LATEST


class LinesOfOneLine:
    """For a text area holding a list, one item per line (speakers): each line is held to the single-line rule."""

    message = _l("Write one item per line, without control characters or invisible formatting characters.")

    def __call__(self, _form, field) -> None:
        if any(not is_single_line(line) for line in (field.data or "").splitlines()):
            raise ValidationError(str(self.message))


class OneLine:
    """The single-line rule as a validator, for the forms that are not this app's Form (Flask-Security's)."""

    def __call__(self, _form, field) -> None:
        if isinstance(field.data, str) and not is_single_line(field.data):
            raise ValidationError(str(SINGLE_LINE_MESSAGE))


def _single_line(field) -> bool:
    """Text inputs hold one line; text areas hold paragraphs; a password is checked as a whole, never shown."""
    return isinstance(field, StringField) and not isinstance(field, TextAreaField | PasswordField)


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


def add_translated_fields(form_class: type[Form], name: str, field_class, **kwargs) -> None:
    """Adds name_en … name_es, each labelled with its language's name in the reader's language."""
    for code in LANGUAGES:
        setattr(
            form_class,
            f"{name}_{code}",
            field_class(LazyString(language_name, code), render_kw={"lang": code}, **kwargs),
        )


class ActionForm(Form):
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
