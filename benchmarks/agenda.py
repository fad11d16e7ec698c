"""Times the public agenda page and its .ics feed for a published programme of 500 sessions.

Run: make bench  (or .venv/bin/python -m benchmarks.agenda [--sessions N] [--runs N]); BENCH_DATABASE_URL selects
PostgreSQL instead of a temporary SQLite file. Prints the median and the 95th percentile of each request.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "benchmark")


def _measure(client, url: str, runs: int, headers: dict | None = None, before=None) -> tuple[float, float, int]:
    client.get(url, headers=headers or {})
    timings = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from plan import reference
    from tests.agenda_helpers import bulk_programme

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        reference.load()
    started = time.perf_counter()
    bulk_programme(app, f"bench-{int(time.time())}", args.sessions)
    print(
        f"built and published {args.sessions} sessions in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
    )

    from sqlalchemy import select

    from core.db import db
    from events.models import Event

    with app.app_context():
        slug = db.session.scalar(select(Event.slug).order_by(Event.id.desc()))
    client = app.test_client()
    feed = client.get(f"/events/{slug}/agenda.ics?lang=en")
    print(f"feed size: {len(feed.data) / 1024:.0f} KiB")
    from agenda import ics

    rows = [
        ("agenda page", f"/events/{slug}/agenda?lang=en", None, None),
        ("agenda.ics, rendered", f"/events/{slug}/agenda.ics?lang=en", None, ics._rendered.clear),
        ("agenda.ics, kept", f"/events/{slug}/agenda.ics?lang=en", None, None),
        ("agenda.ics, 304", f"/events/{slug}/agenda.ics?lang=en", {"If-None-Match": feed.headers["ETag"]}, None),
    ]
    for name, path, headers, before in rows:
        median, p95, status = _measure(client, path, args.runs, headers, before)
        print(f"{name:<22} median {median:7.1f} ms   p95 {p95:7.1f} ms   (HTTP {status}, {args.runs} runs)")


if __name__ == "__main__":
    main()
