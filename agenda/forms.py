from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from accounts.models import User
from agenda.labels import SESSION_KIND_LABELS
from agenda.models import Session
from agenda.services import SessionData, draft_data
from core.db import db
from core.forms import Form, LinesOfOneLine, MultiCheckboxField, TranslatedFieldsMixin, add_translated_fields, choices
from core.i18n import LANGUAGES, language_name
from core.roles import ORGANISER, RAPPORTEUR
from core.rules import roles_with
from events.forms import LOCAL_FORMAT
from plan.forms import paragraph_choices

CONFIRM_LABEL = _l("Save despite these warnings")


class SessionForm(TranslatedFieldsMixin, Form):
    version = HiddenField()
    kind = SelectField(_l("Kind of session"), choices=choices(SESSION_KIND_LABELS.items()))
    starts_at = DateTimeLocalField(_l("Start"), format=LOCAL_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("End"), format=LOCAL_FORMAT, validators=[DataRequired()])
    room = StringField(
        _l("Room"), render_kw={"list": "room-names", "autocomplete": "off"}, validators=[Length(max=120)]
    )
    chair = StringField(_l("Chair"), description=_l("Name (Affiliation)"), validators=[Length(max=400)])
    speakers = TextAreaField(
        _l("Speakers"),
        description=_l("One per line: Name (Affiliation)."),
        validators=[Length(max=10000), LinesOfOneLine()],
    )
    rapporteur_id = SelectField(_l("Rapporteur"), coerce=lambda value: int(value) if value else None)
    interpretation_languages = MultiCheckboxField(_l("Interpretation"))
    # The service checks the references and names any unknown one in its message.
    paragraphs = SelectMultipleField(_l("Plan paragraphs addressed"), validate_choice=False)
    confirm = BooleanField(CONFIRM_LABEL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.interpretation_languages.choices = choices((code, language_name(code)) for code in LANGUAGES)
        self.paragraphs.choices = paragraph_choices()
        users = db.session.scalars(
            select(User)
            .where(User.role.in_(roles_with(RAPPORTEUR, ORGANISER)), User.active.is_(True))
            .order_by(User.name)
        )
        self.rapporteur_id.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(user.id), user.name or user.email) for user in users
        ]

    def to_data(self) -> SessionData:
        return SessionData(
            kind=self.kind.data,
            title=self.translations("title"),
            description=self.translations("description"),
            starts_local=self.starts_at.data,
            ends_local=self.ends_at.data,
            room=self.room.data or "",
            chair=self.chair.data or "",
            speakers=[line for line in (self.speakers.data or "").splitlines() if line.strip()],
            rapporteur_id=self.rapporteur_id.data,
            interpretation_languages=self.interpretation_languages.data or [],
            paragraphs=self.paragraphs.data or [],
        )

    def fill_from(self, session: Session) -> None:
        data = draft_data(session)
        self.version.data = str(session.version)
        self.kind.data = data.kind
        self.fill_translations("title", data.title)
        self.fill_translations("description", data.description)
        self.starts_at.data, self.ends_at.data = data.starts_local, data.ends_local
        self.room.data, self.chair.data = data.room, data.chair
        self.speakers.data = "\n".join(data.speakers)
        self.rapporteur_id.data = data.rapporteur_id
        self.interpretation_languages.data = data.interpretation_languages
        self.paragraphs.data = data.paragraphs


add_translated_fields(SessionForm, "title", StringField, validators=[Length(max=300)])
add_translated_fields(SessionForm, "description", TextAreaField, validators=[Length(max=20000)])


class MoveForm(Form):
    starts_at = DateTimeLocalField(_l("New start"), format=LOCAL_FORMAT, validators=[DataRequired()])
    room = StringField(_l("Room"), validators=[Length(max=120)])
    confirm = BooleanField(CONFIRM_LABEL)


class RoomForm(Form):
    name = StringField(_l("New room"), validators=[DataRequired(), Length(max=120)])
