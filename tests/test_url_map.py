"""Every GET route of the URL map, asked with out-of-range and malformed query values, by a stranger and by an
administrator: each answers with a page or a 4xx that says what is wrong, never with a 500."""

import pytest
from flask import Request, url_for
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

from agenda.models import Session
from core.db import db
from materials.models import Material
from outcomes.models import Outcome
from tests.conftest import signed_in

# Every query parameter a view reads, with values no form would send.
PARAMETERS = [
    "page", "per_page", "year", "start", "end", "day", "tz", "lang", "event", "paragraph", "kind", "status",
    "review", "registration", "language", "missing", "q", "actor", "section", "room", "delegation", "role",
    "session", "invitation", "sort", "since",
]  # fmt: skip
VALUES = [
    "-1",
    "99999999999999999999999",
    "abc",
    "0001-01-01",
    "2001-02-30",
    "[",
    "x" * 5000,
]


def _routes(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


def _path_values(app) -> dict:
    with app.app_context():
        return {
            "slug": "bishkek-2001",
            "document": "bucharest-2001",
            "number": "19",
            "code": "odihr",
            "reference": "bucharest-2001:19",
            "uid": db.session.scalar(select(Session.uid).order_by(Session.id)),
            "material_id": db.session.scalar(select(Material.id).order_by(Material.id)) or 1,
            "outcome_id": db.session.scalar(select(Outcome.id).order_by(Outcome.id)) or 1,
            "session_id": 1,
            "person_id": 1,
            "user_id": 1,
            "message_id": 1,
            "file_id": 1,
            "language": "en",
            "filename": "x.pdf",
            "token": "not-a-token",
        }


class ReadArgs(ImmutableMultiDict):
    """The query of a request, noting which parameters the view reads (`read` is shared by every request)."""

    read: set[str] = set()

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's own signature)
        self.read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self.read.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


@pytest.mark.parametrize("who", ["stranger", "admin"])
def test_no_get_route_answers_500_to_malformed_queries(app, demo, who, monkeypatch):
    """Each route is asked once with every parameter, to learn which it reads; then each of those alone with each
    malformed value, so that no refusal of one parameter hides what another would do."""
    monkeypatch.setattr(Request, "parameter_storage_class", ReadArgs)
    client = app.test_client() if who == "stranger" else signed_in(app, "admin@example.org", "admin-demo-2001").client
    values = _path_values(app)
    with app.test_request_context():
        paths = [url_for(rule.endpoint, **{name: values[name] for name in rule.arguments}) for rule in _routes(app)]
    failures, asked = [], 0
    for path in paths:
        ReadArgs.read.clear()
        _ask(client, path, "&".join(f"{name}=" for name in PARAMETERS), failures)
        for name in sorted(ReadArgs.read - {"lang"}):
            for value in VALUES:
                _ask(client, path, f"{name}={value}", failures)
                asked += 1
    assert asked > 100
    assert failures == [], "\n".join(map(str, failures))


def _ask(client, path: str, query: str, failures: list) -> None:
    try:
        status = client.get(f"{path}?{query}").status_code
    except Exception as error:  # noqa: BLE001  (TESTING lets errors through instead of answering 500)
        status = f"{type(error).__name__}: {str(error)[:80]}"
    if not isinstance(status, int) or status >= 500:
        failures.append((path, query[:40], status))
