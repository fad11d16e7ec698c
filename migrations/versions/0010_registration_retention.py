"""registration retention

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:45:00

A meeting may say how many months after it ends its registrations' personal data are erased (1 to 120, or none
to keep them), and each registration records when its were.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events') as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'retention_in_range', 'retention_months IS NULL OR (retention_months >= 1 AND retention_months <= 120)'
        )
    with op.batch_alter_table('registrations') as batch_op:
        batch_op.add_column(sa.Column('personal_data_erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('registrations') as batch_op:
        batch_op.drop_column('personal_data_erased_at')
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_constraint('retention_in_range', type_='check')
        batch_op.drop_column('retention_months')
