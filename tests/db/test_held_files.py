"""Looking at an open database's header must not drop this process's SQLite locks (POSIX locks
belong to the process, and closing any descriptor of the file drops them): another process closing
its connection would then delete the -wal and -shm under the open window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from kpdesk.db.inspection import inspect_file
from kpdesk.db.store import Store
from kpdesk.register.employer_list import read_early

pytestmark = [pytest.mark.skipif(os.name == "nt", reason="POSIX record locks"),
              pytest.mark.sqlite_only("SQLite's locks on the database file")]

OTHER_PROCESS_READS = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1])\n"
    "print(conn.execute(\"SELECT value FROM setting WHERE key = 'marker'\").fetchone()[0])\n"
    "conn.close()\n"
)


def _write_marker(store: Store, value: str) -> None:
    store.transaction(lambda session: session.execute(
        text("INSERT INTO setting (key, value) VALUES ('marker', :v) ON CONFLICT (key) DO UPDATE SET value = :v"),
        {"v": value}))


def _read_in_other_process(path: Path) -> str:
    done = subprocess.run([sys.executable, "-c", OTHER_PROCESS_READS, str(path)],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("look", [lambda p: inspect_file(p, need_write=False), read_early],
                         ids=["inspect_file", "read_early"])
def test_looking_at_the_open_file_keeps_its_log_when_another_process_closes_it(db_path: Path, look) -> None:
    store = Store.open(db_path)
    try:
        _write_marker(store, "first")
        with store.engine.connect() as held:  # the window keeps a connection while it works
            held.execute(text("SELECT 1")).all()
            look(db_path)
            assert _read_in_other_process(db_path) == "first"
            assert db_path.with_name(db_path.name + "-wal").exists()
            assert db_path.with_name(db_path.name + "-shm").exists()
            _write_marker(store, "second")  # the window's next write is seen by others
            assert _read_in_other_process(db_path) == "second"
    finally:
        store.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors through /proc")
def test_looking_at_many_files_gathers_no_descriptors_and_closing_the_store_gives_back_its_own(
        tmp_path: Path) -> None:
    paths = []
    for number in range(5):
        path = tmp_path / f"db{number}.sqlite"
        Store.open(path).close()
        paths.append(path)
    before = _open_descriptors()
    for _ in range(20):
        for path in paths:
            inspect_file(path, need_write=False)
    assert _open_descriptors() == before

    store = Store.open(paths[0])
    with_store = _open_descriptors()
    for _ in range(10):
        inspect_file(paths[0], need_write=False)
    assert _open_descriptors() <= with_store + 1  # one header descriptor kept while the store is open
    store.close()
    assert _open_descriptors() <= before
