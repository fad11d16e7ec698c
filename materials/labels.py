"""What people read for the codes stored in materials (translatable, resolved at render time)."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "concept_note": _l("Concept note"),
    "annotated_agenda": _l("Annotated agenda"),
    "background_paper": _l("Background paper"),
    "presentation": _l("Presentation"),
    "statement": _l("Statement"),
    "report": _l("Report"),
    "list_of_participants": _l("List of participants"),
}
DISTRIBUTION_LABELS = {
    "public": _l("Public"),
    "participants": _l("Participants of the meeting"),
    "restricted": _l("Restricted"),
}
