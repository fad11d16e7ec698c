"""Real servers on loopback for the tests and the benchmarks: a free port, and gunicorn serving the app."""

import http.cookiejar
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# libfaketime (the suite is also run with the clock moved, see .ci/run) must not reach a server: gunicorn's arbiter
# measures its workers' heartbeats with the clock and would kill them. A server keeps the machine's real clock.
FAKED_CLOCK = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "NO_FAKE_STAT")


@contextmanager
def gunicorn(target: str, env: dict, workers: int = 1, ready_path: str = "/"):
    """gunicorn serving `target` on 127.0.0.1; yields its base URL once `ready_path` answers.

    The socket is bound and listening before gunicorn starts (it takes it over as fd://), so a first request simply
    waits in the backlog until a worker accepts it: no polling for the port to open.
    """
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    port = listener.getsockname()[1]
    fd = listener.fileno()
    command = [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers)]
    command += ["--bind", f"fd://{fd}", "--log-level", "warning", target]
    server_env = {name: value for name, value in env.items() if name not in FAKED_CLOCK}
    server = subprocess.Popen(command, cwd=ROOT, env=server_env, pass_fds=(fd,))
    listener.close()
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            urllib.request.urlopen(f"{base}{ready_path}", timeout=60).close()
        except OSError as error:
            raise RuntimeError(f"{target} did not start: {error}") from None
        yield base
    finally:
        server.terminate()
        # No timeout: under libfaketime a timed wait sleeps for an invalid interval (EINVAL); SIGTERM stops gunicorn.
        server.wait()


class Visitor:
    """One browser: one cookie jar, whichever instance answers."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, url):
        try:
            with self.opener.open(url) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf_token(self, page_url) -> str:
        _, page = self.get(page_url)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def post_form(self, page_url, action_url, data):
        return self.post(action_url, {**data, "csrf_token": self.csrf_token(page_url)})

    def post(self, url, data):
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body)) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
