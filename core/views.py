from flask import Blueprint, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.audit import ACTION_LABELS
from core.db import db

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


@blueprint.app_context_processor
def audit_labels():
    return {"AUDIT_ACTIONS": ACTION_LABELS}
