"""Migration 0008: course runs, their links to needs and bookings, and the day a need was recorded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import URL, create_engine, inspect
from support import database_at
from support import database_with as build_at
from support import sql_rows as rows

from kpdesk.db.migrate import alembic_config, head_revision
from kpdesk.db.store import Store

pytestmark = pytest.mark.sqlite_only("an older database file written with sqlite3, upgraded")

DATA_0007 = """
INSERT INTO employer (id, org_number, name) VALUES (1, '974760673', 'Helgelandssykehuset');
INSERT INTO need (id, ref, employer_id, title, headcount, created_at, updated_at)
    VALUES (1, 'B1', 1, 'Sårbehandling', 4, '2025-03-14 10:12:00', '2026-01-02 09:00:00');
INSERT INTO need (id, ref, employer_id, title, headcount, created_at, updated_at)
    VALUES (2, 'B2', 1, 'Ledelse', 2, '2026-12-31 23:59:00', '2026-12-31 23:59:00');
INSERT INTO provider (id, name) VALUES (1, 'Nord universitet');
INSERT INTO offer (id, ref, provider_id, title) VALUES (1, 'T1', 1, 'Sårbehandling 7,5 sp');
INSERT INTO room (id, name, capacity, opens_at, closes_at) VALUES (1, 'Stort rom', 20, '08:00:00', '16:00:00');
INSERT INTO booking (id, room_id, title, kind, starts_at, ends_at)
    VALUES (1, 1, 'Samling 1', 'session', '2027-02-01 09:00:00.000000', '2027-02-01 15:00:00.000000');
"""


def upgraded(path: Path) -> None:
    """The file brought to the newest revision, as opening it does (without the store's backup)."""
    database_at(path, "head")


def test_existing_needs_are_registered_the_day_they_were_created(db_path: Path) -> None:
    build_at(db_path, "0007", DATA_0007)
    store = Store.open(db_path)
    try:
        assert store.revision() == head_revision()
    finally:
        store.close()
    assert rows(db_path, "SELECT ref, registered FROM need ORDER BY id") == [("B1", "2025-03-14"),
                                                                            ("B2", "2026-12-31")]
    assert rows(db_path, "SELECT count(*) FROM course_run") == [(0,)]
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db_path, "PRAGMA foreign_key_check") == []


def test_a_run_keeps_its_numbers_in_order_and_its_links_go_with_it(db_path: Path) -> None:
    build_at(db_path, "0007", DATA_0007)
    upgraded(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        conn.execute("INSERT INTO course_run (id, ref, offer_id, status, start_date, end_date, participants, completed,"
                     " credits_passed) VALUES (1, 'G1', 1, 'completed', '2027-01-10', '2027-06-10', 12, 10, 75)")
        with pytest.raises(sqlite3.IntegrityError, match="completed_within_participants"):
            conn.execute("INSERT INTO course_run (ref, offer_id, participants, completed) VALUES ('G2', 1, 5, 6)")
        with pytest.raises(sqlite3.IntegrityError, match="dates_order"):
            conn.execute("INSERT INTO course_run (ref, offer_id, start_date, end_date) "
                         "VALUES ('G3', 1, '2027-02-01', '2027-01-31')")
        with pytest.raises(sqlite3.IntegrityError, match="ref"):
            conn.execute("INSERT INTO course_run (ref, offer_id) VALUES ('G1', 1)")
        conn.execute("INSERT INTO course_run_need (run_id, need_id) VALUES (1, 1)")
        conn.execute("INSERT INTO course_run_booking (run_id, booking_id) VALUES (1, 1)")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("DELETE FROM offer WHERE id = 1")  # a run holds its offer
        conn.execute("DELETE FROM course_run WHERE id = 1")
        assert conn.execute("SELECT count(*) FROM course_run_need").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM course_run_booking").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM need").fetchone() == (2,)  # the needs stay
        conn.execute("INSERT INTO need (ref, employer_id, title, headcount, centre_id) VALUES ('B3', 1, 'Ny', 1, 1)")
        assert conn.execute("SELECT registered = date('now') FROM need WHERE ref = 'B3'").fetchone() == (1,)
    finally:
        conn.close()


def test_downgrade_to_0007_drops_the_runs_and_keeps_the_needs(db_path: Path) -> None:
    build_at(db_path, "0007", DATA_0007)
    upgraded(db_path)
    engine = create_engine(URL.create("sqlite", database=str(db_path)))
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO course_run (id, ref, offer_id) VALUES (1, 'G1', 1)")
            connection.exec_driver_sql("INSERT INTO course_run_need (run_id, need_id) VALUES (1, 2)")
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0007")
        tables = set(inspect(engine).get_table_names())
        assert not tables & {"course_run", "course_run_need", "course_run_booking"}
        assert "registered" not in {c["name"] for c in inspect(engine).get_columns("need")}
    finally:
        engine.dispose()
    assert rows(db_path, "SELECT ref, title FROM need ORDER BY id") == [("B1", "Sårbehandling"), ("B2", "Ledelse")]
    assert rows(db_path, "PRAGMA foreign_key_check") == []
