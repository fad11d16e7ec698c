from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, current_app, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core import api
from core.audit import ACTION_LABELS
from core.db import db
from core.urls import public_url

blueprint = Blueprint("core", __name__)


# A load balancer gives up on a health check after a few seconds: the answer comes within this, database or not.
HEALTH_DEADLINE_SECONDS = 1.5
# One thread asks the database; while it waits on a database that does not answer, later checks time out too.
_health_checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")


def _database_answers(engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@blueprint.get("/healthz")
def healthz():
    try:
        _health_checker.submit(_database_answers, db.engine).result(timeout=HEALTH_DEADLINE_SECONDS)
    except (TimeoutError, SQLAlchemyError):
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@blueprint.get("/")
def home():
    return render_template("core/home.html")


@blueprint.get(api.PREFIX + "/openapi.json")
def api_document():
    """The OpenAPI 3.1 description of the API, generated from the models that validate its requests."""
    spec = {**api.document(current_app), "servers": [{"url": public_url("core.home").rstrip("/")}]}
    return api.respond(spec)


@blueprint.get(api.DOCS)
def api_docs():
    spec = api.document(current_app)
    return render_template(
        "core/api_docs.html",
        info=spec["info"],
        sections=api.reference_sections(spec),
        schemas=api.schema_sections(spec),
    )


@blueprint.app_context_processor
def audit_labels():
    return {"AUDIT_ACTIONS": ACTION_LABELS}
