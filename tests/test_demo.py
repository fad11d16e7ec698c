from sqlalchemy import func, select

from accounts.models import User
from core.db import db
from events.models import Event, Series

CONTRACT_SLUGS = {"bishkek-2001", "coc-follow-up-2002", "salw-workshop-2002", "internet-workshop-2005"}


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Event.id))),
            db.session.scalar(select(func.count(Series.id))),
            db.session.scalar(select(func.count(User.id))),
        )


def test_seed_demo_is_idempotent_and_prints_the_accounts(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "organiser@example.org / organiser-demo-2001 / organiser (manages every demo meeting)" in first.output
    # The second organiser, limited to one meeting, says so on its line.
    [line] = [line for line in first.output.splitlines() if "internet-organiser@example.org" in line]
    assert line.strip() == (
        "internet-organiser@example.org / internet-demo-2005 / organiser (manages only internet-workshop-2005)"
    )
    counts = _counts(app)
    assert counts == (8, 1, 5)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert _counts(app) == counts


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, browser):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        db.session.execute(Event.__table__.delete().where(Event.slug == "salw-workshop-2002"))
        db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "no demo data loaded" in result.output
    assert _counts(app)[0] == 7


def test_demo_contains_the_meetings_the_documents_ask_for(browser, demo):
    for slug in CONTRACT_SLUGS | {"law-enforcement-meetings"}:
        assert browser.get(f"/events/{slug}/").status_code == 200, slug
    page = browser.get("/events/internet-workshop-2005/?lang=en").get_data(as_text=True)
    assert "/plan/actors/interpol" in page and "/plan/mc-dec-3-04/2" in page
    page = browser.get("/events/bishkek-2001/?lang=en").get_data(as_text=True)
    assert "Asia/Bishkek" in page and "/plan/bucharest-2001/29" in page


def test_demo_users_can_sign_in_with_each_role(browser, demo):
    for role in ("admin", "organiser", "rapporteur", "participant"):
        response = browser.login(f"{role}@example.org", f"{role}-demo-2001")
        assert response.status_code == 302, role
        browser.get("/")
        browser.post("/logout")
