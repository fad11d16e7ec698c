from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.db import db


def test_migrations_build_exactly_the_schema_of_the_models(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
