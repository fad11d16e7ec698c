"""The directory of people and delegations, invitations, and registration with its capacity and waiting list."""

import secrets
from dataclasses import dataclass, field
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from accounts.models import User
from core import bulk
from core.db import db, utcnow
from core.errors import Refused
from core.i18n import LANGUAGES
from core.states import NotPossible
from events.models import Event
from participants import rules, tokens
from participants.models import (
    DELEGATION_KINDS,
    INVITATION_TRANSITIONS,
    REGISTRATION_TRANSITIONS,
    ROLES,
    WAITLISTED,
    Delegation,
    Invitation,
    InvitationStatus,
    Person,
    Registration,
)
from plan.models import Actor


class ParticipantsError(Refused):
    """What this domain refuses, field by field."""


# An import checks each address twice (every row first, then each as it is saved); validation is pure.
@lru_cache(maxsize=65536)
def normalise_email(value: str) -> str | None:
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


# Directory ------------------------------------------------------------------------------------------------------


@dataclass
class PersonData:
    email: str
    given_name: str
    family_name: str
    honorific: str = ""
    function: str = ""
    language: str = "en"
    delegation_code: str = ""


class Directory:
    """Delegations as an import names them, read once: a spreadsheet of thousands of invitees is checked (twice:
    every row first, then each as it is saved) without a query per row."""

    def __init__(self):
        self._delegations: dict[str, Delegation] | None = None

    def delegation(self, code: str) -> Delegation | None:
        if self._delegations is None:
            self._delegations = {d.code: d for d in db.session.scalars(select(Delegation))}
        return self._delegations.get(code)

    def person(self, email: str) -> Person | None:
        return db.session.scalar(select(Person).where(Person.email == email))


def check_person(data: PersonData, directory: Directory | None = None) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    resolved = {"email": normalise_email(data.email), "delegation": None}
    if resolved["email"] is None:
        errors["email"] = _l("This is not a valid e-mail address.")
    if not data.given_name.strip() or not data.family_name.strip():
        errors["family_name"] = _l("Give the given name and the family name.")
    if data.language not in LANGUAGES:
        errors["language"] = _l("Unknown language.")
    if data.delegation_code:
        resolved["delegation"] = (directory or Directory()).delegation(data.delegation_code)
        if resolved["delegation"] is None:
            errors["delegation_code"] = _l("Unknown delegation: %(code)s.", code=data.delegation_code)
    return errors, resolved


class PersonExists(ParticipantsError):
    """Someone with this e-mail address is in the directory already: `person` is who."""

    def __init__(self, errors: dict, person: Person):
        super().__init__(errors)
        self.person = person


def _person_values(data: PersonData, resolved: dict) -> dict:
    delegation = resolved["delegation"]
    return {
        "email": resolved["email"],
        "given_name": data.given_name.strip(),
        "family_name": data.family_name.strip(),
        "honorific": data.honorific.strip(),
        "function": data.function.strip(),
        "language": data.language,
        "delegation_id": delegation.id if delegation is not None else None,
    }


def _write_person(person: Person, data: PersonData, resolved: dict) -> Person:
    values = _person_values(data, resolved)
    del values["delegation_id"]  # set through the relationship, which the page shows next
    for name, value in values.items():
        setattr(person, name, value)
    person.delegation = resolved["delegation"]
    db.session.add(person)
    db.session.flush()
    return person


def _checked(data: PersonData, directory: Directory) -> dict:
    errors, resolved = check_person(data, directory)
    if errors:
        raise ParticipantsError(errors)
    return resolved


def add_person(data: PersonData) -> Person:
    """A new entry; an address already in the directory is refused (PersonExists names whose), never overwritten."""
    directory = Directory()
    resolved = _checked(data, directory)
    if (existing := directory.person(resolved["email"])) is not None:
        raise PersonExists({"email": _l("Someone with this e-mail address is already in the directory.")}, existing)
    return _write_person(Person(), data, resolved)


