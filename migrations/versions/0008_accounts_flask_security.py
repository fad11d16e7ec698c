"""accounts on Flask-Security

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:05:00

Each user gets the identifier their sessions carry (fs_uniquifier: a new one ends every session of the account)
and the instant their e-mail address was confirmed. Accounts made before by an administrator are taken as
confirmed when they were made. Password hashes stay as they are: Werkzeug's are still checked and replaced by
argon2id ones at the next sign-in.
"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('fs_uniquifier', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('fs_uniquifier', sa.String),
                     sa.column('confirmed_at', sa.DateTime(timezone=True)), sa.column('created_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id).values(fs_uniquifier=uuid.uuid4().hex))
    connection.execute(users.update().values(confirmed_at=users.c.created_at))
    with op.batch_alter_table('users') as batch_op:
        batch_op.alter_column('fs_uniquifier', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_fs_uniquifier'), ['fs_uniquifier'])


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_fs_uniquifier'), type_='unique')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('fs_uniquifier')
