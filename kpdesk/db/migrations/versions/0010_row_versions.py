"""Row versions: who changed a record last, and which store wrote an audit entry.

The records a coordinator edits in forms (employer, contact person, person, need, provider, offer,
room, booking series, booking, exam sitting, course run) get ``version`` (1 for every existing row;
every UPDATE bumps it, and a save loaded at another version is refused, ``kpdesk.db.versions``) and
``updated_by`` (the OS user of the last change; "" for rows older than this revision). Contact
persons get ``created_at`` and ``updated_at`` as the others have them (existing rows: the upgrade's
time). ``audit_entry.origin`` names the open store that wrote an entry, so a window tells others'
changes from its own ("" for older entries).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

VERSIONED = ("employer", "contact_person", "person", "need", "provider", "offer", "room", "booking_series",
             "booking", "exam_sitting", "course_run")


def _version_columns() -> list[sa.Column[object]]:
    return [sa.Column("version", sa.Integer(), server_default="1", nullable=False),
            sa.Column("updated_by", sa.String(length=100), server_default="", nullable=False)]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in VERSIONED:
        # SQLite cannot ADD a column whose default is the time: contact_person is copied into a new table
        recreate = "always" if sqlite and table == "contact_person" else "auto"
        with op.batch_alter_table(table, recreate=recreate, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            if table == "contact_person":
                batch_op.add_column(sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(),
                                              nullable=False))
                batch_op.add_column(sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(),
                                              nullable=False))
            for column in _version_columns():
                batch_op.add_column(column)
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=32), server_default="", nullable=False))


def downgrade() -> None:
    """The versions, who changed a row last and the entries' origins are dropped."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.drop_column("origin")
    for table in VERSIONED:
        with op.batch_alter_table(table, recreate="always" if sqlite else "auto",
                                  table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.drop_column("updated_by")
            batch_op.drop_column("version")
            if table == "contact_person":
                batch_op.drop_column("updated_at")
                batch_op.drop_column("created_at")
