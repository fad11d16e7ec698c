"""meeting teams, statuses with checks

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:02:04.783334

Each meeting and series gets a team (team_grants). So that nothing breaks, every organiser of today manages every
meeting and series of today. Statuses and roles are held to their values by CHECK constraints, and a meeting's end
to come after its start, its capacity to be at least one. A meeting remembers when it was first published: one
cancelled before that was never public and stays hidden (the audit log tells which ones were). Mail in the outbox
names the meeting it is about, so that each meeting's team reads its own (older mail is for administrators).

Downgrading drops the teams, when meetings were published, users' bodies and the outbox's meetings: what they
recorded is lost (the single organiser role of before needs none of it).
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

RIGHTS = ('manage', 'programme', 'registrations', 'documents', 'review')
# (table, column, name, values): each becomes CHECK (column IN values), named ck_<table>_<name>.
CHECKED = (
    ('users', 'role', 'role', ('admin', 'organiser', 'rapporteur', 'participant')),
    ('events', 'status', 'status', ('draft', 'open', 'closed', 'held', 'archived', 'cancelled')),
    ('invitations', 'status', 'status', ('draft', 'sent', 'opened', 'accepted', 'declined')),
    ('registrations', 'status', 'status', ('pending', 'confirmed', 'waitlisted', 'cancelled', 'attended')),
    ('outcomes', 'review_state', 'review_state', ('draft', 'submitted', 'approved', 'returned')),
    ('outcomes', 'implementation_status', 'implementation_status',
     ('proposed', 'agreed', 'in_progress', 'implemented', 'not_pursued')),
    ('outcome_status_updates', 'status', 'status', ('proposed', 'agreed', 'in_progress', 'implemented', 'not_pursued')),
)


UNIQUE_GRANT = ('coalesce(event_id, 0)', 'coalesce(series_id, 0)', 'coalesce(user_id, 0)', 'coalesce(actor_id, 0)',
                '"right"')


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _check_data():
    """Every row must already meet the new constraints: SQLite cannot undo a half-done migration, so a row that
    breaks one stops everything before anything is changed, and says which rows to mend."""
    connection = op.get_bind()
    offending = []
    for table, column, _name, values in CHECKED:
        rows = connection.execute(sa.text(f'SELECT id, "{column}" FROM {table} WHERE NOT ({_in(column, values)})'))
        offending += [f"{table} {row_id}: {column} = {value!r}" for row_id, value in rows.fetchmany(20)]
    for table in ('events', 'agenda_sessions'):
        rows = connection.execute(sa.text(f'SELECT id FROM {table} WHERE NOT (ends_at > starts_at)'))
        offending += [f"{table} {row_id}: ends before it starts" for (row_id,) in rows.fetchmany(20)]
    rows = connection.execute(sa.text('SELECT id, capacity FROM events WHERE capacity < 1'))
    offending += [f"events {row_id}: capacity {capacity}" for row_id, capacity in rows.fetchmany(20)]
    if offending:
        raise RuntimeError('Mend these rows first, nothing is changed yet:\n' + '\n'.join(offending))


def upgrade():
    _check_data()
    op.create_table('team_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('right', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(event_id IS NULL) <> (series_id IS NULL)', name=op.f('ck_team_grants_one_subject')),
    sa.CheckConstraint('(user_id IS NULL) <> (actor_id IS NULL)', name=op.f('ck_team_grants_one_holder')),
    sa.CheckConstraint(_in('"right"', RIGHTS), name=op.f('ck_team_grants_right')),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_team_grants_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_team_grants_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['event_series.id'], name=op.f('fk_team_grants_series_id_event_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_grants'))
    )
    with op.batch_alter_table('team_grants', schema=None) as batch_op:
        batch_op.create_index('ix_team_grants_actor_id', ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_grants_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_grants_series_id'), ['series_id'], unique=False)
        batch_op.create_index('ix_team_grants_user_id', ['user_id'], unique=False)
    op.create_index('uq_team_grants_once', 'team_grants', [sa.text(e) for e in UNIQUE_GRANT], unique=True)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_body_id_actors'), 'actors', ['body_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_event_id_events'), 'events', ['event_id'], ['id'], ondelete='SET NULL')

    _published_at()
    _teams_of_today()

    for table, column, name, values in CHECKED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _in(column, values))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_events_ends_after_start'), 'ends_at > starts_at')
        batch_op.create_check_constraint(op.f('ck_events_capacity_at_least_one'), 'capacity IS NULL OR capacity >= 1')
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_agenda_sessions_ends_after_start'), 'ends_at > starts_at')


def _published_at():
    """Published: every meeting that is not a draft, but a cancelled one only if the audit log saw it opened."""
    connection = op.get_bind()
    events = sa.table('events', sa.column('id'), sa.column('status'), sa.column('created_at'), sa.column('published_at'))
    audit = sa.table('audit_entries', sa.column('entity_type'), sa.column('entity_id'), sa.column('action'),
                     sa.column('changes'), sa.column('occurred_at'))
    opened = {}
    rows = connection.execute(
        sa.select(audit.c.entity_id, audit.c.changes, audit.c.occurred_at)
        .where(audit.c.entity_type == 'event', audit.c.action == 'status')
        .order_by(audit.c.occurred_at)
    )
    for event_id, changes, occurred_at in rows:
        changes = json.loads(changes) if isinstance(changes, str) else changes
        status = (changes or {}).get('status') or [None, None]
        if status[1] in ('open', 'closed', 'held', 'archived'):
            opened.setdefault(event_id, occurred_at)
    for event_id, status, created_at in connection.execute(sa.select(events.c.id, events.c.status, events.c.created_at)):
        if status == 'draft' or (status == 'cancelled' and event_id not in opened):
            continue
        connection.execute(
            events.update().where(events.c.id == event_id).values(published_at=opened.get(event_id, created_at))
        )


def _teams_of_today():
    """Every organiser manages every meeting and series, as the single organiser role allowed until now: two
    INSERT … SELECT statements, however many there are."""
    connection = op.get_bind()
    organisers = sa.table('users', sa.column('id'), sa.column('role'))
    for table, column in (('events', 'event_id'), ('event_series', 'series_id')):
        subjects = sa.table(table, sa.column('id'))
        grants = sa.table('team_grants', sa.column(column), sa.column('user_id'), sa.column('right'),
                          sa.column('created_at'))
        pairs = (
            sa.select(subjects.c.id, organisers.c.id, sa.literal('manage'), sa.func.current_timestamp())
            .select_from(subjects.join(organisers, sa.true()))  # every subject with every organiser
            .where(organisers.c.role == 'organiser')
        )
        connection.execute(grants.insert().from_select([column, 'user_id', 'right', 'created_at'], pairs))


def downgrade():
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agenda_sessions_ends_after_start'), type_='check')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_capacity_at_least_one'), type_='check')
        batch_op.drop_constraint(op.f('ck_events_ends_after_start'), type_='check')
    for table, _column, name, _values in reversed(CHECKED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_event_id_events'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_event_id'))
        batch_op.drop_column('event_id')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_body_id_actors'), type_='foreignkey')
        batch_op.drop_column('body_id')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('published_at')

    with op.batch_alter_table('team_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_team_grants_user_id')
        batch_op.drop_index(batch_op.f('ix_team_grants_series_id'))
        batch_op.drop_index(batch_op.f('ix_team_grants_event_id'))
        batch_op.drop_index('ix_team_grants_actor_id')

    op.drop_index('uq_team_grants_once', table_name='team_grants')
    op.drop_table('team_grants')
