"""Pages read the database in a fixed number of queries, however many rows there are."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.db import db
from events.models import Event, EventBody
from plan.models import Actor, Paragraph
from tests.clock import YEAR
from tests.conftest import count_queries


def _add_events(app, count, offset=0):
    with app.app_context():
        paragraphs = db.session.scalars(select(Paragraph).limit(3)).all()
        actors = db.session.scalars(select(Actor).limit(2)).all()
        start = datetime(YEAR, 1, 1, 9, tzinfo=UTC)
        for index in range(offset, offset + count):
            event = Event(
                slug=f"event-{index}",
                kind="meeting",
                title={"en": f"Meeting {index}"},
                starts_at=start + timedelta(days=index),
                ends_at=start + timedelta(days=index, hours=8),
                timezone="Europe/Vienna",
                status="open",
                paragraphs=paragraphs,
                bodies=[EventBody(actor=actors[0], role="organiser"), EventBody(actor=actors[1], role="partner")],
            )
            db.session.add(event)
        db.session.commit()


def _queries(app, url):
    client = app.test_client()
    client.get(url)  # warm caches that are not per request
    with count_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_event_list_queries_do_not_grow_with_events(app):
    _add_events(app, 5)
    few = _queries(app, "/events/")
    _add_events(app, 60, offset=5)
    assert _queries(app, "/events/") == few
    assert few <= 10


def test_paragraph_page_queries_do_not_grow_with_events(app):
    _add_events(app, 3)
    paragraph_url = None
    with app.app_context():
        p = db.session.scalar(select(Paragraph).order_by(Paragraph.id).limit(1))
        paragraph_url = f"/plan/{p.document.code}/{p.number}"
    few = _queries(app, paragraph_url)
    _add_events(app, 40, offset=3)
    assert _queries(app, paragraph_url) == few


def test_plan_index_is_a_fixed_number_of_queries(app):
    assert _queries(app, "/plan/") <= 6


def test_coverage_and_paragraph_page_with_5000_outcomes_use_a_fixed_number_of_queries(app, demo):
    from tests.outcome_helpers import bulk_outcomes

    bulk_outcomes(app, 50)
    few = {url: _queries(app, url) for url in ("/plan/coverage", "/plan/bucharest-2001/20", "/outcomes/")}
    bulk_outcomes(app, 4950)
    many = {url: _queries(app, url) for url in few}
    assert many == few
    assert few["/plan/coverage"] <= 12
    page = app.test_client().get("/plan/bucharest-2001/20?lang=en").get_data(as_text=True)
    # Flask-Babel's ngettext puts the bare number in: 5000, not the locale's 5,000 (noted for the language issue).
    assert "5000 outcomes" in page