def update_person(person: Person, data: PersonData) -> Person:
    """An organiser's change to one entry; its address may not become another entry's."""
    directory = Directory()
    resolved = _checked(data, directory)
    existing = directory.person(resolved["email"])
    if existing is not None and existing.id != person.id:
        raise PersonExists({"email": _l("Someone with this e-mail address is already in the directory.")}, existing)
    return _write_person(person, data, resolved)


def find_or_add_person(data: PersonData, directory: Directory | None = None) -> Person:
    """The entry with this address as it stands, or a new one: for those who may not change the directory (an
    invitee naming a colleague) and for the API, which invites people without rewriting their entries."""
    directory = directory or Directory()
    resolved = _checked(data, directory)
    return directory.person(resolved["email"]) or _write_person(Person(), data, resolved)


def merge_people(entries: list[tuple[PersonData, dict]]) -> list[tuple[int, str]]:
    """An organiser's spreadsheet of invitees, checked (check_person): its rows are the organiser's own up-to-date
    entries, so they replace what the directory holds for those addresses and add the others, in a few statements
    whatever their number. Each row's (person id, language), in the file's order."""
    table = Person.__table__
    wanted = {resolved["email"]: _person_values(data, resolved) for data, resolved in entries}
    if not wanted:
        return []
    columns = list(next(iter(wanted.values())))
    held = {
        row.email: row
        for row in db.session.execute(
            select(table.c.id, *(table.c[name] for name in columns)).where(table.c.email.in_(list(wanted)))
        )
    }
    bulk.update_rows(
        table,
        [
            {"id": row.id, **values}
            for email, values in wanted.items()
            if (row := held.get(email)) is not None and any(getattr(row, name) != values[name] for name in columns)
        ],
    )
    new = [email for email in wanted if email not in held]
    ids = dict(zip(new, bulk.reserve_ids(table, len(new)), strict=True))
    bulk.insert_rows(table, [{"id": ids[email], **wanted[email]} for email in new])
    return [(held[email].id if email in held else ids[email], values["language"]) for email, values in wanted.items()]


def save_delegation(code: str, kind: str, name: dict, actor_code: str = "", delegation: Delegation | None = None):
    errors = {}
    if not code or not code.replace("-", "").isalnum() or code != code.lower():
        errors["code"] = _l("Use only lower-case letters, digits and single hyphens.")
    elif db.session.scalar(
        select(Delegation.id).where(Delegation.code == code, Delegation.id != (delegation.id if delegation else 0))
    ):
        errors["code"] = _l("Another delegation already uses this code.")
    if kind not in DELEGATION_KINDS:
        errors["kind"] = _l("Unknown kind of delegation.")
    if not any(text.strip() for text in name.values()):
        errors["name"] = _l("Give a name in at least one language.")
    actor = db.session.scalar(select(Actor).where(Actor.code == actor_code)) if actor_code else None
    if actor_code and actor is None:
        errors["actor_code"] = _l("Unknown body: %(codes)s.", codes=actor_code)
    if errors:
        raise ParticipantsError(errors)
    delegation = delegation or Delegation()
    delegation.code, delegation.kind, delegation.actor = code, kind, actor
    delegation.name = {c: t.strip() for c, t in name.items() if t and t.strip()}
    db.session.add(delegation)
    db.session.flush()
    return delegation


def delegations() -> list[Delegation]:
    return list(db.session.scalars(select(Delegation).order_by(Delegation.kind, Delegation.code)))


def people(search: str = "", delegation_code: str = "", limit: int = 500) -> list[Person]:
    query = select(Person).options(selectinload(Person.delegation)).order_by(Person.family_name, Person.given_name)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Person.family_name).like(pattern),
                func.lower(Person.given_name).like(pattern),
                Person.email.like(pattern),
            )
        )
    if delegation_code:
        query = query.where(Person.delegation.has(Delegation.code == delegation_code))
    return list(db.session.scalars(query.limit(limit)))


