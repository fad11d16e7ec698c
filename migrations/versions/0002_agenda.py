"""agenda: rooms, speakers, sessions, published versions, personal agendas

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:50:24.272809

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('agenda_rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_agenda_rooms_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_rooms')),
    sa.UniqueConstraint('event_id', 'name', name=op.f('uq_agenda_rooms_event_id_name'))
    )
    with op.batch_alter_table('agenda_rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_rooms_event_id'), ['event_id'], unique=False)

    op.create_table('agenda_speakers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('affiliation', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_agenda_speakers_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_speakers')),
    sa.UniqueConstraint('event_id', 'name', 'affiliation', name=op.f('uq_agenda_speakers_event_id_name_affiliation'))
    )
    with op.batch_alter_table('agenda_speakers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_speakers_event_id'), ['event_id'], unique=False)

    op.create_table('agenda_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('sessions', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_agenda_versions_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_agenda_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_versions')),
    sa.UniqueConstraint('event_id', 'number', name=op.f('uq_agenda_versions_event_id_number'))
    )
    with op.batch_alter_table('agenda_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_versions_event_id'), ['event_id'], unique=False)

    op.create_table('personal_agendas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('feed_token', sa.String(length=64), nullable=False),
    sa.Column('session_uids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_personal_agendas_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_personal_agendas_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_agendas')),
    sa.UniqueConstraint('feed_token', name=op.f('uq_personal_agendas_feed_token')),
    sa.UniqueConstraint('user_id', 'event_id', name=op.f('uq_personal_agendas_user_id_event_id'))
    )
    with op.batch_alter_table('personal_agendas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_agendas_event_id'), ['event_id'], unique=False)

    op.create_table('agenda_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('description', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('chair_id', sa.Integer(), nullable=True),
    sa.Column('rapporteur_id', sa.Integer(), nullable=True),
    sa.Column('interpretation_languages', sa.JSON(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['agenda_speakers.id'], name=op.f('fk_agenda_sessions_chair_id_agenda_speakers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_agenda_sessions_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rapporteur_id'], ['users.id'], name=op.f('fk_agenda_sessions_rapporteur_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['agenda_rooms.id'], name=op.f('fk_agenda_sessions_room_id_agenda_rooms'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_sessions')),
    sa.UniqueConstraint('uid', name=op.f('uq_agenda_sessions_uid'))
    )
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_agenda_sessions_event_start', ['event_id', 'starts_at'], unique=False)

    op.create_table('session_paragraphs',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], name=op.f('fk_session_paragraphs_paragraph_id_paragraphs'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_sessions.id'], name=op.f('fk_session_paragraphs_session_id_agenda_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'paragraph_id', name=op.f('pk_session_paragraphs'))
    )
    with op.batch_alter_table('session_paragraphs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_paragraphs_paragraph_id'), ['paragraph_id'], unique=False)

    op.create_table('session_speakers',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_sessions.id'], name=op.f('fk_session_speakers_session_id_agenda_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['agenda_speakers.id'], name=op.f('fk_session_speakers_speaker_id_agenda_speakers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'speaker_id', name=op.f('pk_session_speakers'))
    )
    


def downgrade():
    
    op.drop_table('session_speakers')
    with op.batch_alter_table('session_paragraphs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_paragraphs_paragraph_id'))

    op.drop_table('session_paragraphs')
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_sessions_event_start')

    op.drop_table('agenda_sessions')
    with op.batch_alter_table('personal_agendas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_agendas_event_id'))

    op.drop_table('personal_agendas')
    with op.batch_alter_table('agenda_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_versions_event_id'))

    op.drop_table('agenda_versions')
    with op.batch_alter_table('agenda_speakers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_speakers_event_id'))

    op.drop_table('agenda_speakers')
    with op.batch_alter_table('agenda_rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_rooms_event_id'))

    op.drop_table('agenda_rooms')
    
