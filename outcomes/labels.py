from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "conclusion": _l("Conclusion"),
    "recommendation": _l("Recommendation"),
    "decision": _l("Decision"),
    "commitment": _l("Commitment"),
    "action_item": _l("Action item"),
}
IMPLEMENTATION_LABELS = {
    "proposed": _l("Proposed"),
    "agreed": _l("Agreed"),
    "in_progress": _l("In progress"),
    "implemented": _l("Implemented"),
    "not_pursued": _l("Not pursued"),
}
REVIEW_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for approval"),
    "approved": _l("Approved"),
    "returned": _l("Returned to the rapporteur"),
}
REVISION_LABELS = {
    "created": _l("Created"),
    "updated": _l("Changed"),
    "submitted": _l("Submitted for approval"),
    "approved": _l("Approved"),
    "returned": _l("Returned to the rapporteur"),
    "status": _l("Implementation status updated"),
    "imported": _l("Imported from a spreadsheet"),
}
FIELD_LABELS = {
    "event": _l("Meeting"),
    "session": _l("Session"),
    "kind": _l("Kind of outcome"),
    "paragraphs": _l("Plan paragraphs"),
    "actors": _l("Responsible bodies"),
    "deadline": _l("Deadline"),
    "implementation_status": _l("Implementation status"),
    "review_state": _l("Review"),
    "review_comment": _l("Comment of the reviewer"),
}