# Invitations ----------------------------------------------------------------------------------------------------


def invitation_link_token(invitation: Invitation) -> str:
    return tokens.token(tokens.INVITATION, invitation.id, invitation.token_nonce)


def _invitation_values(event: Event, invitation_id: int, person_id: int, language: str) -> dict:
    """A draft invitation's columns; its link's token depends on its id, so the id is taken first."""
    nonce = tokens.new_nonce()
    return {
        "id": invitation_id,
        "event_id": event.id,
        "person_id": person_id,
        "language": language,
        "status": InvitationStatus.DRAFT,
        "expires_at": event.registration_deadline or event.ends_at,
        "token_nonce": nonce,
        "token_hash": tokens.token_hash(tokens.token(tokens.INVITATION, invitation_id, nonce)),
    }


def _new_invitation(event: Event, person: Person) -> Invitation:
    db.session.flush()  # a person new to the directory gets an id; ids taken below are not taken twice
    invitation_id = bulk.reserve_ids(Invitation.__table__, 1)[0]
    invitation = Invitation(**_invitation_values(event, invitation_id, person.id, person.language))
    db.session.add(invitation)
    db.session.flush()
    return invitation


def invite(event: Event, people_to_invite: list[Person]) -> tuple[int, int]:
    """Invitations (drafts) for those not yet invited to the event: (created, already invited)."""
    db.session.flush()  # people new to the directory get their ids, in one batch
    return invite_listed(event, [(person.id, person.language) for person in people_to_invite])


def invite_listed(event: Event, invitees: list[tuple[int, str]]) -> tuple[int, int]:
    """Invitations (drafts) for those of these (person id, language) not yet invited, written in two statements
    however many: (created, already invited)."""
    invited = set(db.session.scalars(select(Invitation.person_id).where(Invitation.event_id == event.id)))
    new: dict[int, str] = {}
    for person_id, language in invitees:
        if person_id not in invited:
            new.setdefault(person_id, language)
    table = Invitation.__table__
    ids = bulk.reserve_ids(table, len(new))
    bulk.insert_rows(
        table,
        [
            _invitation_values(event, invitation_id, person_id, language)
            for invitation_id, (person_id, language) in zip(ids, new.items(), strict=True)
        ],
    )
    return len(new), len(invitees) - len(new)


def invite_delegations(event: Event, codes: list[str]) -> tuple[int, int]:
    members = list(db.session.scalars(select(Person).join(Person.delegation).where(Delegation.code.in_(codes))))
    return invite(event, members)


def invitations(event: Event) -> list[Invitation]:
    query = (
        select(Invitation)
        .where(Invitation.event_id == event.id)
        .options(selectinload(Invitation.person).selectinload(Person.delegation))
        .order_by(Invitation.created_at, Invitation.id)
    )
    return list(db.session.scalars(query))


def invitation_counts(items: list[Invitation]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for invitation in items:
        status = rules.invitation_status(invitation)
        counts[status] = counts.get(status, 0) + 1
    return counts


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(Invitation)
        .where(Invitation.token_hash == tokens.token_hash(token))
        .options(selectinload(Invitation.person), selectinload(Invitation.event))
    )


