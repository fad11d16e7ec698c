from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from core.forms import Form, MultiCheckboxField, TranslatedFieldsMixin, add_translated_fields, choices
from core.i18n import LANGUAGES, language_name, localize
from core.rules import can
from events.labels import KIND_LABELS, RECURRENCE_LABELS, RIGHT_LABELS, VISIBILITY_LABELS
from events.models import Event, MeetingRight, Series
from events.services import EventData, SeriesData, all_series, to_local
from events.team import GrantData
from plan.forms import actor_choices, paragraph_choices

SLUG_RULE = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use only lower-case letters, digits and single hyphens."))
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class EventForm(TranslatedFieldsMixin, Form):
    version = HiddenField()
    slug = StringField(
        _l("Address"),
        description=_l("Part of the page address, e.g. bishkek-2001."),
        validators=[DataRequired(), Length(max=80), SLUG_RULE],
    )
    kind = SelectField(_l("Kind of event"), choices=choices(KIND_LABELS.items()))
    starts_at = DateTimeLocalField(_l("Start"), format=LOCAL_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("End"), format=LOCAL_FORMAT, validators=[DataRequired()])
    timezone = StringField(
        _l("Time zone"),
        description=_l("The zone of the venue, from the tz database, e.g. Europe/Vienna or Asia/Bishkek."),
        validators=[DataRequired(), Length(max=64)],
    )
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    city = StringField(_l("City"), validators=[Length(max=100)])
    working_languages = MultiCheckboxField(_l("Working languages"))
    capacity = IntegerField(
        _l("Capacity"),
        description=_l("Leave empty for no limit."),
        validators=[Optional(), NumberRange(min=1)],
    )
    retention_months = IntegerField(
        _l("Erase the participants' personal data, months after the meeting"),
        description=_l(
            "Their names, addresses and needs are erased that many months after the meeting ends; the counts, "
            "delegations and outcomes stay. Leave empty to keep them."
        ),
        validators=[Optional(), NumberRange(min=1, max=120)],
    )
    registration_deadline = DateTimeLocalField(
        _l("Registration deadline"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    visibility = SelectField(_l("Visibility"), choices=choices(VISIBILITY_LABELS.items()))
    requires_approval = BooleanField(_l("Registrations wait for an organiser's approval"))
    # The service checks these against the database and names any unknown value in its message.
    organisers = SelectMultipleField(_l("Organising bodies"), validate_choice=False)
    partners = SelectMultipleField(_l("Partner organisations"), validate_choice=False)
    paragraphs = SelectMultipleField(_l("Plan paragraphs followed up"), validate_choice=False)
    series = SelectField(_l("Series"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.working_languages.choices = choices((code, language_name(code)) for code in LANGUAGES)
        self.organisers.choices = self.partners.choices = actor_choices()
        self.paragraphs.choices = paragraph_choices()
        # The series the reader manages (a meeting joins one only so): the meeting's own stays listed.
        series = [s for s in all_series() if can(current_user, MeetingRight.MANAGE, s)]
        self.series.choices = choices([("", _l("None"))] + [(s.slug, str(localize(s.title))) for s in series])

    def to_data(self) -> EventData:
        return EventData(
            slug=self.slug.data.strip(),
            kind=self.kind.data,
            title=self.translations("title"),
            description=self.translations("description"),
            starts_local=self.starts_at.data,
            ends_local=self.ends_at.data,
            timezone=self.timezone.data.strip(),
            venue=self.venue.data or "",
            city=self.city.data or "",
            working_languages=self.working_languages.data or [],
            capacity=self.capacity.data,
            retention_months=self.retention_months.data,
            registration_deadline_local=self.registration_deadline.data,
            visibility=self.visibility.data,
            requires_approval=self.requires_approval.data,
            organisers=self.organisers.data or [],
            partners=self.partners.data or [],
            paragraphs=self.paragraphs.data or [],
            series_slug=self.series.data or "",
        )

    def fill_from(self, event: Event) -> None:
        self.version.data = str(event.version)
        self.slug.data = event.slug
        self.kind.data = event.kind
        self.fill_translations("title", event.title)
        self.fill_translations("description", event.description)
        self.starts_at.data = to_local(event.starts_at, event.timezone)
        self.ends_at.data = to_local(event.ends_at, event.timezone)
        self.timezone.data = event.timezone
        self.venue.data, self.city.data = event.venue, event.city
        self.working_languages.data = list(event.working_languages or [])
        self.capacity.data = event.capacity
        self.retention_months.data = event.retention_months
        self.registration_deadline.data = (
            to_local(event.registration_deadline, event.timezone) if event.registration_deadline else None
        )
        self.visibility.data = event.visibility
        self.requires_approval.data = event.requires_approval
        self.organisers.data = [a.code for a in event.organisers]
        self.partners.data = [a.code for a in event.partners]
        self.paragraphs.data = [p.reference for p in event.paragraphs]
        self.series.data = event.series.slug if event.series else ""
        if event.series and all(choice.value != event.series.slug for choice in self.series.choices):
            self.series.choices.append(SelectChoice(event.series.slug, str(localize(event.series.title))))


add_translated_fields(EventForm, "title", StringField, validators=[Length(max=300)])
add_translated_fields(EventForm, "description", TextAreaField, validators=[Length(max=20000)])


class SeriesForm(TranslatedFieldsMixin, Form):
    slug = StringField(_l("Address"), validators=[DataRequired(), Length(max=80), SLUG_RULE])
    recurrence = SelectField(_l("Recurrence"), choices=choices([("", _l("Irregular")), *RECURRENCE_LABELS.items()]))
    convened_by = SelectField(_l("Convened by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.convened_by.choices = [SelectChoice("", _l("None")), *actor_choices()]

    def to_data(self) -> SeriesData:
        return SeriesData(
            slug=self.slug.data.strip(),
            title=self.translations("title"),
            description=self.translations("description"),
            recurrence=self.recurrence.data or "",
            convened_by=self.convened_by.data or "",
        )

    def fill_from(self, series: Series) -> None:
        self.slug.data = series.slug
        self.fill_translations("title", series.title)
        self.fill_translations("description", series.description)
        self.recurrence.data = series.recurrence
        self.convened_by.data = series.convened_by.code if series.convened_by else ""


add_translated_fields(SeriesForm, "title", StringField, validators=[Length(max=300)])
add_translated_fields(SeriesForm, "description", TextAreaField, validators=[Length(max=20000)])


class StatusForm(Form):
    status = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Note for the record (optional)"), validators=[Length(max=1000)])


class TeamForm(Form):
    """A right for one organiser (by e-mail address) or for the staff of an organising body."""

    right = SelectField(_l("Right"), choices=choices(RIGHT_LABELS.items()))
    email = StringField(_l("Organiser's e-mail address"), validators=[Length(max=254)])
    body = SelectField(_l("Or the staff of a body"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body.choices = [SelectChoice("", _l("None")), *actor_choices()]

    def to_data(self) -> GrantData:
        return GrantData(right=self.right.data, email=(self.email.data or "").strip(), body=self.body.data or "")
