"""``kpdesk restore`` on a PostgreSQL server (issue 17): a ``kpdesk backup`` of the server goes back
whole, an erasure done since the copy is done again, a file that is not a kpdesk server copy or is
from a newer kpdesk is refused before the server is touched, and a restore that fails half-way
(pg_restore stops, or the server refuses a statement) leaves the database exactly as it was."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from kpdesk.admin.erasure import restore_server_keeping_erasures
from kpdesk.common.errors import UserError
from kpdesk.common.paths import ServerAddress
from kpdesk.db.migrate import head_revision, known_revisions, upgrade
from kpdesk.db.server_dump import client_environment, client_url, dump_server
from kpdesk.db.server_restore import read_dump
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import ContactData, EmployerData

pytestmark = pytest.mark.skipif(shutil.which("pg_restore") is None or shutil.which("psql") is None,
                                reason="PostgreSQL-klienten mangler")

EMAIL = "zyxwvu@fauske.no"


def _yes(_dump: object) -> bool:
    return True


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _state(url: str) -> list[tuple[object, ...]]:
    """What the tests compare: the tables there are, and the register's rows."""
    return [*_rows(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                        "ORDER BY table_name"),
            *_rows(url, "SELECT id, name FROM employer ORDER BY id"),
            *_rows(url, "SELECT id, name, email FROM contact_person ORDER BY id"),
            *_rows(url, "SELECT version_num FROM alembic_version")]


@pytest.fixture
def server(pg_url: str, tmp_path: Path) -> tuple[ServerAddress, Path]:
    """A server database with an employer and its contact person, and a kpdesk backup of it."""
    address = ServerAddress(pg_url)
    store = Store.open(address)
    with store.session() as s:
        fauske = register.save_employer(s, EmployerData("988077917", "Fauske kommune"))
        register.save_contact(s, fauske, ContactData("Zyxwvu Testperson", email=EMAIL, phone="41234567"))
    store.close()
    return address, dump_server(address, tmp_path / "region.dump")


def _pg_dump(address: ServerAddress, file: Path, form: str) -> Path:
    subprocess.run(["pg_dump", f"--format={form}", f"--file={file}", f"--dbname={client_url(address)}"],
                   env=client_environment(address), check=True)
    return file


def _change(address: ServerAddress) -> None:
    store = Store.open(address)
    with store.session() as s:
        register.save_employer(s, EmployerData("974760673", "Bodø kommune"))
        s.execute(text("UPDATE employer SET name = 'Endret navn' WHERE org_number = '988077917'"))
    store.close()


def test_a_restore_puts_the_copy_back_and_what_came_after_is_gone(server) -> None:
    address, dump = server
    before = _state(address.url)
    _change(address)
    assert _state(address.url) != before
    outcome = restore_server_keeping_erasures(address, dump, _yes)
    assert outcome is not None and (outcome.dump.revision, outcome.revision) == (head_revision(),) * 2
    assert _state(address.url) == before
    _change(address)  # the id sequences are where the rows are: new rows get fresh ids
    assert len(_rows(address.url, "SELECT id FROM employer")) == 2


def test_a_person_erased_since_the_copy_does_not_come_back(server) -> None:
    from kpdesk.admin.erasure import erase_person

    address, dump = server
    store = Store.open(address)
    assert erase_person(store, EMAIL).report.found == 1
    store.close()
    outcome = restore_server_keeping_erasures(address, dump, _yes)
    assert outcome is not None and outcome.erased_again == 1
    assert "Gjorde 1 sletting på nytt" in outcome.notices[0]
    assert _rows(address.url, f"SELECT count(*) FROM contact_person WHERE email = '{EMAIL}'") == [(0,)]
    assert _rows(address.url, "SELECT count(*) FROM erasure_record") == [(1,)]
    again = restore_server_keeping_erasures(address, dump, _yes)  # the record is kept: erased again next time
    assert again is not None and again.erased_again == 1


def test_saying_no_changes_nothing(server) -> None:
    address, dump = server
    _change(address)
    changed = _state(address.url)
    asked = []
    assert restore_server_keeping_erasures(address, dump, lambda d: asked.append(d.revision) is not None) is None
    assert asked == [head_revision()] and _state(address.url) == changed


def test_an_older_copy_is_brought_up_to_date(pg_url: str, tmp_path: Path) -> None:
    address = ServerAddress(pg_url)
    older = known_revisions()[-2]
    engine = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        upgrade(conn, older)
    engine.dispose()
    dump = dump_server(address, tmp_path / "eldre.dump")
    Store.open(address).close()  # the server is at head now
    outcome = restore_server_keeping_erasures(address, dump, _yes)
    assert outcome is not None and (outcome.dump.revision, outcome.revision) == (older, head_revision())
    assert _rows(pg_url, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


def test_a_copy_from_a_newer_kpdesk_is_refused(server, tmp_path: Path) -> None:
    address, _ = server
    engine = create_engine(make_url(address.url).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(UserError, match="fra en nyere kpdesk \\(skjemaversjon 9999\\)"):
        read_dump(_pg_dump(address, tmp_path / "nyere.dump", "custom"))


def test_files_that_are_no_kpdesk_server_copy_are_refused(pg_url: str, demo_template: Path, tmp_path: Path) -> None:
    address = ServerAddress(pg_url)  # an empty database: not kpdesk's
    plain = _pg_dump(address, tmp_path / "region.sql", "plain")
    other = _pg_dump(address, tmp_path / "annen.dump", "custom")
    junk = tmp_path / "notat.txt"
    junk.write_bytes(b"\x00\x01 ikke en kopi")
    expected = {demo_template: "er en databasefil \\(SQLite\\), ikke en sikkerhetskopi av en databaseserver",
                plain: "er en SQL-tekstfil \\(pg_dump uten --format=custom\\)",
                other: "er en sikkerhetskopi fra pg_dump, men ikke av en kpdesk-database",
                junk: "er ikke en sikkerhetskopi fra kpdesk backup: pg_restore kan ikke lese den",
                tmp_path: "er en mappe"}
    for file, message in expected.items():
        with pytest.raises(UserError, match=message):
            read_dump(file)


def _failing_pg_restore(folder: Path, how: str) -> None:
    """A ``pg_restore`` on PATH that reads archives like the real one but, when it writes the SQL,
    stops half-way (``half``) or ends with a statement the server refuses (``refused``)."""
    real = shutil.which("pg_restore")
    folder.mkdir()
    script = folder / "pg_restore"
    script.write_text(f"""#!/bin/sh
case " $* " in *" --list "*|*" --data-only "*) exec {real} "$@";; esac
out=$({real} "$@" | base64 -w0)
if [ "{how}" = half ]; then
  printf %s "$out" | base64 -d | head -c $(( $(printf %s "$out" | base64 -d | wc -c) / 2 ))
  echo "pg_restore: error: could not read from input file: end of file" >&2
  exit 1
fi
printf %s "$out" | base64 -d
echo "SELECT 1/0;"
""")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize(("how", "said"), [("half", "pg_restore kunne ikke lese hele"),
                                           ("refused", "godtok ikke sikkerhetskopien: division by zero")])
def test_a_restore_that_fails_half_way_leaves_the_database_as_it_was(server, tmp_path: Path, monkeypatch,
                                                                      how: str, said: str) -> None:
    address, dump = server
    _change(address)
    changed = _state(address.url)
    _failing_pg_restore(tmp_path / "bin", how)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(UserError, match=said) as refused:
        restore_server_keeping_erasures(address, dump, _yes)
    assert "Databasen er ikke endret." in str(refused.value)
    assert _state(address.url) == changed
