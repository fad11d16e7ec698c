import click
from flask.cli import AppGroup

from core.db import db
from participants import retention

registrations_cli = AppGroup("registrations", help="Registrations.")


@registrations_cli.command("erase-expired")
def erase_expired() -> None:
    """Erase the personal data of registrations whose meeting's retention has passed (run it daily)."""
    erased = retention.erase_expired()
    db.session.commit()
    click.echo(f"Registrations whose personal data were erased: {erased}")
