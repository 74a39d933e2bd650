"""``kpdesk person erase`` and ``kpdesk restore``: the backups are named, purged on request, and a
restore of an older copy erases the person again."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run_cli as run

from kpdesk.cli import EXIT_OK
from kpdesk.db import backup
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import ContactData, EmployerData

EMAIL = "zyxwvu@fauske.no"


def holds(path: Path) -> bool:
    return any(EMAIL.encode() in p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


@pytest.fixture
def db_with_backup(db_path: Path) -> tuple[Path, Path]:
    store = Store.open(db_path)
    with store.session() as s:
        fauske = register.save_employer(s, EmployerData("988077917", "Fauske kommune"))
        register.save_contact(s, fauske, ContactData("Zyxwvu Testperson", email=EMAIL, phone="41234567"))
    store.close()
    return db_path, backup.create_backup(db_path, "manual").path


def test_erase_names_the_backups_that_still_hold_the_person(capsys, db_with_backup) -> None:
    db, copy = db_with_backup
    code, out, err = run(capsys, "person", "erase", "--db", str(db), "--email", EMAIL)
    assert (code, err) == (EXIT_OK, "")
    # the daily copy made as the command opened the database holds the person too
    assert "2 sikkerhetskopier har fortsatt personen: " in out
    assert copy.name in out
    assert f"kpdesk person erase --email {EMAIL} --backups purge" in out
    assert not holds(db) and holds(copy)


def test_erase_with_purge_clears_the_backups_too(capsys, db_with_backup) -> None:
    db, copy = db_with_backup
    code, out, err = run(capsys, "person", "erase", "--db", str(db), "--email", EMAIL, "--backups", "purge")
    assert (code, err) == (EXIT_OK, "")
    assert "Fjernet personen fra 2 sikkerhetskopier." in out
    assert not holds(db) and not holds(copy)
    assert backup.verify_database_file(copy)


def test_restoring_an_older_copy_does_the_erasure_again(capsys, db_with_backup) -> None:
    db, copy = db_with_backup
    assert run(capsys, "person", "erase", "--db", str(db), "--email", EMAIL)[0] == EXIT_OK
    code, out, err = run(capsys, "restore", "--db", str(db), "--from", str(copy))
    assert (code, err) == (EXIT_OK, "")
    assert "Gjorde 1 sletting på nytt" in out
    assert not holds(db)
    code, _out, err = run(capsys, "person", "erase", "--db", str(db), "--email", EMAIL)
    assert "Ingen kontaktperson eller privatperson med e-postadressen" in err
