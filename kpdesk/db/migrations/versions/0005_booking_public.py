"""«Vis på oppslag» for bookings and series, and the site a room is at.

A booking that is not public prints as «Opptatt» on week schedules and door signs. Existing
rows get the default of their kind: samlinger, exams and lectures are public, meetings and
anything else are not (a meeting's title often names an employer that has not agreed to be
named). Rooms get an empty site: the centre has one site until the coordinator says otherwise.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# kpdesk.booking.inputs.PUBLIC_KINDS as it was when this migration was written
PUBLIC_KINDS = ("session", "exam", "video_lecture")


def upgrade() -> None:
    for table in ("booking_series", "booking"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("public", sa.Boolean(), server_default="0", nullable=False))
        op.execute(sa.text(f"UPDATE {table} SET public = :yes WHERE kind IN :kinds")
                   .bindparams(sa.bindparam("yes", True, type_=sa.Boolean()),
                               sa.bindparam("kinds", PUBLIC_KINDS, expanding=True)))
    with op.batch_alter_table("room") as batch_op:
        batch_op.add_column(sa.Column("site", sa.String(length=100), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("room") as batch_op:
        batch_op.drop_column("site")
    for table in ("booking", "booking_series"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("public")
