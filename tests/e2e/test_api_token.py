"""An organiser creates a token in the profile, a system uses it over HTTP, and revoking it in the browser ends it."""

import json
import urllib.error
import urllib.request

from tests.clock import YEAR
from tests.e2e.conftest import sign_in


def call(live_server, method, path, token, body=None):
    request = urllib.request.Request(
        f"{live_server}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_token_from_the_profile_drives_the_api_until_revoked(new_page, live_server, demo):
    page = new_page()
    sign_in(page, "organiser@example.org", "organiser-demo-2001")
    page.goto("/profile?lang=en")
    page.get_by_label("Token name").fill("Registry sync")
    page.get_by_role("button", name="Create a token").click()
    token = page.locator("div[role=status] code").inner_text().strip()
    assert token.startswith("fum_")

    status, meeting = call(
        live_server,
        "POST",
        "/meetings",
        token,
        {
            "slug": "registry-sync-2027",
            "kind": "meeting",
            "title": {"en": "Meeting created by the registry"},
            "starts_at": f"{YEAR}-05-03T10:00:00",
            "ends_at": f"{YEAR}-05-03T16:00:00",
            "timezone": "Europe/Vienna",
        },
    )
    assert status == 201 and meeting["starts_at"] == f"{YEAR}-05-03T10:00:00+02:00"
    page.goto("/events/registry-sync-2027/?lang=en")
    assert page.get_by_role("heading", level=1).inner_text() == "Meeting created by the registry"

    page.goto("/profile?lang=en")
    assert page.get_by_role("row", name="Registry sync").get_by_text("Active").is_visible()
    page.get_by_role("button", name="Revoke: Registry sync").click()
    assert page.get_by_role("row", name="Registry sync").get_by_text("Revoked").is_visible()
    status, problem = call(live_server, "GET", "/meetings", token)
    assert status == 401 and problem["status"] == 401
