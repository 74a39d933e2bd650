"""Crash safety: kill -9 in the middle of an import, a backup or a restore; a full or failing disk.

Each kill test starts the real command line in a subprocess, waits (with a time bound) until it
is inside the step under test, kills it with SIGKILL after a few different delays, and then
checks that the database passes ``PRAGMA integrity_check`` and holds all of the work or none.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support import big_database

from kpdesk.common import orgnr
from kpdesk.common.errors import UserError, storage_error
from kpdesk.db import backup
from kpdesk.db.models import Employer
from kpdesk.db.store import Store

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and tmpfs are POSIX"),
              pytest.mark.sqlite_only("kills a writer and checks the file with PRAGMA integrity_check")]

NEEDS = 20_000
EMPLOYERS = 200
POLL_S = 0.001
WAIT_LIMIT_S = 60.0


def org_numbers(count: int) -> list[str]:
    found, n = [], 800_000_000
    while len(found) < count:
        n += 1
        if orgnr.problem(str(n)) is None:
            found.append(str(n))
    return found


def start(*argv: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "kpdesk", *argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def wait_for(process: subprocess.Popen[bytes], condition: Callable[[], bool], what: str) -> bool:
    """Poll until ``condition`` holds (True) or the process has ended first (False)."""
    limit = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < limit:
        if condition():
            return True
        if process.poll() is not None:
            return condition()
        time.sleep(POLL_S)
    process.kill()
    raise AssertionError(f"timed out waiting for {what}")


def kill_after(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL after ``delay`` seconds; True when the kill landed (the process was still running)."""
    if delay:
        time.sleep(delay)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return running


def sql(path: Path, query: str) -> list[tuple]:
    """Run a query the way the next kpdesk would: a normal connection, which recovers the log."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def assert_intact(path: Path) -> None:
    assert sql(path, "PRAGMA integrity_check") == [("ok",)]
    assert sql(path, "PRAGMA foreign_key_check") == []


def temp_files(folder: Path, prefix: str) -> bool:
    try:
        return any(name.startswith(prefix) and ".tmp" in name for name in os.listdir(folder))
    except OSError:
        return False


# ---------------------------------------------------------------- a large import


@pytest.fixture(scope="module")
def import_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database with 200 employers, and a CSV file of 20,000 needs for them."""
    from kpdesk import transfer

    folder = tmp_path_factory.mktemp("import")
    db = folder / "kpdesk.sqlite"
    orgs = org_numbers(EMPLOYERS)
    employers = "org_number;name\n" + "".join(f"{o};Bedrift {i}\n" for i, o in enumerate(orgs))
    store = Store.open(db)
    with store.session() as session:
        transfer.apply_import(session, transfer.plan_bytes(session, "employers", employers.encode(), "a.csv"))
    store.close()
    needs = folder / "behov.csv"
    rows = [f"{orgs[i % EMPLOYERS]};Behov {i};{i % 9 + 1};Beskrivelse av behov {i}, med litt mer tekst"
            for i in range(NEEDS)]
    needs.write_text("employer;title;headcount;description\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return db, needs


@pytest.mark.parametrize(("moment", "delay"), [("writing", 0.0), ("writing", 0.5), ("writing", 1.0),
                                               ("checkpoint", 0.0)])
def test_a_killed_import_leaves_all_of_it_or_none(import_template: tuple[Path, Path], tmp_path: Path,
                                                  moment: str, delay: float) -> None:
    template, needs = import_template
    db = tmp_path / "kpdesk.sqlite"
    shutil.copyfile(template, db)
    size = db.stat().st_size
    wal = db.with_name(db.name + "-wal")
    process = start("import", "needs", str(needs), "--db", str(db))
    # The write-ahead log grows past its 32-byte header only once the import writes (about 1.3 s);
    # after the commit, closing copies the log into the file, which then grows.
    inside = wait_for(process, lambda: wal.exists() and wal.stat().st_size > 4096, "the import to write")
    if moment == "checkpoint":
        inside = wait_for(process, lambda: db.stat().st_size > size, "the log to be copied into the file")
    assert inside, process.stderr.read() if process.stderr else ""
    kill_after(process, delay)
    assert_intact(db)
    [(needs_count,)] = sql(db, "SELECT count(*) FROM need")
    [(history,)] = sql(db, "SELECT count(*) FROM need_status_change")
    [(logged,)] = sql(db, "SELECT count(*) FROM audit_entry WHERE action = 'import' AND entity = 'need'")
    assert (needs_count, history, logged) in {(0, 0, 0), (NEEDS, NEEDS, 1)}
    # the next kpdesk clears the dead process's lock and writes as usual
    store = Store.open(db)
    try:
        with store.session() as session:
            session.add(Employer(org_number="988077917", name="Etterpå AS"))
    finally:
        store.close()


# ---------------------------------------------------------------- a large backup and restore


def fingerprint(path: Path) -> tuple:
    return tuple(sql(path, "SELECT count(*), sum(length(notes)), min(name), max(name) FROM employer")[0])


@pytest.fixture(scope="module")
def big_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("stor")
    return big_database(folder / "gammel.sqlite", "GAMMEL"), big_database(folder / "ny.sqlite", "NY", 11_000)


@pytest.mark.parametrize("previous", [False, True])
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.3])  # the copy takes about 0.12 s
def test_a_killed_backup_leaves_no_half_written_copy(big_pair: tuple[Path, Path], tmp_path: Path,
                                                     delay: float, previous: bool) -> None:
    source, other = big_pair
    out = tmp_path / "kopi.sqlite"
    if previous:
        shutil.copyfile(other, out)
    before = out.read_bytes() if previous else None
    process = start("backup", "--db", str(source), "--out", str(out))
    assert wait_for(process, lambda: temp_files(tmp_path, ".kopi.sqlite."), "the copy to start")
    kill_after(process, delay)
    if out.exists() and out.read_bytes() != before:
        assert_intact(out)  # a complete, valid database ...
        assert fingerprint(out) == fingerprint(source)  # ... and the whole of it
    else:
        assert out.read_bytes() == before if previous else not out.exists()
    assert_intact(source)


