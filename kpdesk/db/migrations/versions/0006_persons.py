"""Individuals and communities as owners of needs, and the individuals' consent.

``person`` holds an individual (name, municipality, e-mail or phone, an optional employer; no
notes); ``consent`` their consent history (a change adds a row, the newest is in force). A need
is owned by exactly one of an employer, a person or a community (``community``: a municipality's
number or a region's name), and gets ``source`` and ``horizon`` (the year it is needed by).
Existing needs keep their employer. ``erasure_record.person_ids`` lets a restore erase persons again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# kpdesk.db.models.ONE_OWNER as it was when this migration was written
ONE_OWNER = ("(CASE WHEN employer_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN person_id IS NULL THEN 0 ELSE 1 END)"
             " + (CASE WHEN community IS NULL THEN 0 ELSE 1 END) = 1")


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=True),
        sa.Column("email", sa.String(length=254), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=20), server_default="", nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"], name=op.f("fk_person_employer_id_employer"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("ref", name=op.f("uq_person_ref")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("person") as batch_op:
        batch_op.create_index(batch_op.f("ix_person_municipality"), ["municipality"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_employer_id"), ["employer_id"], unique=False)
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("contact", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("statistics", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("how", sa.String(length=40), server_default="", nullable=False),
        sa.Column("text_version", sa.String(length=20), server_default="", nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_consent_person_id_person"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("consent") as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("need", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.alter_column("employer_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("community", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("horizon", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_need_person_id_person"), "person", ["person_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_index(batch_op.f("ix_need_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_community"), ["community"], unique=False)
        batch_op.create_check_constraint("one_owner", sa.text(ONE_OWNER))
    with op.batch_alter_table("erasure_record") as batch_op:
        batch_op.add_column(sa.Column("person_ids", sa.Text(), server_default="", nullable=False))


# Audit entries that hold an individual's data (their rows, consents, own needs and those needs'
# decisions, also of needs deleted before: their deletion's entry has field person_id): an older
# schema has no person to erase them with, so they go with the persons.
PERSONAL_AUDIT_ENTRIES = (
    "DELETE FROM audit_entry WHERE entity IN ('need', 'match_decision') AND entity_id IN "
    "(SELECT id FROM need WHERE employer_id IS NULL "
    "UNION SELECT entity_id FROM audit_entry WHERE entity = 'need' AND field = 'person_id')",
    "DELETE FROM audit_entry WHERE entity IN ('person', 'consent')",
)


def downgrade() -> None:
    """Back to employers only: needs without an employer and every person are deleted, with the
    audit entries about them (``PERSONAL_AUDIT_ENTRIES``)."""
    with op.batch_alter_table("erasure_record") as batch_op:
        batch_op.drop_column("person_ids")
    for statement in PERSONAL_AUDIT_ENTRIES:
        op.execute(statement)
    for table in ("need_status_change", "match_decision"):
        op.execute(f"DELETE FROM {table} WHERE need_id IN (SELECT id FROM need WHERE employer_id IS NULL)")
    op.execute("DELETE FROM need WHERE employer_id IS NULL")
    with op.batch_alter_table("need", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(op.f("ck_need_one_owner"), type_="check")
        batch_op.drop_index(batch_op.f("ix_need_community"))
        batch_op.drop_index(batch_op.f("ix_need_person_id"))
        batch_op.drop_constraint(batch_op.f("fk_need_person_id_person"), type_="foreignkey")
        batch_op.drop_column("horizon")
        batch_op.drop_column("source")
        batch_op.drop_column("community")
        batch_op.drop_column("person_id")
        batch_op.alter_column("employer_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("consent")
    op.drop_table("person")
