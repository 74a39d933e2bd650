"""The optional ``centre`` column of employers, needs and rooms files (issue 17), and ``--centre``
on the command line: an empty or missing centre is the importing coordinator's, an unknown one is
refused with its line and column, and a regional export imported again gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from support import run_cli

from kpdesk import transfer
from kpdesk.db.models import Centre, Employer, Need, Room
from kpdesk.db.store import Store
from kpdesk.register import centres

EMPLOYERS = ("org_number;name;municipality;centre\n"
             "988077917;Rana kommune;1833;\n"
             "974112345;Vefsn kommune;1824;mosjøen\n")


@pytest.fixture
def regional(db_path: Path) -> Path:
    """A database with the centres Mo i Rana (the first) and Mosjøen."""
    store = Store.open(db_path)
    try:
        with store.session() as s:
            (first,) = centres.list_centres(s)
            centres.rename_centre(s, first.id, "Mo i Rana")
            centres.create_centre(s, "Mosjøen", "1824")
    finally:
        store.close()
    return db_path


def centre_of(db: Path, model: type, column: str) -> dict[str, str]:
    store = Store.open(db)
    try:
        with store.session() as s:
            key = getattr(model, column)
            return dict(s.execute(select(key, Centre.name).join(Centre, Centre.id == model.centre_id)).all())
    finally:
        store.close()


def test_an_empty_cell_is_the_importers_centre_and_a_named_one_is_kept(capsys, regional: Path,
                                                                       tmp_path: Path) -> None:
    source = tmp_path / "arbeidsgivere.csv"
    source.write_text(EMPLOYERS, encoding="utf-8")
    code, _out, err = run_cli(capsys, "import", "employers", source, "--db", regional, "--centre", "Mo i Rana")
    assert code == 0, err
    assert centre_of(regional, Employer, "org_number") == {"988077917": "Mo i Rana", "974112345": "Mosjøen"}


def test_the_centre_comes_from_kpdesk_centre_when_not_given(capsys, regional: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "arbeidsgivere.csv"
    source.write_text("org_number;name\n988077917;Rana kommune\n", encoding="utf-8")
    monkeypatch.setenv("KPDESK_CENTRE", "Mosjøen")
    code, _out, err = run_cli(capsys, "import", "employers", source, "--db", regional)
    assert code == 0, err
    assert centre_of(regional, Employer, "org_number") == {"988077917": "Mosjøen"}


def test_without_a_centre_of_ones_own_every_new_row_must_name_one(capsys, regional: Path, tmp_path: Path) -> None:
    source = tmp_path / "arbeidsgivere.csv"
    source.write_text(EMPLOYERS, encoding="utf-8")
    code, _out, err = run_cli(capsys, "import", "employers", source, "--db", regional)
    assert code == 1
    assert "linje 2, kolonne centre: Databasen har flere sentre (Mo i Rana, Mosjøen)" in err
    assert "linje 3" not in err  # the row that names its centre is fine
    assert centre_of(regional, Employer, "org_number") == {}


def test_an_unknown_centre_is_refused_with_line_and_column(capsys, regional: Path, tmp_path: Path) -> None:
    source = tmp_path / "rom.csv"
    source.write_text("navn;kapasitet;senter\nStort rom;20;Mo i Rana\nLite rom;6;Sandnessjøen\n", encoding="utf-8")
    code, _out, err = run_cli(capsys, "import", "rooms", source, "--db", regional)
    assert code == 1
    assert ("linje 3, kolonne senter: Finner ikke senteret «Sandnessjøen». Sentrene i databasen er: Mo i Rana, "
            "Mosjøen.") in err
    assert centre_of(regional, Room, "name") == {}


def test_an_unknown_centre_of_ones_own_stops_the_import(capsys, regional: Path, tmp_path: Path) -> None:
    source = tmp_path / "arbeidsgivere.csv"
    source.write_text(EMPLOYERS, encoding="utf-8")
    code, _out, err = run_cli(capsys, "import", "employers", source, "--db", regional, "--centre", "Bodø")
    assert code == 1
    assert "Finner ikke senteret «Bodø». Sentrene i databasen er: Mo i Rana, Mosjøen." in err


def test_an_update_keeps_its_centre_unless_the_cell_moves_it(regional: Path) -> None:
    store = Store.open(regional)
    try:
        def imported(text: str) -> None:
            with store.session() as s:
                plan = transfer.plan_bytes(s, "needs", text.encode(), "behov.csv", "Mosjøen")
                assert not plan.has_errors, plan.problems
            transfer.import_plan(store, plan)

        imported("ref;community;title;headcount\nB1;1833;Sykepleiere;5\nB2;1824;Lærere;3\n")
        imported("ref;community;title;headcount;centre\nB1;1833;Sykepleiere;6;\nB2;1824;Lærere;3;Mo i Rana\n")
        with store.session() as s:
            got = dict(s.execute(select(Need.ref, Centre.name).join(Centre, Centre.id == Need.centre_id)).all())
    finally:
        store.close()
    assert got == {"B1": "Mosjøen", "B2": "Mo i Rana"}


def test_a_regional_export_has_the_centre_column_and_round_trips_byte_for_byte(capsys, regional: Path,
                                                                               tmp_path: Path) -> None:
    employers, needs = tmp_path / "arbeidsgivere.csv", tmp_path / "behov.csv"
    employers.write_text(EMPLOYERS, encoding="utf-8")
    needs.write_text("ref;employer;title;headcount\nB1;988077917;Sårbehandling;3\nB2;974112345;Ledelse;2\n",
                     encoding="utf-8")
    for kind, path in (("employers", employers), ("needs", needs)):
        assert run_cli(capsys, "import", kind, path, "--db", regional, "--centre", "Mo i Rana")[0] == 0
    first = {kind: tmp_path / f"{kind}-1.csv" for kind in ("employers", "needs")}
    for kind, path in first.items():
        assert run_cli(capsys, "export", kind, "--out", path, "--db", regional)[0] == 0
    header = first["needs"].read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.endswith(";centre")
    # needs, as the importer wrote them: without a centre cell, the importer's centre (not the employer's)
    assert first["needs"].read_text(encoding="utf-8-sig").splitlines()[2].endswith(";Mo i Rana")
    again = tmp_path / "again.sqlite"
    store = Store.open(again)
    try:
        with store.session() as s:  # the same centres, made in the other order
            (only,) = centres.list_centres(s)
            centres.rename_centre(s, only.id, "Mosjøen")
            centres.create_centre(s, "Mo i Rana")
    finally:
        store.close()
    for kind, path in first.items():
        code, _out, err = run_cli(capsys, "import", kind, path, "--db", again, "--centre", "Mosjøen")
        assert code == 0, err
    for kind, path in first.items():
        second = tmp_path / f"{kind}-2.csv"
        assert run_cli(capsys, "export", kind, "--out", second, "--db", again)[0] == 0
        assert second.read_bytes() == path.read_bytes()


def test_a_single_centre_export_has_no_centre_column(capsys, store: Store, db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "arbeidsgivere.csv"
    source.write_text("org_number;name\n988077917;Rana kommune\n", encoding="utf-8")
    store.close()
    assert run_cli(capsys, "import", "employers", source, "--db", db_path)[0] == 0
    out = tmp_path / "ut.csv"
    assert run_cli(capsys, "export", "employers", "--out", out, "--db", db_path)[0] == 0
    assert "centre" not in out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert tuple(out.read_text(encoding="utf-8-sig").splitlines()[0].split(";")) == transfer.EMPLOYER_COLUMNS
