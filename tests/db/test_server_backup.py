"""``kpdesk backup --db postgresql://… --out FIL`` takes the server's copy with ``pg_dump`` (issue 17):
a file ``pg_restore`` puts back whole; a server that does not answer leaves no file and no password
in the message."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from support import run_cli

needs_pg_dump = pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL-klienten mangler")


@needs_pg_dump
def test_a_server_copy_goes_back_whole_with_pg_restore(capsys, pg_url: str, tmp_path: Path) -> None:
    assert run_cli(capsys, "demo", "--db", pg_url)[0] == 0
    out = tmp_path / "region.dump"
    code, said, err = run_cli(capsys, "backup", "--db", pg_url, "--out", out)
    assert (code, err) == (0, "") and f"lagret i {out}" in said and "pg_restore" in said
    before = run_cli(capsys, "match", "--db", pg_url, "--json", "--as-of", "11.01.2027")
    admin = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    copy_url = make_url(pg_url).set(database=make_url(pg_url).database + "_kopi")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{copy_url.database}"'))
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={copy_url.render_as_string()}",
                        str(out)], check=True, capture_output=True)
        after = run_cli(capsys, "match", "--db", copy_url.render_as_string(), "--json", "--as-of", "11.01.2027")
        assert after == before
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{copy_url.database}" WITH (FORCE)'))
        admin.dispose()


@needs_pg_dump
def test_a_server_that_does_not_answer_leaves_no_copy(capsys, tmp_path: Path) -> None:
    out = tmp_path / "region.dump"
    code, said, err = run_cli(capsys, "backup", "--db", "postgresql://kari@127.0.0.1:1/kpdesk", "--out", out)
    assert (code, said) == (1, "")
    assert err.startswith("kpdesk: pg_dump kunne ikke ta kopi av postgresql://kari@127.0.0.1:1/kpdesk: ")
    assert "Ingen kopi er laget." in err and "hemmelig" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_server_backup_needs_a_file_to_write(capsys) -> None:
    code, _, err = run_cli(capsys, "backup", "--db", "postgresql://kari@127.0.0.1:1/kpdesk")
    assert code == 1 and "oppgi filen kopien skal skrives til med --out" in err