RESTORE_MOMENTS = {
    # moment: (which file appearing shows the step has begun, extra delay)
    "safety-copy": (lambda db: temp_files(db.parent / "backups", ".kpdesk."), 0.0),
    "staging": (lambda db: temp_files(db.parent, ".kpdesk.sqlite."), 0.0),
    "staging-later": (lambda db: temp_files(db.parent, ".kpdesk.sqlite."), 0.03),
    "swap": (lambda db: db.with_name(".kpdesk.sqlite.restore.tmp").exists(), 0.0),
    "swap-later": (lambda db: db.with_name(".kpdesk.sqlite.restore.tmp").exists(), 0.02),
    "swap-done": (lambda db: db.with_name(".kpdesk.sqlite.restore.tmp").exists(), 0.05),
}


@pytest.mark.parametrize("moment", sorted(RESTORE_MOMENTS))
def test_a_killed_restore_leaves_the_old_or_the_new_database(big_pair: tuple[Path, Path], tmp_path: Path,
                                                             moment: str) -> None:
    old, new = big_pair
    db = tmp_path / "kpdesk.sqlite"
    shutil.copyfile(old, db)
    source = tmp_path / "fra-backup.sqlite"
    shutil.copyfile(new, source)
    expected = {fingerprint(old): "old", fingerprint(new): "new"}
    ready, delay = RESTORE_MOMENTS[moment]
    process = start("restore", "--db", str(db), "--from", str(source))
    wait_for(process, lambda: ready(db), moment)
    kill_after(process, delay)
    assert_intact(db)
    assert fingerprint(db) in expected
    # a leftover lock or staging file does not stop the next restore
    backup.restore(db, source)
    assert fingerprint(db) == fingerprint(new)


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 1.5 MB tmpfs; skipped where mounting is not allowed (not root, or in a container without it)."""
    mount = tmp_path / "liten-disk"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_gives_a_clear_message_and_loses_nothing_saved(tiny_disk: Path) -> None:
    db = tiny_disk / "kpdesk.sqlite"
    store = Store.open(db)
    try:
        with store.session() as session:
            session.add(Employer(org_number="988077917", name="Lagret før AS"))
        with pytest.raises(UserError) as raised, store.session() as session:
            for i in range(100_000):
                session.add(Employer(org_number=f"{i:09d}", name=f"Fyll {i} " + "x" * 250))
                if i % 500 == 0:
                    session.flush()
        message = str(raised.value)
        assert message.startswith("Disken er full, så endringen ble ikke lagret.")
        assert "i behold" in message and str(tiny_disk) in message
        with store.session() as session:
            assert [e.name for e in session.query(Employer)] == ["Lagret før AS"]
        # a copy on the full disk fails the same way and leaves no half-written file
        with pytest.raises(UserError, match="Disken er full"):
            backup.create_backup(db, "manual")
        assert backup.list_backups(db) == []
        assert not any(p.name.endswith(".tmp") for p in (tiny_disk / "backups").iterdir())
    finally:
        store.close()
    assert sql(db, "PRAGMA integrity_check") == [("ok",)]
    assert sql(db, "SELECT name FROM employer") == [("Lagret før AS",)]


def test_storage_errors_are_explained_and_others_are_not() -> None:
    path = Path("/media/minnepinne/kpdesk.sqlite")
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    failing = sqlite3.OperationalError("disk I/O error")
    failing.sqlite_errorcode = 10 | (3 << 8)  # type: ignore[attr-defined]  # SQLITE_IOERR_WRITE
    assert storage_error(path, full).message.startswith("Disken er full")  # type: ignore[union-attr]
    assert storage_error(path, OSError(28, "No space left on device")).message.startswith("Disken er full")  # type: ignore[union-attr]
    message = storage_error(path, failing).message  # type: ignore[union-attr]
    assert message.startswith("Lese- eller skrivefeil på disken") and "/media/minnepinne" in message
    assert storage_error(path, OSError(5, "Input/output error")) is not None
    assert storage_error(path, OSError(2, "No such file")) is None
    assert storage_error(path, sqlite3.OperationalError("no such table: x")) is None
