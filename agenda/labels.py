from flask_babel import lazy_gettext as _l

SESSION_KIND_LABELS = {
    "opening": _l("Opening session"),
    "plenary": _l("Plenary session"),
    "working_session": _l("Working session"),
    "panel": _l("Panel"),
    "side_event": _l("Side event"),
    "break": _l("Break"),
    "closing": _l("Closing session"),
}
CHANGE_LABELS = {
    "added": _l("Added"),
    "moved": _l("Moved"),
    "retitled": _l("Retitled"),
    "cancelled": _l("Cancelled"),
    "restored": _l("Restored"),
    "removed": _l("Removed"),
    "changed": _l("Changed"),
}
