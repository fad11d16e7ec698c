from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from accounts.admin import ROLE_NAMES
from agenda.services import draft_sessions
from core.forms import Form, MultiCheckboxField, TranslatedFieldsMixin, add_translated_fields, choices
from core.i18n import LANGUAGES, format_instant, language_name, localize
from events.models import Event
from materials.labels import DISTRIBUTION_LABELS, KIND_LABELS
from materials.models import NAMED_ROLES, Material
from materials.services import MaterialData, describe_size


def _optional_id(value) -> int | None:
    return int(value) if value else None


class MaterialForm(TranslatedFieldsMixin, Form):
    kind = SelectField(_l("Kind of document"), choices=choices(KIND_LABELS.items()))
    symbol = StringField(
        _l("Reference symbol"),
        description=_l("Such as CIO.GAL/12/01; leave empty if none."),
        validators=[Length(max=60)],
    )
    issued_on = DateField(_l("Date of the document"), validators=[DataRequired()])
    # The service checks that the session belongs to the meeting.
    session_id = SelectField(_l("Session"), coerce=_optional_id, validate_choice=False)
    distribution = SelectField(
        _l("Distribution"),
        description=_l(
            "Participants of the meeting are those registered for it with their account; organisers read every "
            "document."
        ),
        choices=choices(DISTRIBUTION_LABELS.items()),
    )
    allowed_roles = MultiCheckboxField(_l("Restricted documents only: also readable by every account with the role"))

    def __init__(self, event: Event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_id.choices = [SelectChoice("", _l("The meeting as a whole"))] + [
            SelectChoice(str(s.id), f"{format_instant(s.starts_at, event.timezone, 'short')} — {localize(s.title)}")
            for s in draft_sessions(event)
        ]
        self.allowed_roles.choices = choices((role, ROLE_NAMES[role]) for role in NAMED_ROLES)

    def to_data(self) -> MaterialData:
        return MaterialData(
            kind=self.kind.data,
            title=self.translations("title"),
            issued_on=self.issued_on.data,
            symbol=self.symbol.data or "",
            session_id=self.session_id.data,
            distribution=self.distribution.data,
            allowed_roles=self.allowed_roles.data or [],
        )

    def fill_from(self, material: Material) -> None:
        self.kind.data, self.symbol.data, self.issued_on.data = material.kind, material.symbol, material.issued_on
        self.session_id.data = material.session_id
        self.distribution.data, self.allowed_roles.data = material.distribution, list(material.allowed_roles or [])
        self.fill_translations("title", material.title)


add_translated_fields(MaterialForm, "title", StringField, validators=[Length(max=500)])


class UploadForm(Form):
    language = SelectField(_l("Language version"))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])

    def __init__(self, max_bytes: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = choices((code, language_name(code)) for code in LANGUAGES)
        self.file.description = _l(
            "PDF, DOCX, XLSX, PPTX or ODT, at most %(size)s. A file already there for this language is replaced; "
            "the earlier one is kept in the history.",
            size=describe_size(max_bytes),
        )
