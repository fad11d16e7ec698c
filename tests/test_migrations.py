import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.db import db


# SQLAlchemy cannot read back an index on expressions (team_grants' uniqueness): it says so and leaves it out of the
# comparison, which tests/test_constraints.py covers instead.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index:UserWarning")
def test_migrations_build_exactly_the_schema_of_the_models(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
