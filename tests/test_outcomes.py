from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from core.db import db
from outcomes.models import Outcome, OutcomeRevision
from tests.catalogs import translated
from tests.conftest import signed_in
from tests.outcome_helpers import record


def outcome_form(**overrides):
    data = {
        "event_slug": "bishkek-2001",
        "session_uid": "",
        "kind": "recommendation",
        "text_en": "Participating States should exchange information on travel document fraud.",
        "text_ru": "Государствам-участникам следует обмениваться информацией о подделке проездных документов.",
        "paragraphs": ["bucharest-2001:26"],
        "actors": ["participating-states"],
        "deadline": "",
        "implementation_status": "proposed",
    }
    data.update(overrides)
    return data


@pytest.fixture
def rapporteur(app, demo):
    return signed_in(app, "rapporteur@example.org", "rapporteur-demo-2001")


@pytest.fixture
def reviewer(app, demo):
    return signed_in(app, "organiser@example.org", "organiser-demo-2001")


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Outcome.id)))


def test_rapporteur_records_a_draft_that_only_they_and_organisers_see(app, rapporteur, reviewer, make_user):
    before = count(app)
    rapporteur.get("/outcomes/new?event=bishkek-2001")
    response = rapporteur.post("/outcomes/new", outcome_form())
    assert response.status_code == 302
    outcome_id = int(response.location.rsplit("/", 1)[1])
    assert count(app) == before + 1
    assert rapporteur.get(f"/outcomes/{outcome_id}").status_code == 200
    assert reviewer.get(f"/outcomes/{outcome_id}").status_code == 200
    anonymous = app.test_client()
    assert anonymous.get(f"/outcomes/{outcome_id}").status_code == 404
    make_user("participant", email="delegate@example.org")
    participant = signed_in(app, "delegate@example.org", "correct horse battery")
    assert participant.get(f"/outcomes/{outcome_id}").status_code == 404
    make_user("rapporteur", email="other-rapporteur@example.org")
    other = signed_in(app, "other-rapporteur@example.org", "correct horse battery")
    assert other.get(f"/outcomes/{outcome_id}").status_code == 404
    assert other.get(f"/outcomes/{outcome_id}/edit").status_code == 404
    # Nor does a draft show in lists or on the paragraph page.
    text = "exchange information on travel document fraud"
    assert text not in anonymous.get("/outcomes/?lang=en").get_data(as_text=True)
    assert text not in anonymous.get("/plan/bucharest-2001/26?lang=en").get_data(as_text=True)
    assert text in rapporteur.get("/outcomes/?lang=en").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message", "values"),
    [
        ({"paragraphs": []}, "Tie the outcome to at least one paragraph of the plan.", {}),
        ({"paragraphs": ["bucharest-2001:40"]}, "Unknown plan paragraph: %(refs)s.", {"refs": "bucharest-2001:40"}),
        ({"text_en": "", "text_ru": ""}, "Write the text in at least one language.", {}),
        ({"kind": "action_item", "actors": []}, "An action item needs the body responsible for it.", {}),
    ],
    ids=["no-paragraph", "unknown-paragraph", "no-text", "action-without-body"],
)
def test_bad_outcomes_are_refused_in_the_reader_language(app, rapporteur, overrides, message, values):
    before = count(app)
    rapporteur.get("/outcomes/new?lang=es")
    response = rapporteur.post("/outcomes/new", outcome_form(**overrides))
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert translated(message, "es", **values) in page
    assert count(app) == before


def test_review_submit_approve_then_public(app, rapporteur, reviewer):
    outcome_id = record(app)
    rapporteur.get(f"/outcomes/{outcome_id}")
    rapporteur.post(f"/outcomes/{outcome_id}/submit")
    # A rapporteur cannot approve, not even their own outcome.
    assert rapporteur.post(f"/outcomes/{outcome_id}/approve").status_code == 403
    assert app.test_client().get(f"/outcomes/{outcome_id}").status_code == 404
    reviewer.get(f"/outcomes/{outcome_id}")
    assert reviewer.post(f"/outcomes/{outcome_id}/approve").status_code == 302
    assert app.test_client().get(f"/outcomes/{outcome_id}").status_code == 200
    page = app.test_client().get("/plan/bucharest-2001/20?lang=en").get_data(as_text=True)
    assert "follow-up workshop on border security" in page and "Proposed" in page


def test_returned_outcome_goes_back_to_the_rapporteur_with_the_comment(app, rapporteur, reviewer):
    outcome_id = record(app)
    rapporteur.get(f"/outcomes/{outcome_id}")
    rapporteur.post(f"/outcomes/{outcome_id}/submit")
    reviewer.get(f"/outcomes/{outcome_id}")
    empty = reviewer.post(f"/outcomes/{outcome_id}/return", {"comment": ""})
    assert "Say why the outcome is returned." in reviewer.get(empty.location).get_data(as_text=True)
    reviewer.post(f"/outcomes/{outcome_id}/return", {"comment": "Name the workshop's venue."})
    page = rapporteur.get(f"/outcomes/{outcome_id}?lang=en").get_data(as_text=True)
    assert "Returned to the rapporteur" in page and "Name the workshop" in page
    assert rapporteur.get(f"/outcomes/{outcome_id}/edit").status_code == 200


