"""Outcomes in the JSON API: approved ones for everyone; recorded, changed and approved with an organiser's token."""

from datetime import UTC, date, datetime
from typing import Literal

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field, field_validator

from core.api import (
    BEARER,
    N_,
    OPTIONAL_BEARER,
    ApiError,
    Language,
    LongText,
    Page,
    PageQuery,
    Patch,
    RowId,
    Strict,
    Texts,
    blueprint,
    check_if_match,
    in_range,
    refused,
    respond,
    respond_page,
    roles_required,
)
from core.roles import ORGANISER
from core.rules import can
from core.urls import public_url
from outcomes import rules, services
from outcomes.models import IMPLEMENTATION_STATUSES, KINDS, REVIEW_STATES, REVIEW_TRANSITIONS, Outcome

api = blueprint(
    "api_outcomes",
    __name__,
    N_("Outcomes"),
    N_("What meetings concluded, recommended, decided or set as action items."),
)


class OutcomeOut(BaseModel):
    id: int
    meeting: str | None = Field(description="None for what the plan itself sets, such as its own deadlines.")
    session: str | None = Field(description="The uid of the session that reached it, if any.")
    kind: str
    text: Texts
    paragraphs: list[str] = Field(description="References of the plan's paragraphs it follows up.")
    actors: list[str] = Field(description="Codes of the bodies responsible, in the order named.")
    deadline: date | None
    implementation_status: str
    review_state: str = Field(description="Only organisers and the rapporteur see outcomes not yet approved.")
    approved_at: datetime | None
    url: str


class OutcomesQuery(PageQuery):
    paragraph: str | None = Field(None, max_length=60, description="e.g. `bucharest-2001:20`.")
    meeting: str | None = Field(None, max_length=80)
    actor: str | None = Field(None, max_length=60)
    kind: Literal[KINDS] | None = None
    status: Literal[IMPLEMENTATION_STATUSES] | None = None
    review_state: Literal[REVIEW_STATES] | None = None
    from_date: date | None = Field(None, description="Outcomes of meetings starting on or after this day.")
    to_date: date | None = Field(None, description="Outcomes of meetings starting on or before this day.")
    due_from: date | None = Field(None, description="Outcomes with a deadline on or after this day.")
    due_to: date | None = Field(None, description="Outcomes with a deadline on or before this day.")

    _dates = field_validator("from_date", "to_date", "due_from", "due_to")(in_range)


class OutcomePath(BaseModel):
    outcome_id: RowId


class OutcomeBody(Strict):
    meeting: str | None = Field(None, max_length=80)
    session: str | None = Field(None, max_length=64, description="A session uid of that meeting.")
    kind: Literal[KINDS]
    text: dict[Language, LongText] = Field(min_length=1)
    paragraphs: list[str] = Field(min_length=1, max_length=100)
    actors: list[str] = Field(default_factory=list, max_length=50)
    deadline: date | None = None
    implementation_status: Literal[IMPLEMENTATION_STATUSES] = "proposed"
    review_state: Literal["draft", "approved"] = Field("draft", description="`approved` publishes it at once.")

    _dates = field_validator("deadline")(in_range)


class OutcomePatchBody(Patch):
    """Only the fields sent change. `review_state: approved` publishes it."""

    meeting: str | None = Field(None, max_length=80)
    session: str | None = Field(None, max_length=64)
    kind: Literal[KINDS] = None
    text: dict[Language, LongText] = None
    paragraphs: list[str] = Field(None, max_length=100)
    actors: list[str] = Field(None, max_length=50)
    deadline: date | None = None
    implementation_status: Literal[IMPLEMENTATION_STATUSES] = None
    review_state: Literal["submitted", "approved"] = None

    _dates = field_validator("deadline")(in_range)


def outcome_out(outcome: Outcome) -> OutcomeOut:
    return OutcomeOut(
        id=outcome.id,
        meeting=outcome.event.slug if outcome.event else None,
        session=outcome.session.uid if outcome.session else None,
        kind=outcome.kind,
        text=outcome.text,
        paragraphs=[paragraph.reference for paragraph in outcome.paragraphs],
        actors=[actor.code for actor in outcome.actors],
        deadline=outcome.deadline,
        implementation_status=outcome.implementation_status,
        review_state=outcome.review_state,
        approved_at=outcome.approved_at.astimezone(UTC) if outcome.approved_at else None,
        url=public_url("outcomes.show", outcome_id=outcome.id),
    )


