"""outcomes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 13:07:15.776403

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('text', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('implementation_status', sa.String(length=20), nullable=False),
    sa.Column('review_state', sa.String(length=20), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('rapporteur_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_outcomes_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_outcomes_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rapporteur_id'], ['users.id'], name=op.f('fk_outcomes_rapporteur_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_sessions.id'], name=op.f('fk_outcomes_session_id_agenda_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_outcomes_event', ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_rapporteur_id'), ['rapporteur_id'], unique=False)
        batch_op.create_index('ix_outcomes_review_kind', ['review_state', 'kind'], unique=False)

    op.create_table('outcome_actors',
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_outcome_actors_actor_id_actors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_actors_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outcome_id', 'actor_id', name=op.f('pk_outcome_actors'))
    )
    with op.batch_alter_table('outcome_actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_actors_actor_id'), ['actor_id'], unique=False)

    op.create_table('outcome_paragraphs',
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_paragraphs_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_outcome_paragraphs_paragraph_id_paragraphs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('outcome_id', 'paragraph_id', name=op.f('pk_outcome_paragraphs'))
    )
    with op.batch_alter_table('outcome_paragraphs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_paragraphs_paragraph_id'), ['paragraph_id'], unique=False)

    op.create_table('outcome_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_revisions_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outcome_revisions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_revisions')),
    sa.UniqueConstraint('outcome_id', 'number', name=op.f('uq_outcome_revisions_outcome_id_number'))
    )
    with op.batch_alter_table('outcome_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_revisions_outcome_id'), ['outcome_id'], unique=False)

    op.create_table('outcome_status_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_status_updates_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outcome_status_updates_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_status_updates'))
    )
    with op.batch_alter_table('outcome_status_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_status_updates_outcome_id'), ['outcome_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('outcome_status_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_status_updates_outcome_id'))

    op.drop_table('outcome_status_updates')
    with op.batch_alter_table('outcome_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_revisions_outcome_id'))

    op.drop_table('outcome_revisions')
    with op.batch_alter_table('outcome_paragraphs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_paragraphs_paragraph_id'))

    op.drop_table('outcome_paragraphs')
    with op.batch_alter_table('outcome_actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_actors_actor_id'))

    op.drop_table('outcome_actors')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_outcomes_review_kind')
        batch_op.drop_index(batch_op.f('ix_outcomes_rapporteur_id'))
        batch_op.drop_index('ix_outcomes_event')

    op.drop_table('outcomes')
    
