from app import create_app


def test_healthz_answers_200_when_the_database_answers(browser):
    response = browser.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    broken = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/app.db"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_healthz_answers_503_within_two_seconds_when_the_database_never_answers():
    """A database that takes the connection and then says nothing (a hung server, a half-open firewall)."""
    import socket
    import time

    with socket.create_server(("127.0.0.1", 0), backlog=8) as silent:
        port = silent.getsockname()[1]
        hung = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://x@127.0.0.1:{port}/x"})
        client = hung.test_client()
        for _ in range(2):
            started = time.monotonic()
            response = client.get("/healthz")
            assert response.status_code == 503 and time.monotonic() - started < 2


def test_security_headers(browser):
    response = browser.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_and_secure_cookies_behind_tls(monkeypatch, tmp_path):
    monkeypatch.setenv("BEHIND_TLS", "1")
    monkeypatch.setenv("PUBLIC_URL", "https://meetings.example.org")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_session_cookie_is_http_only_and_same_site(browser, make_user):
    make_user("organiser")
    response = browser.login("organiser@example.org", "correct horse battery")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_asset_is_loaded_from_the_internet(browser, demo):
    for url in ("/", "/events/", "/events/bishkek-2001/", "/plan/bucharest-2001/29", "/login"):
        page = browser.get(url).get_data(as_text=True)
        assert "http://" not in page.replace("http://localhost", "") and "https://" not in page, url


def test_secret_key_is_generated_into_the_instance_folder_once(monkeypatch, tmp_path):
    from core.config import _secret_key

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = _secret_key(tmp_path)
    assert len(first) >= 64 and _secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
