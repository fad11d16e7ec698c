from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from core.forms import Form, TranslatedFieldsMixin, add_translated_fields, choices
from core.i18n import LANGUAGE_NAMES, LANGUAGES, language_name, localize
from participants.labels import DELEGATION_KIND_LABELS, ROLE_LABELS
from participants.models import Invitation, Person, Registration
from participants.services import PersonData, RegistrationData, delegations
from plan.forms import actor_choices

HONORIFICS = ("", "Mr", "Ms", "Dr", "Prof.", "H.E.")


def _delegation_choices(blank: str):
    return choices([("", blank)] + [(d.code, localize(d.name).text) for d in delegations()])


def _language_choices():
    return choices((code, language_name(code)) for code in LANGUAGES)


class PersonFieldsMixin:
    def person_data(self) -> PersonData:
        return PersonData(
            email=self.email.data or "",
            given_name=self.given_name.data or "",
            family_name=self.family_name.data or "",
            honorific=self.honorific.data or "",
            function=self.function.data or "",
            language=self.language.data or "en",
            delegation_code=self.delegation_code.data or "",
        )


class PersonForm(PersonFieldsMixin, Form):
    honorific = SelectField(_l("Form of address"), choices=choices((h, h or "—") for h in HONORIFICS))
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=120)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    function = StringField(_l("Function"), validators=[Length(max=200)])
    language = SelectField(_l("Preferred language"), choices=choices(LANGUAGE_NAMES.items()))
    delegation_code = SelectField(_l("Delegation"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = _language_choices()
        self.delegation_code.choices = _delegation_choices(_l("None"))

    def fill_from(self, person: Person) -> None:
        for name in ("honorific", "given_name", "family_name", "email", "function", "language"):
            getattr(self, name).data = getattr(person, name)
        self.delegation_code.data = person.delegation.code if person.delegation else ""


class DelegationForm(TranslatedFieldsMixin, Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=60)])
    kind = SelectField(_l("Kind"), choices=choices(DELEGATION_KIND_LABELS.items()))
    actor_code = SelectField(_l("Body named in the plan"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor_code.choices = [*choices([("", _l("None"))]), *actor_choices()]


add_translated_fields(DelegationForm, "name", StringField, validators=[Length(max=300)])


class InvitePeopleForm(Form):
    people = SelectMultipleField(_l("People"), coerce=int, validate_choice=False)


class InviteDelegationsForm(Form):
    delegations = SelectMultipleField(_l("Delegations"), validate_choice=False)


class UploadForm(Form):
    spreadsheet = FileField(_l("Spreadsheet (.xlsx)"), validators=[FileRequired()])


class DeclineForm(Form):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=2000)])


class ColleagueForm(PersonFieldsMixin, Form):
    honorific = SelectField(_l("Form of address"), choices=choices((h, h or "—") for h in HONORIFICS))
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=120)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    function = StringField(_l("Function"), validators=[Length(max=200)])
    language = SelectField(_l("Preferred language"))
    delegation_code = SelectField(_l("Delegation"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = _language_choices()
        self.delegation_code.choices = _delegation_choices(_l("Same as mine"))


class RegistrationForm(Form):
    honorific = SelectField(_l("Form of address"), choices=choices((h, h or "—") for h in HONORIFICS))
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=120)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=120)])
    function = StringField(_l("Function"), validators=[Length(max=200)])
    delegation_code = SelectField(_l("Delegation"), validate_choice=False)
    organisation = StringField(
        _l("Organisation"), description=_l("If your delegation is not in the list."), validators=[Length(max=200)]
    )
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    language = SelectField(_l("Preferred language"))
    interpretation_language = SelectField(_l("Interpretation into"))
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
    accessibility_needs = TextAreaField(_l("Accessibility needs"), validators=[Length(max=2000)])
    visa_letter = BooleanField(_l("I need a letter of invitation for my visa application"))
    dietary_needs = StringField(_l("Dietary needs"), validators=[Length(max=300)])
    consent = BooleanField(
        _l(
            "I agree that the organisers process my personal data to organise the meeting, and keep it for no "
            "longer than needed for that purpose."
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = _language_choices()
        self.interpretation_language.choices = [*choices([("", _l("None needed"))]), *_language_choices()]
        self.delegation_code.choices = _delegation_choices(_l("Not in the list"))

    def to_data(self) -> RegistrationData:
        return RegistrationData(
            given_name=self.given_name.data or "",
            family_name=self.family_name.data or "",
            email=self.email.data or "",
            role=self.role.data,
            language=self.language.data or "en",
            consent=bool(self.consent.data),
            honorific=self.honorific.data or "",
            function=self.function.data or "",
            delegation_code=self.delegation_code.data or "",
            organisation=self.organisation.data or "",
            interpretation_language=self.interpretation_language.data or "",
            accessibility_needs=self.accessibility_needs.data or "",
            visa_letter=bool(self.visa_letter.data),
            dietary_needs=self.dietary_needs.data or "",
        )

    def prefill_from_invitation(self, invitation: Invitation) -> None:
        person = invitation.person
        self.honorific.data, self.given_name.data = person.honorific, person.given_name
        self.family_name.data, self.function.data = person.family_name, person.function
        self.email.data, self.language.data = person.email, invitation.language
        self.delegation_code.data = person.delegation.code if person.delegation else ""

    def fill_from(self, registration: Registration) -> None:
        for name in (
            "honorific",
            "given_name",
            "family_name",
            "function",
            "organisation",
            "email",
            "language",
            "interpretation_language",
            "role",
            "accessibility_needs",
            "visa_letter",
            "dietary_needs",
        ):
            getattr(self, name).data = getattr(registration, name)
        self.delegation_code.data = registration.delegation.code if registration.delegation else ""
        self.consent.data = True
