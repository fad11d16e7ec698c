import click
from flask.cli import AppGroup

from accounts import services
from core.db import db
from core.rules import ROLES

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in ROLES]))
@click.option("--name", default="")
@click.option("--language", default="en")
@click.option("--timezone", default="UTC")
@click.option("--body", default="", help="The code of the organising body whose staff the user is, e.g. odihr.")
def create(email: str, password: str, role: str, name: str, language: str, timezone: str, body: str) -> None:
    """Create a user who can sign in at /login."""
    try:
        user = services.create_user(email, password, role, name=name, language=language, timezone=timezone, body=body)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{user.email} ({user.role})")
