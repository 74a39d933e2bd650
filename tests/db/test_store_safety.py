"""Opening for writing is safe against damaged files, odd files, wide permissions and leftovers.

Every test works on real files: an index page overwritten with bytes, a real FIFO, socket and
device, real modes and owners, a restore killed with SIGKILL, real second connections.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from support import big_database, damage_index_page, run_cli, run_kpdesk

from kpdesk.cli import EXIT_DATA
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_datetime
from kpdesk.db import backup
from kpdesk.db.backup import create_backup
from kpdesk.db.inspection import inspect_file
from kpdesk.db.models import ContactPerson, Employer
from kpdesk.db.store import Store

pytestmark = pytest.mark.sqlite_only("damaged, odd and wide-open database files")

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes, owners, FIFOs and signals")


# ---------------------------------------------------------------- helpers


def make_db(path: Path, employers: int = 30) -> Path:
    """A closed kpdesk database at head with ``employers`` employers, each with a contact."""
    store = Store.open(path, daily_backup=False)
    with store.session() as session:
        for i in range(employers):
            employer = Employer(org_number=f"{900_000_000 + i}", name=f"Bedrift {i:04d} " + "x" * 100)
            employer.contacts.append(ContactPerson(name=f"Kontakt {i}", email=f"k{i}@example.no"))
            session.add(employer)
    store.close()
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (backups included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, backup.BackupInfo]:
    """A damaged database whose backups folder holds a good manual copy (two days old) and, newer,
    a damaged daily copy (what kpdesk made of it before it refused damaged files)."""
    (tmp_path / "senter").mkdir()
    db = make_db(tmp_path / "senter" / "kpdesk.sqlite")
    good = create_backup(db, "manual", now=dt.datetime.now() - dt.timedelta(days=2))
    damage_index_page(db)
    stamp = (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y%m%d-%H%M%S")
    shutil.copyfile(db, db.parent / "backups" / f"kpdesk.{stamp}.daily.sqlite")
    return db, good


# ---------------------------------------------------------------- 1. no writing to a damaged file


def test_a_damaged_file_is_refused_for_writing_and_the_newest_good_copy_is_named(
    damaged: tuple[Path, backup.BackupInfo],
) -> None:
    db, good = damaged
    before = snapshot(db.parent)
    with pytest.raises(UserError) as raised:
        Store.open(db)
    error = raised.value
    assert isinstance(error, backup.DatabaseDamaged)
    assert error.good_backup == good  # the newer daily copy is damaged too, so it is passed over
    assert str(error).startswith(f"{db} er skadet (")
    assert f"kpdesk restore --db {db} --from {good.path}  (laget {format_datetime(good.created)})" in str(error)
    assert snapshot(db.parent) == before  # not migrated, not copied, not written
    assert not any(p.name.endswith(".lock") for p in db.parent.iterdir())  # the lock was given back


def test_commands_that_write_refuse_a_damaged_file_and_copy_nothing(
    capsys: pytest.CaptureFixture[str], damaged: tuple[Path, backup.BackupInfo], tmp_path: Path
) -> None:
    db, good = damaged
    csv = tmp_path / "arbeidsgivere.csv"
    csv.write_text("org_number;name\n974112345;Saltdal Trelast AS\n", encoding="utf-8")
    out = tmp_path / "kopi.sqlite"
    before = snapshot(db.parent)
    for argv in (["import", "employers", str(csv)], ["backup"], ["backup", "--out", str(out)]):
        code, stdout, err = run_cli(capsys, *argv, "--db", str(db))
        assert (code, stdout) == (EXIT_DATA, ""), (argv, err)
        assert f"{db} er skadet" in err and f"--from {good.path}" in err, (argv, err)
        assert "Traceback" not in err
    assert snapshot(db.parent) == before
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_no_copy_is_ever_made_of_a_damaged_file(damaged: tuple[Path, backup.BackupInfo], tmp_path: Path) -> None:
    db, _good = damaged
    before = snapshot(db.parent)
    out = tmp_path / "kopi.sqlite"
    out.write_bytes(b"forrige kopi")
    for make in (lambda: backup.copy_database(db, out), lambda: create_backup(db, "manual"),
                 lambda: backup.daily_backup(db), lambda: backup.backup_before_import(db)):
        with pytest.raises(UserError, match="er skadet"):
            make()
    assert snapshot(db.parent) == before
    assert out.read_bytes() == b"forrige kopi"


def test_without_a_good_copy_the_message_says_so(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpdesk.sqlite")
    damage_index_page(db)
    with pytest.raises(UserError) as raised:
        Store.open(db)
    assert "Det finnes ingen god sikkerhetskopi" in str(raised.value)
    assert "skrivebeskyttet" in str(raised.value)
    assert not (tmp_path / "backups").exists()


def test_the_copy_kept_of_a_damaged_database_on_restore_never_counts_as_a_good_one(
    damaged: tuple[Path, backup.BackupInfo],
) -> None:
    db, good = damaged
    damaged_bytes = db.read_bytes()
    result = backup.restore(db, good.path)
    assert result.safety is not None
    assert result.safety.reason == "damaged" and result.safety.path.read_bytes() == damaged_bytes  # raw, as it was
    assert backup.newest_good_backup(db) == good  # the newest copies (damaged) are passed over
    with pytest.raises(UserError, match="skadet"):
        backup.restore(db, result.safety.path)
    # the rotation neither counts it among the daily copies nor deletes it to make room
    dailies = [backup.BackupInfo(Path(f"d{i}"), dt.datetime(2027, 1, 10) - dt.timedelta(days=i), "daily", 1)
               for i in range(7)]
    kept_back = backup.BackupInfo(result.safety.path, dt.datetime(2027, 1, 10, 12), "damaged", 1)
    assert backup.plan_rotation([*dailies, kept_back], backup.RotationPolicy(), dt.datetime(2027, 1, 10, 13)) == []


def test_a_damaged_file_opens_read_only_with_a_notice(damaged: tuple[Path, backup.BackupInfo]) -> None:
    db, good = damaged
    viewer = Store.open(db, read_only=True)
    try:
        assert any(f"{db} er skadet" in notice and str(good.path) in notice for notice in viewer.notices)
        with viewer.session() as session:
            assert session.scalar(select(ContactPerson.name).where(ContactPerson.id == 1)) == "Kontakt 0"
    finally:
        viewer.close()


# ---------------------------------------------------------------- 4. permissions


@posix_only
def test_wide_modes_on_the_database_and_its_log_are_tightened_on_opening_for_writing(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpdesk.sqlite")
    other = sqlite3.connect(db)  # keeps -wal and -shm in place while kpdesk opens
    try:
        other.execute("SELECT count(*) FROM employer").fetchone()
        sides = [db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        for path, mode in zip([db, *sides], (0o644, 0o666, 0o644), strict=True):
            assert path.exists()
            path.chmod(mode)
        Store.open(db, daily_backup=False).close()
        assert [oct(stat.S_IMODE(p.stat().st_mode)) for p in [db, *sides]] == [oct(0o600)] * 3
    finally:
        other.close()


@posix_only
def test_a_wide_backups_folder_is_tightened_before_use(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpdesk.sqlite")
    folder = tmp_path / "backups"
    folder.mkdir()
    folder.chmod(0o777)
    store = Store.open(db)  # makes the day's copy
    store.close()
    assert store.daily_backup is not None and store.daily_backup.path.parent == folder
    assert oct(stat.S_IMODE(folder.stat().st_mode)) == oct(0o700)


@posix_only
def test_a_backups_folder_that_is_a_symlink_is_refused_and_nothing_is_written_through_it(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpdesk.sqlite")
    elsewhere = tmp_path / "andres-mappe"
    elsewhere.mkdir()
    (tmp_path / "backups").symlink_to(elsewhere)
    with pytest.raises(UserError, match="symbolsk lenke"):
        create_backup(db, "manual")
    store = Store.open(db)  # the day's copy is not made, and the opening says why
    store.close()
    assert store.daily_backup is None and any("symbolsk lenke" in n for n in store.notices)
    assert list(elsewhere.iterdir()) == []


@posix_only
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_backups_folder_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpdesk.sqlite")
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)  # nobody
    with pytest.raises(UserError, match="eies av en annen bruker"):
        create_backup(db, "manual")
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- 5. FIFOs, devices and sockets


@posix_only
@pytest.mark.parametrize("command", [["check"], ["import", "employers", "EMPLOYERS"], ["backup"]])
def test_a_fifo_as_db_is_refused_at_once(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "kpdesk.sqlite"
    os.mkfifo(fifo)
    csv = tmp_path / "arbeidsgivere.csv"
    csv.write_text("org_number;name\n974112345;Saltdal Trelast AS\n", encoding="utf-8")
    argv = [str(csv) if arg == "EMPLOYERS" else arg for arg in command]
    result = run_kpdesk(*argv, "--db", str(fifo), timeout=60)  # opening a FIFO would wait for a writer forever
    assert result.returncode == EXIT_DATA, result.stderr
    assert f"kpdesk: {fifo} er ikke en vanlig fil, men et navngitt rør (FIFO)" in result.stderr
    assert "Traceback" not in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arbeidsgivere.csv", "kpdesk.sqlite"]


@posix_only
def test_devices_and_sockets_are_refused_without_being_opened(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="tegnenhet"):
        inspect_file(Path("/dev/null"))
    with pytest.raises(UserError, match="tegnenhet"):
        Store.open(Path("/dev/zero"), read_only=True)
    path = tmp_path / "kpdesk.sqlite"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        with pytest.raises(UserError, match="sokkel"):
            Store.open(path)
    finally:
        server.close()
    link = tmp_path / "lenke.sqlite"
    link.symlink_to("/dev/null")
    with pytest.raises(UserError, match="tegnenhet"):
        inspect_file(link)


# ---------------------------------------------------------------- 6. leftovers of a restore or a copy


def staging_files(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if ".restore.tmp" in p.name)


@posix_only
def test_the_staging_copy_of_a_killed_restore_is_removed_at_the_next_opening(tmp_path: Path) -> None:
    db = big_database(tmp_path / "kpdesk.sqlite", "GAMMEL")
    (tmp_path / "kopi").mkdir()
    source = big_database(tmp_path / "kopi" / "fra-backup.sqlite", "NY")
    process = subprocess.Popen([sys.executable, "-m", "kpdesk", "restore", "--db", str(db), "--from", str(source)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    limit = time.monotonic() + 60
    while not staging_files(db) and process.poll() is None and time.monotonic() < limit:
        time.sleep(0.0005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    left = staging_files(db)
    if not left:
        pytest.skip("the restore finished or never reached its staging copy before the kill")
    store = Store.open(db)  # the killed restore's lock is cleared, and so is its partial copy
    try:
        with store.session() as session:
            assert session.execute(text("SELECT count(*) FROM employer")).scalar() == 12_000
    finally:
        store.close()
    assert staging_files(db) == []


def test_temporary_files_of_stopped_copies_are_removed_at_the_next_opening(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpdesk.sqlite")
    create_backup(db, "manual")
    folder = tmp_path / "backups"
    left = [tmp_path / ".kpdesk.sqlite.restore.tmp", tmp_path / "..kpdesk.sqlite.restore.tmp.k3j2.tmp",
            tmp_path / "..kpdesk.sqlite.restore.tmp.k3j2.tmp-journal",
            folder / ".kpdesk.20270111-080000.daily.sqlite.abc.tmp",
            folder / ".kpdesk.20270111-080000.damaged.sqlite-wal.x1.tmp"]
    kept = [tmp_path / "notater.txt", folder / "egne-notater.txt", folder / ".annen.20270111-080000.daily.sqlite.tmp",
            tmp_path / ".annen.sqlite.restore.tmp"]
    for path in left + kept:
        path.write_bytes(b"e-post: kari@example.no")  # fresh: written a moment ago
    Store.open(db, daily_backup=False).close()
    assert [p.name for p in left if p.exists()] == []
    assert [p.name for p in kept if p.exists()] == [p.name for p in kept]


# ---------------------------------------------------------------- 7. checkpoint


def _write_some(store: Store, first: int) -> None:
    with store.session() as session:
        session.add_all(Employer(org_number=f"{first + i}", name=f"Ny {first + i}") for i in range(50))


def test_checkpoint_folds_the_log_in_and_truncates_it_beside_an_idle_connection(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpdesk.sqlite")
    store = Store.open(db, daily_backup=False)
    other = sqlite3.connect(db, isolation_level=None)  # open, read once, no transaction now
    try:
        assert other.execute("SELECT count(*) FROM employer").fetchone() == (30,)
        _write_some(store, 910_000_000)
        wal = db.with_name(db.name + "-wal")
        assert wal.stat().st_size > 0
        assert store.checkpoint() is True
        assert wal.stat().st_size == 0
        assert other.execute("SELECT count(*) FROM employer").fetchone() == (80,)
        with store.session() as session:  # the store goes on as usual
            assert session.execute(text("SELECT count(*) FROM employer")).scalar() == 80
    finally:
        other.close()
        store.close()


def test_checkpoint_says_false_while_another_connection_holds_a_read(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpdesk.sqlite")
    store = Store.open(db, daily_backup=False)
    reader = sqlite3.connect(db, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM employer").fetchone() == (30,)  # holds its snapshot
        _write_some(store, 910_000_000)
        wal = db.with_name(db.name + "-wal")
        started = time.monotonic()
        assert store.checkpoint(wait_ms=0) is False
        assert time.monotonic() - started < 2
        assert wal.stat().st_size > 0
        reader.execute("COMMIT")
        assert store.checkpoint() is True
        assert wal.stat().st_size == 0
    finally:
        reader.close()
        store.close()
