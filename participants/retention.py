"""Each meeting's retention setting, applied: its registrations' personal data are erased a set number of months
after it ends (Event.retention_months). What is erased is what names or reaches a person (names, function,
organisation, address, needs, the links to the account, the directory and the invitation, the personal links);
what stays is what the meeting's records need: status, role, delegation, languages, dates. Run daily by
`flask registrations erase-expired`."""

import secrets
from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from core import bulk
from core.db import db, utcnow
from events.models import Event
from participants import tokens
from participants.models import Registration

ERASED = {
    "honorific": "",
    "given_name": "",
    "family_name": "",
    "function": "",
    "organisation": "",
    "email": "",
    "accessibility_needs": "",
    "dietary_needs": "",
    "visa_letter": False,
    "user_id": None,
    "person_id": None,
    "invitation_id": None,
}


def erase_after(event: Event) -> datetime | None:
    """When the meeting's registrations lose their personal data, or None when they keep them."""
    if event.retention_months is None:
        return None
    return event.ends_at + relativedelta(months=event.retention_months)


def erase_expired(now: datetime | None = None) -> int:
    """Erases the personal data of the registrations whose meeting's retention has passed; how many were erased."""
    now = now or utcnow()
    due = [
        event.id
        for event in db.session.scalars(select(Event).where(Event.retention_months.is_not(None)))
        if erase_after(event) <= now
    ]
    if not due:
        return 0
    ids = list(
        db.session.scalars(
            select(Registration.id).where(
                Registration.event_id.in_(due), Registration.personal_data_erased_at.is_(None)
            )
        )
    )
    # New random link secrets: the registration's manage and calendar links die with its personal data.
    bulk.update_rows(
        Registration.__table__,
        [
            {
                "id": registration_id,
                **ERASED,
                "manage_nonce": tokens.new_nonce(),
                "manage_token_hash": secrets.token_hex(32),
                "feed_token": secrets.token_urlsafe(32),
                "personal_data_erased_at": now,
                "updated_at": now,
            }
            for registration_id in ids
        ],
    )
    db.session.expire_all()
    return len(ids)
