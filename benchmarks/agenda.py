"""Times the public agenda page and its .ics feed for a published programme of 500 sessions.

Run: make bench (or .venv/bin/python -m benchmarks.agenda [--sessions N] [--runs N]); BENCH_DATABASE_URL selects
PostgreSQL instead of a temporary SQLite file. Prints the median and the 95th percentile of each request.
"""

import argparse
import time

from benchmarks.common import fresh_app, measure, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from agenda import ics
    from tests.agenda_helpers import bulk_programme

    app, database = fresh_app()
    started = time.perf_counter()
    bulk_programme(app, "bench", args.sessions)
    print(f"built and published {args.sessions} sessions in {time.perf_counter() - started:.1f} s ({database})")
    client = app.test_client()
    feed = client.get("/events/bench/agenda.ics?lang=en")
    print(f"feed size: {len(feed.data) / 1024:.0f} KiB")
    rows = [
        ("agenda page", "/events/bench/agenda?lang=en", None, None),
        ("agenda.ics, rendered", "/events/bench/agenda.ics?lang=en", None, ics._rendered.clear),
        ("agenda.ics, kept", "/events/bench/agenda.ics?lang=en", None, None),
        ("agenda.ics, 304", "/events/bench/agenda.ics?lang=en", {"If-None-Match": feed.headers["ETag"]}, None),
    ]
    for name, path, headers, before in rows:
        report(name, measure(client, path, args.runs, headers, before), args.runs)


if __name__ == "__main__":
    main()
