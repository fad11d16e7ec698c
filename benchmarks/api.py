"""Times the JSON API: lists of 100 among 5,000 outcomes, a 500-session programme, a 304, and writing meetings.

Run: make bench (or .venv/bin/python -m benchmarks.api [--outcomes N] [--sessions N] [--runs N]).
"""

import argparse
import statistics
import time

from benchmarks.common import fresh_app, measure, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outcomes", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from accounts import demo as demo_accounts
    from accounts.models import User
    from accounts.tokens import create_token
    from core.db import db
    from events import demo as demo_events
    from tests.agenda_helpers import bulk_programme
    from tests.outcome_helpers import bulk_outcomes

    app, database = fresh_app()
    # The benchmark is the only client: the rate limit would measure itself, not the API.
    for name in ("API_RATE_LIMIT_ANONYMOUS", "API_RATE_LIMIT_TOKEN", "API_RATE_LIMIT_ADDRESS"):
        app.config[name] = "1000000 per minute"
    with app.app_context():
        demo_accounts.seed()
        demo_events.seed()
        organiser = db.session.scalar(db.select(User).where(User.email == "organiser@example.org"))
        token = create_token(organiser, "benchmark")[1]
        db.session.commit()
        db.session.remove()
    bulk_outcomes(app, args.outcomes)
    bulk_programme(app, "big-programme", args.sessions)
    print(f"{args.outcomes} approved outcomes, a programme of {args.sessions} sessions ({database})")

    client = app.test_client()
    authorised = {"Authorization": f"Bearer {token}"}
    for name, path, headers in (
        ("outcomes, 100 of 5,000", "/api/v1/outcomes?per_page=100", {}),
        ("outcomes of §20, page 50", "/api/v1/outcomes?paragraph=bucharest-2001:20&page=50", {}),
        ("outcomes with a token", "/api/v1/outcomes?per_page=100", authorised),
        ("sessions, 100 of 500", "/api/v1/meetings/big-programme/sessions?per_page=100", {}),
        ("meetings", "/api/v1/meetings?per_page=100", {}),
        ("paragraphs, all 38", "/api/v1/paragraphs?per_page=100", {}),
        ("OpenAPI document", "/api/v1/openapi.json", {}),
    ):
        report(name, measure(client, path, args.runs, headers), args.runs)
    etag = client.get("/api/v1/outcomes?per_page=100").headers["ETag"]
    report(
        "outcomes, 304 on ETag",
        measure(client, "/api/v1/outcomes?per_page=100", args.runs, {"If-None-Match": etag}),
        args.runs,
    )

    timings = []
    for number in range(args.runs):
        body = {
            "slug": f"bench-{number}",
            "kind": "meeting",
            "title": {"en": f"Benchmark meeting {number}"},
            "starts_at": "2027-05-03T10:00:00",
            "ends_at": "2027-05-03T16:00:00",
            "timezone": "Europe/Vienna",
            "paragraphs": ["bucharest-2001:20"],
        }
        started = time.perf_counter()
        response = client.post("/api/v1/meetings", json=body, headers=authorised)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    report(
        "create a meeting (POST)",
        (statistics.median(timings), timings[int(len(timings) * 0.95) - 1], response.status_code),
        args.runs,
    )


if __name__ == "__main__":
    main()
