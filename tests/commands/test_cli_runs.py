"""``kpdesk import runs`` and the needs' ``registered`` column, as a coordinator runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SAMPLES, count_rows, new_location, run_cli, sql_rows

from kpdesk.common.csvfile import to_bytes
from kpdesk.db.models import CourseRun
from kpdesk.transfer.runs import RUN_COLUMNS


@pytest.fixture
def offers_db(capsys, db_path: Path) -> Path:
    for kind in ("employers", "needs", "providers", "offers"):
        assert run_cli(capsys, "import", kind, SAMPLES / f"{kind}.csv", "--db", db_path)[0] == 0
    return db_path


def test_the_sample_imports_and_again_changes_nothing(capsys, offers_db: Path) -> None:
    assert run_cli(capsys, "import", "runs", SAMPLES / "runs.csv", "--db", offers_db) == (
        0, "Importerte 5 gjennomføringer: 5 nye, 0 oppdatert.\n", "")
    assert run_cli(capsys, "import", "runs", SAMPLES / "runs.csv", "--db", offers_db) == (
        0, "Importerte 5 gjennomføringer: 0 nye, 0 oppdatert, 5 uendret.\n", "")
    assert sql_rows(offers_db, "SELECT r.ref, r.status, n.ref FROM course_run r JOIN course_run_need l ON "
                               "l.run_id = r.id JOIN need n ON n.id = l.need_id WHERE r.ref = 'HG01' ORDER BY n.ref"
                    ) == [("HG01", "completed", "HN04"), ("HG01", "completed", "HN05")]


def test_a_file_with_a_wrong_row_imports_nothing_and_names_line_and_column(capsys, offers_db: Path,
                                                                           tmp_path: Path) -> None:
    path = tmp_path / "runs.csv"
    path.write_bytes(to_bytes(RUN_COLUMNS, [
        ("G1", "HO01", "startet", "23.08.2027", "", "9", "", "", "HN01"),
        ("G2", "HO99", "planlagt", "", "", "", "", "", ""),
        ("G3", "HO01", "bestilt", "", "", "", "", "", "HN01, HN77"),
        ("G4", "HO01", "gjennomført", "01.02.2027", "01.06.2027", "5", "7", "", ""),
        ("g1", "HO01", "planlagt", "", "", "", "", "", ""),
        ("G2", "HO01", "planlagt", "", "", "", "", "", ""),  # the first G2 has an unknown offer
    ]))
    code, out, err = run_cli(capsys, "import", "runs", path, "--db", offers_db)
    assert (code, out) == (1, "")
    assert "linje 3, kolonne offer: Ingen kurstilbud har referansen «HO99»" in err
    assert "linje 4, kolonne needs: Ingen behov har referansen «HN77» i databasen" in err
    assert "linje 5, kolonne completed: 7 fullførte, men bare 5 startet" in err
    assert "linje 6, kolonne ref: Referansen «g1» står også på linje 2" in err
    assert "linje 7, kolonne ref: Referansen «G2» står også på linje 3" in err
    assert count_rows(offers_db, CourseRun) == 0


def test_a_status_move_against_the_rules_is_refused_with_its_line(capsys, offers_db: Path, tmp_path: Path) -> None:
    assert run_cli(capsys, "import", "runs", SAMPLES / "runs.csv", "--db", offers_db)[0] == 0
    path = tmp_path / "back.csv"
    path.write_bytes(to_bytes(RUN_COLUMNS, [("HG02", "HO01", "gjennomført", "23.08.2027", "15.12.2027", "9", "8",
                                             "60", "HN01"),
                                            ("hg01", "HO04", "startet", "30.08.2027", "", "14", "", "", "")]))
    code, _, err = run_cli(capsys, "import", "runs", path, "--db", offers_db)
    assert code == 1
    assert "linje 3, kolonne status: HG01: Statusen kan ikke endres fra «gjennomført» til «startet»" in err
    assert sql_rows(offers_db, "SELECT status FROM course_run WHERE ref = 'HG02'") == [("started",)]


def test_needs_are_registered_on_the_given_day_or_today(capsys, db_path: Path, tmp_path: Path) -> None:
    import datetime as dt

    assert run_cli(capsys, "import", "employers", SAMPLES / "employers.csv", "--db", db_path)[0] == 0
    path = tmp_path / "needs.csv"
    path.write_bytes(to_bytes(("ref", "employer", "title", "headcount", "registered"), [
        ("N1", "974112345", "Demens", "3", "31.12.2026"), ("N2", "974112345", "Ledelse", "2", "")]))
    assert run_cli(capsys, "import", "needs", path, "--db", db_path)[0] == 0
    assert sql_rows(db_path, "SELECT ref, registered FROM need ORDER BY ref") == [
        ("N1", "2026-12-31"), ("N2", dt.date.today().isoformat())]
    path.write_bytes(to_bytes(("ref", "employer", "title", "headcount", "registered"),
                              [("N1", "974112345", "Demens", "3", "")]))
    assert run_cli(capsys, "import", "needs", path, "--db", db_path)[0] == 0  # empty: the day stays
    assert sql_rows(db_path, "SELECT registered FROM need WHERE ref = 'N1'") == [("2026-12-31",)]


def test_export_runs_round_trips_through_import(capsys, offers_db: Path, tmp_path: Path) -> None:
    assert run_cli(capsys, "import", "runs", SAMPLES / "runs.csv", "--db", offers_db)[0] == 0
    out = tmp_path / "gjennomføringer.csv"
    assert run_cli(capsys, "export", "runs", "--db", offers_db, "--out", out) == (
        0, f"Eksporterte 5 gjennomføringer til {out}.\n", "")
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ";".join((*RUN_COLUMNS, "cofunding_source", "cofunding_nok"))
    assert any(line.startswith("HG01;") and ";gjennomført;" in line and "HN04, HN05" in line for line in lines)
    # the export imported again: every run recognised, nothing changed
    assert run_cli(capsys, "import", "runs", out, "--db", offers_db)[1] == (
        "Importerte 5 gjennomføringer: 0 nye, 0 oppdatert, 5 uendret.\n")
    # into another database with the same register: the same file comes out again
    other = new_location(tmp_path, "annen.sqlite")
    for kind in ("employers", "needs", "providers", "offers"):
        assert run_cli(capsys, "import", kind, SAMPLES / f"{kind}.csv", "--db", other)[0] == 0
    assert run_cli(capsys, "import", "runs", out, "--db", other)[1] == (
        "Importerte 5 gjennomføringer: 5 nye, 0 oppdatert.\n")
    again = tmp_path / "igjen.csv"
    assert run_cli(capsys, "export", "gjennomføringer", "--db", other, "--out", again)[0] == 0
    assert again.read_bytes() == out.read_bytes()


def test_export_runs_problems(capsys, offers_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "finnes-ikke.sqlite"
    code, stdout, err = run_cli(capsys, "export", "runs", "--db", missing, "--out", tmp_path / "x.csv")
    assert (code, stdout, err) == (1, "", f"kpdesk: {missing} finnes ikke.\n")
    code, stdout, err = run_cli(capsys, "export", "runs", "--db", offers_db, "--out", tmp_path / "nei" / "x.csv")
    assert (code, err) == (1, f"kpdesk: Mappen {tmp_path / 'nei'} finnes ikke, så x.csv kan ikke lagres der.\n")
    empty = tmp_path / "tom.csv"
    assert run_cli(capsys, "export", "runs", "--db", offers_db, "--out", empty)[1] == (
        f"Eksporterte 0 gjennomføringer til {empty}.\n")
    assert empty.read_text(encoding="utf-8-sig").strip() == ";".join((*RUN_COLUMNS, "cofunding_source",
                                                                       "cofunding_nok"))
    with pytest.raises(SystemExit) as usage:
        run_cli(capsys, "export", "runs", "--db", offers_db)
    assert usage.value.code == 2