@api.get("/outcomes", summary=N_("Outcomes"), security=OPTIONAL_BEARER, responses={200: Page[OutcomeOut]})
def list_outcomes(query: OutcomesQuery):
    filters = services.OutcomeFilters(
        paragraph=query.paragraph or "",
        actor=query.actor or "",
        event=query.meeting or "",
        kind=query.kind or "",
        status=query.status or "",
        review=query.review_state or "",
        held_from=query.from_date,
        held_to=query.to_date,
        due_from=query.due_from,
        due_to=query.due_to,
    )
    rows, total = services.list_outcomes(current_user, filters, query.page, query.per_page)
    page = Page[OutcomeOut](items=[outcome_out(o) for o in rows], page=query.page, per_page=query.per_page, total=total)
    return respond_page(page, query)


def _visible(outcome_id: int) -> Outcome:
    outcome = services.find_outcome(outcome_id)
    if outcome is None or not can(current_user, rules.SEE, outcome):
        raise ApiError(404, _("There is no such outcome."))
    return outcome


@api.get("/outcomes/<int:outcome_id>", summary=N_("One outcome"), security=OPTIONAL_BEARER, responses={200: OutcomeOut})
def get_outcome(path: OutcomePath):
    return respond(outcome_out(_visible(path.outcome_id)))


def _review(outcome: Outcome, wanted: str | None) -> None:
    """Moves the outcome along its review towards `wanted`: straight to approved, a reviewer's own record needs no
    separate submission step (both steps are in its history)."""
    if wanted in ("submitted", "approved") and REVIEW_TRANSITIONS.allows(outcome.review_state, "submit"):
        services.submit(outcome, current_user)
    if wanted == "approved" and REVIEW_TRANSITIONS.allows(outcome.review_state, "approve"):
        services.approve(outcome, current_user)


@api.post("/outcomes", summary=N_("Record an outcome"), security=BEARER, responses={201: OutcomeOut})
@roles_required(ORGANISER)
def create_outcome(body: OutcomeBody):
    data = services.OutcomeData(
        event_slug=body.meeting or "",
        session_uid=body.session or "",
        kind=body.kind,
        text=dict(body.text),
        paragraphs=list(body.paragraphs),
        actors=list(body.actors),
        deadline=body.deadline,
        implementation_status=body.implementation_status,
    )
    try:
        outcome = services.create_outcome(data, current_user)
        _review(outcome, body.review_state)
    except services.OutcomeError as refusal:
        raise refused(_api_fields(refusal.errors)) from refusal
    location = url_for("api_outcomes.get_outcome", outcome_id=outcome.id)
    return respond(outcome_out(services.find_outcome(outcome.id)), 201, {"Location": location})


# The service names a few fields as the site's forms do.
_FIELD_NAMES = {"event_slug": "meeting", "session_uid": "session", "review": "review_state"}


def _api_fields(errors: dict) -> dict:
    return {_FIELD_NAMES.get(name, name): message for name, message in errors.items()}


@api.patch("/outcomes/<int:outcome_id>", summary=N_("Change an outcome"), security=BEARER, responses={200: OutcomeOut})
@roles_required(ORGANISER)
def update_outcome(path: OutcomePath, body: OutcomePatchBody):
    outcome = _visible(path.outcome_id)
    check_if_match(outcome_out(outcome))
    changes = body.model_dump(exclude_unset=True)
    review_state = changes.pop("review_state", None)
    data = services.outcome_data(outcome)
    for name, value in changes.items():
        if name in ("meeting", "session"):
            setattr(data, "event_slug" if name == "meeting" else "session_uid", value or "")
        else:
            setattr(data, name, value)
    try:
        if changes:
            services.update_outcome(outcome, data, outcome.version, current_user)
        _review(outcome, review_state)
    except services.OutcomeError as refusal:
        raise refused(_api_fields(refusal.errors)) from refusal
    return respond(outcome_out(services.find_outcome(outcome.id)))
