"""A restore (and ``kpdesk check``) accepts only files whose schema is exactly what kpdesk's migrations
make at the file's revision: an extra trigger, table, view or index, or a missing or changed one,
is refused by name."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from support import copy_database, database_at, run_cli

from kpdesk.cli import EXIT_DATA, EXIT_OK
from kpdesk.common.errors import UserError
from kpdesk.db import backup, inspection
from kpdesk.db.migrate import head_revision
from kpdesk.db.models import ContactPerson, Employer
from kpdesk.db.store import Store

pytestmark = pytest.mark.sqlite_only("a file's schema read from sqlite_master before a restore")

SPY = [
    "CREATE TABLE _skjult (name TEXT, email TEXT, phone TEXT)",
    "CREATE TRIGGER behold_slettede BEFORE DELETE ON contact_person "
    "BEGIN INSERT INTO _skjult VALUES (old.name, old.email, old.phone); END",
]
CHANGES = {
    # case: (statements run on a good copy, the names the refusal must give)
    "trigger and hidden table": (SPY, ["trigger «behold_slettede» på contact_person", "tabell «_skjult»"]),
    "view": (["CREATE VIEW alle_eposter AS SELECT email FROM contact_person"], ["visning «alle_eposter»"]),
    "index": (["CREATE INDEX ix_ekstra ON contact_person (email)"], ["indeks «ix_ekstra» på contact_person"]),
    "missing index": (["DROP INDEX ix_employer_name"], ["mangler: indeks «ix_employer_name» på employer"]),
    "changed table": (
        ["CREATE TABLE setting_ny (key VARCHAR(100) PRIMARY KEY, value TEXT, hemmelig TEXT)",
         "INSERT INTO setting_ny (key, value) SELECT key, value FROM setting",
         "DROP TABLE setting", "ALTER TABLE setting_ny RENAME TO setting"],
        ["endret: tabell «setting»"]),
}


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("god") / "god.sqlite"
    store = Store.open(path, daily_backup=False)
    with store.session() as session:
        employer = Employer(org_number="988077917", name="Fauske kommune")
        employer.contacts.append(ContactPerson(name="Kari Nordmann", email="kari@example.no"))
        session.add(employer)
    store.close()
    return path


@pytest.fixture
def db(good: Path, tmp_path: Path) -> Path:
    return copy_database(good, tmp_path / "senter")


def changed_copy(good: Path, tmp_path: Path, statements: list[str]) -> Path:
    path = tmp_path / "endret.sqlite"
    shutil.copyfile(good, path)
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_restore_refuses_a_file_whose_schema_kpdesk_did_not_make(
    capsys: pytest.CaptureFixture[str], good: Path, db: Path, tmp_path: Path, case: str
) -> None:
    statements, names = CHANGES[case]
    source = changed_copy(good, tmp_path, statements)
    before = sorted((p.name, p.read_bytes()) for p in db.parent.iterdir())
    code, out, err = run_cli(capsys, "restore", "--db", str(db), "--from", str(source))
    assert (code, out) == (EXIT_DATA, ""), err
    assert err.startswith(f"kpdesk: {source} har ikke skjemaet kpdesk lager (skjemaversjon {head_revision()})")
    for name in names:
        assert name in err, err
    assert "Traceback" not in err
    assert sorted((p.name, p.read_bytes()) for p in db.parent.iterdir()) == before  # nothing changed
    code, out, err = run_cli(capsys, "check", "--db", str(source))  # check says the same
    assert (code, out) == (EXIT_DATA, "")
    assert all(name in err for name in names), err


def test_the_spy_trigger_would_have_kept_an_erased_person(good: Path, tmp_path: Path) -> None:
    """Why it matters: the trigger copies a deleted contact into the hidden table."""
    source = changed_copy(good, tmp_path, SPY)
    conn = sqlite3.connect(source)
    conn.execute("DELETE FROM contact_person")
    assert conn.execute("SELECT name, email FROM _skjult").fetchall() == [("Kari Nordmann", "kari@example.no")]
    conn.close()
    with pytest.raises(UserError, match="behold_slettede"):
        backup.verify_database_file(source)


def test_untouched_copies_at_head_and_at_an_older_revision_are_accepted(
    capsys: pytest.CaptureFixture[str], good: Path, db: Path, tmp_path: Path
) -> None:
    old = tmp_path / "gammel.sqlite"
    database_at(old, "0001")
    for source, revision in ((good, head_revision()), (old, "0001")):
        code, out, err = run_cli(capsys, "restore", "--db", str(db), "--from", str(source))
        assert (code, err) == (EXIT_OK, ""), err
        assert f"(skjema {revision})" in out
    code, out, err = run_cli(capsys, "check", "--db", str(db))  # the restored 0001 file, before it is upgraded
    assert (code, err) == (EXIT_OK, ""), err


def test_the_reference_schema_is_built_once_per_revision() -> None:
    assert inspection.reference_schema("0001") is inspection.reference_schema("0001")
    assert inspection.reference_schema("0001") != inspection.reference_schema(head_revision())
