"""Erasure records: which contact rows an erasure removed, so a restore can remove them again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("contact_ids", sa.Text(), server_default="", nullable=False),
        sa.Column("backups_kept", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_record")),
        sa.UniqueConstraint("token", name=op.f("uq_erasure_record_token")),
    )


def downgrade() -> None:
    op.drop_table("erasure_record")