def mark_opened(invitation: Invitation) -> None:
    """The first visit to the link. It comes in a reading request, which locks nothing, so the step is taken in
    one conditional UPDATE: an answer committed since the invitation was read (from another tab) is never
    overwritten."""
    if not INVITATION_TRANSITIONS.allows(invitation.status, "open"):
        return
    step = INVITATION_TRANSITIONS.steps["open"]
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status.in_(step.sources))
        .values(status=step.target, opened_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(invitation)


def mark_sent(invitation: Invitation) -> bool:
    """Records that the invitation went out; False (and nothing changes) when it was sent already."""
    if not INVITATION_TRANSITIONS.allows(invitation.status, "send"):
        return False
    invitation.status = INVITATION_TRANSITIONS.check(invitation.status, "send")
    invitation.sent_at = utcnow()
    return True


INVITATION_REFUSALS = {
    InvitationStatus.ACCEPTED: _l("This invitation was already accepted."),
    InvitationStatus.DECLINED: _l("This invitation was declined."),
}


def _refuse_unless(invitation: Invitation, step: str) -> None:
    """Says why the invitee cannot take this step now (answered already, or expired), if they cannot."""
    if not rules.invitation_allows(invitation, step):
        status = rules.invitation_status(invitation)
        message = INVITATION_REFUSALS.get(status, _l("This invitation has expired."))
        raise ParticipantsError({"invitation": message})


def _answer(invitation: Invitation, step: str) -> None:
    """Takes the invitee's step, or says why it cannot be taken."""
    _refuse_unless(invitation, step)
    invitation.status = INVITATION_TRANSITIONS.check(invitation.status, step)
    invitation.responded_at = utcnow()


def decline(invitation: Invitation, reason: str = "") -> None:
    _answer(invitation, "decline")
    invitation.decline_reason = reason.strip()[:2000]
    db.session.flush()


def name_colleague(invitation: Invitation, data: PersonData) -> Invitation:
    """The invitee sends a colleague instead: the colleague gets an invitation of their own. An entry the directory
    holds already for that address is used as it is: an invitee never changes the directory."""
    _refuse_unless(invitation, "substitute")
    if data.delegation_code == "" and invitation.person.delegation is not None:
        data.delegation_code = invitation.person.delegation.code
    if normalise_email(data.email) == invitation.person.email:
        raise ParticipantsError({"email": _l("Name someone other than yourself.")})
    colleague = find_or_add_person(data)
    existing = db.session.scalar(
        select(Invitation).where(Invitation.event_id == invitation.event_id, Invitation.person_id == colleague.id)
    )
    substitute_invitation = existing or _new_invitation(invitation.event, colleague)
    _answer(invitation, "substitute")
    invitation.substitute = colleague
    db.session.flush()
    return substitute_invitation


# Registration ---------------------------------------------------------------------------------------------------


@dataclass
class RegistrationData:
    given_name: str
    family_name: str
    email: str
    role: str
    language: str
    consent: bool
    honorific: str = ""
    function: str = ""
    delegation_code: str = ""
    organisation: str = ""
    interpretation_language: str = ""
    accessibility_needs: str = ""
    visa_letter: bool = False
    dietary_needs: str = ""
    extra: dict = field(default_factory=dict)


def _check_registration(event: Event, data: RegistrationData) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    resolved = {"email": normalise_email(data.email), "delegation": None}
    if resolved["email"] is None:
        errors["email"] = _l("This is not a valid e-mail address.")
    if not data.given_name.strip() or not data.family_name.strip():
        errors["family_name"] = _l("Give the given name and the family name.")
    if data.role not in ROLES:
        errors["role"] = _l("Unknown role.")
    if data.language not in LANGUAGES:
        errors["language"] = _l("Unknown language.")
    if data.interpretation_language and data.interpretation_language not in LANGUAGES:
        errors["interpretation_language"] = _l("Unknown language.")
    if not data.consent:
        errors["consent"] = _l("Registration needs your consent to the processing of your personal data.")
    if data.delegation_code:
        resolved["delegation"] = db.session.scalar(select(Delegation).where(Delegation.code == data.delegation_code))
        if resolved["delegation"] is None:
            errors["delegation_code"] = _l("Unknown delegation: %(code)s.", code=data.delegation_code)
    elif not data.organisation.strip():
        errors["organisation"] = _l("Choose your delegation or give your organisation.")
    return errors, resolved


def _apply(registration: Registration, data: RegistrationData, resolved: dict) -> None:
    registration.given_name, registration.family_name = data.given_name.strip(), data.family_name.strip()
    registration.honorific, registration.function = data.honorific.strip(), data.function.strip()
    registration.email = resolved["email"]
    registration.role, registration.language = data.role, data.language
    registration.interpretation_language = data.interpretation_language
    registration.delegation = resolved["delegation"]
    registration.organisation = data.organisation.strip()
    registration.accessibility_needs = data.accessibility_needs.strip()
    registration.visa_letter = data.visa_letter
    registration.dietary_needs = data.dietary_needs.strip()


def _lock_event(event: Event) -> Event:
    """Serialises the seat count of one event: on PostgreSQL a row lock, on SQLite the database's write lock."""
    return db.session.scalar(select(Event).where(Event.id == event.id).with_for_update())


def seats_taken(event: Event) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event.id, Registration.holds_seat)
    )


