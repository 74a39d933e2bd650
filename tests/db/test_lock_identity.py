"""One writer per file, not per name: symlinks and hard links to a database see the same lock, and a
lock file planted as a link is refused without its target ever being written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from support import Holder, copy_database, one_employer_database, run_kpdesk

from kpdesk.cli import EXIT_DATA, EXIT_OK
from kpdesk.common.errors import UserError
from kpdesk.db.lock import DatabaseLocked, current_holder, lock_path
from kpdesk.db.store import Store

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="symlinks and hard links as POSIX makes them"),
              pytest.mark.sqlite_only("the lock file, symlinks and hard links to the database file")]

@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_employer_database(tmp_path_factory.mktemp("mal") / "kpdesk.sqlite")


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    return copy_database(template, tmp_path / "senter")


def symlink_elsewhere(db: Path, tmp_path: Path) -> Path:
    link = tmp_path / "snarvei" / "min-database.sqlite"
    link.parent.mkdir()
    link.symlink_to(db)
    return link


def hard_link_beside(db: Path, _tmp_path: Path) -> Path:
    link = db.with_name("kopi-som-ikke-er-kopi.sqlite")
    os.link(db, link)
    return link


LINKS = {"symlink": symlink_elsewhere, "hard link": hard_link_beside}


def employers(path: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM employer ORDER BY id")]
    finally:
        conn.close()


# ---------------------------------------------------------------- two processes, two names


@pytest.mark.parametrize("held_through_link", [False, True], ids=["held-by-name", "held-by-link"])
@pytest.mark.parametrize("kind", sorted(LINKS))
def test_a_second_writer_through_another_name_is_refused_with_the_holder_named(
    db: Path, tmp_path: Path, kind: str, held_through_link: bool
) -> None:
    link = LINKS[kind](db, tmp_path)
    held, other = (link, db) if held_through_link else (db, link)
    csv = tmp_path / "arbeidsgivere.csv"
    csv.write_text("org_number;name\n974112345;Saltdal Trelast AS\n", encoding="utf-8")
    holder = Holder(held)
    try:
        result = run_kpdesk("import", "employers", str(csv), "--db", str(other))
        assert result.returncode == EXIT_DATA, result.stdout + result.stderr
        assert f"(prosess {holder.process.pid})" in result.stderr
        assert "Traceback" not in result.stderr
        assert current_holder(other) is not None and current_holder(other).pid == holder.process.pid
        with pytest.raises(DatabaseLocked):
            Store.open(other)
    finally:
        holder.close()
    assert employers(db) == ["Fauske kommune"]  # nothing was written beside the holder
    # once the holder is gone, the other name writes as usual
    result = run_kpdesk("import", "employers", str(csv), "--db", str(other))
    assert result.returncode == EXIT_OK, result.stderr
    assert employers(db) == ["Fauske kommune", "Saltdal Trelast AS"]


def test_every_name_of_the_file_has_the_same_lock_file_in_the_real_folder(db: Path, tmp_path: Path) -> None:
    names = [db, symlink_elsewhere(db, tmp_path), hard_link_beside(db, tmp_path)]
    assert {lock_path(name) for name in names} == {lock_path(db)}
    found = lock_path(db)
    assert found is not None and found.parent == db.parent


def test_stores_in_one_process_share_the_lock_whatever_name_they_open(db: Path, tmp_path: Path) -> None:
    stores = [Store.open(name, daily_backup=False) for name in
              (db, symlink_elsewhere(db, tmp_path), hard_link_beside(db, tmp_path))]
    try:
        assert stores[0].lock is not None
        assert all(store.lock is stores[0].lock for store in stores)
    finally:
        for store in stores:
            store.close()
    found = lock_path(db)
    assert found is not None and not found.exists()


# ---------------------------------------------------------------- a lock file planted as a link


@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "hard link"])
def test_a_lock_file_planted_as_a_link_is_refused_and_its_target_is_never_written(
    db: Path, tmp_path: Path, kind: str
) -> None:
    victim = tmp_path / "offer" / "viktig.txt"
    victim.parent.mkdir()
    if kind != "dangling symlink":
        victim.write_bytes(b"viktige data\n")
        os.utime(victim, (1_000_000_000, 1_000_000_000))
    planted = lock_path(db)
    assert planted is not None
    if kind == "hard link":
        os.link(victim, planted)
    else:
        planted.symlink_to(victim)
    before = db.read_bytes()
    with pytest.raises(UserError, match="Låsefilen") as raised:
        Store.open(db)
    assert not isinstance(raised.value, DatabaseLocked)
    assert str(planted) in str(raised.value)
    if kind == "dangling symlink":
        assert not victim.exists()
    else:
        assert victim.read_bytes() == b"viktige data\n" and victim.stat().st_mtime == 1_000_000_000
    assert db.read_bytes() == before
    assert current_holder(db) is None  # looking does not follow it either
