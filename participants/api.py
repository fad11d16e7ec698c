"""Invitations in the JSON API, for organisers: whom a meeting invites, and inviting more (the mail goes out)."""

from datetime import UTC, datetime
from typing import Literal

from flask_babel import gettext as _
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.api import (
    BEARER,
    N_,
    ApiError,
    Language,
    Page,
    PageQuery,
    Patch,
    RowId,
    Strict,
    blueprint,
    check_if_match,
    paginate,
    refused,
    respond,
    respond_page,
    roles_required,
)
from core.db import db
from core.roles import ORGANISER
from events.access import load_for_api
from events.models import MeetingRight
from participants import mails, rules, services
from participants.models import INVITATION_STATUSES, Invitation, Person

api = blueprint("api_participants", __name__, N_("Invitations"), N_("Whom each meeting invites (organisers only)."))


class InvitationOut(BaseModel):
    id: int
    meeting: str
    email: str
    name: str
    delegation: str | None = Field(description="The delegation's code.")
    language: str
    status: str = Field(description="draft, sent, opened, accepted, declined, or expired once past its date.")
    sent_at: datetime | None
    expires_at: datetime


class InvitationsQuery(PageQuery):
    status: Literal[INVITATION_STATUSES] | None = None


class InvitationsPath(BaseModel):
    slug: str = Field(max_length=80)


class InvitationBody(Strict):
    email: str = Field(max_length=254)
    given_name: str = Field(min_length=1, max_length=120)
    family_name: str = Field(min_length=1, max_length=120)
    honorific: str = Field("", max_length=40)
    function: str = Field("", max_length=200)
    language: Language = Field("en", description="The language of the invitation mail.")
    delegation: str = Field("", max_length=60, description="A delegation's code, e.g. `kyrgyzstan`.")
    send: bool = Field(True, description="Queue the invitation mail now; false keeps it as a draft.")


class InvitationPath(BaseModel):
    slug: str = Field(max_length=80)
    invitation_id: RowId


class InvitationPatchBody(Patch):
    """Actions on an invitation: send it if it is still a draft, or remind someone who has not answered."""

    language: Language = Field(None, description="The language of the mails still to come.")
    send: bool = Field(False, description="Queue the invitation mail if it is still a draft.")
    remind: bool = Field(False, description="Queue a reminder if it was sent and nobody has answered yet.")


def invitation_out(invitation: Invitation) -> InvitationOut:
    person = invitation.person
    return InvitationOut(
        id=invitation.id,
        meeting=invitation.event.slug,
        email=person.email,
        name=person.full_name,
        delegation=person.delegation.code if person.delegation else None,
        language=invitation.language,
        status=rules.invitation_status(invitation),
        sent_at=invitation.sent_at.astimezone(UTC) if invitation.sent_at else None,
        expires_at=invitation.expires_at.astimezone(UTC),
    )


def _invitations(event_id: int):
    return (
        select(Invitation)
        .where(Invitation.event_id == event_id)
        .options(selectinload(Invitation.person).selectinload(Person.delegation), selectinload(Invitation.event))
        .order_by(Invitation.created_at, Invitation.id)
    )


@api.get(
    "/meetings/<slug>/invitations",
    summary=N_("Invitations to a meeting"),
    security=BEARER,
    responses={200: Page[InvitationOut]},
)
@roles_required(ORGANISER)
def list_invitations(path: InvitationsPath, query: InvitationsQuery):
    event = load_for_api(path.slug, MeetingRight.REGISTRATIONS)
    statement = _invitations(event.id)
    if query.status:
        statement = statement.where(rules.invitations_with_status(query.status))
    rows, total = paginate(statement, query)
    items = [invitation_out(invitation) for invitation in rows]
    page = Page[InvitationOut](items=items, page=query.page, per_page=query.per_page, total=total)
    return respond_page(page, query)


@api.post(
    "/meetings/<slug>/invitations",
    summary=N_("Invite someone (201), or find the invitation they already have (200)"),
    security=BEARER,
    responses={200: InvitationOut, 201: InvitationOut},
)
@roles_required(ORGANISER)
def invite(path: InvitationsPath, body: InvitationBody):
    event = load_for_api(path.slug, MeetingRight.REGISTRATIONS)
    data = services.PersonData(
        email=body.email,
        given_name=body.given_name,
        family_name=body.family_name,
        honorific=body.honorific,
        function=body.function,
        language=body.language,
        delegation_code=body.delegation,
    )
    try:
        person = services.find_or_add_person(data)
    except services.ParticipantsError as refusal:
        errors = {
            ("delegation" if name == "delegation_code" else name): message for name, message in refusal.errors.items()
        }
        raise refused(errors) from refusal
    created, _already = services.invite(event, [person])
    invitation = db.session.scalar(_invitations(event.id).where(Invitation.person_id == person.id))
    if body.send:
        mails.send_invitations([invitation])
    return respond(invitation_out(invitation), 201 if created else 200)


@api.patch(
    "/meetings/<slug>/invitations/<int:invitation_id>",
    summary=N_("Send an invitation, remind, or change its language"),
    security=BEARER,
    responses={200: InvitationOut},
)
@roles_required(ORGANISER)
def update_invitation(path: InvitationPath, body: InvitationPatchBody):
    event = load_for_api(path.slug, MeetingRight.REGISTRATIONS)
    invitation = db.session.scalar(_invitations(event.id).where(Invitation.id == path.invitation_id))
    if invitation is None:
        raise ApiError(404, _("There is no such invitation to this meeting."))
    check_if_match(invitation_out(invitation))
    if body.language:
        invitation.language = body.language
    if body.send:
        mails.send_invitations([invitation])
    if body.remind:
        mails.send_reminders([invitation])
    db.session.flush()
    return respond(invitation_out(invitation))
