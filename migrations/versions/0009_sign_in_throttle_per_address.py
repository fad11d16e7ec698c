"""sign-in throttle per client address

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:10:00

Failed sign-ins are also counted per client address, across accounts (accounts.throttle): an index makes that
count as cheap as the count per account.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_login_attempts_remote_addr_at', 'login_attempts', ['remote_addr', 'attempted_at'])


def downgrade():
    op.drop_index('ix_login_attempts_remote_addr_at', table_name='login_attempts')
