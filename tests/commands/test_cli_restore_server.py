"""``kpdesk restore --db postgresql://… --from FIL``: it asks first (``--yes`` answers for it), and
every refusal is one bokmål sentence on stderr with exit code 1: a missing pg_restore, a file that
is not a server copy, a server that does not answer (its password never printed)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from support import run_cli

from kpdesk.cli import EXIT_DATA, EXIT_OK
from kpdesk.common.paths import ServerAddress
from kpdesk.db.server_dump import dump_server
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import EmployerData

needs_client = pytest.mark.skipif(shutil.which("pg_restore") is None or shutil.which("psql") is None,
                                  reason="PostgreSQL-klienten mangler")
NO_SERVER = "postgresql://kari@127.0.0.1:1/kpdesk"


@pytest.fixture
def copy_and_change(pg_url: str, tmp_path: Path) -> Path:
    """A backup of a server database with one employer; a second employer saved after it."""
    address = ServerAddress(pg_url)
    store = Store.open(address)
    with store.session() as s:
        register.save_employer(s, EmployerData("988077917", "Fauske kommune"))
    store.close()
    dump = dump_server(address, tmp_path / "region.dump")
    store = Store.open(address)
    with store.session() as s:
        register.save_employer(s, EmployerData("974760673", "Bodø kommune"))
    store.close()
    return dump


def _employers(capsys, url: str, tmp_path: Path) -> str:
    out = tmp_path / "arbeidsgivere.csv"
    assert run_cli(capsys, "export", "employers", "--db", url, "--out", out)[0] == EXIT_OK
    return out.read_text(encoding="utf-8-sig")


@needs_client
def test_it_asks_and_yes_restores(capsys, monkeypatch, pg_url: str, copy_and_change: Path, tmp_path: Path) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("ja\n"))
    code, out, err = run_cli(capsys, "restore", "--db", pg_url, "--from", copy_and_change)
    assert (code, err) == (EXIT_OK, "")
    assert "erstattes av kopien" in out and "Fortsette? [j/N]" in out
    assert f"Gjenopprettet {ServerAddress(pg_url).shown} fra {copy_and_change}" in out
    assert "Bodø" not in _employers(capsys, pg_url, tmp_path)


@needs_client
@pytest.mark.parametrize(("answer", "said"), [("nei\n", "Avbrutt: databasen er ikke endret."),
                                              (None, "legg til --yes for å gjenopprette uten å bli spurt")])
def test_no_or_no_answer_changes_nothing(capsys, monkeypatch, pg_url: str, copy_and_change: Path, tmp_path: Path,
                                         answer: str | None, said: str) -> None:
    if answer is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    code, _, err = run_cli(capsys, "restore", "--db", pg_url, "--from", copy_and_change)
    assert code == EXIT_DATA and said in err and "Traceback" not in err
    assert "Bodø" in _employers(capsys, pg_url, tmp_path)


@needs_client
def test_yes_restores_without_asking(capsys, pg_url: str, copy_and_change: Path) -> None:
    code, out, err = run_cli(capsys, "restore", "--db", pg_url, "--from", copy_and_change, "--yes")
    assert (code, err) == (EXIT_OK, "") and "Fortsette?" not in out and out.startswith("Gjenopprettet ")


@needs_client
def test_a_server_that_does_not_answer_is_one_sentence_without_the_password(capsys, copy_and_change: Path) -> None:
    code, out, err = run_cli(capsys, "restore", "--db", NO_SERVER, "--from", copy_and_change, "--yes")
    assert (code, out) == (EXIT_DATA, "")
    assert err.startswith("kpdesk: Databaseserveren svarer ikke (postgresql://kari@127.0.0.1:1/kpdesk)")
    assert "hemmelig" not in err and err.count("\n") == 1


def test_a_missing_pg_restore_is_said(capsys, monkeypatch, tmp_path: Path) -> None:
    copy = tmp_path / "region.dump"
    copy.write_bytes(b"PGDMP")
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = run_cli(capsys, "restore", "--db", NO_SERVER, "--from", copy, "--yes")
    assert (code, out) == (EXIT_DATA, "")
    assert err == ("kpdesk: Fant ikke pg_restore, som leser sikkerhetskopier av en databaseserver. Installer "
                   "PostgreSQL-klienten (Debian/Ubuntu: postgresql-client; Windows/macOS: fra postgresql.org).\n")


@needs_client
@pytest.mark.sqlite_only("a SQLite file given as the copy")
def test_a_database_file_is_not_a_server_copy(capsys, demo_template: Path) -> None:
    code, out, err = run_cli(capsys, "restore", "--db", NO_SERVER, "--from", demo_template, "--yes")
    assert (code, out) == (EXIT_DATA, "")
    assert f"kpdesk: {demo_template} er en databasefil (SQLite), ikke en sikkerhetskopi av en databaseserver" in err
    assert "kpdesk copy --from" in err
