from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import Form, TranslatedFieldsMixin, add_translated_fields, choices
from core.i18n import localize
from outcomes.labels import IMPLEMENTATION_LABELS, KIND_LABELS
from outcomes.models import Outcome
from outcomes.services import OutcomeData, recordable_events, sessions_of
from plan.forms import actor_choices, paragraph_choices


class OutcomeForm(TranslatedFieldsMixin, Form):
    version = HiddenField()
    event_slug = SelectField(_l("Meeting"), validate_choice=False)
    session_uid = SelectField(_l("Session (optional)"), validate_choice=False)
    kind = SelectField(_l("Kind of outcome"), choices=choices(KIND_LABELS.items()))
    # The service checks references and codes and names any unknown one in its message.
    paragraphs = SelectMultipleField(_l("Plan paragraphs followed up"), validate_choice=False)
    actors = SelectMultipleField(_l("Responsible bodies"), validate_choice=False)
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    implementation_status = SelectField(_l("Implementation status"), choices=choices(IMPLEMENTATION_LABELS.items()))

    def __init__(self, *args, event=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_slug.choices = choices(
            [("", _l("None: set by the plan itself"))]
            + [(e.slug, localize(e.title).text) for e in recordable_events(user)]
        )
        sessions = sessions_of(event, user) if event is not None else []
        self.session_uid.choices = choices(
            [("", _l("The meeting as a whole"))] + [(s.uid, localize(s.title).text) for s in sessions]
        )
        self.paragraphs.choices = paragraph_choices()
        self.actors.choices = actor_choices()

    def to_data(self) -> OutcomeData:
        return OutcomeData(
            event_slug=self.event_slug.data or "",
            session_uid=self.session_uid.data or "",
            kind=self.kind.data,
            text=self.translations("text"),
            paragraphs=self.paragraphs.data or [],
            actors=self.actors.data or [],
            deadline=self.deadline.data,
            implementation_status=self.implementation_status.data,
        )

    def fill_from(self, outcome: Outcome) -> None:
        self.version.data = str(outcome.version)
        self.event_slug.data = outcome.event.slug if outcome.event else ""
        self.session_uid.data = outcome.session.uid if outcome.session else ""
        self.kind.data = outcome.kind
        self.fill_translations("text", outcome.text)
        self.paragraphs.data = [p.reference for p in outcome.paragraphs]
        self.actors.data = [a.code for a in outcome.actors]
        self.deadline.data = outcome.deadline
        self.implementation_status.data = outcome.implementation_status


add_translated_fields(OutcomeForm, "text", TextAreaField, validators=[Length(max=20000)])


class ReturnForm(Form):
    comment = TextAreaField(_l("Why is it returned?"), validators=[DataRequired(), Length(max=5000)])


class StatusUpdateForm(Form):
    on = DateField(_l("Date"), validators=[DataRequired()])
    status = SelectField(_l("Implementation status"), choices=choices(IMPLEMENTATION_LABELS.items()))
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])


class ImportForm(Form):
    spreadsheet = FileField(_l("Spreadsheet (.xlsx)"), validators=[FileRequired()])
