"""Migration 0009: centres within a region; every employer, need and room gets the one centre it makes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import URL, create_engine, inspect, make_url, text
from support import database_at
from support import database_with as build_at
from support import sql_rows as rows

from kpdesk.db import migrate
from kpdesk.db.migrate import alembic_config

pytestmark = pytest.mark.sqlite_only("an older database file written with sqlite3, upgraded (PostgreSQL: its own test)")

DATA_0008 = """
INSERT INTO employer (id, org_number, name) VALUES (1, '974760673', 'Helgelandssykehuset');
INSERT INTO need (id, ref, employer_id, title, headcount) VALUES (1, 'B1', 1, 'Sårbehandling', 4);
INSERT INTO need (id, ref, community, title, headcount) VALUES (2, 'B2', '1824', 'Sykepleiere', 5);
INSERT INTO room (id, name, capacity, opens_at, closes_at) VALUES (1, 'Stort rom', 20, '08:00:00', '16:00:00');
"""
PROFILE = "INSERT INTO centre_profile (id, name) VALUES (1, '  Kompetansesenteret Mosjøen ');"


def test_every_row_goes_to_the_one_centre_named_as_the_profile(db_path: Path) -> None:
    build_at(db_path, "0008", DATA_0008 + PROFILE)
    database_at(db_path, "head")
    assert rows(db_path, "SELECT id, name, municipality FROM centre") == [(1, "Kompetansesenteret Mosjøen", None)]
    for table in ("employer", "need", "room"):
        assert rows(db_path, f"SELECT DISTINCT centre_id FROM {table}") == [(1,)]
    assert rows(db_path, "PRAGMA foreign_key_check") == []
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_without_a_profile_name_the_centre_is_called_senteret(db_path: Path) -> None:
    build_at(db_path, "0008", DATA_0008)
    database_at(db_path, "head")
    assert rows(db_path, "SELECT name FROM centre") == [("Senteret",)]


def test_a_row_needs_a_centre_that_exists_and_names_are_unique(db_path: Path) -> None:
    build_at(db_path, "0008", DATA_0008)
    database_at(db_path, "head")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
            conn.execute("INSERT INTO room (name, capacity, opens_at, closes_at, centre_id)"
                         " VALUES ('Lite rom', 4, '08:00:00', '16:00:00', NULL)")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("INSERT INTO room (name, capacity, opens_at, closes_at, centre_id)"
                         " VALUES ('Lite rom', 4, '08:00:00', '16:00:00', 7)")
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute("INSERT INTO centre (name) VALUES ('Senteret')")
        conn.execute("INSERT INTO centre (name, municipality) VALUES ('Mo i Rana', '1833')")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("DELETE FROM centre WHERE id = 1")  # a centre with rows stays
    finally:
        conn.close()


def test_downgrade_to_0008_forgets_the_centres_and_keeps_every_row(db_path: Path) -> None:
    build_at(db_path, "0008", DATA_0008)
    database_at(db_path, "head")
    engine = create_engine(URL.create("sqlite", database=str(db_path)))
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0008")
        assert "centre" not in set(inspect(engine).get_table_names())
        for table in ("employer", "need", "room"):
            assert "centre_id" not in {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()
    assert rows(db_path, "SELECT ref, title FROM need ORDER BY id") == [("B1", "Sårbehandling"), ("B2", "Sykepleiere")]
    assert rows(db_path, "PRAGMA foreign_key_check") == []


def test_migration_0009_on_postgresql(pg_url: str) -> None:
    engine = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"))
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn, "0008")
            for statement in (DATA_0008 + PROFILE).strip().split(";\n"):
                conn.execute(text(statement.strip().rstrip(";")))
        with engine.begin() as conn:
            migrate.upgrade(conn)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM centre")).all() == [("Kompetansesenteret Mosjøen",)]
            for table in ("employer", "need", "room"):
                assert conn.execute(text(f"SELECT DISTINCT centre_id FROM {table}")).all() == [(1,)]
        columns = {c["name"]: c for c in inspect(engine).get_columns("need")}
        assert columns["centre_id"]["nullable"] is False
        with engine.begin() as conn:  # the next centre gets a fresh id
            conn.execute(text("INSERT INTO centre (name) VALUES ('Mo i Rana')"))
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0008")
        assert "centre" not in set(inspect(engine).get_table_names())
        with engine.begin() as conn:
            migrate.upgrade(conn)
    finally:
        engine.dispose()
