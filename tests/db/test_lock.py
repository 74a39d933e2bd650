"""One writer per database: a second kpdesk is told who holds it and may only look."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from support import Holder, copy_database, one_employer_database, run_kpdesk

from kpdesk.cli import EXIT_DATA, EXIT_OK
from kpdesk.common.errors import UserError
from kpdesk.db import lock as lock_module
from kpdesk.db.lock import DatabaseLocked, LockHolder, current_holder, lock_path
from kpdesk.db.models import Employer
from kpdesk.db.store import Store

pytestmark = pytest.mark.sqlite_only("the lock file beside the database file")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_employer_database(tmp_path_factory.mktemp("mal") / "kpdesk.sqlite")


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    return copy_database(template, tmp_path)


@pytest.fixture
def holder(db: Path):
    held = Holder(db)
    yield held
    if held.process.poll() is None:
        held.kill()


def employers(path: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM employer ORDER BY id")]
    finally:
        conn.close()


def write_lock_file(db: Path, *, host: str, pid: int, age_s: float = 0, content: bytes | None = None) -> Path:
    path = lock_path(db)
    started = dt.datetime.now() - dt.timedelta(seconds=age_s)
    data = content if content is not None else json.dumps(
        {"user": "kari", "host": host, "pid": pid, "started": started.isoformat(timespec="seconds")}).encode()
    path.write_bytes(data)
    os.utime(path, (time.time() - age_s, time.time() - age_s))
    return path


def dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(finished.stdout)


# ---------------------------------------------------------------- two real processes


def test_a_second_writer_is_told_who_holds_the_database(db: Path, holder: Holder) -> None:
    lock_file = lock_path(db)
    recorded = json.loads(lock_file.read_text())
    assert (recorded["user"], recorded["host"], recorded["pid"]) == (getpass.getuser(), socket.gethostname(),
                                                                     holder.pid)
    assert oct(lock_file.stat().st_mode & 0o777) == oct(0o600)
    with pytest.raises(DatabaseLocked) as raised:
        Store.open(db)
    error = raised.value
    assert isinstance(error, UserError)
    assert error.holder is not None and error.holder.pid == holder.pid and not error.foreign
    assert f"«{getpass.getuser()}» på maskinen «{socket.gethostname()}» (prosess {holder.pid})" in str(error)
    assert "skrivebeskyttet" in str(error)
    assert current_holder(db) == error.holder
    assert lock_file.exists()  # the refusal left the holder's lock alone


def test_write_commands_refuse_with_the_holders_name_and_change_nothing(db: Path, holder: Holder,
                                                                         tmp_path: Path) -> None:
    csv = tmp_path / "arbeidsgivere.csv"
    csv.write_text("org_number;name\n974112345;Saltdal Trelast AS\n", encoding="utf-8")
    before = db.read_bytes()
    for argv in (["import", "employers", str(csv)], ["restore", "--from", str(csv)], ["person", "erase", "--email",
                                                                                       "a@b.no"]):
        result = run_kpdesk(*argv, "--db", str(db))
        assert result.returncode == EXIT_DATA, (argv, result.stderr)
        if argv[0] != "restore":  # restore refuses the non-database file before it asks for the lock
            assert f"prosess {holder.pid}" in result.stderr, (argv, result.stderr)
        assert "Traceback" not in result.stderr
    demo = run_kpdesk("demo", "--db", str(db))
    assert demo.returncode == EXIT_DATA
    assert db.read_bytes() == before
    assert employers(db) == ["Fauske kommune"]


def test_check_and_listing_run_read_only_beside_the_holder(db: Path, holder: Holder) -> None:
    result = run_kpdesk("check", "--db", str(db))
    assert (result.returncode, result.stderr) == (EXIT_OK, "")
    assert "1 arbeidsgiver" in result.stdout
    due = run_kpdesk("person", "due", "--db", str(db))
    assert due.returncode == EXIT_OK, due.stderr


def test_a_read_only_store_reads_beside_the_holder_and_cannot_write(db: Path, holder: Holder) -> None:
    viewer = Store.open(db, read_only=True)
    try:
        assert viewer.read_only and viewer.lock is None
        with viewer.session() as session:
            assert session.scalar(select(func.count()).select_from(Employer)) == 1
        with pytest.raises(UserError, match="skrivebeskyttet"), viewer.session() as session:
            session.add(Employer(org_number="974112345", name="Skal ikke lagres AS"))
        with pytest.raises(UserError, match="skrivebeskyttet"), viewer.session() as session:
            session.execute(text("DELETE FROM employer"))
    finally:
        viewer.close()
    assert employers(db) == ["Fauske kommune"]
    assert holder.close() == "lukket\n"
    assert not lock_path(db).exists()


def test_the_holder_closing_frees_the_database(db: Path, holder: Holder) -> None:
    holder.close()
    assert not lock_path(db).exists()
    assert current_holder(db) is None
    store = Store.open(db)
    try:
        assert store.lock is not None and store.lock.cleared is None
    finally:
        store.close()


def test_a_lock_left_by_a_killed_process_is_cleared(db: Path, holder: Holder) -> None:
    holder.kill()
    assert lock_path(db).exists()  # left behind ...
    assert current_holder(db) is None  # ... but nobody holds it
    store = Store.open(db)
    try:
        assert store.lock is not None
        assert store.lock.cleared is not None and store.lock.cleared.pid == holder.pid
        assert json.loads(lock_path(db).read_text())["pid"] == os.getpid()
        with store.session() as session:
            session.add(Employer(org_number="974112345", name="Etter krasjet AS"))
    finally:
        store.close()
    assert not lock_path(db).exists()


RACE = """
import sys, time
from kpdesk.db.lock import DatabaseLocked
from kpdesk.db.store import Store
start = float(sys.argv[2])
while time.time() < start:
    pass
