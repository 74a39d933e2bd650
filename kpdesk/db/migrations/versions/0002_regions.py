"""Regions: configurable groupings of municipalities, seeded with Nordland's regions.

Rødøy and Meløy belong to different regions depending on the definition, and the Helgeland
councils changed in 2023, so regions are data the coordinator can edit, not code.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEED: dict[str, list[str]] = {
    # Salten regionråd (salten.no/om-salten)
    "Salten": ["1804", "1836", "1837", "1838", "1839", "1840", "1841", "1845", "1848", "1875"],
    # Helgeland as a whole: Helgelandsrådet and Polarsirkelrådet, with Rødøy
    "Helgeland": ["1811", "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825",
                  "1826", "1827", "1828", "1832", "1833", "1834", "1835", "1836"],
    "Helgelandsrådet": ["1811", "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824",
                        "1825", "1827"],
    "Polarsirkelrådet": ["1826", "1828", "1832", "1833", "1834", "1835"],
    "Ofoten": ["1806", "1853"],
    "Lofoten": ["1856", "1857", "1859", "1860", "1865", "1874"],
    "Vesterålen": ["1851", "1866", "1867", "1868", "1870", "1871"],
}


def upgrade() -> None:
    region = op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("name", name=op.f("uq_region_name")),
    )
    member = op.create_table(
        "region_municipality",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"],
                                name=op.f("fk_region_municipality_region_id_region"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("region_id", "municipality", name=op.f("pk_region_municipality")),
    )
    op.bulk_insert(region, [{"id": i, "name": name} for i, name in enumerate(SEED, start=1)])
    op.bulk_insert(member, [
        {"region_id": i, "municipality": number}
        for i, numbers in enumerate(SEED.values(), start=1)
        for number in numbers
    ])
    if op.get_bind().dialect.name == "postgresql":  # ids given explicitly leave the sequence behind
        op.execute("SELECT setval(pg_get_serial_sequence('region', 'id'), (SELECT max(id) FROM region))")


def downgrade() -> None:
    op.drop_table("region_municipality")
    op.drop_table("region")
