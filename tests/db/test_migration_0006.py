"""Migration 0006: persons, consent, and needs owned by an employer, a person or a community."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, inspect
from support import database_with as build_at
from support import sql_rows as rows

from kpdesk.db.migrate import head_revision, upgrade
from kpdesk.db.store import Store

pytestmark = pytest.mark.sqlite_only("an older database file written with sqlite3, upgraded")

DATA_0005 = """
INSERT INTO employer (id, org_number, name, municipality) VALUES (1, '988077917', 'Hamarøy kommune', '1875');
INSERT INTO need (id, ref, employer_id, title, headcount, status, status_changed_on)
    VALUES (1, 'B0001', 1, 'Fagbrev helsearbeider', 3, 'new', '2026-10-05');
INSERT INTO need_status_change (need_id, status, changed_on) VALUES (1, 'new', '2026-10-05');
"""



def test_existing_needs_keep_their_employer(db_path: Path) -> None:
    build_at(db_path, "0005", DATA_0005)
    store = Store.open(db_path)
    try:
        assert store.revision() == head_revision()
    finally:
        store.close()
    assert rows(db_path, "SELECT ref, employer_id, person_id, community, source, horizon FROM need") == [
        ("B0001", 1, None, None, "", None)]
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_a_need_has_exactly_one_owner(db_path: Path) -> None:
    build_at(db_path, "0005", DATA_0005)
    engine = create_engine(URL.create("sqlite", database=str(db_path)))
    try:
        with engine.begin() as connection:
            upgrade(connection)
    finally:
        engine.dispose()
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("INSERT INTO person (id, ref, name) VALUES (1, 'P0001', 'Ola')")
        conn.execute("INSERT INTO need (centre_id, ref, person_id, title, headcount) "
                     "VALUES (1, 'B0002', 1, 'Helsefagarbeider', 1)")
        conn.execute("INSERT INTO need (centre_id, ref, community, title, headcount) "
                     "VALUES (1, 'B0003', '1836', 'Sykepleiere', 5)")
        for owners in ("employer_id, person_id", "employer_id, community", "person_id, community"):
            values = {"employer_id": "1", "person_id": "1", "community": "'1836'"}
            with pytest.raises(sqlite3.IntegrityError, match="one_owner"):
                conn.execute(f"INSERT INTO need (centre_id, ref, {owners}, title, headcount) VALUES (1, 'B0009', "
                             f"{', '.join(values[o.strip()] for o in owners.split(','))}, 'x', 1)")
        with pytest.raises(sqlite3.IntegrityError, match="one_owner"):
            conn.execute("INSERT INTO need (centre_id, ref, title, headcount) VALUES (1, 'B0009', 'Uten eier', 1)")
    finally:
        conn.close()


def upgrade_fill_downgrade(db_path: Path, fill) -> None:
    """0005 with DATA_0005, upgraded, ``fill(connection)`` at 0006, then downgraded to 0005; checks
    that the downgrade dropped the persons' tables and columns."""
    from alembic import command

    from kpdesk.db.migrate import alembic_config

    build_at(db_path, "0005", DATA_0005)
    engine = create_engine(URL.create("sqlite", database=str(db_path)))
    try:
        with engine.begin() as connection:
            upgrade(connection)
        with engine.begin() as connection:
            fill(connection)
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0005")
        tables = set(inspect(engine).get_table_names())
        assert not tables & {"person", "consent"}
        need = {c["name"]: c for c in inspect(engine).get_columns("need")}
        assert not need["employer_id"]["nullable"] and "person_id" not in need
    finally:
        engine.dispose()


def test_downgrade_to_0005_keeps_employer_needs_and_drops_the_others(db_path: Path) -> None:
    def fill(connection) -> None:
        connection.exec_driver_sql("INSERT INTO person (id, ref, name) VALUES (1, 'P0001', 'Ola')")
        connection.exec_driver_sql(
            "INSERT INTO need (id, centre_id, ref, person_id, title, headcount) VALUES (2, 1, 'B0002', 1, 'x', 1)")
        connection.exec_driver_sql(
            "INSERT INTO need_status_change (need_id, status, changed_on) VALUES (2, 'new', '2026-10-05')")

    upgrade_fill_downgrade(db_path, fill)
    assert rows(db_path, "SELECT ref FROM need") == [("B0001",)]
    assert rows(db_path, "SELECT need_id FROM need_status_change") == [(1,)]
    assert rows(db_path, "PRAGMA foreign_key_check") == []


def test_downgrade_to_0005_removes_the_audit_entries_about_individuals(db_path: Path) -> None:
    """An older schema has no person to erase: their entries (names, phones, consents, what they wish
    for, a decision's note) must not stay behind in it."""
    entries = [
        ("create", "employer", 1, "", None, "Ny arbeidsgiver «Hamarøy kommune»"),
        ("create", "need", 1, "", None, "Nytt behov B0001 «Fagbrev helsearbeider»"),
        ("create", "person", 1, "", None, "Ny person P0001"),
        ("update", "person", 1, "phone", "41414141", "Qwertzu"),
        ("create", "consent", 1, "", None, "Samtykke for P0001: lagring (skjema)"),
        ("create", "need", 2, "", None, "Nytt behov B0002 «Helsefagarbeider for Qwertzu»"),
        ("accept", "match_decision", 2, "note", None, "Qwertzu vil ha nettkurs"),
        ("delete", "need", 3, "person_id", "1", "Slettet behov B0003 «Qwertzu sitt andre ønske»"),
        ("create", "need", 3, "", None, "Nytt behov B0003 «Qwertzu sitt andre ønske»"),
    ]

    def fill(connection) -> None:
        connection.exec_driver_sql("INSERT INTO person (id, ref, name) VALUES (1, 'P0001', 'Qwertzu')")
        connection.exec_driver_sql(
            "INSERT INTO need (id, centre_id, ref, person_id, title, headcount) VALUES (2, 1, 'B0002', 1, 'x', 1)")
        for action, entity, entity_id, field, old, new in entries:
            summary = new if field in ("", "note") else ""
            connection.exec_driver_sql(
                "INSERT INTO audit_entry (at, user, action, entity, entity_id, field, old_value, new_value, "
                "summary) VALUES ('2026-12-07 10:00:00', 'kari', ?, ?, ?, ?, ?, ?, ?)",
                (action, entity, entity_id, field, old, None if field in ("", "note") else new, summary))

    upgrade_fill_downgrade(db_path, fill)
    assert rows(db_path, "SELECT entity, entity_id FROM audit_entry ORDER BY id") == [
        ("employer", 1), ("need", 1)]
    assert b"Qwertzu" not in db_path.read_bytes() and b"41414141" not in db_path.read_bytes()
