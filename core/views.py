from flask import Blueprint, abort, current_app, render_template, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core import api, mail
from core.audit import ACTION_LABELS
from core.db import db
from core.security import ORGANISER, role_required

blueprint = Blueprint("core", __name__)


@blueprint.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@blueprint.get("/")
def home():
    return render_template("core/home.html")


@blueprint.get("/outbox")
@role_required(ORGANISER)
def outbox():
    """What was or will be mailed: without MAIL_SERVER (local use) this page is the only place to read it."""
    return render_template(
        "core/outbox.html",
        messages=mail.latest_messages(),
        mail_server=current_app.config["MAIL_SERVER"],
        statuses=mail.STATUS_LABELS,
    )


@blueprint.get("/outbox/<int:message_id>")
@role_required(ORGANISER)
def outbox_message(message_id: int):
    message = db.session.get(mail.OutboxMessage, message_id) or abort(404)
    return render_template(
        "core/outbox_message.html",
        message=message,
        headers=mail.headers(message),
        attachments=mail.decoded_attachments(message),
        statuses=mail.STATUS_LABELS,
    )


@blueprint.get(api.PREFIX + "/openapi.json")
def api_document():
    """The OpenAPI 3.1 description of the API, generated from the models that validate its requests."""
    spec = {**api.document(current_app), "servers": [{"url": url_for("core.home", _external=True).rstrip("/")}]}
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