def manage_token(registration: Registration) -> str:
    return tokens.token(tokens.MANAGE_REGISTRATION, registration.id, registration.manage_nonce)


def _step(registration: Registration, step: str) -> None:
    try:
        registration.status = REGISTRATION_TRANSITIONS.check(registration.status, step)
    except NotPossible as error:
        raise ParticipantsError({"status": REGISTRATION_REFUSALS[step]}) from error


REGISTRATION_REFUSALS = {
    "approve": _l("Only a registration awaiting approval can be approved."),
    "check_in": _l("Only a confirmed participant can be checked in."),
    "undo_check_in": _l("Only a participant who was checked in can be marked absent again."),
    "cancel": _l("This registration cannot be cancelled."),
}


def register(
    event: Event, data: RegistrationData, invitation: Invitation | None = None, user: User | None = None
) -> Registration:
    """A seat if there is one (or approval pending), else a place on the waiting list, in order of arrival.

    With an invitation, the registration is the invited person's own: their address, whatever the form says."""
    if not rules.registration_open(event):
        raise ParticipantsError({"event": _l("Registration for this meeting is closed.")})
    if not rules.admits(invitation, event):
        if invitation is None or invitation.event_id != event.id:
            raise ParticipantsError({"invitation": _l("This meeting is by invitation only.")})
        _refuse_unless(invitation, "accept")
    if invitation is not None:
        data.email = invitation.person.email
    errors, resolved = _check_registration(event, data)
    if errors:
        raise ParticipantsError(errors)
    locked = _lock_event(event)
    taken = db.session.scalar(
        select(Registration.id).where(
            Registration.event_id == event.id, Registration.email == resolved["email"], Registration.is_active
        )
    )
    if taken is not None:
        raise ParticipantsError({"email": _l("This e-mail address is already registered for the meeting.")})
    registration = db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.email == resolved["email"])
    ) or Registration(event_id=event.id)
    step = rules.arrival_step(locked, seats_taken(locked))
    _apply(registration, data, resolved)
    registration.status = REGISTRATION_TRANSITIONS.check(registration.status, step)
    registration.created_at = utcnow()
    registration.consent_at = utcnow()
    registration.person = invitation.person if invitation else registration.person
    registration.invitation = invitation
    registration.user_id = user.id if user is not None and user.is_authenticated else registration.user_id
    registration.manage_nonce = tokens.new_nonce()
    registration.manage_token_hash = registration.manage_token_hash or secrets.token_hex(32)
    registration.feed_token = registration.feed_token or secrets.token_urlsafe(32)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Another request registered the same address at the same instant: this one changes nothing.
        db.session.rollback()
        raise ParticipantsError({"email": _l("This e-mail address is already registered for the meeting.")}) from error
    registration.manage_token_hash = tokens.token_hash(manage_token(registration))
    if invitation is not None:
        _answer(invitation, "accept")
    from participants import mails

    mails.registration_mail(registration)
    db.session.flush()
    return registration


def find_registration(token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(Registration)
        .where(Registration.manage_token_hash == tokens.token_hash(token))
        .options(selectinload(Registration.event), selectinload(Registration.delegation))
    )


