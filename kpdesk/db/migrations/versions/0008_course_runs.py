"""Course runs (gjennomføringer) and the day a need was recorded.

``course_run`` is one run of an offer for a group: status (planned, ordered, started, completed,
cancelled), start and end, participants at start, completed, studiepoeng passed in all, co-funding
(source and whole kroner); ``course_run_need`` links it to the needs it serves and
``course_run_booking`` to its session days' bookings. ``need.registered`` is the day a need was
recorded: existing needs get the day they were created.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("need", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("registered", sa.Date(), server_default=sa.text("(CURRENT_DATE)"),
                                      nullable=False))
        batch_op.create_index(batch_op.f("ix_need_registered"), ["registered"], unique=False)
    op.execute("UPDATE need SET registered = date(created_at) WHERE created_at IS NOT NULL")
    op.create_table(
        "course_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="planned", nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("completed", sa.Integer(), nullable=True),
        sa.Column("credits_passed", sa.Numeric(precision=7, scale=1), nullable=True),
        sa.Column("cofunding_source", sa.String(length=200), server_default="", nullable=False),
        sa.Column("cofunding_nok", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                           name=op.f("ck_course_run_dates_order")),
        sa.CheckConstraint("participants IS NULL OR participants >= 0",
                           name=op.f("ck_course_run_participants_not_negative")),
        sa.CheckConstraint("completed IS NULL OR (completed >= 0 AND (participants IS NULL OR completed <= "
                           "participants))", name=op.f("ck_course_run_completed_within_participants")),
        sa.CheckConstraint("credits_passed IS NULL OR credits_passed >= 0",
                           name=op.f("ck_course_run_credits_not_negative")),
        sa.CheckConstraint("cofunding_nok IS NULL OR cofunding_nok >= 0",
                           name=op.f("ck_course_run_cofunding_not_negative")),
        sa.ForeignKeyConstraint(["offer_id"], ["offer.id"], name=op.f("fk_course_run_offer_id_offer"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_run")),
        sa.UniqueConstraint("ref", name=op.f("uq_course_run_ref")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("course_run") as batch_op:
        for column in ("offer_id", "status", "start_date", "end_date"):
            batch_op.create_index(batch_op.f(f"ix_course_run_{column}"), [column], unique=False)
    for other, table in (("need", "course_run_need"), ("booking", "course_run_booking")):
        op.create_table(
            table,
            sa.Column("run_id", sa.Integer(), nullable=False),
            sa.Column(f"{other}_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["run_id"], ["course_run.id"], name=op.f(f"fk_{table}_run_id_course_run"),
                                    ondelete="CASCADE"),
            sa.ForeignKeyConstraint([f"{other}_id"], [f"{other}.id"],
                                    name=op.f(f"fk_{table}_{other}_id_{other}"), ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("run_id", f"{other}_id", name=op.f(f"pk_{table}")),
        )
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{other}_id"), [f"{other}_id"], unique=False)


def downgrade() -> None:
    """Runs and their links are dropped; needs lose the day they were recorded."""
    op.drop_table("course_run_booking")
    op.drop_table("course_run_need")
    op.drop_table("course_run")
    with op.batch_alter_table("need", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_registered"))
        batch_op.drop_column("registered")
