"""The JSON API as the organisation's other systems use it: reading, tokens, writing, errors, pages, ETags, limits."""

import os
import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

from accounts.models import ApiToken, User
from accounts.tokens import create_token, revoke_token
from agenda.models import Session
from core.audit import AuditEntry
from core.db import db
from core.mail import OutboxMessage
from events.models import Event
from materials.models import Material
from outcomes.models import Outcome
from participants.models import Invitation
from tests.agenda_helpers import FUTURE, add_session, bulk_programme, make_event, publish
from tests.catalogs import translated
from tests.clock import YEAR
from tests.conftest import count_queries, signed_in, unit_of_work
from tests.outcome_helpers import bulk_outcomes

API = "/api/v1"


def token_for(app, email):
    with unit_of_work(app):
        user = db.session.scalar(select(User).where(User.email == email))
        return create_token(user, "test")[1]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def organiser_token(app, demo):
    return token_for(app, "organiser@example.org")


@pytest.fixture
def client(app):
    return app.test_client()


def meeting_body(**overrides):
    body = {
        "slug": "border-security-2027",
        "kind": "expert_workshop",
        "title": {"en": "Workshop on border security", "ru": "Семинар по безопасности границ"},
        "starts_at": f"{YEAR}-03-12T09:00:00",
        "ends_at": f"{YEAR}-03-13T17:00:00",
        "timezone": "Asia/Bishkek",
        "city": "Bishkek",
        "organisers": ["secretariat"],
        "paragraphs": ["bucharest-2001:20"],
    }
    body.update(overrides)
    return body


def problem_fields(response):
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == response.status_code and body["title"] and body["detail"]
    return {error["field"] for error in body["errors"]}


# Reading ---------------------------------------------------------------------------------------------------------


def test_meetings_are_read_without_token_and_shown_in_their_own_zone(client, demo):
    response = client.get(f"{API}/meetings/bishkek-2001")
    assert response.status_code == 200 and response.mimetype == "application/json"
    meeting = response.get_json()
    # Bishkek was UTC+5 in December 2001 (UTC+6 since 2005).
    assert meeting["starts_at"] == "2001-12-13T09:30:00+05:00"
    assert meeting["timezone"] == "Asia/Bishkek"
    assert meeting["paragraphs"] == ["bucharest-2001:13", "bucharest-2001:19", "bucharest-2001:24", "bucharest-2001:29"]
    assert meeting["url"].endswith("/events/bishkek-2001/")


def test_drafts_are_hidden_from_the_public_and_shown_to_organisers(client, demo, organiser_token):
    client.post(f"{API}/meetings", json=meeting_body(), headers=bearer(organiser_token))
    assert client.get(f"{API}/meetings/border-security-2027").status_code == 404
    public = {m["slug"] for m in client.get(f"{API}/meetings?per_page=100").get_json()["items"]}
    assert "border-security-2027" not in public
    assert client.get(f"{API}/meetings/border-security-2027", headers=bearer(organiser_token)).status_code == 200
    mine = client.get(f"{API}/meetings?per_page=100&status=draft", headers=bearer(organiser_token)).get_json()
    assert [m["slug"] for m in mine["items"]] == ["border-security-2027"]


