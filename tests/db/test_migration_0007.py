"""Migration 0007: exam sittings, invigilators and candidates beside the exam booking."""

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

DATA_0006 = """
INSERT INTO room (id, name, capacity, opens_at, closes_at) VALUES (1, 'Eksamensrommet', 20, '08:00:00', '16:00:00');
INSERT INTO booking (id, room_id, title, kind, starts_at, ends_at, arrival_buffer_minutes, invigilators)
    VALUES (1, 1, 'Eksamen SYK2001', 'exam', '2027-05-12 09:00:00.000000', '2027-05-12 13:00:00.000000', 30, 2);
INSERT INTO erasure_record (token, at, contact_ids, person_ids) VALUES ('abc', '2026-11-01 10:00:00', '3', '');
"""


def upgraded(path: Path) -> None:
    """The file brought to the newest revision, as opening it does (without the store's backup)."""
    database_at(path, "head")


def test_an_existing_exam_booking_stays_a_booking_and_records_keep_their_ids(db_path: Path) -> None:
    build_at(db_path, "0006", DATA_0006)
    store = Store.open(db_path)
    try:
        assert store.revision() == head_revision()
    finally:
        store.close()
    assert rows(db_path, "SELECT id, kind, invigilators FROM booking") == [(1, "exam", 2)]
    assert rows(db_path, "SELECT count(*) FROM exam_sitting") == [(0,)]
    assert rows(db_path, "SELECT contact_ids, candidate_ids FROM erasure_record") == [("3", "")]
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_a_sitting_is_one_booking_and_a_candidate_number_is_unique_per_sitting(db_path: Path) -> None:
    build_at(db_path, "0006", DATA_0006)
    upgraded(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        conn.execute("INSERT INTO exam_sitting (id, ref, booking_id, institution, course_code, title, duration_minutes,"
                     " fee_per_candidate) VALUES (1, 'EKS1', 1, 'Nord universitet', 'SYK2001', 'Anatomi', 240, 1500)")
        with pytest.raises(sqlite3.IntegrityError, match="booking_id"):
            conn.execute("INSERT INTO exam_sitting (ref, booking_id, institution, course_code, title, "
                         "duration_minutes) VALUES ('EKS2', 1, 'UiT', 'X', 'Y', 60)")
        conn.execute("INSERT INTO exam_candidate (sitting_id, candidate_no, name) VALUES (1, '101', 'Kari')")
        with pytest.raises(sqlite3.IntegrityError, match="candidate_no"):
            conn.execute("INSERT INTO exam_candidate (sitting_id, candidate_no, name) VALUES (1, '101', 'Ola')")
        with pytest.raises(sqlite3.IntegrityError, match="extra_minutes_not_negative"):
            conn.execute("INSERT INTO exam_candidate (sitting_id, candidate_no, extra_minutes) VALUES (1, '102', -5)")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("DELETE FROM booking WHERE id = 1")  # the sitting holds its booking
        conn.execute("DELETE FROM exam_sitting WHERE id = 1")
        assert conn.execute("SELECT count(*) FROM exam_candidate").fetchone() == (0,)  # cascaded
        assert conn.execute("SELECT status, erased FROM exam_candidate").fetchall() == []
    finally:
        conn.close()


def test_downgrade_to_0006_drops_the_exam_tables_and_keeps_the_booking(db_path: Path) -> None:
    build_at(db_path, "0006", DATA_0006)
    upgraded(db_path)
    engine = create_engine(URL.create("sqlite", database=str(db_path)))
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO exam_sitting (id, ref, booking_id, institution, course_code, title, duration_minutes) "
                "VALUES (1, 'EKS1', 1, 'Nord universitet', 'SYK2001', 'Anatomi', 240)")
            connection.exec_driver_sql(
                "INSERT INTO exam_candidate (sitting_id, candidate_no, name) VALUES (1, '101', 'Kari')")
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0006")
        tables = set(inspect(engine).get_table_names())
        assert not tables & {"exam_sitting", "exam_candidate", "exam_invigilator"}
        assert "candidate_ids" not in {c["name"] for c in inspect(engine).get_columns("erasure_record")}
    finally:
        engine.dispose()
    assert rows(db_path, "SELECT id, title FROM booking") == [(1, "Eksamen SYK2001")]
    assert rows(db_path, "PRAGMA foreign_key_check") == []
