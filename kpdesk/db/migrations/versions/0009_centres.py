"""Centres within a region: several learning centres share one register.

``centre`` is a learning centre (name unique, the municipality it sits in); every employer, need
and room belongs to one (``centre_id``, NOT NULL). A booking belongs to its room's centre. The
migration makes one centre named as the centre profile (or «Senteret» when the profile has no name)
and puts every existing employer, need and room in it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = ("employer", "need", "room")
FIRST_CENTRE_NAME = "Senteret"  # the centre of a database whose profile had no name


def upgrade() -> None:
    op.create_table(
        "centre",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre")),
        sa.UniqueConstraint("name", name=op.f("uq_centre_name")),
        sqlite_autoincrement=True,
    )
    op.execute(sa.text(
        "INSERT INTO centre (name) VALUES (coalesce((SELECT nullif(trim(name), '') FROM centre_profile"
        " ORDER BY id LIMIT 1), :fallback))").bindparams(fallback=FIRST_CENTRE_NAME))
    for table in TABLES:
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.add_column(sa.Column("centre_id", sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET centre_id = (SELECT min(id) FROM centre)")
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.alter_column("centre_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_centre_id"), ["centre_id"], unique=False)
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_centre_id_centre"), "centre", ["centre_id"], ["id"],
                                        ondelete="RESTRICT")


def downgrade() -> None:
    """Every row stays; which centre it belonged to is forgotten, and the centres with it."""
    for table in TABLES:
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_centre_id_centre"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_centre_id"))
            batch_op.drop_column("centre_id")
    op.drop_table("centre")
