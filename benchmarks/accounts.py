"""Sign-in with a wrong password, for an address that has an account and for one that has none, at the password
hash's production cost (argon2id): the two must take the same time, or the accounts could be listed by timing.
The throttle is set out of the way so that every attempt reaches the password check.

    python -m benchmarks.accounts            (SQLite; BENCH_DATABASE_URL for PostgreSQL)
"""

import re
import statistics
import time

from benchmarks.common import fresh_app

ATTEMPTS = 30


def main() -> None:
    from accounts.services import create_user
    from core.db import db

    app, database = fresh_app()
    app.config.update(LOGIN_THROTTLE_LIMIT=10**6, LOGIN_ADDRESS_LIMIT=10**6)
    with app.app_context():
        create_user("known@example.org", "a long enough passphrase 2026", "organiser")
        db.session.commit()
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)

    def attempt(email: str) -> float:
        started = time.perf_counter()
        response = client.post("/login", data={"email": email, "password": "a wrong password", "csrf_token": token})
        assert response.status_code == 401, response.status_code
        return (time.perf_counter() - started) * 1000

    timings = {"known address": [], "unknown address": []}
    for n in range(ATTEMPTS):  # interleaved, so that drift in the machine's speed touches both alike
        timings["known address"].append(attempt("known@example.org"))
        timings["unknown address"].append(attempt(f"nobody{n}@example.org"))
    print(f"database: {database}; {ATTEMPTS} wrong-password sign-ins each, argon2id at its production cost")
    for name, values in timings.items():
        values.sort()
        print(
            f"{name:<16} median {statistics.median(values):6.1f} ms   "
            f"p10 {values[ATTEMPTS // 10]:6.1f} ms   p90 {values[ATTEMPTS * 9 // 10]:6.1f} ms"
        )


if __name__ == "__main__":
    main()
