import click
from flask.cli import AppGroup

from accounts import services
from core.security import ROLES

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", default="")
@click.option("--language", default="en")
@click.option("--timezone", default="UTC")
def create(email: str, password: str, role: str, name: str, language: str, timezone: str) -> None:
    """Create a user who can sign in at /login."""
    try:
        user = services.create_user(email, password, role, name=name, language=language, timezone=timezone)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{user.email} ({user.role})")
