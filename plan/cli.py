import click
from flask.cli import AppGroup

from plan import reference

plan_cli = AppGroup("plan", help="The plan of action's reference data.")


@plan_cli.command("load")
def load() -> None:
    """Create or update the documents, paragraphs and bodies shipped with the app."""
    counts = reference.load()
    click.echo(f"{counts['documents']} documents, {counts['paragraphs']} paragraphs, {counts['actors']} bodies.")