def test_two_people_editing_at_once_cannot_overwrite_each_other(app, rapporteur, reviewer):
    outcome_id = record(app)
    rapporteur.get(f"/outcomes/{outcome_id}/edit")
    reviewer.get(f"/outcomes/{outcome_id}/edit")
    first = reviewer.post(
        f"/outcomes/{outcome_id}/edit",
        outcome_form(
            kind="action_item",
            actors=["secretariat"],
            text_en="Organiser's wording.",
            text_ru="",
            version="1",
            paragraphs=["bucharest-2001:20"],
        ),
    )
    assert first.status_code == 302
    second = rapporteur.post(
        f"/outcomes/{outcome_id}/edit",
        outcome_form(
            kind="action_item",
            actors=["secretariat"],
            text_en="Rapporteur's wording.",
            text_ru="",
            version="1",
            paragraphs=["bucharest-2001:20"],
        ),
    )
    assert second.status_code == 409
    page = unescape(second.get_data(as_text=True))
    assert "Someone else saved this outcome while you were editing it." in page
    assert "Rapporteur's wording." in page  # what they typed is still in the form
    assert "Organiser's wording." in page  # and they see what was saved meanwhile
    with app.app_context():
        assert db.session.get(Outcome, outcome_id).text == {"en": "Organiser's wording."}
    # Having seen it, they can save again on purpose.
    third = rapporteur.post(
        f"/outcomes/{outcome_id}/edit",
        outcome_form(
            kind="action_item",
            actors=["secretariat"],
            text_en="Merged wording.",
            text_ru="",
            version="2",
            paragraphs=["bucharest-2001:20"],
        ),
    )
    assert third.status_code == 302
    with app.app_context():
        assert db.session.get(Outcome, outcome_id).text == {"en": "Merged wording."}


def test_every_change_is_kept_as_a_revision_with_a_readable_diff(app, rapporteur):
    outcome_id = record(app, text={"en": "Secretariat to organise a workshop on border security."})
    rapporteur.get(f"/outcomes/{outcome_id}/edit")
    rapporteur.post(
        f"/outcomes/{outcome_id}/edit",
        outcome_form(
            kind="action_item",
            actors=["secretariat"],
            text_ru="",
            version="1",
            text_en="Secretariat to organise a regional workshop on border management.",
            paragraphs=["bucharest-2001:20"],
            deadline="2002-10-01",
        ),
    )
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(OutcomeRevision.id)).where(OutcomeRevision.outcome_id == outcome_id))
            == 2
        )
    page = rapporteur.get(f"/outcomes/{outcome_id}/history?lang=en").get_data(as_text=True)
    assert "<ins>regional</ins>" in page
    assert "<del>security.</del>" in page and "<ins>management.</ins>" in page
    assert "Rafael Rapporteur" in page


def test_dated_status_updates(app, rapporteur):
    outcome_id = record(app, approve_with="organiser@example.org")
    rapporteur.get(f"/outcomes/{outcome_id}")
    rapporteur.post(
        f"/outcomes/{outcome_id}/status", {"on": "2002-03-01", "status": "in_progress", "note": "Venue found."}
    )
    future = (date.today() + timedelta(days=3)).isoformat()
    response = rapporteur.post(f"/outcomes/{outcome_id}/status", {"on": future, "status": "implemented"})
    assert "cannot be dated in the future" in rapporteur.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Outcome, outcome_id).implementation_status == "in_progress"
    page = app.test_client().get(f"/outcomes/{outcome_id}?lang=en").get_data(as_text=True)
    assert "1 March 2002" in page and "Venue found." in page and "In progress" in page
    assert "Implemented" not in page


def test_participants_cannot_record_outcomes(browser, make_user, demo):
    make_user("participant", email="p@example.org")
    browser.login("p@example.org", "correct horse battery")
    browser.get("/")
    assert browser.get("/outcomes/new").status_code == 403
    assert browser.post("/outcomes/new", outcome_form()).status_code == 403
    assert browser.get("/outcomes/import").status_code == 403


def test_outcome_of_a_session_must_belong_to_the_meeting(app, rapporteur):
    with app.app_context():
        from agenda.models import Session

        uid = db.session.scalar(
            select(Session.uid).join(Session.event).where(Session.kind == "opening").order_by(Session.id.desc())
        )
    rapporteur.get("/outcomes/new")
    before = count(app)
    response = rapporteur.post("/outcomes/new", outcome_form(session_uid=uid))
    assert response.status_code == 400
    assert "This session is not part of the meeting." in response.get_data(as_text=True)
    assert count(app) == before


def test_demo_has_the_deadlines_the_plan_sets(browser, demo):
    page = browser.get("/roadmaps/participating-states?lang=en").get_data(as_text=True)
    assert "31 Dec 2002" in page and "12 United Nations conventions" in page
    page = browser.get("/roadmaps/secretary-general?lang=en").get_data(as_text=True)
    assert "27 Dec 2001" in page and "Counter-Terrorism Committee" in page
