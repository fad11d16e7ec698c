"""Invitations and registrations at scale: 2,000 invitees from a spreadsheet, an export of 10,000 registrations,
and 500 simultaneous registrations for 100 seats (PostgreSQL: set BENCH_DATABASE_URL; skipped on SQLite).

Run: make bench (or .venv/bin/python -m benchmarks.participants).
"""

import re
import secrets
import threading
import time
import tracemalloc
from datetime import datetime, timedelta
from io import BytesIO

from openpyxl import Workbook

from benchmarks.common import fresh_app


def _invitees_xlsx(count: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["E-mail", "Title", "Given name", "Family name", "Function", "Delegation", "Language"])
    for n in range(count):
        sheet.append([f"delegate{n}@example.org", "Ms", f"Given{n}", f"Family{n}", "Delegate", "", "en"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _event(app, slug: str, capacity: int | None):
    from sqlalchemy import select

    from accounts.models import User
    from core.db import db
    from events.services import EventData, change_status, create_event

    with app.app_context():
        # The demo organiser creates it, so is on its team (None where the demo accounts were not seeded).
        organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
        start = datetime.now().replace(microsecond=0) + timedelta(days=60)
        event = create_event(
            EventData(
                slug=slug,
                kind="meeting",
                title={"en": slug},
                starts_local=start,
                ends_local=start + timedelta(hours=8),
                timezone="Europe/Vienna",
                capacity=capacity,
            ),
            creator=organiser,
        )
        change_status(event, "open")
        db.session.commit()
        return event.id


def _organiser(app):
    """A test client signed in as the demo organiser."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"email": "organiser@example.org", "password": "organiser-demo-2001", "csrf_token": token}
    )
    return client


def _upload(client, slug: str, upload: bytes) -> tuple[float, int]:
    page = client.get(f"/events/{slug}/invitations").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    started = time.perf_counter()
    response = client.post(
        f"/events/{slug}/invitations/upload",
        data={"csrf_token": token, "spreadsheet": (BytesIO(upload), "invitees.xlsx")},
        content_type="multipart/form-data",
    )
    return time.perf_counter() - started, response.status_code


def invite_from_spreadsheet(app, count: int) -> None:
    """The organiser's upload, request and commit, as the invitations page sends it."""
    from sqlalchemy import func, select

    from core.db import db
    from participants.models import Invitation

    event_id = _event(app, "bench-invitations", None)
    upload = _invitees_xlsx(count)
    client = _organiser(app)
    elapsed, status = _upload(client, "bench-invitations", upload)
    again, status_again = _upload(client, "bench-invitations", upload)
    started = time.perf_counter()
    page = client.get("/events/bench-invitations/invitations")
    listed = time.perf_counter() - started
    with app.app_context():
        created = db.session.scalar(select(func.count(Invitation.id)).where(Invitation.event_id == event_id))
    print(
        f"invite {count} from .xlsx      {elapsed:6.2f} s  (HTTP {status}, {created} invitations); "
        f"same file again {again:.2f} s (HTTP {status_again}); the invitations page then {listed:.2f} s "
        f"(HTTP {page.status_code})"
    )


def export_registrations(app, count: int) -> None:
    from core.db import db, utcnow
    from participants.models import Registration

    event_id = _event(app, "bench-export", None)
    with app.app_context():
        now = utcnow()
        db.session.execute(
            Registration.__table__.insert(),
            [
                {
                    "event_id": event_id,
                    "status": "confirmed",
                    "role": "delegate",
                    "honorific": "",
                    "given_name": f"G{n}",
                    "family_name": f"F{n}",
                    "function": "Delegate",
                    "organisation": "Ministry",
                    "email": f"r{n}@example.org",
                    "language": "en",
                    "interpretation_language": "",
                    "accessibility_needs": "",
                    "visa_letter": False,
                    "dietary_needs": "",
                    "consent_at": now,
                    "manage_nonce": secrets.token_hex(16),
                    "manage_token_hash": secrets.token_hex(32),
                    "feed_token": secrets.token_urlsafe(32),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(count)
            ],
        )
        db.session.commit()
    client = _organiser(app)
    url = "/events/bench-export/participants.xlsx?lang=en"
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    # Again under tracemalloc, which slows Python down, for the peak memory alone.
    tracemalloc.start()
    client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"export {count} registrations   {elapsed:6.2f} s  ({len(response.data) / 1024:.0f} KiB .xlsx, "
        f"peak Python memory {peak / 1024 / 1024:.0f} MiB, HTTP {response.status_code})"
    )


def concurrent_registrations(app, count: int, capacity: int) -> None:
    from core.db import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            print("concurrent registrations       skipped: set BENCH_DATABASE_URL to a PostgreSQL database")
            return
    _event(app, "bench-capacity", capacity)
    barrier = threading.Barrier(count)
    statuses = []

    def attempt(number: int) -> None:
        client = app.test_client()
        page = client.get("/events/bench-capacity/register").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        barrier.wait()
        response = client.post(
            "/events/bench-capacity/register",
            data={
                "csrf_token": token,
                "given_name": "G",
                "family_name": f"F{number}",
                "email": f"c{number}@example.org",
                "role": "delegate",
                "language": "en",
                "organisation": "Ministry",
                "consent": "y",
                "honorific": "",
                "delegation_code": "",
                "interpretation_language": "",
            },
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    from sqlalchemy import func, select

    from participants.models import Registration

    with app.app_context():
        rows = dict(
            db.session.execute(
                select(Registration.status, func.count())
                .join(Registration.event)
                .where(Registration.event.has(slug="bench-capacity"))
                .group_by(Registration.status)
            ).all()
        )
    print(
        f"{count} simultaneous registrations {elapsed:6.2f} s  (capacity {capacity}: {rows.get('confirmed', 0)} "
        f"confirmed, {rows.get('waitlisted', 0)} waitlisted; HTTP {sorted(set(statuses))})"
    )


def main() -> None:
    from accounts import demo as demo_accounts
    from core.db import db

    app, database = fresh_app()
    with app.app_context():
        demo_accounts.seed()
        db.session.commit()
    print(f"database: {database}")
    invite_from_spreadsheet(app, 10000)
    export_registrations(app, 10000)
    concurrent_registrations(app, 500, 100)


if __name__ == "__main__":
    main()