try:
    store = Store.open(sys.argv[1], daily_backup=False)
except DatabaseLocked:
    print("låst", flush=True)
else:
    print("eier", flush=True)
    time.sleep(1.5)
    store.close()
"""


def test_of_several_starting_at_once_exactly_one_becomes_the_writer(db: Path) -> None:
    start = time.time() + 1.0
    processes = [subprocess.Popen([sys.executable, "-c", RACE, str(db), str(start)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = sorted(p.communicate(timeout=60)[0].strip() for p in processes)
    assert results == ["eier", "låst", "låst", "låst"]
    assert not lock_path(db).exists()


# ---------------------------------------------------------------- lock files we cannot judge by the advisory lock


def test_a_fresh_lock_from_another_host_counts_and_says_so(db: Path) -> None:
    write_lock_file(db, host="kontor-pc-2", pid=4242)
    with pytest.raises(DatabaseLocked) as raised:
        Store.open(db)
    assert raised.value.foreign
    message = str(raised.value)
    assert "«kari» på maskinen «kontor-pc-2» (prosess 4242)" in message
    assert "annen maskin" in message and str(lock_path(db)) in message
    assert current_holder(db) is not None


def test_an_old_lock_from_another_host_is_cleared(db: Path) -> None:
    age = lock_module.FOREIGN_MAX_AGE.total_seconds() + 60
    write_lock_file(db, host="kontor-pc-2", pid=4242, age_s=age)
    assert current_holder(db) is None
    store = Store.open(db)
    try:
        assert store.lock is not None and store.lock.cleared is not None
        assert store.lock.cleared.host == "kontor-pc-2"
    finally:
        store.close()


@pytest.mark.parametrize("content", [None, b"", b"{ikke json", b'{"user": "kari"}'])
def test_a_leftover_lock_file_on_this_host_without_a_holder_is_cleared(db: Path, content: bytes | None) -> None:
    write_lock_file(db, host=socket.gethostname(), pid=dead_pid(), content=content)
    store = Store.open(db)
    store.close()
    assert not lock_path(db).exists()


def test_without_advisory_locks_a_live_pid_on_this_host_holds(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some network file systems refuse flock; then the pid on this host decides."""
    monkeypatch.setattr(lock_module, "_os_lock", lambda fd: lock_module._UNSUPPORTED)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        write_lock_file(db, host=socket.gethostname(), pid=sleeper.pid)
        with pytest.raises(DatabaseLocked, match=f"prosess {sleeper.pid}"):
            Store.open(db)
    finally:
        sleeper.kill()
        sleeper.wait()
    write_lock_file(db, host=socket.gethostname(), pid=dead_pid())
    Store.open(db).close()


# ---------------------------------------------------------------- inside one process


def test_stores_in_one_process_share_the_lock_until_the_last_closes(db: Path) -> None:
    first = Store.open(db)
    second = Store.open(db)
    assert first.lock is second.lock
    first.close()
    first.close()  # closing twice gives back only one share
    assert lock_path(db).exists()
    with second.session() as session:
        session.add(Employer(org_number="974112345", name="Samme prosess AS"))
    second.close()
    assert not lock_path(db).exists()


def test_a_failed_open_gives_the_lock_back(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kpdesk.db import store as store_module

    def broken(self, state) -> None:  # type: ignore[no-untyped-def]
        raise UserError("Oppgraderingen mislyktes.")

    monkeypatch.setattr(store_module.Store, "_migrate", broken)
    with pytest.raises(UserError):
        Store.open(db)
    assert not lock_path(db).exists()


def test_a_read_only_folder_for_the_lock_file_gives_a_clear_message(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).endswith(".lock"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(lock_module.os, "open", refuse)
    with pytest.raises(UserError, match="skrivebeskyttet"):
        Store.open(db)


def test_read_only_open_of_a_closed_database_and_of_an_old_one(db: Path, tmp_path: Path) -> None:
    viewer = Store.open(db, read_only=True)
    try:
        with viewer.session() as session:
            assert session.scalar(select(Employer.name)) == "Fauske kommune"
    finally:
        viewer.close()
    assert not lock_path(db).exists()
    with pytest.raises(UserError, match="finnes ikke"):
        Store.open(tmp_path / "borte.sqlite", read_only=True)
    assert not (tmp_path / "borte.sqlite").exists()


def test_holder_text_and_json_round_trip() -> None:
    holder = LockHolder("kari", "kontor-pc", 1234, dt.datetime(2027, 1, 11, 8, 5))
    assert holder.describe() == "«kari» på maskinen «kontor-pc» (prosess 1234) siden 11.01.2027 kl. 08.05"
    assert LockHolder.from_json(holder.to_json()) == holder
    assert LockHolder.from_json(b"\xff\xfe") is None


def test_a_foreign_lock_can_be_removed_on_request_but_not_a_live_local_one(db: Path, holder: Holder) -> None:
    with pytest.raises(DatabaseLocked):
        lock_module.remove_foreign_lock(db)
    assert lock_path(db).exists()
    holder.close()
    write_lock_file(db, host="kontor-pc-2", pid=4242)
    assert lock_module.remove_foreign_lock(db) is True
    assert lock_module.remove_foreign_lock(db) is False
    Store.open(db).close()