def test_pages_carry_totals_and_link_headers(client, demo):
    first = client.get(f"{API}/paragraphs?document=bucharest-2001&per_page=10")
    body = first.get_json()
    assert body["total"] == 31 and len(body["items"]) == 10 and body["page"] == 1
    links = first.headers["Link"]
    assert 'rel="next"' in links and 'rel="last"' in links and 'rel="prev"' not in links
    assert "page=4" in links and "document=bucharest-2001" in links
    last = client.get(f"{API}/paragraphs?document=bucharest-2001&per_page=10&page=4").get_json()
    assert len(last["items"]) == 1
    beyond = client.get(f"{API}/paragraphs?document=bucharest-2001&per_page=10&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 31


def test_filters_narrow_the_lists(client, demo):
    paragraph = client.get(f"{API}/paragraphs?actor=odihr").get_json()
    assert paragraph["items"] and all("odihr" in p["actors"] for p in paragraph["items"])
    assert client.get(f"{API}/paragraphs?section=III&per_page=100").get_json()["total"] == 18
    held = client.get(f"{API}/meetings?from_date=2001-12-01&to_date=2001-12-31").get_json()
    assert [m["slug"] for m in held["items"]] == ["bishkek-2001"]
    conferences = client.get(f"{API}/meetings?kind=conference&per_page=100").get_json()["items"]
    assert conferences and all(m["kind"] == "conference" for m in conferences)
    outcomes = client.get(f"{API}/outcomes?meeting=bishkek-2001&per_page=100").get_json()["items"]
    assert outcomes and all(o["meeting"] == "bishkek-2001" and o["review_state"] == "approved" for o in outcomes)
    actor = outcomes[0]["actors"][0]
    by_actor = client.get(f"{API}/outcomes?actor={actor}&per_page=100").get_json()["items"]
    assert by_actor and all(actor in o["actors"] for o in by_actor)
    reference = outcomes[0]["paragraphs"][0]
    by_paragraph = client.get(f"{API}/outcomes?paragraph={reference}&per_page=100").get_json()["items"]
    assert by_paragraph and all(reference in o["paragraphs"] for o in by_paragraph)
    due = [o for o in outcomes if o["deadline"]]
    day = due[0]["deadline"]
    by_deadline = client.get(f"{API}/outcomes?due_from={day}&due_to={day}&per_page=100").get_json()["items"]
    assert by_deadline and all(o["deadline"] == day for o in by_deadline)
    organised = client.get(f"{API}/meetings?actor=secretariat&per_page=100").get_json()["items"]
    assert organised and all("secretariat" in m["organisers"] + m["partners"] for m in organised)
    status = outcomes[0]["implementation_status"]
    by_status = client.get(f"{API}/outcomes?status={status}&per_page=100").get_json()["items"]
    assert by_status and all(o["implementation_status"] == status for o in by_status)


def test_etags_answer_304_when_nothing_changed_and_change_with_the_data(client, demo, organiser_token):
    first = client.get(f"{API}/meetings/bishkek-2001")
    etag = first.headers["ETag"]
    again = client.get(f"{API}/meetings/bishkek-2001", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    client.patch(f"{API}/meetings/bishkek-2001", json={"city": "Bichkek"}, headers=bearer(organiser_token))
    changed = client.get(f"{API}/meetings/bishkek-2001", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["city"] == "Bichkek"


def test_published_programme_and_draft(client, app, demo, organiser_token):
    sessions = client.get(f"{API}/meetings/bishkek-2001/sessions?per_page=100").get_json()
    assert sessions["total"] == 11
    opening = sessions["items"][0]
    assert opening["starts_at"].endswith("+05:00")
    one = client.get(f"{API}/meetings/bishkek-2001/sessions/{opening['uid']}").get_json()
    assert one == opening
    assert client.get(f"{API}/meetings/bishkek-2001/sessions?draft=true").status_code == 403
    draft = client.get(f"{API}/meetings/bishkek-2001/sessions?draft=true", headers=bearer(organiser_token))
    assert draft.status_code == 200 and draft.get_json()["total"] == 11
    day = opening["starts_at"][:10]
    on_day = client.get(f"{API}/meetings/bishkek-2001/sessions?on={day}&per_page=100").get_json()["items"]
    assert on_day and all(s["starts_at"].startswith(day) for s in on_day)


def test_only_public_documents_and_approved_outcomes_are_listed(client, app, demo):
    with app.app_context():
        hidden = db.session.scalar(select(Material.id).where(Material.distribution != "public"))
        public_count = db.session.scalar(select(func.count(Material.id)).where(Material.distribution == "public"))
        draft_outcome = Outcome(kind="conclusion", text={"en": "Not yet approved"}, review_state="draft")
        db.session.add(draft_outcome)
        db.session.commit()
        draft_id = draft_outcome.id
    materials = client.get(f"{API}/materials?per_page=100").get_json()
    assert materials["total"] == public_count
    assert client.get(f"{API}/materials/{hidden}").status_code == 404
    file = materials["items"][0]["files"][0]
    assert file["sha256"] and file["url"].startswith("http://localhost/materials/")
    assert client.get(f"{API}/outcomes/{draft_id}").status_code == 404
    assert draft_id not in {o["id"] for o in client.get(f"{API}/outcomes?per_page=100").get_json()["items"]}


# Tokens and roles ------------------------------------------------------------------------------------------------


def test_writes_need_an_organisers_token(client, app, demo):
    response = client.post(f"{API}/meetings", json=meeting_body())
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    problem_fields(response)
    for email in ("participant@example.org", "rapporteur@example.org"):
        token = token_for(app, email)
        for method, url in (
            ("post", f"{API}/meetings"),
            ("patch", f"{API}/meetings/bishkek-2001"),
            ("post", f"{API}/meetings/bishkek-2001/sessions"),
            ("post", f"{API}/meetings/bishkek-2001/publications"),
            ("get", f"{API}/meetings/bishkek-2001/invitations"),
            ("post", f"{API}/meetings/bishkek-2001/invitations"),
            ("post", f"{API}/outcomes"),
        ):
            # Bodies that an organiser's token would get accepted: the refusal is for the role, not the data.
            body = {f"post {API}/meetings": meeting_body(), f"patch {API}/meetings/bishkek-2001": {"city": "Osh"}}
            answer = getattr(client, method)(url, json=body.get(f"{method} {url}", {}), headers=bearer(token))
            assert answer.status_code == 403, (email, method, url)
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id)).where(Event.slug == "border-security-2027")) == 0
    assert client.get(f"{API}/meetings/bishkek-2001").get_json()["city"] == "Bishkek"


