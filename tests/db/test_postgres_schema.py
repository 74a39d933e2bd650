"""The same migrations make the same schema on PostgreSQL as on SQLite (issue 17: a region's shared
register runs on PostgreSQL through the same models and migrations). Runs against the server that
``scripts/setup.sh test`` starts (``KPDESK_TEST_PG``)."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, insert, inspect, make_url, select, text

from kpdesk.db import migrate, models
from kpdesk.db.models import Region, RegionMunicipality


def _engine(url: str):
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"))


def _differences(engine) -> list[object]:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), models.Base.metadata)


def test_the_migrations_make_the_models_schema_on_postgresql(pg_url: str) -> None:
    engine = _engine(pg_url)
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn)
        assert _differences(engine) == []
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.head_revision()
            helgeland = conn.execute(select(Region.id).where(Region.name == "Helgeland")).scalar_one()
            assert conn.execute(select(RegionMunicipality.municipality).where(
                RegionMunicipality.region_id == helgeland, RegionMunicipality.municipality == "1824")).scalar()
        with engine.begin() as conn:  # the seeded ids were given explicitly: the next one must not clash
            conn.execute(insert(Region).values(name="Indre Helgeland"))
    finally:
        engine.dispose()


@pytest.mark.parametrize("target", ["0007", "0005", "0002", "base"])
def test_downgrade_and_upgrade_again_on_postgresql(pg_url: str, target: str) -> None:
    engine = _engine(pg_url)
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn)
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), target)
        tables = set(inspect(engine).get_table_names())
        assert "course_run" not in tables and ("exam_sitting" in tables) == (target == "0007")
        with engine.begin() as conn:
            migrate.upgrade(conn)
        assert _differences(engine) == []
    finally:
        engine.dispose()
