"""Everything the database holds about one person, found from the schema itself rather than listed by hand, so
that a table added later is included without anyone remembering to: the rows that reference the account (by a
foreign key to users), the rows made with its e-mail address (the directory, registrations, failed sign-ins, mail
sent to it), the rows that reference those (an entry's invitations), and the account's history in the audit log.
Secrets are left out: hashes, nonces, tokens and the password.

Deleting an account applies each foreign key's own rule (CASCADE or SET NULL) explicitly, so that SQLite, whose
foreign keys are not enforced here, and PostgreSQL do the same."""

from datetime import date, datetime
from enum import Enum

from sqlalchemy import Table, delete, func, select, update

from core.db import db

# Columns that hold an e-mail address naming a person.
ADDRESS_COLUMNS = ("email", "recipient")
# Parts of column names whose values are secrets, never exported.
SECRET_PARTS = ("password", "hash", "nonce", "uniquifier", "feed_token")


def _users() -> Table:
    return db.metadata.tables["users"]


def _referencing(table: Table) -> list[tuple[Table, object, str | None]]:
    """(table, column, ondelete) of every foreign key that points at `table`'s id."""
    found = []
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table:
                found.append((other, key.parent, key.ondelete))
    return found


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _rows(table: Table, condition) -> list[dict]:
    shown = [c for c in table.columns if not any(part in c.name for part in SECRET_PARTS)]
    result = db.session.execute(select(*shown).where(condition).order_by(*table.primary_key.columns))
    return [{name: _plain(value) for name, value in row._mapping.items()} for row in result]


def collect(user_id: int, email: str) -> dict[str, list[dict]]:
    """{table: rows} of what is held about the account and its address."""
    users = _users()
    held: dict[str, list[dict]] = {"users": _rows(users, users.c.id == user_id)}
    for table, column, _rule in _referencing(users):
        if rows := _rows(table, column == user_id):
            held.setdefault(table.name, []).extend(rows)
    for table in db.metadata.sorted_tables:
        if table is users:
            continue
        for name in ADDRESS_COLUMNS:
            if name not in table.c:
                continue
            rows = _rows(table, func.lower(table.c[name]) == email.lower())
            known = {row.get("id") for row in held.get(table.name, [])}
            held.setdefault(table.name, []).extend(row for row in rows if row.get("id") not in known)
            ids = [row["id"] for row in rows if "id" in row]
            for child, column, _rule in _referencing(table) if ids else ():
                if child_rows := _rows(child, column.in_(ids)):
                    held.setdefault(child.name, []).extend(child_rows)
    # The account's own history (entries about it, whoever made them).
    entries = db.metadata.tables["audit_entries"]
    about = _rows(entries, (entries.c.entity_type == "user") & (entries.c.entity_id == user_id))
    known = {row["id"] for row in held.get("audit_entries", [])}
    held.setdefault("audit_entries", []).extend(row for row in about if row["id"] not in known)
    return {name: rows for name, rows in held.items() if rows}


def delete_account(user_id: int) -> None:
    """The account goes; what references it follows its foreign key's rule (its tokens and rights go with it, the
    records it made keep their place without its name)."""
    users = _users()
    db.session.flush()  # what the request changed so far (a sign-out) is written before the rows go
    for table, column, rule in _referencing(users):
        if (rule or "").upper() == "CASCADE":
            db.session.execute(delete(table).where(column == user_id))
        else:
            db.session.execute(update(table).where(column == user_id).values({column.name: None}))
    db.session.execute(delete(users).where(users.c.id == user_id))
    db.session.expire_all()
