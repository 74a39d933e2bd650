"""Migration 0005: «vis på oppslag» on bookings and series (from their kind) and the rooms' site."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, inspect
from support import database_with as build_at
from support import sql_rows as rows

from kpdesk.db.migrate import head_revision, upgrade
from kpdesk.db.store import Store

pytestmark = pytest.mark.sqlite_only("an older database file written with sqlite3, upgraded")

DATA_0004 = """
INSERT INTO room (id, name, capacity, opens_at, closes_at) VALUES (1, 'Storsalen', 40, '08:00:00', '16:00:00');
INSERT INTO booking_series (id, room_id, title, kind, rrule, first_start, duration_minutes)
    VALUES (1, 1, 'Samlinger', 'session', 'FREQ=WEEKLY;COUNT=2', '2027-01-15 09:00:00', 390),
           (2, 1, 'Koordinatormøte', 'meeting', 'FREQ=WEEKLY;COUNT=2', '2027-01-18 08:30:00', 60);
INSERT INTO booking (id, room_id, series_id, title, kind, starts_at, ends_at) VALUES
    (1, 1, 1, 'Samling 1', 'session', '2027-01-15 09:00:00', '2027-01-15 15:30:00'),
    (2, 1, 2, 'Koordinatormøte', 'meeting', '2027-01-18 08:30:00', '2027-01-18 09:30:00'),
    (3, 1, NULL, 'Eksamen', 'exam', '2027-01-19 09:00:00', '2027-01-19 13:00:00'),
    (4, 1, NULL, 'Nettforelesning', 'video_lecture', '2027-01-19 14:00:00', '2027-01-19 16:00:00'),
    (5, 1, NULL, 'Møte med Hemnes Trelast', 'meeting', '2027-01-20 10:00:00', '2027-01-20 11:00:00'),
    (6, 1, NULL, 'Dugnad', 'other', '2027-01-21 10:00:00', '2027-01-21 11:00:00');
"""



def test_existing_rows_get_the_default_of_their_kind(db_path: Path) -> None:
    build_at(db_path, "0004", DATA_0004)
    store = Store.open(db_path)
    try:
        assert store.revision() == head_revision()
    finally:
        store.close()
    assert rows(db_path, "SELECT id, kind, public FROM booking ORDER BY id") == [
        (1, "session", 1), (2, "meeting", 0), (3, "exam", 1), (4, "video_lecture", 1), (5, "meeting", 0),
        (6, "other", 0)]
    assert rows(db_path, "SELECT id, public FROM booking_series ORDER BY id") == [(1, 1), (2, 0)]
    assert rows(db_path, "SELECT name, site FROM room") == [("Storsalen", "")]
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_downgrade_to_0004_removes_the_columns_and_keeps_the_rows(db_path: Path) -> None:
    from alembic import command

    from kpdesk.db.migrate import alembic_config

    build_at(db_path, "0004", DATA_0004)
    engine = create_engine(URL.create("sqlite", database=str(db_path)))
    try:
        with engine.begin() as connection:
            upgrade(connection)
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0004")
        columns = {table: {c["name"] for c in inspect(engine).get_columns(table)}
                   for table in ("booking", "booking_series", "room")}
        assert "public" not in columns["booking"] | columns["booking_series"] and "site" not in columns["room"]
        checks = {c["name"] for c in inspect(engine).get_check_constraints("booking")}
        assert "ck_booking_ends_after_start" in checks  # the rebuilt table keeps its rule
    finally:
        engine.dispose()
    assert len(rows(db_path, "SELECT id FROM booking")) == 6