def test_a_bad_or_revoked_token_is_refused_even_for_reading(client, app, demo):
    assert client.get(f"{API}/meetings", headers=bearer("fum_" + "x" * 43)).status_code == 401
    assert client.get(f"{API}/meetings", headers={"Authorization": "Basic abc"}).status_code == 401
    token = token_for(app, "organiser@example.org")
    assert client.get(f"{API}/meetings", headers=bearer(token)).status_code == 200
    with unit_of_work(app):
        user = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
        revoke_token(user, token_id)
    assert client.get(f"{API}/meetings", headers=bearer(token)).status_code == 401


def test_a_browser_session_does_not_act_through_the_api(app, demo):
    """The API ignores cookies: a signed-in organiser's browser cannot be made to write through it (no CSRF hole)."""
    browser = signed_in(app, "organiser@example.org", "organiser-demo-2001")
    response = browser.client.post(f"{API}/meetings", json=meeting_body())
    assert response.status_code == 401
    with app.app_context():
        assert db.session.scalar(select(Event.id).where(Event.slug == "border-security-2027")) is None


# Writing ---------------------------------------------------------------------------------------------------------


def test_an_organiser_creates_and_changes_a_meeting(client, app, demo, organiser_token):
    created = client.post(f"{API}/meetings", json=meeting_body(), headers=bearer(organiser_token))
    assert created.status_code == 201
    assert created.headers["Location"].endswith("/api/v1/meetings/border-security-2027")
    meeting = created.get_json()
    # Wall-clock time in the meeting's zone: Bishkek is UTC+6 in 2027.
    assert meeting["status"] == "draft" and meeting["starts_at"] == f"{YEAR}-03-12T09:00:00+06:00"
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == "border-security-2027"))
        assert event.starts_at.isoformat() == f"{YEAR}-03-12T03:00:00+00:00"
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.entity_id == event.id, AuditEntry.entity_type == "event")
        )
        assert entry.user.email == "organiser@example.org"

    # An instant with an offset lands at the same instant.
    changed = client.patch(
        f"{API}/meetings/border-security-2027",
        json={"starts_at": f"{YEAR}-03-12T08:00:00+05:00", "status": "open", "capacity": 40},
        headers=bearer(organiser_token),
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["starts_at"] == f"{YEAR}-03-12T09:00:00+06:00" and body["status"] == "open" and body["capacity"] == 40
    assert body["title"]["ru"] == "Семинар по безопасности границ"
    assert client.get(f"{API}/meetings/border-security-2027").status_code == 200

    refused = client.patch(
        f"{API}/meetings/border-security-2027",
        json={"city": "Osh", "status": "archived"},
        headers=bearer(organiser_token),
    )
    assert refused.status_code == 422 and problem_fields(refused) == {"body.status"}
    assert client.get(f"{API}/meetings/border-security-2027").get_json()["city"] == "Bishkek"


def test_refused_values_are_explained_and_nothing_is_saved(client, app, demo, organiser_token):
    response = client.post(
        f"{API}/meetings",
        json=meeting_body(ends_at=f"{YEAR}-03-11T09:00:00", paragraphs=["bucharest-2001:999"], timezone="Mars/Olympus"),
        headers=bearer(organiser_token),
    )
    assert response.status_code == 422
    assert problem_fields(response) == {"body.timezone", "body.paragraphs"}
    invalid = client.post(
        f"{API}/meetings",
        json=meeting_body(kind="party", colour="red", slug="Not A Slug"),
        headers=bearer(organiser_token),
    )
    assert invalid.status_code == 422
    assert problem_fields(invalid) == {"body.kind", "body.colour", "body.slug"}
    far = client.post(
        f"{API}/meetings", json=meeting_body(starts_at="0001-01-01T00:00:00"), headers=bearer(organiser_token)
    )
    assert far.status_code == 422 and "body.starts_at" in problem_fields(far)
    not_json = client.post(f"{API}/meetings", data="slug=x", headers=bearer(organiser_token))
    assert not_json.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id)).where(Event.slug == "border-security-2027")) == 0


