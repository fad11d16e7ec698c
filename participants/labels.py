from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "head_of_delegation": _l("Head of delegation"),
    "delegate": _l("Delegate"),
    "expert": _l("Expert"),
    "speaker": _l("Speaker"),
    "observer": _l("Observer"),
    "press": _l("Press"),
}
REGISTRATION_STATUS_LABELS = {
    "pending": _l("Awaiting approval"),
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("On the waiting list"),
    "cancelled": _l("Cancelled"),
    "attended": _l("Attended"),
}
# What a newcomer reads on registering, by the status the registration arrived in.
ARRIVAL_MESSAGES = {
    "confirmed": _l("Your registration is confirmed."),
    "pending": _l("Your registration is received and awaits an organiser's approval."),
    "waitlisted": _l(
        "The meeting is full: you are on the waiting list, in order of arrival. We will write to you as soon as a "
        "seat is free."
    ),
}
INVITATION_STATUS_LABELS = {
    "draft": _l("Not sent yet"),
    "sent": _l("Sent"),
    "opened": _l("Opened"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Expired"),
}
DELEGATION_KIND_LABELS = {
    "state": _l("Participating State"),
    "osce_body": _l("OSCE body"),
    "partner": _l("Partner organisation"),
    "ngo": _l("Non-governmental organisation"),
}
