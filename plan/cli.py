import click
from flask.cli import AppGroup

from core.db import db
from plan import reference

plan_cli = AppGroup("plan", help="The plan of action's reference data.")


@plan_cli.command("load")
def load() -> None:
    """Create or update the documents, paragraphs and bodies shipped with the app."""
    counts = reference.load()
    db.session.commit()
    click.echo(f"{counts['documents']} documents, {counts['paragraphs']} paragraphs, {counts['actors']} bodies.")
