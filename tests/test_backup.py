"""A backup restores into a working app: the commands the deployment notes give, run for real."""

import shutil
import sqlite3
import subprocess
import uuid

import pytest
from sqlalchemy import func, make_url, select

from app import create_app
from core.db import db
from events.models import Event
from outcomes.models import Outcome
from participants.models import Registration


def _counts(application):
    with application.app_context():
        counts = tuple(db.session.scalar(select(func.count(model.id))) for model in (Event, Outcome, Registration))
        db.session.remove()
        return counts


def test_backup_and_restore(app, demo, tmp_path):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    before = _counts(app)
    if url.get_backend_name() == "sqlite":
        restored = tmp_path / "restored.db"
        with sqlite3.connect(url.database) as source, sqlite3.connect(restored) as target:
            source.backup(target)
        restored_url = f"sqlite:///{restored}"
    else:
        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not installed")
        dump = tmp_path / "meetings.dump"
        name = f"restore_{uuid.uuid4().hex[:8]}"
        server = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432), "--username", url.username]
        subprocess.run(["pg_dump", *server, "--format=custom", f"--file={dump}", url.database], check=True)
        subprocess.run(["createdb", *server, name], check=True)
        subprocess.run(["pg_restore", *server, "--no-owner", f"--dbname={name}", str(dump)], check=True)
        restored_url = url.set(database=name).render_as_string(hide_password=False)
    restored_app = create_app({"SQLALCHEMY_DATABASE_URI": restored_url, "TESTING": True})
    try:
        assert _counts(restored_app) == before and before[0] > 0
        page = restored_app.test_client().get("/events/bishkek-2001/?lang=en")
        assert page.status_code == 200 and b"Bishkek" in page.data
    finally:
        with restored_app.app_context():
            db.engine.dispose()
        if url.get_backend_name() != "sqlite":
            subprocess.run(["dropdb", *server, name], check=True)
