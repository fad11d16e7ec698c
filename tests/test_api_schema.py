"""Schemathesis against the published OpenAPI document: generated requests, valid and invalid, anonymous and with an
organiser's token; no server error, and every answer (status, content type, body) as the document says."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from accounts.tokens import create_token
from core.db import db
from tests.conftest import unit_of_work

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Real meetings, sessions and outcomes for the path parameters, so that requests reach the code behind the 404s.
KNOWN = {"slug": "bishkek-2001", "reference": "bucharest-2001:20"}


@pytest.fixture
def organiser_token(app, demo):
    with unit_of_work(app):
        user = db.session.scalar(db.select(User).where(User.email == "organiser@example.org"))
        return create_token(user, "schemathesis")[1]


def _needs_token(operation) -> bool:
    """The document says so: its security requirements offer no anonymous alternative ({})."""
    return {} not in operation.definition.raw.get("security", [{}])


def _run(operation, mode, headers, path_parameters, examples=25):
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(
        max_examples=examples, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_meet_the_published_document(app, demo, organiser_token, mode):
    for name in ("API_RATE_LIMIT_ANONYMOUS", "API_RATE_LIMIT_TOKEN", "API_RATE_LIMIT_ADDRESS"):
        app.config[name] = "1000000 per minute"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 24
    # The writes, the invitation list and the team.
    assert len([operation for operation in operations if _needs_token(operation)]) == 13
    for operation in operations:
        known = {name: value for name, value in KNOWN.items() if name in operation.path_parameters}
        for headers in ({}, {"Authorization": f"Bearer {organiser_token}"}):
            # Without a token, an operation that needs one answers 401 before it reads anything: a few requests show
            # it; generating two dozen bodies it never reads would only cost time.
            anonymous_refusal = not headers and _needs_token(operation)
            _run(operation, mode, headers, None, examples=3 if anonymous_refusal else 25)
            # Invalid data needs something to make invalid: with the path fixed, that may be nothing at all.
            if known and mode == GenerationMode.POSITIVE:
                _run(operation, mode, headers, known)
