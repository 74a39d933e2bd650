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

pytestmark = pytest.mark.sqlite_only("copies of the file in the backups folder that still hold the person")

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
    assert "1 sikkerhetskopi har fortsatt personen: " in out  # the one made before, not one of its own
    assert copy.name in out
    assert f"kpdesk person erase --email {EMAIL} --backups purge" in out
    assert not holds(db) and holds(copy)


def test_erase_with_purge_clears_the_backups_too(capsys, db_with_backup) -> None:
    db, copy = db_with_backup
    code, out, err = run(capsys, "person", "erase", "--db", str(db), "--email", EMAIL, "--backups", "purge")
    assert (code, err) == (EXIT_OK, "")
    assert "Fjernet personen fra 1 sikkerhetskopi." in out
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
    assert "Ingen kontaktperson, privatperson eller eksamenskandidat med e-postadressen" in err


# ---------------------------------------------------------------- no copy of what is erased


@pytest.fixture
def db_without_backup_today(db_path: Path) -> Path:
    """A contact person and a private person with a need, in a database with no backup at all (the
    day's first opening for writing is still to come)."""
    from kpdesk.register.validation import ConsentData, NeedData, PersonData

    store = Store.open(db_path, daily_backup=False)
    with store.session() as s:
        fauske = register.save_employer(s, EmployerData("988077917", "Fauske kommune"))
        register.save_contact(s, fauske, ContactData("Zyxwvu Testperson", email=EMAIL, phone="41234567"))
        person_id = register.save_person(s, PersonData("Kari Qwertyprivat", "1836", "kari@qwerty.no", "48484848"))
        register.record_consent(s, person_id, ConsentData(True, True, True))
        register.save_need(s, NeedData(None, "Helsefagarbeider", person="P00001"))
    store.close()
    assert backup.list_backups(db_path) == []
    return db_path


@pytest.mark.parametrize("argv", [
    ("person", "erase", "--ref", "P00001"),
    ("person", "erase", "--email", "kari@qwerty.no"),
    ("person", "erase", "--email", EMAIL),
])
def test_an_erasure_makes_no_new_copy_of_the_person(capsys, db_without_backup_today: Path,
                                                     argv: tuple[str, ...]) -> None:
    """The day's first opening would take the daily backup: not when it is opened to erase someone."""
    db = db_without_backup_today
    code, out, err = run(capsys, *argv, "--db", str(db))
    assert (code, err) == (EXIT_OK, "")
    assert "Slettet" in out
    assert backup.list_backups(db) == []  # no copy holding the person was made seconds before the erasure
    assert "sikkerhetskopi" not in out and "--backups purge" not in out
    Store.open(db).close()  # any other opening for writing takes the day's copy as before
    assert [b.reason for b in backup.list_backups(db)] == ["daily"]


def test_deleting_by_the_retention_rule_makes_no_new_copy(capsys, db_without_backup_today: Path) -> None:
    import datetime as dt

    db = db_without_backup_today
    later = dt.date(dt.date.today().year + 3, 1, 15).isoformat()
    code, out, _err = run(capsys, "person", "due", "--db", str(db), "--as-of", later)
    assert code == EXIT_OK and "skal 1 kontaktperson slettes" in out
    code, out, err = run(capsys, "person", "due", "--db", str(db), "--as-of", later, "--delete")
    assert (code, err) == (EXIT_OK, "")
    assert "Slettet 1 kontaktperson" in out
    assert backup.list_backups(db) == []
    assert "sikkerhetskopi" not in out and "--backups purge" not in out
    assert not holds(db)
