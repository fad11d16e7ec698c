"""Load on the real server: gunicorn on 127.0.0.1 driven by wrk, beside a bare Flask endpoint served the same way.

Run: make bench (or .venv/bin/python -m benchmarks.load [--seconds 10] [--connections 16] [--workers 2]).
The ratio to the bare endpoint is what carries over to other machines; the absolute figures do not.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.servers import ROOT, gunicorn


def wrk(url: str, seconds: int, connections: int) -> tuple[float, str, str]:
    output = subprocess.run(
        ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)$", output, re.MULTILINE).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)$", output, re.MULTILINE).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses")
    return rate, p50, p99


def prepare(env: dict) -> str:
    """A database with the demo data and one meeting open for registration; returns its slug."""
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    script = (
        "from datetime import datetime, timedelta\n"
        "from app import create_app\n"
        "from core.db import db\n"
        "from events.services import EventData, change_status, create_event\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    start = datetime.now().replace(microsecond=0) + timedelta(days=90)\n"
        "    event = create_event(EventData(slug='load-test', kind='meeting', title={'en': 'Load test'},\n"
        "        starts_local=start, ends_local=start + timedelta(hours=8), timezone='Europe/Vienna'))\n"
        "    change_status(event, 'open')\n"
        "    db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True)
    return "load-test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: make bench installs it")
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'load.db'}"
    # wrk is a single client: with the API's default budgets it would measure 429s.
    unlimited = {name: "1000000 per minute" for name in ("API_RATE_LIMIT_ANONYMOUS", "API_RATE_LIMIT_ADDRESS")}
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "load-benchmark", **unlimited}
    open_meeting = prepare(env)
    print(
        f"gunicorn --workers {args.workers}, wrk 2 threads x {args.connections} connections x {args.seconds} s, "
        f"{database.split(':')[0]}"
    )
    with gunicorn("benchmarks.bare_app:app", env, args.workers) as bare:
        baseline = wrk(f"{bare}/", args.seconds, args.connections)
    print(f"{'bare Flask endpoint':<28} {baseline[0]:8.0f} req/s   p50 {baseline[1]:>8}   p99 {baseline[2]:>8}")
    with gunicorn("app:create_app()", env, args.workers) as server:
        for name, path in (
            ("agenda page (Bishkek)", "/events/bishkek-2001/agenda?lang=en"),
            ("agenda.ics (Bishkek)", "/events/bishkek-2001/agenda.ics?lang=en"),
            ("registration form", f"/events/{open_meeting}/register?lang=en"),
            ("API: meetings", "/api/v1/meetings?per_page=20"),
            ("API: Bishkek programme", "/api/v1/meetings/bishkek-2001/sessions?per_page=100"),
            ("API: outcomes", "/api/v1/outcomes?per_page=100"),
        ):
            rate, p50, p99 = wrk(f"{server}{path}", args.seconds, args.connections)
            print(f"{name:<28} {rate:8.0f} req/s   p50 {p50:>8}   p99 {p99:>8}   ({rate / baseline[0]:.1%} of bare)")


if __name__ == "__main__":
    main()
