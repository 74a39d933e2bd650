"""Exams at the meeting place: sittings, invigilators and candidates.

``exam_sitting`` is one exam booking (1:1) with the institution, course code, title, the ordinary
duration and the fee the centre invoices per candidate; ``exam_invigilator`` its invigilators and
their hours; ``exam_candidate`` its candidates by candidate number (unique per sitting), with name,
e-mail, accommodation (extra minutes, a separate room and that room's booking), status and whether
retention has removed the name and e-mail. ``erasure_record.candidate_ids`` lets a restore erase
candidates again. Existing exam bookings stay plain bookings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exam_sitting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("course_code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("fee_per_candidate", sa.Numeric(precision=10, scale=2), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_exam_sitting_duration_positive")),
        sa.CheckConstraint("fee_per_candidate >= 0", name=op.f("ck_exam_sitting_fee_not_negative")),
        sa.ForeignKeyConstraint(["booking_id"], ["booking.id"], name=op.f("fk_exam_sitting_booking_id_booking"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_sitting")),
        sa.UniqueConstraint("ref", name=op.f("uq_exam_sitting_ref")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_exam_sitting_booking_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("exam_sitting") as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_sitting_institution"), ["institution"], unique=False)
    op.create_table(
        "exam_invigilator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.CheckConstraint("hours >= 0", name=op.f("ck_exam_invigilator_hours_not_negative")),
        sa.ForeignKeyConstraint(["sitting_id"], ["exam_sitting.id"],
                                name=op.f("fk_exam_invigilator_sitting_id_exam_sitting"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_invigilator")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("exam_invigilator") as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_invigilator_sitting_id"), ["sitting_id"], unique=False)
    op.create_table(
        "exam_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("candidate_no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("email", sa.String(length=254), server_default="", nullable=False),
        sa.Column("extra_minutes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("separate_room", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("room_booking_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), server_default="registered", nullable=False),
        sa.Column("status_changed_at", sa.DateTime(), nullable=True),
        sa.Column("erased", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("extra_minutes >= 0", name=op.f("ck_exam_candidate_extra_minutes_not_negative")),
        sa.ForeignKeyConstraint(["sitting_id"], ["exam_sitting.id"],
                                name=op.f("fk_exam_candidate_sitting_id_exam_sitting"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["room_booking_id"], ["booking.id"],
                                name=op.f("fk_exam_candidate_room_booking_id_booking"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_candidate")),
        sa.UniqueConstraint("sitting_id", "candidate_no", name=op.f("uq_exam_candidate_number")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("exam_candidate") as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_candidate_sitting_id"), ["sitting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exam_candidate_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_exam_candidate_room_booking_id"), ["room_booking_id"], unique=False)
    with op.batch_alter_table("erasure_record") as batch_op:
        batch_op.add_column(sa.Column("candidate_ids", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    """Back to plain exam bookings: sittings, invigilators and candidates are dropped."""
    with op.batch_alter_table("erasure_record") as batch_op:
        batch_op.drop_column("candidate_ids")
    op.drop_table("exam_candidate")
    op.drop_table("exam_invigilator")
    op.drop_table("exam_sitting")
