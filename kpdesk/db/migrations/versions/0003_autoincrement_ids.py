"""Never reuse the id of a deleted row (SQLite AUTOINCREMENT) on the tables that undo restores.

Without it SQLite hands out the highest id again once that row is deleted, so "delete, create
another, undo" could not restore the deleted row under its own id. PostgreSQL's sequences never
hand out an id twice, so there the migration has nothing to do.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("employer", "contact_person", "need", "need_status_change", "provider", "offer", "offer_session",
          "match_decision", "room", "booking_series", "booking")


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        # batch mode copies the table into a new one created with the wanted option
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