def test_if_match_refuses_a_change_based_on_a_stale_read(client, demo, organiser_token):
    etag = client.get(f"{API}/meetings/bishkek-2001").headers["ETag"]
    client.patch(f"{API}/meetings/bishkek-2001", json={"venue": "Ala-Archa"}, headers=bearer(organiser_token))
    stale = client.patch(
        f"{API}/meetings/bishkek-2001",
        json={"venue": "Somewhere else"},
        headers={**bearer(organiser_token), "If-Match": etag},
    )
    assert stale.status_code == 412
    current = client.get(f"{API}/meetings/bishkek-2001")
    assert current.get_json()["venue"] == "Ala-Archa"
    fresh = client.patch(
        f"{API}/meetings/bishkek-2001",
        json={"venue": "State Residence"},
        headers={**bearer(organiser_token), "If-Match": current.headers["ETag"]},
    )
    assert fresh.status_code == 200 and fresh.get_json()["venue"] == "State Residence"


def test_sessions_are_added_checked_for_clashes_and_published(client, app, demo, organiser_token):
    event_id = make_event(app, slug="vienna-2027", start=FUTURE)
    add_session(app, event_id, FUTURE, FUTURE.replace(hour=11), room="Neuer Saal")
    publish(app, event_id)
    headers = bearer(organiser_token)
    session = {
        "kind": "panel",
        "title": {"en": "Travel document security", "de": "Sicherheit von Reisedokumenten"},
        "starts_at": f"{YEAR}-03-12T10:00:00",
        "ends_at": f"{YEAR}-03-12T12:00:00",
        "room": "Neuer Saal",
        "chair": {"name": "Head of the Action against Terrorism Unit", "affiliation": "OSCE Secretariat"},
        "paragraphs": ["bucharest-2001:26"],
    }
    clash = client.post(f"{API}/meetings/vienna-2027/sessions", json=session, headers=headers)
    assert clash.status_code == 409 and problem_fields(clash) == {"body.confirm"}
    created = client.post(f"{API}/meetings/vienna-2027/sessions", json={**session, "confirm": True}, headers=headers)
    assert created.status_code == 201
    uid = created.get_json()["uid"]
    assert created.get_json()["starts_at"] == f"{YEAR}-03-12T10:00:00+01:00"
    assert client.get(f"{API}/meetings/vienna-2027/sessions/{uid}").status_code == 404  # not published yet
    cancelled = client.patch(f"{API}/meetings/vienna-2027/sessions/{uid}", json={"cancelled": True}, headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["cancelled"] is True
    published = client.post(f"{API}/meetings/vienna-2027/publications", headers=headers)
    assert published.status_code == 201 and published.get_json()["version"] == 2
    assert uid in published.get_json()["changes"]["added"]
    public = client.get(f"{API}/meetings/vienna-2027/sessions/{uid}").get_json()
    assert public["cancelled"] is True and public["chair"]["affiliation"] == "OSCE Secretariat"
    again = client.post(f"{API}/meetings/vienna-2027/publications", headers=headers)
    assert again.status_code == 422


def test_an_invitation_sent_through_the_api_queues_its_mail_once(client, app, demo, organiser_token):
    make_event(app, slug="vienna-2027", start=FUTURE)
    body = {"email": "Aigul.Delegate@example.kg", "given_name": "Aigul", "family_name": "Delegate", "language": "ru"}
    with app.app_context():
        before = db.session.scalar(select(func.count(OutboxMessage.id)))
    first = client.post(f"{API}/meetings/vienna-2027/invitations", json=body, headers=bearer(organiser_token))
    assert first.status_code == 201
    invitation = first.get_json()
    assert invitation["status"] == "sent" and invitation["email"] == "aigul.delegate@example.kg"
    second = client.post(f"{API}/meetings/vienna-2027/invitations", json=body, headers=bearer(organiser_token))
    assert second.status_code == 200 and second.get_json()["id"] == invitation["id"]
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == before + 1
        message = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        assert message.recipient == "aigul.delegate@example.kg" and message.language == "ru"
        assert db.session.scalar(select(func.count(Invitation.id)).where(Invitation.id == invitation["id"])) == 1
    listed = client.get(f"{API}/meetings/vienna-2027/invitations?status=sent", headers=bearer(organiser_token))
    assert [item["id"] for item in listed.get_json()["items"]] == [invitation["id"]]
    unknown = client.post(
        f"{API}/meetings/vienna-2027/invitations",
        json={**body, "delegation": "atlantis"},
        headers=bearer(organiser_token),
    )
    assert unknown.status_code == 422 and "body.delegation" in problem_fields(unknown)


def test_outcomes_are_recorded_approved_and_changed(client, app, demo, organiser_token):
    headers = bearer(organiser_token)
    body = {
        "meeting": "bishkek-2001",
        "kind": "action_item",
        "text": {"en": "The Secretariat to report on border security projects", "fr": "Le Secrétariat fera rapport"},
        "paragraphs": ["bucharest-2001:20"],
        "actors": ["secretariat"],
        "deadline": "2002-06-30",
    }
    draft = client.post(f"{API}/outcomes", json=body, headers=headers)
    assert draft.status_code == 201 and draft.get_json()["review_state"] == "draft"
    draft_id = draft.get_json()["id"]
    assert client.get(f"{API}/outcomes/{draft_id}").status_code == 404
    assert client.get(f"{API}/outcomes/{draft_id}", headers=headers).status_code == 200
    approved = client.patch(
        f"{API}/outcomes/{draft_id}",
        json={"review_state": "approved", "implementation_status": "agreed"},
        headers=headers,
    )
    assert approved.status_code == 200
    assert approved.get_json()["review_state"] == "approved" and approved.get_json()["approved_at"]
    public = client.get(f"{API}/outcomes/{draft_id}").get_json()
    assert public["implementation_status"] == "agreed" and public["text"]["fr"] == "Le Secrétariat fera rapport"
    direct = client.post(f"{API}/outcomes", json={**body, "review_state": "approved"}, headers=headers)
    assert client.get(f"{API}/outcomes/{direct.get_json()['id']}").status_code == 200
    no_actor = client.post(f"{API}/outcomes", json={**body, "actors": []}, headers=headers)
    assert no_actor.status_code == 422 and "body.actors" in problem_fields(no_actor)
    wrong_session = client.post(f"{API}/outcomes", json={**body, "session": "nope"}, headers=headers)
    assert wrong_session.status_code == 422 and problem_fields(wrong_session) == {"body.session"}


# Errors, languages, limits, queries -----------------------------------------------------------------------------


def test_every_error_is_a_problem_document(client, demo):
    for url, status in (
        (f"{API}/nothing-here", 404),
        (f"{API}/meetings/nope", 404),
        (f"{API}/paragraphs?per_page=1000", 422),
        (f"{API}/outcomes?status=finished", 422),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        problem_fields(response)
    wrong_method = client.delete(f"{API}/meetings/bishkek-2001")
    assert wrong_method.status_code == 405 and "PATCH" in wrong_method.headers["Allow"]
    problem_fields(wrong_method)
    assert problem_fields(client.get(f"{API}/paragraphs?per_page=0")) == {"query.per_page"}
    huge = client.post(f"{API}/meetings", json=meeting_body(description={"en": "x" * 2_000_000}))
    assert huge.status_code == 413
    problem_fields(huge)


def test_error_details_follow_accept_language(client, demo):
    response = client.get(f"{API}/meetings/nope", headers={"Accept-Language": "fr"})
    assert response.get_json()["detail"] == translated("There is no such meeting.", "fr")
    assert response.get_json()["detail"] != "There is no such meeting."
    assert "Accept-Language" in response.headers["Vary"] and "Authorization" in response.headers["Vary"]


def another_instance(app, **settings):
    """A second app on the same database with its own settings, as another server would run."""
    from app import create_app

    base = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SERVER_NAME": "localhost",
    }
    return create_app({**base, **settings})


def test_rate_limits_answer_429_with_retry_after(app, demo):
    client = another_instance(app, API_RATE_LIMIT_ANONYMOUS="3 per minute").test_client()
    # One budget for the whole API, not one per operation.
    answers = [client.get(f"{API}{path}") for path in ("/actors", "/paragraphs", "/meetings", "/actors")]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3" and answers[2].headers["X-RateLimit-Remaining"] == "0"
    assert int(answers[3].headers["Retry-After"]) > 0 and "Retry-After" not in answers[0].headers
    problem_fields(answers[3])
    # Pages are not limited by the API's budget.
    assert client.get("/plan/").status_code == 200


def test_made_up_tokens_do_not_escape_the_ceiling_per_address(app, demo):
    client = another_instance(app, API_RATE_LIMIT_ADDRESS="3 per minute").test_client()
    statuses = [client.get(f"{API}/actors", headers=bearer(f"fum_{n:043d}")).status_code for n in range(4)]
    assert statuses == [401, 401, 401, 429]


def _more_meetings(app):
    for number in range(20):
        make_event(app, slug=f"meeting-{number}", start=FUTURE, series_slug="law-enforcement-meetings")


def _more_outcomes(app):
    bulk_outcomes(app, 100)


def _more_sessions(app):
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == "vienna-2026"))
    for hour in range(9, 17):
        add_session(app, event_id, datetime(YEAR, 3, 13, hour), datetime(YEAR, 3, 13, hour, 45), room="Hall A")
    publish(app, event_id)


