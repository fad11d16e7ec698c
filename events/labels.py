"""What people read for the codes stored in events (translatable, resolved at render time)."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "conference": _l("Conference"),
    "expert_workshop": _l("Expert workshop"),
    "meeting": _l("Meeting"),
    "seminar": _l("Seminar"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open for registration"),
    "closed": _l("Registration closed"),
    "held": _l("Held"),
    "archived": _l("Archived"),
    "cancelled": _l("Cancelled"),
}
# The button that moves an event into each state.
STATUS_ACTIONS = {
    "draft": _l("Restore as draft"),
    "open": _l("Publish and open registration"),
    "closed": _l("Close registration"),
    "held": _l("Mark as held"),
    "archived": _l("Archive"),
    "cancelled": _l("Cancel the event"),
}
VISIBILITY_LABELS = {
    "public": _l("Public: anyone may register"),
    "invitation": _l("By invitation only"),
}
RECURRENCE_LABELS = {
    "FREQ=MONTHLY": _l("Every month"),
    "FREQ=MONTHLY;INTERVAL=3": _l("Every three months"),
    "FREQ=MONTHLY;INTERVAL=6": _l("Every six months"),
    "FREQ=YEARLY": _l("Every year"),
}
ROLE_LABELS = {"organiser": _l("Organisers"), "partner": _l("Partner organisations")}
# Names of the recorded fields, for the history of changes.
FIELD_LABELS = {
    "slug": _l("Address"),
    "kind": _l("Kind of event"),
    "title": _l("Title"),
    "description": _l("Description"),
    "starts_at": _l("Start"),
    "ends_at": _l("End"),
    "timezone": _l("Time zone"),
    "venue": _l("Venue"),
    "city": _l("City"),
    "working_languages": _l("Working languages"),
    "capacity": _l("Capacity"),
    "retention_months": _l("Personal data erased after (months)"),
    "registration_deadline": _l("Registration deadline"),
    "visibility": _l("Visibility"),
    "requires_approval": _l("Registrations wait for an organiser's approval"),
    "organisers": _l("Organising bodies"),
    "partners": _l("Partner organisations"),
    "paragraphs": _l("Plan paragraphs followed up"),
    "series": _l("Series"),
    "status": _l("Status"),
    "note": _l("Note"),
    "recurrence": _l("Recurrence"),
    "convened_by": _l("Convened by"),
    "team:manage": _l("Team: manages the meeting"),
    "team:programme": _l("Team: programme"),
    "team:registrations": _l("Team: invitations, registrations and check-in"),
    "team:documents": _l("Team: documents"),
    "team:review": _l("Team: reviews outcomes"),
}
# The rights a meeting's team holds (events.models.MeetingRight).
RIGHT_LABELS = {
    "manage": _l("Manages the meeting (every right)"),
    "programme": _l("Programme"),
    "registrations": _l("Invitations, registrations and check-in"),
    "documents": _l("Documents"),
    "review": _l("Reviews outcomes"),
}
