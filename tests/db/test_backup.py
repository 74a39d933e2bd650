"""Backups: automatic and manual copies, rotation, and restore to an identical database."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from support import copy_database, database_at, run_cli

from kpdesk.cli import EXIT_DATA, EXIT_OK
from kpdesk.db import backup
from kpdesk.db.backup import BackupInfo, RotationPolicy, create_backup, list_backups, plan_rotation
from kpdesk.db.migrate import head_revision
from kpdesk.db.models import Employer, Setting
from kpdesk.db.store import Store

pytestmark = pytest.mark.sqlite_only("copies of the database file in the backups folder, and restoring one")

# ---------------------------------------------------------------- helpers


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table row by row (and the schema and header fields), read without changing the file."""
    wal = path.with_name(path.name + "-wal")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{'' if wal.exists() else '&immutable=1'}", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
        rows["~schema"] = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(),
                                 key=repr)
        rows["~header"] = [(conn.execute("PRAGMA application_id").fetchone()[0],
                            conn.execute("PRAGMA user_version").fetchone()[0])]
        return rows
    finally:
        conn.close()


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    return copy_database(demo_template, tmp_path / "senter")


def add_employer(path: Path, org: str, name: str) -> None:
    store = Store.open(path, daily_backup=False)
    try:
        with store.session() as session:
            session.add(Employer(org_number=org, name=name))
    finally:
        store.close()


def info(day: dt.datetime, reason: str, name: str = "") -> BackupInfo:
    return BackupInfo(Path(name or f"x.{day:%Y%m%d-%H%M%S}.{reason}.sqlite"), day, reason, 1)


# ---------------------------------------------------------------- making copies


def test_a_copy_is_a_complete_owner_only_database_in_the_backups_folder(demo_db: Path) -> None:
    made = create_backup(demo_db, "manual", now=dt.datetime(2027, 1, 11, 8, 30, 12))
    folder = demo_db.parent / "backups"
    assert made.path == folder / "kpdesk.20270111-083012.manual.sqlite"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert (made.reason, made.reason_label, made.size) == ("manual", "manuell", made.path.stat().st_size)
    assert dump(made.path) == dump(demo_db)
    # one self-contained file: no -wal or -shm beside it, no temporary files left
    assert sorted(p.name for p in folder.iterdir()) == [made.path.name]
    assert made.path.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    assert list_backups(demo_db) == [made]


def test_copies_in_the_same_second_get_their_own_names_and_list_newest_first(demo_db: Path) -> None:
    moment = dt.datetime(2027, 1, 11, 8, 0, 0)
    first = create_backup(demo_db, "before-import", now=moment)
    second = create_backup(demo_db, "before-import", now=moment)
    later = create_backup(demo_db, "manual", now=moment + dt.timedelta(seconds=1))
    assert second.path.name == "kpdesk.20270111-080000-2.before-import.sqlite"
    assert list_backups(demo_db) == [later, second, first]


def test_list_ignores_other_files_and_other_databases_copies(demo_db: Path) -> None:
    create_backup(demo_db, "manual", now=dt.datetime(2027, 1, 11, 8, 0, 0))
    folder = demo_db.parent / "backups"
    for name in ("annet.20270111-080000.manual.sqlite", "kpdesk.20270111-080000.ukjent.sqlite", "notater.txt",
                 ".kpdesk.sqlite.abc.tmp", "kpdesk.x.20270111-080000.daily.sqlite"):
        (folder / name).write_text("x")
    assert [b.path.name for b in list_backups(demo_db)] == ["kpdesk.20270111-080000.manual.sqlite"]
    assert list_backups(demo_db.parent / "ingen.sqlite") == []


def test_a_copy_can_be_taken_while_a_window_writes(demo_db: Path) -> None:
    store = Store.open(demo_db, daily_backup=False)
    try:
        with store.session() as session:
            session.add(Employer(org_number="988077917", name="Åpen AS"))
            session.flush()
            made = create_backup(demo_db, "manual")  # the uncommitted row is not in the copy
        assert dump(made.path)["employer"] != dump(demo_db)["employer"]
        again = create_backup(demo_db, "manual")
        assert dump(again.path)["employer"] == dump(demo_db)["employer"]
    finally:
        store.close()


def test_backup_of_a_30_mb_database_is_quick(tmp_path: Path) -> None:
    """Issue 7: copies before imports must not be slow for the regional database (about 30 MB)."""
    path = tmp_path / "stor.sqlite"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO employer (org_number, name, notes, centre_id) VALUES (?, ?, ?, 1)",
                     [(f"{i:09d}", f"Bedrift {i}", "notat " * 160) for i in range(30_000)])
    conn.commit()
    conn.close()
    assert path.stat().st_size > 28_000_000
    create_backup(path, "before-import")