def test_instances_share_the_rate_limit_through_redis(app, demo):
    """Two instances (as two gunicorn workers or two servers) count against one budget held in Redis."""
    settings = {
        "API_RATE_LIMIT_ANONYMOUS": "3 per minute",
        "RATELIMIT_STORAGE_URI": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    first, second = (another_instance(app, **settings).test_client() for _ in range(2))
    statuses = [client.get(f"{API}/actors").status_code for client in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize(
    "path, grow",
    [
        ("/meetings", _more_meetings),
        ("/outcomes", _more_outcomes),
        ("/meetings/vienna-2026/sessions", _more_sessions),
    ],
)
def test_lists_cost_the_same_queries_whatever_their_length(client, app, demo, organiser_token, path, grow):
    bulk_programme(app, "vienna-2026", 10)

    def queries():
        with count_queries(app) as statements:
            response = client.get(f"{API}{path}?per_page=100", headers=bearer(organiser_token))
            assert response.status_code == 200
        return len(statements), response.get_json()["total"]

    queries()  # the token's first use of the minute records it
    before, rows_before = queries()
    grow(app)
    after, rows_after = queries()
    assert rows_after > rows_before and after == before


def test_the_document_and_its_reading_page(client, demo):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    document = client.get(f"{API}/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert len(operations) == 24
    assert all("422" in op["responses"] and "429" in op["responses"] for op in operations)
    page = client.get(f"{API}/docs?lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "POST /api/v1/meetings" in text and "MeetingBody" in text and "needs an organiser" in text
    # A page like the others: in the language chosen on the site, with the operations' summaries translated.
    russian = client.get(f"{API}/docs?lang=ru").get_data(as_text=True)
    assert translated("Plan", "ru") in russian and translated("Create a meeting (as a draft)", "ru") in russian


def test_session_created_through_the_api_is_in_the_database(client, app, demo, organiser_token):
    event_id = make_event(app, slug="vienna-2027", start=FUTURE)
    session = {
        "kind": "plenary",
        "title": {"en": "Closing"},
        "starts_at": datetime(YEAR, 3, 13, 16).isoformat(),
        "ends_at": datetime(YEAR, 3, 13, 17).isoformat(),
    }
    created = client.post(f"{API}/meetings/vienna-2027/sessions", json=session, headers=bearer(organiser_token))
    assert created.status_code == 201
    with app.app_context():
        stored = db.session.scalar(select(Session).where(Session.uid == created.get_json()["uid"]))
        assert stored.event_id == event_id and stored.title == {"en": "Closing"}


def test_the_command_line_prints_the_same_document(app, client):
    import json

    printed = json.loads(app.test_cli_runner().invoke(args=["openapi"]).output)
    served = client.get(f"{API}/openapi.json").get_json()
    served.pop("servers")
    assert printed == served
