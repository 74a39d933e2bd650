"""``kpdesk copy --from DB --to DB``: every row into a new or empty database, file or PostgreSQL server
either way, each table's row count verified; a target with data is refused and left as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select
from support import SAMPLES, run_cli

from kpdesk.db.models import Employer
from kpdesk.db.store import Store


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def _demo_with_a_parent_made_after_its_sub_unit(capsys, path: Path) -> None:
    assert run_cli(capsys, "demo", "--db", path)[0] == 0
    store = Store.open(path, daily_backup=False)
    try:
        def reorganise(session) -> None:
            unit = Employer(org_number="000000019", name="Avdeling som kom først")
            session.add(unit)
            session.flush()
            unit.parent = Employer(org_number="000000027", name="Morselskap som kom etter")
        store.transaction(reorganise)
    finally:
        store.close()


def test_a_file_is_copied_whole_to_a_new_file(capsys, tmp_path: Path) -> None:
    source, target = tmp_path / "senter.sqlite", tmp_path / "kopi.sqlite"
    _demo_with_a_parent_made_after_its_sub_unit(capsys, source)
    code, out, err = run_cli(capsys, "copy", "--from", source, "--to", target)
    assert (code, err) == (0, "")
    assert out.startswith("Kopierte ") and "fra senter.sqlite til kopi.sqlite; antall rader i hver tabell er " \
                                             "kontrollert." in out
    assert _counts(target) == _counts(source)
    store = Store.open(target, daily_backup=False)
    try:
        parent = store.transaction(lambda s: s.scalars(select(Employer).where(Employer.org_number == "000000019"))
                                   .one().parent_id)
        assert parent is not None and parent > store.transaction(
            lambda s: s.scalars(select(Employer.id).where(Employer.org_number == "000000019")).one())
    finally:
        store.close()
    same = [run_cli(capsys, "match", "--db", db, "--json", "--as-of", "11.01.2027") for db in (source, target)]
    assert same[0][0] == 0 and same[0] == same[1]


def test_a_target_with_data_is_refused_and_left_as_it_was(capsys, tmp_path: Path) -> None:
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for path in (source, target):
        assert run_cli(capsys, "demo", "--db", path)[0] == 0
    before = target.read_bytes()
    code, out, err = run_cli(capsys, "copy", "--from", source, "--to", target)
    assert (code, out) == (1, "")
    assert err.startswith("kpdesk: b.sqlite har allerede data (i ") and "ingenting er endret" in err
    assert target.read_bytes() == before
    assert run_cli(capsys, "copy", "--from", source, "--to", source)[0] == 1
    code, _, err = run_cli(capsys, "copy", "--from", tmp_path / "finnes-ikke.sqlite", "--to", tmp_path / "c.sqlite")
    assert code == 1 and "finnes-ikke.sqlite finnes ikke" in err and not (tmp_path / "c.sqlite").exists()


def test_a_file_goes_to_the_server_and_back_unchanged(capsys, pg_url: str, tmp_path: Path) -> None:
    source, back = tmp_path / "senter.sqlite", tmp_path / "tilbake.sqlite"
    _demo_with_a_parent_made_after_its_sub_unit(capsys, source)
    assert run_cli(capsys, "copy", "--from", source, "--to", pg_url)[0] == 0
    assert run_cli(capsys, "copy", "--from", pg_url, "--to", back)[0] == 0
    assert _counts(back) == _counts(source)
    answers = [run_cli(capsys, "match", "--db", db, "--json", "--as-of", "11.01.2027") for db in (source, pg_url)]
    assert answers[0][0] == 0 and answers[0] == answers[1]
    code, out, err = run_cli(capsys, "copy", "--from", source, "--to", pg_url)  # it has data now
    assert (code, out) == (1, "") and "har allerede data" in err
    # ids go on from the copied ones on the server too
    assert run_cli(capsys, "import", "employers", SAMPLES / "employers.csv", "--db", pg_url)[0] == 0