# ---------------------------------------------------------------- automatic copies


def test_opening_makes_one_daily_copy_a_day_and_none_for_a_new_or_read_only_file(demo_db: Path, tmp_path: Path) -> None:
    new = tmp_path / "ny.sqlite"
    Store.open(new).close()
    assert list_backups(new) == []
    Store.open(demo_db, read_only=True).close()
    assert list_backups(demo_db) == []
    store = Store.open(demo_db)
    store.close()
    assert store.daily_backup is not None and store.daily_backup.reason == "daily"
    assert [b.reason for b in list_backups(demo_db)] == ["daily"]
    again = Store.open(demo_db)
    again.close()
    assert again.daily_backup is None
    assert len(list_backups(demo_db)) == 1
    assert backup.daily_backup(demo_db, now=dt.datetime.now() + dt.timedelta(days=1)) is not None
    assert len(list_backups(demo_db)) == 2


def test_a_daily_copy_that_fails_does_not_stop_the_opening(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(source: Path, target: Path) -> None:
        raise backup._storage_error(target, OSError(28, "No space left on device"), "Kan ikke lagre kopien")

    monkeypatch.setattr(backup, "copy_database", disk_full)
    store = Store.open(demo_db)
    try:
        assert store.daily_backup is None
        assert len(store.notices) == 1 and "Disken er full" in store.notices[0]
        with store.session() as session:
            assert session.scalars(select(Employer.id)).first() is not None
    finally:
        store.close()


def test_an_upgrade_copies_first_and_the_copy_is_at_the_old_revision(tmp_path: Path) -> None:
    path = tmp_path / "gammel.sqlite"
    database_at(path, "0001")
    os.chmod(path, 0o600)
    Store.open(path).close()
    reasons = {b.reason: b for b in list_backups(path)}
    assert set(reasons) == {"before-migration", "daily"}
    assert dump(reasons["before-migration"].path)["alembic_version"] == [("0001",)]
    assert dump(reasons["daily"].path)["alembic_version"] == [(head_revision(),)]


def test_cli_import_copies_first_and_a_failed_plan_copies_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "kpdesk.sqlite"
    Store.open(db).close()
    good = tmp_path / "arbeidsgivere.csv"
    good.write_text("org_number;name\n988077917;Fauske kommune\n", encoding="utf-8")
    bad = tmp_path / "feil.csv"
    bad.write_text("org_number;name\n123;Feil AS\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "import", "employers", str(bad), "--db", str(db))
    assert code == EXIT_DATA
    code, _, _ = run_cli(capsys, "import", "employers", str(good), "--db", str(db), "--dry-run")
    assert code == EXIT_OK
    assert [b.reason for b in list_backups(db)] == ["daily"]  # the open made today's copy, nothing else
    code, _, err = run_cli(capsys, "import", "employers", str(good), "--db", str(db))
    assert (code, err) == (EXIT_OK, "")
    before_import = [b for b in list_backups(db) if b.reason == "before-import"]
    assert len(before_import) == 1
    assert dump(before_import[0].path)["employer"] == []  # the state before the import
    assert len(dump(db)["employer"]) == 1


def test_an_import_whose_copy_fails_imports_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kpdesk.sqlite"
    Store.open(db).close()
    good = tmp_path / "arbeidsgivere.csv"
    good.write_text("org_number;name\n988077917;Fauske kommune\n", encoding="utf-8")
    real = backup.copy_database

    def full_on_import(source: Path, target: Path) -> None:
        if ".before-import." in target.name:
            raise backup._storage_error(target, OSError(28, "No space left on device"), "Kan ikke lagre kopien")
        real(source, target)

    monkeypatch.setattr(backup, "copy_database", full_on_import)
    code, _, err = run_cli(capsys, "import", "employers", str(good), "--db", str(db))
    assert code == EXIT_DATA
    assert "Disken er full" in err and "Ingenting er importert" in err
    assert dump(db)["employer"] == []


# ---------------------------------------------------------------- rotation


def test_rotation_keeps_seven_daily_and_four_weekly_copies() -> None:
    now = dt.datetime(2027, 3, 31, 9, 0)  # a Wednesday
    daily = [info(now - dt.timedelta(days=d), "daily") for d in range(60)]
    dropped = plan_rotation(daily, RotationPolicy(), now)
    kept = sorted((b.created.date() for b in daily if b not in dropped), reverse=True)
    newest_seven = [(now - dt.timedelta(days=d)).date() for d in range(7)]
    assert kept[:7] == newest_seven
    # the newest copy of each of the four most recent ISO weeks (two of them are already among the seven)
    weeks = sorted({d.isocalendar()[:2] for d in kept})
    assert len(weeks) == 4
    assert len(kept) == 7 + 2
    assert kept[-1] == dt.date(2027, 3, 14)  # Sunday of the fourth week back


def test_weeks_without_copies_do_not_count() -> None:
    now = dt.datetime(2027, 8, 20, 9, 0)
    days = [dt.datetime(2027, 5, 3), dt.datetime(2027, 5, 10), dt.datetime(2027, 5, 17), dt.datetime(2027, 5, 24),
            dt.datetime(2027, 8, 20)]  # a summer away
    copies = [info(d, "daily") for d in days]
    assert plan_rotation(copies, RotationPolicy(daily=1, weekly=4), now) == [copies[0]]


def test_before_import_copies_keep_the_newest_seven() -> None:
    now = dt.datetime(2027, 3, 1, 12, 0)
    imports = [info(now - dt.timedelta(minutes=m), "before-import") for m in range(10)]
    assert plan_rotation(imports, RotationPolicy(), now) == imports[7:]


def test_protected_copies_stay_until_older_than_what_the_rotation_keeps() -> None:
    now = dt.datetime(2027, 3, 31, 9, 0)
    daily = [info(now - dt.timedelta(days=d), "daily") for d in range(60)]
    young = [info(now - dt.timedelta(days=20), r) for r in ("manual", "before-migration", "before-restore")]
    old = [info(now - dt.timedelta(days=40), r) for r in ("manual", "before-migration", "before-restore")]
    dropped = plan_rotation([*daily, *young, *old], RotationPolicy(), now)
    assert not set(young) & set(dropped)
    assert set(old) <= set(dropped)
    # without any daily copy, nothing protected goes; nor does a copy older than the dailies but inside the span
    assert plan_rotation(old, RotationPolicy(), now) == []
    fresh_start = [info(now - dt.timedelta(days=d), "daily") for d in range(3)]
    before_start = info(now - dt.timedelta(days=10), "before-migration")
    assert plan_rotation([*fresh_start, before_start], RotationPolicy(), now) == []


def test_rotation_numbers_come_from_the_settings(demo_db: Path) -> None:
    assert backup.read_policy(demo_db) == RotationPolicy()
    store = Store.open(demo_db, daily_backup=False)
    with store.session() as session:
        session.add_all([Setting(key="backup_keep_daily", value="3"), Setting(key="backup_keep_weekly", value="0"),
                         Setting(key="backup_keep_before_import", value="tja")])
    store.close()
    assert backup.read_policy(demo_db) == RotationPolicy(daily=3, weekly=0, before_import=7)
    start = dt.datetime(2027, 1, 4, 8, 0)
    for day in range(6):
        create_backup(demo_db, "daily", now=start + dt.timedelta(days=day))
    assert [b.created.day for b in list_backups(demo_db)] == [9, 8, 7]


WRITING = """
import sys
from pathlib import Path
from kpdesk.db import backup
with backup._folder_lock(Path(sys.argv[1]), exclusive=False) as held:
    print("skriver" if held else "ulåst", flush=True)
    sys.stdin.read()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="folders are locked with flock on POSIX")
def test_rotation_leaves_the_temporary_files_of_a_copy_being_written_and_removes_the_rest(demo_db: Path) -> None:
    folder = demo_db.parent / "backups"
    create_backup(demo_db, "manual")
    old = folder / ".kpdesk.20270111-080000.daily.sqlite.abc.tmp"
    new = folder / ".kpdesk.20270112-080000.daily.sqlite.def.tmp"
    other = folder / "egne-notater.txt"
    for path in (old, new, other):
        path.write_text("x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    writer = subprocess.Popen([sys.executable, "-c", WRITING, str(folder)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "skriver"
        backup.rotate(demo_db)  # another process is writing a copy: only the old leftover can be its
        assert not old.exists() and new.exists() and other.exists()
    finally:
        writer.communicate("", timeout=30)
    backup.rotate(demo_db)  # nobody writes now: whatever is left was left by a copy that was stopped
    assert not new.exists() and other.exists()


# ---------------------------------------------------------------- kpdesk backup


def test_cli_backup_to_a_file_is_complete_and_replaces_a_previous_copy_whole(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "minnepinne" / "kopi.sqlite"
    out.parent.mkdir()
    out.write_bytes(b"forrige kopi")
    code, stdout, err = run_cli(capsys, "backup", "--db", str(demo_db), "--out", str(out))
    assert (code, err) == (EXIT_OK, "")
    assert stdout.startswith(f"Sikkerhetskopi av kpdesk.sqlite lagret i {out} (")
    assert dump(out) == dump(demo_db)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.parent.iterdir()) == ["kopi.sqlite"]


def test_cli_backup_without_out_goes_to_the_backups_folder_and_list_shows_it(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code, out, _ = run_cli(capsys, "backup", "--db", str(demo_db))
    assert code == EXIT_OK
    [made] = list_backups(demo_db)
    assert made.reason == "manual" and str(made.path) in out
    code, out, _ = run_cli(capsys, "backup", "--db", str(demo_db), "--list")
    assert code == EXIT_OK
    assert "manuell" in out and str(made.path) in out


@pytest.mark.parametrize("case", ["folder", "missing-folder", "itself", "not-kpdesk", "missing-db"])
def test_cli_backup_refusals(capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, case: str) -> None:
    db, out = demo_db, tmp_path / "kopi.sqlite"
    if case == "folder":
        out = tmp_path
    elif case == "missing-folder":
        out = tmp_path / "finnes-ikke" / "kopi.sqlite"
    elif case == "itself":
        out = demo_db
    elif case == "not-kpdesk":
        db = tmp_path / "annet.sqlite"
        sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
    else:
        db = tmp_path / "borte.sqlite"
    before = demo_db.read_bytes()
    code, stdout, err = run_cli(capsys, "backup", "--db", str(db), "--out", str(out))
    assert (code, stdout) == (EXIT_DATA, "")
    assert err.startswith("kpdesk: ") and "Traceback" not in err
    assert demo_db.read_bytes() == before
    assert not (tmp_path / "kopi.sqlite").exists()


# ---------------------------------------------------------------- restore


def test_restore_gives_back_an_identical_database_row_by_row(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    original = dump(demo_db)
    copy = create_backup(demo_db, "manual")
    add_employer(demo_db, "988077917", "Etterpå AS")  # the database moves on
    changed = dump(demo_db)
    assert changed != original
    code, out, err = run_cli(capsys, "restore", "--db", str(demo_db), "--from", str(copy.path))
    assert (code, err) == (EXIT_OK, "")
    assert dump(demo_db) == original  # every table, row by row, the schema and the header
    assert stat.S_IMODE(demo_db.stat().st_mode) == 0o600
    safety = [b for b in list_backups(demo_db) if b.reason == "before-restore"]
    assert len(safety) == 1 and str(safety[0].path) in out
    assert dump(safety[0].path) == changed  # what was replaced is kept
    leftovers = [p.name for p in demo_db.parent.iterdir() if p.name not in ("kpdesk.sqlite", "backups")]
    assert leftovers == []
    # the restored database opens, and is written to as usual
    add_employer(demo_db, "974112345", "Igjen AS")
    assert len(dump(demo_db)["employer"]) == len(original["employer"]) + 1


def test_restore_over_a_damaged_database_keeps_the_damaged_file(demo_db: Path, tmp_path: Path) -> None:
    good = tmp_path / "god.sqlite"
    shutil.copyfile(demo_db, good)
    data = bytearray(demo_db.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    data[2 * page_size:6 * page_size] = b"\xff" * (4 * page_size)
    demo_db.write_bytes(bytes(data))
    result = backup.restore(demo_db, good)
    assert dump(demo_db) == dump(good)
    assert result.safety is not None
    saved = result.safety.path.read_bytes()  # page for page; only header counters and journal mode differ
    assert saved[100:] == bytes(data[100:])


def test_restore_over_a_file_sqlite_cannot_read_keeps_it_byte_for_byte(demo_db: Path, tmp_path: Path) -> None:
    good = tmp_path / "god.sqlite"
    shutil.copyfile(demo_db, good)
    demo_db.write_bytes(b"overskrevet av et annet program" * 100)
    demo_db.with_name("kpdesk.sqlite-wal").write_bytes(b"gammel logg")
    result = backup.restore(demo_db, good)
    assert dump(demo_db) == dump(good)
    assert result.safety is not None
    assert result.safety.path.read_bytes() == b"overskrevet av et annet program" * 100
    assert result.safety.path.with_name(result.safety.path.name + "-wal").read_bytes() == b"gammel logg"
    assert not demo_db.with_name("kpdesk.sqlite-wal").exists()


def test_restore_into_a_missing_database_makes_no_safety_copy(tmp_path: Path, demo_db: Path) -> None:
    target = tmp_path / "ny.sqlite"
    result = backup.restore(target, demo_db)
    assert result.safety is None
    assert dump(target) == dump(demo_db)


def test_restore_of_an_older_revision_is_upgraded_when_opened(tmp_path: Path, demo_db: Path) -> None:
    old = tmp_path / "gammel.sqlite"
    database_at(old, "0001")
    result = backup.restore(demo_db, old)
    assert result.revision == "0001"
    store = Store.open(demo_db)
    try:
        assert store.revision() == head_revision()
    finally:
        store.close()


def _damaged(path: Path, tmp_path: Path) -> Path:
    bad = tmp_path / "skadet.sqlite"
    shutil.copyfile(path, bad)
    data = bytearray(bad.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    # an index page with garbage: the header is fine, integrity_check is not
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_employer_name'").fetchone()[0]
    conn.close()
    start = (root - 1) * page_size
    data[start + 8:start + page_size] = bytes(range(256)) * ((page_size - 8) // 256) + bytes((page_size - 8) % 256)
    bad.write_bytes(bytes(data))
    return bad


def _newer(path: Path, tmp_path: Path) -> Path:
    newer = tmp_path / "nyere.sqlite"
    shutil.copyfile(path, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    return newer


def _other_program(_path: Path, tmp_path: Path) -> Path:
    other = tmp_path / "annet.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE kunder (navn TEXT)")
    conn.commit()
    conn.close()
    return other


def _text(_path: Path, tmp_path: Path) -> Path:
    text = tmp_path / "tekst.sqlite"
    text.write_text("navn;orgnr\n", encoding="utf-8")
    return text


def _empty(_path: Path, tmp_path: Path) -> Path:
    empty = tmp_path / "tom.sqlite"
    empty.touch()
    return empty


def _truncated(path: Path, tmp_path: Path) -> Path:
    short = tmp_path / "kort.sqlite"
    short.write_bytes(path.read_bytes()[:50_000])
    return short


BAD_SOURCES = {
    "missing": (lambda _p, t: t / "borte.sqlite", "finnes ikke"),
    "folder": (lambda _p, t: t, "er en mappe"),
    "damaged": (_damaged, "skadet"),
    "newer": (_newer, "nyere kpdesk"),
    "other-program": (_other_program, "ikke fra kpdesk"),
    "text": (_text, "ikke en SQLite-fil"),
    "empty": (_empty, "tom"),
    "truncated": (_truncated, "avkortet"),
    "itself": (lambda p, _t: p, "selve databasen"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_restore_from_a_bad_file_says_why_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, case: str
) -> None:
    make, phrase = BAD_SOURCES[case]
    source = make(demo_db, tmp_path)
    before = (demo_db.read_bytes(), demo_db.stat().st_mtime_ns, sorted(os.listdir(demo_db.parent)))
    code, out, err = run_cli(capsys, "restore", "--db", str(demo_db), "--from", str(source))
    assert (code, out) == (EXIT_DATA, "")
    assert err.startswith("kpdesk: ") and phrase in err, err
    assert "Traceback" not in err
    assert (demo_db.read_bytes(), demo_db.stat().st_mtime_ns, sorted(os.listdir(demo_db.parent))) == before


def test_restore_is_refused_while_the_database_is_open_and_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopi.sqlite"
    backup.copy_database(demo_db, copy)
    viewer = Store.open(demo_db, read_only=True)  # a read-only window takes no lock, but SQLite sees it
    try:
        with viewer.session() as session:
            session.scalars(select(Employer.id)).first()
        before = dump(demo_db)
        with pytest.raises(Exception, match="er åpen"):
            backup.restore(demo_db, copy)
        assert dump(demo_db) == before
    finally:
        viewer.close()


def test_restore_is_refused_while_another_process_holds_the_database(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopi.sqlite"
    backup.copy_database(demo_db, copy)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from kpdesk.db.store import Store; s = Store.open(sys.argv[1]); "
                               "print('klar', flush=True); sys.stdin.read(); s.close()", str(demo_db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "klar"
        before = demo_db.read_bytes()
        result = subprocess.run([sys.executable, "-m", "kpdesk", "restore", "--db", str(demo_db), "--from", str(copy)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == EXIT_DATA
        assert f"prosess {holder.pid}" in result.stderr
        assert demo_db.read_bytes() == before
    finally:
        holder.communicate("", timeout=30)
