"""Two app instances (gunicorn processes) on one database, as in production behind a load balancer: sessions,
the login throttle and the data are shared; nothing lives in one process's memory."""

import os
from contextlib import contextmanager

from tests.clock import YEAR
from tests.servers import Visitor, gunicorn


@contextmanager
def instance(database_url: str):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": os.environ["SECRET_KEY"]}
    with gunicorn("app:create_app()", env, ready_path="/healthz") as base:
        yield base


def test_two_instances_share_sessions_throttle_and_data(app, demo):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with instance(url) as first, instance(url) as second:
        # A session opened on one instance is valid on the other (signed cookie, one secret key).
        visitor = Visitor()
        status = visitor.post_form(
            f"{first}/login", f"{first}/login", {"email": "organiser@example.org", "password": "organiser-demo-2001"}
        )
        assert status == 302
        assert visitor.get(f"{second}/profile")[0] == 200

        # Failed sign-ins count across instances: 3 on one and 2 on the other reach the limit of 5.
        attacker = Visitor()
        for base in (first, first, first, second, second):
            assert (
                attacker.post_form(
                    f"{base}/login", f"{base}/login", {"email": "rapporteur@example.org", "password": "wrong"}
                )
                == 401
            )
        assert (
            attacker.post_form(
                f"{first}/login",
                f"{first}/login",
                {"email": "rapporteur@example.org", "password": "rapporteur-demo-2001"},
            )
            == 429
        )

        # What one instance writes, the other serves at once.
        assert (
            visitor.post_form(
                f"{first}/events/new",
                f"{first}/events/new",
                {
                    "slug": "two-instances",
                    "kind": "meeting",
                    "title_en": "Written on one instance",
                    "starts_at": f"{YEAR}-05-01T09:00",
                    "ends_at": f"{YEAR}-05-01T17:00",
                    "timezone": "Europe/Vienna",
                    "visibility": "public",
                },
            )
            == 302
        )
        status, page = visitor.get(f"{second}/events/two-instances/?lang=en")
        assert status == 200 and "Written on one instance" in page
