"""Store: creating, opening and refusing database files; sessions with the promised pragmas."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import struct
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from support import database_at

from kpdesk.common.errors import UserError
from kpdesk.db import backup as backup_module
from kpdesk.db import store as store_module
from kpdesk.db.backup import list_backups
from kpdesk.db.inspection import APPLICATION_ID, inspect_file
from kpdesk.db.migrate import head_revision
from kpdesk.db.models import ContactPerson, Employer, Need
from kpdesk.db.store import BUSY_TIMEOUT_MS, Store

pytestmark = pytest.mark.sqlite_only("opening, creating and refusing database files, SQLite's pragmas and locking")


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """The file's bytes and mtime, and any copies beside it: all must stay as they were.

    (SQLite may leave empty -wal/-shm files after a read-only look at a WAL file; those are not the
    database and are left out.)
    """
    beside = sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm")))
    return path.read_bytes(), path.stat().st_mtime_ns, beside


def application_id(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[68:72])[0]


def make_db(path: Path, employers: int = 0) -> Path:
    """A closed kpdesk database at head with ``employers`` employers, each with a contact."""
    opened = Store.open(path)
    with opened.session() as session:
        for i in range(employers):
            employer = Employer(org_number=f"{i:09d}", name=f"Bedrift {i:04d} " + "x" * 150)
            employer.contacts.append(ContactPerson(name=f"Kontakt {i}", email=f"k{i}@example.no"))
            session.add(employer)
    opened.close()
    return path




# ---------------------------------------------------------------- a new database


def test_new_database_is_created_owner_only_with_kpdesk_header_at_head(db_path: Path) -> None:
    opened = Store.open(db_path)
    try:
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
        assert application_id(db_path) == APPLICATION_ID
        assert opened.revision() == head_revision()
        with opened.session() as session:
            session.add(Employer(org_number="988077917", name="Nordlandssykehuset"))
        # the write-ahead log holds personal data too
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists()
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        opened.close()
    assert inspect_file(db_path).revision == head_revision()
    # no copy at all for a brand-new file
    assert list_backups(db_path) == []


def test_sessions_have_foreign_keys_wal_and_busy_timeout(store: Store) -> None:
    with store.session() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_TIMEOUT_MS
        with store.engine.connect() as other:  # a second connection, while the first is busy
            assert other.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert other.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_TIMEOUT_MS


def test_a_writer_waits_for_another_instead_of_failing(store: Store) -> None:
    """Two kpdesk windows on one file: the second write waits (busy timeout), it does not fail."""
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO setting (key, value) VALUES ('holder', 'a')")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        with store.session() as session:
            session.add(Employer(org_number="988077917", name="Venter AS"))
        assert time.monotonic() - started >= 0.2
    finally:
        release.join()
        other.close()
    with store.session() as session:
        assert session.scalars(select(Employer.name)).all() == ["Venter AS"]


def test_a_writer_locked_out_past_the_timeout_gets_a_user_error(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 100)
    opened = Store.open(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(UserError, match="er i bruk"), opened.session() as session:
            session.add(Employer(org_number="988077917", name="Låst ute AS"))
    finally:
        other.execute("ROLLBACK")
        other.close()
        opened.close()


def test_a_write_after_another_process_wrote_since_our_read_gets_a_user_error(store: Store) -> None:
    # WAL: a transaction that read an older snapshot cannot write (SQLITE_BUSY_SNAPSHOT, no waiting)
    with pytest.raises(UserError, match="er i bruk"), store.session() as session:
        session.scalar(select(func.count()).select_from(Employer))
        other = sqlite3.connect(store.path, isolation_level=None)
        other.execute("INSERT INTO setting (key, value) VALUES ('fra', 'et annet vindu')")
        other.close()
        session.add(Employer(org_number="988077917", name="For sent AS"))
        session.flush()
    with store.session() as session:
        assert session.scalars(select(Employer.name)).all() == []


def test_foreign_keys_are_enforced_and_cascade(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(ContactPerson(employer_id=999, name="Ingen arbeidsgiver"))
    with store.session() as session:
        employer = Employer(org_number="988077917", name="Helgelandssykehuset")
        employer.contacts.append(ContactPerson(name="Kari Nordmann"))
        employer.needs.append(Need(ref="B-1", title="Sykepleie", headcount=2))
        session.add(employer)
    with store.session() as session:
        session.execute(text("DELETE FROM employer"))  # raw SQL: the database cascades, not the ORM
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ContactPerson)) == 0
        assert session.scalar(select(func.count()).select_from(Need)) == 0


def test_session_commits_on_success_and_rolls_back_on_error(store: Store) -> None:
    with store.session() as session:
        session.add(Employer(org_number="988077917", name="Beholdt AS"))
    with pytest.raises(RuntimeError), store.session() as session:
        session.add(Employer(org_number="123456785", name="Rulles tilbake AS"))
        session.flush()
        raise RuntimeError("avbrutt midt i")
    with store.session() as session:
        assert session.scalars(select(Employer.name)).all() == ["Beholdt AS"]


def test_check_constraints_hold(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as session:
        employer = Employer(org_number="988077917", name="A")
        employer.needs.append(Need(ref="B-1", title="Null personer", headcount=0))
        session.add(employer)


def test_reopening_a_current_database_keeps_data_and_makes_only_the_daily_copy(db_path: Path) -> None:
    # Issue 7: opening a database makes the day's automatic copy in backups/ (at most one a day);
    # nothing else appears beside the file, and no upgrade copy is made for a current database.
    make_db(db_path, employers=3)
    before = sorted(os.listdir(db_path.parent))
    for _ in range(2):
        opened = Store.open(db_path)
        try:
            with opened.session() as session:
                assert session.scalar(select(func.count()).select_from(Employer)) == 3
                assert session.scalar(select(func.count()).select_from(ContactPerson)) == 3
        finally:
            opened.close()
        assert sorted(os.listdir(db_path.parent)) == sorted([*before, "backups"])
    assert [b.reason for b in list_backups(db_path)] == ["daily"]


@pytest.mark.parametrize("name", ["a%20b.sqlite", "hva?.sqlite", "nr#1.sqlite", "Bodø 100%.sqlite"])
def test_unusual_file_names_are_used_exactly(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    opened = Store.open(path)
    with opened.session() as session:
        session.add(Employer(org_number="988077917", name="Navnetest AS"))
    opened.close()
    assert sorted(os.listdir(tmp_path)) == [name]  # no schema written into some other file
    assert inspect_file(path).revision == head_revision()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM employer").fetchall() == [("Navnetest AS",)]
    conn.close()


def test_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    opened = Store.open("~/hjemme.sqlite")
    opened.close()
    assert (tmp_path / "hjemme.sqlite").is_file()


def test_an_empty_file_becomes_a_new_database(db_path: Path) -> None:
    db_path.touch()
    opened = Store.open(db_path)
    try:
        assert opened.revision() == head_revision()
    finally:
        opened.close()
    assert application_id(db_path) == APPLICATION_ID


def test_a_file_whose_first_migration_never_finished_is_set_up_again(db_path: Path) -> None:
    # Store.open writes the header first; if the process stops before the tables exist,
    # the next start must not call the file damaged.
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.close()
    state = inspect_file(db_path)
    assert (state.exists, state.revision) == (False, None)
    opened = Store.open(db_path)
    try:
        assert opened.revision() == head_revision()
    finally:
        opened.close()


def test_opening_an_empty_file_without_migrating_is_refused_and_changes_nothing(db_path: Path) -> None:
    db_path.touch()
    before = snapshot(db_path)
    with pytest.raises(UserError, match="er tom"):
        Store.open(db_path, migrate=False)
    assert snapshot(db_path) == before


# ---------------------------------------------------------------- refusals, file untouched


def _not_sqlite(path: Path) -> None:
    path.write_text("navn;orgnr\nNordlandssykehuset;983974899\n" * 20, encoding="utf-8")


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('handleliste')")
    conn.commit()
    conn.close()


def _newer(path: Path) -> None:
    make_db(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()


def _truncated_header(path: Path) -> None:
    make_db(path)
    path.write_bytes(path.read_bytes()[:60])


def _truncated_half(path: Path) -> None:
    make_db(path, employers=40)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _bad_page_size(path: Path) -> None:
    make_db(path)
    data = bytearray(path.read_bytes())
    data[16:18] = struct.pack(">H", 1000)  # not a power of two
    path.write_bytes(bytes(data))


def _read_only(path: Path) -> None:
    make_db(path)
    path.chmod(0o444)


REFUSALS = {
    "not-sqlite": (_not_sqlite, "ikke en SQLite-fil"),
    "other-program": (_other_program, "ikke fra kpdesk"),
    "newer": (_newer, "nyere kpdesk"),
    "truncated-header": (_truncated_header, "avkortet"),
    "truncated-half": (_truncated_half, "avkortet"),
    "bad-page-size": (_bad_page_size, "skadet"),
    "read-only": (_read_only, "skrivebeskyttet"),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_bad_files_are_refused_with_a_message_and_left_untouched(db_path: Path, kind: str) -> None:
    make, phrase = REFUSALS[kind]
    make(db_path)
    before = snapshot(db_path)
    with pytest.raises(UserError) as raised:
        Store.open(db_path)
    assert phrase in str(raised.value)
    assert str(db_path) in str(raised.value)
    assert snapshot(db_path) == before
    with pytest.raises(UserError):
        Store.open(db_path, migrate=False)
    assert snapshot(db_path) == before


def test_newer_database_message_names_the_revision_and_says_unchanged(db_path: Path) -> None:
    _newer(db_path)
    with pytest.raises(UserError) as raised:
        Store.open(db_path)
    assert "9999" in str(raised.value)
    assert "ikke endret" in str(raised.value)


def test_read_only_file_may_be_inspected_for_reading(db_path: Path) -> None:
    _read_only(db_path)
    state = inspect_file(db_path, need_write=False)
    assert (state.exists, state.writable, state.revision) == (True, False, head_revision())


def test_a_folder_is_refused_with_an_example_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with pytest.raises(UserError, match="er en mappe") as raised:
        Store.open(folder)
    assert str(folder / "kpdesk.sqlite") in str(raised.value)
    assert list(folder.iterdir()) == []


def test_a_missing_parent_folder_is_refused_and_not_created(tmp_path: Path) -> None:
    target = tmp_path / "finnes-ikke" / "kpdesk.sqlite"
    with pytest.raises(UserError, match="finnes ikke"):
        Store.open(target)
    assert not target.parent.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "låst"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="skrivebeskyttet"):
            Store.open(folder / "kpdesk.sqlite")
    finally:
        folder.chmod(0o755)


# ---------------------------------------------------------------- damage found later


def _overwrite_pages(path: Path, first: int, count: int, seed: int) -> None:
    data = bytearray(path.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    garbage = random.Random(seed).randbytes(count * page_size)
    data[first * page_size:(first + count) * page_size] = garbage
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("first", "seed"), [(2, 1), (5, 2), (12, 3), (20, 4)])
def test_damaged_pages_give_a_user_error_not_a_database_error(db_path: Path, first: int, seed: int) -> None:
    make_db(db_path, employers=120)
    pages = db_path.stat().st_size // 4096
    assert pages > first + 2
    _overwrite_pages(db_path, first, 2, seed)
    with pytest.raises(UserError, match="skadet") as raised:
        opened = Store.open(db_path)
        try:
            with opened.session() as session:
                session.execute(text("PRAGMA integrity_check")).all()
                for table in ("employer", "contact_person", "region", "region_municipality"):
                    session.execute(text(f"SELECT * FROM {table}")).all()
        finally:
            opened.close()
    assert str(db_path) in str(raised.value)


def test_a_write_ahead_log_beside_a_short_file_is_recovered_not_refused(tmp_path: Path) -> None:
    """Power cut in the middle of a checkpoint: page 1 is new, the pages after it not yet written."""
    live = tmp_path / "live" / "kpdesk.sqlite"
    live.parent.mkdir()
    make_db(live)
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("BEGIN")
    writer.executemany(
        "INSERT INTO employer (org_number, name, centre_id) VALUES (?, ?, 1)",
        [(f"{i:09d}", f"Bedrift {i} " + "y" * 200) for i in range(400)],
    )
    writer.execute("COMMIT")
    crashed = tmp_path / "crashed" / "kpdesk.sqlite"
    crashed.parent.mkdir()
    shutil.copyfile(live, crashed)
    shutil.copyfile(live.with_name("kpdesk.sqlite-wal"), crashed.with_name("kpdesk.sqlite-wal"))
    writer.close()

    wal = crashed.with_name("kpdesk.sqlite-wal").read_bytes()
    page_size = struct.unpack(">I", wal[8:12])[0]
    frame = 24 + page_size
    newest_page_one = None
    for offset in range(32, len(wal) - frame + 1, frame):
        if struct.unpack(">I", wal[offset:offset + 4])[0] == 1:
            newest_page_one = wal[offset + 24:offset + frame]
    assert newest_page_one is not None
    with crashed.open("r+b") as handle:
        handle.write(newest_page_one)
    header_pages = struct.unpack(">I", newest_page_one[28:32])[0]
    assert crashed.stat().st_size < header_pages * page_size  # shorter than the header says

    opened = Store.open(crashed)
    try:
        with opened.session() as session:
            assert session.scalar(select(func.count()).select_from(Employer)) == 400
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        opened.close()


# ---------------------------------------------------------------- upgrading


def test_upgrade_saves_a_copy_in_the_backups_folder_first(db_path: Path) -> None:
    # Issue 7 moved the pre-upgrade copy from beside the file into backups/ (kpdesk.db.backup's names).
    database_at(db_path, "0001")
    opened = Store.open(db_path)
    opened.close()
    copies = [b.path for b in list_backups(db_path) if b.reason == "before-migration"]
    assert len(copies) == 1
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    assert inspect_file(copies[0]).revision == "0001"


def test_upgrade_is_refused_when_the_copy_cannot_be_saved(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database_at(db_path, "0001")

    def disk_full(source: Path, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module, "copy_database", disk_full)
    with pytest.raises(UserError, match="kopi"):
        Store.open(db_path)
    assert inspect_file(db_path).revision == "0001"