def registration_of_invitation(invitation: Invitation) -> Registration | None:
    """What an accepted invitation registered: the link shows and manages it from then on."""
    return db.session.scalar(
        select(Registration).where(Registration.invitation_id == invitation.id, Registration.is_active)
    )


def update_registration(registration: Registration, data: RegistrationData) -> Registration:
    data.email = registration.email  # the address is the registration's identity: cancel and register again
    errors, resolved = _check_registration(registration.event, data)
    if errors:
        raise ParticipantsError(errors)
    _apply(registration, data, resolved)
    db.session.flush()
    return registration


def promote_waiting(event: Event) -> list[Registration]:
    """Fills free seats from the waiting list, first come first served, and tells those promoted by mail."""
    from participants import mails

    locked = _lock_event(event)
    free = rules.free_seats(locked, seats_taken(locked))
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
        .order_by(Registration.created_at, Registration.id)
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    step = rules.promotion_step(locked)
    for registration in promoted:
        _step(registration, step)
        mails.promotion_mail(registration)
    db.session.flush()
    return promoted


def promote_after_capacity_change(event: Event) -> None:
    """A meeting that grew gives its new seats to those waiting, in their order (events.signals)."""
    promote_waiting(event)


def cancel(registration: Registration) -> list[Registration]:
    """Cancelling twice changes nothing the second time (a double click, two tabs): the row is read again under a
    lock, so the second click waits for the first and then finds it done (on SQLite the write lock does the same)."""
    db.session.refresh(registration, with_for_update=True)
    if not registration.is_active:
        return []
    _step(registration, "cancel")
    db.session.flush()
    return promote_waiting(registration.event)


def approve(registration: Registration) -> None:
    from participants import mails

    _step(registration, "approve")
    mails.registration_mail(registration)
    db.session.flush()


def check_in(registration: Registration, attended: bool = True) -> None:
    _step(registration, "check_in" if attended else "undo_check_in")
    registration.checked_in_at = utcnow() if attended else None
    db.session.flush()


@dataclass
class ParticipantFilters:
    search: str = ""
    status: str = ""
    role: str = ""
    delegation: str = ""


def registrations(event: Event, filters: ParticipantFilters | None = None):
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.delegation))
        .order_by(Registration.family_name, Registration.given_name, Registration.id)
    )
    if filters:
        if filters.search:
            pattern = f"%{filters.search.strip().lower()}%"
            query = query.where(
                or_(
                    func.lower(Registration.family_name).like(pattern),
                    func.lower(Registration.given_name).like(pattern),
                    Registration.email.like(pattern),
                    func.lower(Registration.organisation).like(pattern),
                )
            )
        if filters.status:
            query = query.where(Registration.status == filters.status)
        if filters.role:
            query = query.where(Registration.role == filters.role)
        if filters.delegation:
            query = query.where(Registration.delegation.has(Delegation.code == filters.delegation))
    return query


def admitted(event: Event) -> list[Registration]:
    """The meeting's participants (confirmed or present), by name: the lists, the badges, the check-in desk."""
    return list(db.session.scalars(registrations(event).where(Registration.is_admitted)))


def status_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event.id).group_by(Registration.status)
    )
    return dict(rows.all())


def attach_registrations(_sender, user: User, **_extra) -> None:
    """On an account's confirmation and at each sign-in: the registrations made with its address without it (before
    it existed, or without signing in) become the account's. Only a confirmed address counts."""
    if user.confirmed_at is None:
        return
    db.session.execute(
        update(Registration)
        .where(func.lower(Registration.email) == user.email.lower(), Registration.user_id.is_(None))
        .values(user_id=user.id, version=Registration.version + 1)
        .execution_options(synchronize_session=False)
    )


def registration_for_user(event: Event, user: User) -> Registration | None:
    """The signed-in user's registration for the meeting, made with their account."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == user.id, Registration.is_active
        )
    )
