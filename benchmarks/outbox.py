"""Outbox workers against a real SMTP server on loopback that takes SMTP_DELAY per message, as a relay does: how
many messages a second one worker delivers, and two side by side (separate processes, one database).

Throughput is read off the server: messages between the first and the last it received, so the workers' start-up
and their pause between rounds when nothing was due yet do not count.

    python -m benchmarks.outbox            (SQLite)
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench python -m benchmarks.outbox
"""

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from benchmarks.common import fresh_app
from tests.servers import free_port

MESSAGES = 600
SMTP_DELAY = 0.02
ROOT = Path(__file__).resolve().parents[1]


class SlowRelay:
    def __init__(self):
        self.arrivals: list[float] = []
        self.done = threading.Event()
        self.expected = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_DELAY)
        self.arrivals.append(time.monotonic())
        if len(self.arrivals) >= self.expected:
            self.done.set()
        return "250 2.0.0 OK"


def _queue(app, count: int) -> None:
    from core.db import db
    from core.mail import enqueue

    with app.app_context():
        for number in range(count):
            enqueue(f"delegate{number}@example.org", f"Message {number}", "Body " * 200)
        db.session.commit()


def deliver_with(app, url: str, workers: int) -> float:
    """Messages a second with `workers` worker processes."""
    relay = SlowRelay()
    relay.expected = MESSAGES
    port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**os.environ, "DATABASE_URL": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
    flask = str(Path(sys.executable).with_name("flask"))
    command = [flask, "--app", "app", "outbox", "send", "--worker", "--interval", "1", "--limit", "50"]
    processes = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL) for _ in range(workers)]
    try:
        _queue(app, MESSAGES)
        if not relay.done.wait(timeout=600):
            raise RuntimeError(f"only {len(relay.arrivals)} of {MESSAGES} messages arrived")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        controller.stop()
    arrivals = sorted(relay.arrivals)
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


def main() -> None:
    app, database = fresh_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    print(f"database: {database}; {MESSAGES} messages, the relay takes {SMTP_DELAY * 1000:.0f} ms for each")
    one = deliver_with(app, url, 1)
    two = deliver_with(app, url, 2)
    print(f"1 worker  {one:7.1f} messages/s")
    print(f"2 workers {two:7.1f} messages/s   ({two / one:.2f}x one)")


if __name__ == "__main__":
    main()
