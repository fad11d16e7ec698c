from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from accounts.admin import ROLE_NAMES
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


class InviteUserForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"))
    language = SelectField(_l("Language of the mail"), choices=choices(LANGUAGE_NAMES.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class UserForm(Form):
    role = SelectField(_l("Role"))
    body = SelectField(_l("Staff of the organising body"))
    active = BooleanField(_l("The account may sign in"))

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
        self.body.choices = choices([("", _l("None")), *bodies])


def role_choices():
    return choices((str(role), name) for role, name in ROLE_NAMES.items())


class DeleteAccountForm(Form):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()], id="delete-password")
