"""What the benchmarks share: an app on a fresh database, and timing requests through the test client."""

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "benchmark")


def fresh_app():
    """The app on a new SQLite file, or on BENCH_DATABASE_URL (PostgreSQL), migrated and with the plan loaded."""
    from flask_migrate import upgrade

    from app import create_app
    from core.db import db
    from plan import reference

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        reference.load()
        db.session.commit()
    return app, url.split(":")[0]


def measure(client, url: str, runs: int, headers: dict | None = None, before=None) -> tuple[float, float, int]:
    """(median ms, 95th percentile ms, last status) of `runs` requests after one warm-up request."""
    client.get(url, headers=headers or {})
    timings = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], response.status_code


def report(name: str, figures: tuple[float, float, int], runs: int) -> None:
    median, p95, status = figures
    print(f"{name:<26} median {median:7.1f} ms   p95 {p95:7.1f} ms   (HTTP {status}, {runs} runs)")
