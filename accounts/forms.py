from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from accounts.tokens import MAX_NAME_LENGTH
from core.forms import Form, choices
from core.i18n import LANGUAGE_NAMES, is_known_zone, zone_choices


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    language = SelectField(_l("Preferred language"), choices=choices(LANGUAGE_NAMES.items()))
    timezone = SelectField(_l("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = choices((name, name) for name in ["UTC", *zone_choices()])

    def validate_timezone(self, field):
        if field.data != "UTC" and not is_known_zone(field.data):
            raise ValidationError(_l("Unknown time zone."))


class ApiTokenForm(Form):
    # Its own id: the preferences form on the same page has a "name" field too.
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)], id="token-name")
