"""A real browser (Debian's chromium, driven by Playwright) against the app served on loopback."""

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.servers import FAKED_CLOCK

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# As root and without network, chromium needs these (see the machine's notes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (make browser-deps).")
    from playwright.sync_api import sync_playwright

    # Like the servers (tests/servers.py), the browser and Playwright's driver keep the machine's real clock when
    # the suite runs under libfaketime: chromium crawls with it.
    saved = {name: os.environ.pop(name) for name in FAKED_CLOCK if name in os.environ}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=dict(os.environ)
            )
            os.environ.update(saved)
            yield browser
            browser.close()
    finally:
        os.environ.update(saved)


@pytest.fixture
def new_page(chromium, live_server, request):
    """Pages in fresh browser contexts (one per person); a failing test leaves a screenshot of each."""
    contexts = []

    def make(javascript: bool = True):
        context = chromium.new_context(base_url=live_server, java_script_enabled=javascript, locale="en-GB")
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "failed_call", False)
    for index, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]", "_", request.node.name)
            for number, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{name}-{index}-{number}.png"), full_page=True)
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed_call = True
    return report


def sign_in(page, email, password):
    page.goto("/login?lang=en")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
