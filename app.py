"""The application factory: configuration, extensions, one blueprint per domain, CLI commands."""

import json
from pathlib import Path

import click
from flask import Flask, Response, render_template
from flask_babel import gettext as _
from flask_openapi3 import Info, OpenAPI
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from accounts import security as accounts_security
from core import api, i18n, security, urls
from core.config import from_environment, validate
from core.db import db, engine_options, init_sqlite, init_unit_of_work, migrate
from core.params import BadQuery

csrf = CSRFProtect()


API_INFO = Info(
    title="Follow-up meetings of the Bucharest Plan of Action",
    version="1.0.0",
    description=(
        "Meetings, their programmes, the plan's paragraphs, public documents and approved outcomes, readable by "
        "anyone. With a personal token (created in your profile) organisers also create and change meetings, "
        "sessions, invitations and outcomes. Errors are RFC 9457 problem details; lists are paged (Link headers); "
        "every GET answers with an ETag and honours If-None-Match; PATCH honours If-Match."
    ),
)


def create_app(config: dict | None = None) -> Flask:
    # flask-openapi3's Flask subclass: it collects the API's pydantic models into the OpenAPI document.
    app = OpenAPI(
        __name__,
        info=API_INFO,
        security_schemes={"bearerAuth": {"type": "http", "scheme": "bearer"}},
        validation_error_model=api.Problem,
        validation_error_callback=api.validation_problem,
        doc_ui=False,
        instance_relative_config=True,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.config.update(from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
    validate(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if proxies := app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the proxies saw them: the sign-in throttle counts per client address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    init_sqlite(app)
    init_unit_of_work(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    security.init_app(app)
    accounts_security.init_app(app)
    urls.init_app(app)
    i18n.init_app(app)

    _register_blueprints(app)
    _register_api(app)
    _register_commands(app)
    _register_error_pages(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from accounts.views import blueprint as accounts
    from agenda.views import blueprint as agenda
    from agenda.views import event_section as agenda_section
    from agenda.views import paragraph_block as session_block
    from core.views import blueprint as core
    from events.sections import event_sections
    from events.views import blueprint as events
    from events.views import paragraph_block
    from materials.views import blueprint as materials
    from materials.views import event_section as materials_section
    from outcomes.views import blueprint as outcomes
    from outcomes.views import event_section as outcomes_section
    from outcomes.views import paragraph_block as outcome_block
    from participants.views import blueprint as participants
    from participants.views import event_section as registration_section
    from plan.followups import paragraph_blocks
    from plan.views import blueprint as plan

    for blueprint in (core, accounts, plan, events, agenda, participants, outcomes, materials):
        app.register_blueprint(blueprint)
    paragraph_blocks.register(paragraph_block)
    paragraph_blocks.register(session_block)
    paragraph_blocks.register(outcome_block)
    event_sections.register(registration_section)
    event_sections.register(agenda_section)
    event_sections.register(outcomes_section)
    event_sections.register(materials_section)

    from events.signals import capacity_changed
    from participants.services import attach_registrations, promote_after_capacity_change

    capacity_changed.connect(promote_after_capacity_change)

    from flask_security.signals import user_authenticated, user_confirmed

    user_confirmed.connect(attach_registrations)
    user_authenticated.connect(attach_registrations)


def _register_api(app: OpenAPI) -> None:
    from accounts.tokens import user_for_token
    from agenda.api import api as agenda_api
    from events.api import api as events_api
    from materials.api import api as materials_api
    from outcomes.api import api as outcomes_api
    from participants.api import api as participants_api
    from plan.api import api as plan_api

    api.init_app(app, token_loader=user_for_token)
    # Checks every response against its declared model while testing.
    app.validate_response = bool(app.config.get("TESTING"))
    blueprints = (plan_api, events_api, agenda_api, participants_api, materials_api, outcomes_api)
    for blueprint in blueprints:
        # The API takes no cookies, only bearer tokens: there is no session for a forged request to ride on.
        csrf.exempt(blueprint)
        app.register_api(blueprint)


def _register_commands(app: Flask) -> None:
    from accounts.cli import users_cli
    from core.mail import outbox_cli
    from participants.cli import registrations_cli
    from plan.cli import plan_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(plan_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(registrations_cli)

    # Replaces flask-openapi3's command of the same name, which would print the document without our additions.
    @app.cli.command("openapi")
    def openapi() -> None:
        """Print the OpenAPI 3.1 document that /api/v1/openapi.json serves."""
        click.echo(json.dumps(api.document(app), indent=2, ensure_ascii=False))

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database holds no event yet.")
    def seed_demo(if_empty: bool) -> None:
        """Load the plan and the demo meetings and users (safe to run again)."""
        from accounts import demo as demo_accounts
        from agenda import demo as demo_agenda
        from events import demo as demo_events
        from events.models import Event
        from materials import demo as demo_materials
        from outcomes import demo as demo_outcomes
        from participants import demo as demo_participants
        from plan import reference

        if if_empty and db.session.query(Event.id).first() is not None:
            click.echo("The database already holds events; no demo data loaded.")
        else:
            counts = reference.load()
            click.echo(
                f"Plan: {counts['documents']} documents, {counts['paragraphs']} paragraphs, {counts['actors']} bodies."
            )
            demo_accounts.seed()
            click.echo(f"Meetings: {', '.join(demo_events.seed())}")
            click.echo(f"Programmes: {', '.join(demo_agenda.seed()) or 'already there'}")
            click.echo(f"Outcomes: {demo_outcomes.seed()} recorded")
            click.echo(f"Participants: {demo_participants.seed()} registrations")
            click.echo(f"Materials: {demo_materials.seed()} files")
            db.session.commit()
        click.echo("Demo accounts (e-mail / password / role), where they exist:")
        for email, password, role, scope in demo_accounts.existing_demo_accounts():
            click.echo(f"  {email} / {password} / {role}" + (f" ({scope})" if scope else ""))


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: lambda: _("The request could not be understood."),
        403: lambda: _("You are not allowed to see this page."),
        404: lambda: _("This page does not exist."),
        405: lambda: _("This action is not allowed here."),
        413: lambda: _("The file is too large."),
        429: lambda: _("Too many requests. Please wait a moment."),
        500: lambda: _("Something went wrong on our side. Please try again later."),
    }
    for code, message in messages.items():

        def handler(error, code=code, message=message):
            if api.is_api_request():
                return api.error_response(error)
            shown = error.description if isinstance(error, BadQuery) else message()
            return render_template("error.html", code=code, message=shown), code

        app.register_error_handler(code, handler)

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(_error):
        # Two requests changed one row at once (a double click, two organisers): the later one changes nothing.
        db.session.rollback()
        message = _("Someone changed this at the same moment. Reload the page to see what it is now.")
        if api.is_api_request():
            return api.problem(409, message)
        return render_template("error.html", code=409, message=message), 409

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        # No page can be built for a host the app does not serve (no URL adapter): a plain answer.
        return Response("Unknown host.", status=400, mimetype="text/plain")
