"""Times the coverage view of the plan and a paragraph page when 5,000 approved outcomes follow the plan up.

Run: make bench (or .venv/bin/python -m benchmarks.outcomes [--outcomes N] [--runs N]).
"""

import argparse
import time

from benchmarks.common import fresh_app, measure, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outcomes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from accounts import demo as demo_accounts
    from core.db import db
    from events import demo as demo_events
    from tests.outcome_helpers import bulk_outcomes

    app, database = fresh_app()
    with app.app_context():
        demo_accounts.seed()
        demo_events.seed()
        db.session.commit()
        db.session.remove()
    started = time.perf_counter()
    bulk_outcomes(app, args.outcomes)
    print(f"wrote {args.outcomes} approved outcomes on §20 in {time.perf_counter() - started:.1f} s ({database})")
    client = app.test_client()
    for name, path in (
        ("coverage of the plan", "/plan/coverage?lang=en"),
        ("paragraph page §20", "/plan/bucharest-2001/20?lang=en"),
        ("outcomes list, page 1", "/outcomes/?paragraph=bucharest-2001:20&lang=en"),
    ):
        report(name, measure(client, path, args.runs), args.runs)


if __name__ == "__main__":
    main()
