"""``kpdesk import`` and ``kpdesk export`` as a coordinator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import EVAL, SAMPLES, count_rows, needs_eval, new_location, run_cli

from kpdesk.db.models import Employer, Need


@needs_eval
def test_import_export_reimport(capsys, tmp_path: Path, db_path: Path) -> None:
    assert run_cli(capsys, "import", "employers", EVAL / "employers.csv", "--db", db_path) == (
        0, "Importerte 7 arbeidsgivere: 7 nye, 0 oppdatert.\n", "")
    assert run_cli(capsys, "import", "needs", EVAL / "needs.csv", "--db", db_path) == (
        0, "Importerte 15 behov: 15 nye, 0 oppdatert.\n", "")
    employers_out, needs_out = tmp_path / "arbeidsgivere.csv", tmp_path / "behov.csv"
    assert run_cli(capsys, "export", "employers", "--db", db_path, "--out", employers_out) == (
        0, f"Eksporterte 7 arbeidsgivere til {employers_out}.\n", "")
    assert run_cli(capsys, "export", "needs", "--db", db_path, "--out", needs_out)[0] == 0

    # the export imported again into the same database: recognised, nothing duplicated
    assert run_cli(capsys, "import", "needs", needs_out, "--db", db_path)[1] == (
        "Importerte 15 behov: 0 nye, 0 oppdatert, 15 uendret.\n")
    assert run_cli(capsys, "import", "employers", employers_out, "--db", db_path)[1] == (
        "Importerte 7 arbeidsgivere: 0 nye, 0 oppdatert, 7 uendret.\n")
    assert (count_rows(db_path, Employer), count_rows(db_path, Need)) == (7, 15)

    # and into a new database: the same data comes out again
    other = new_location(tmp_path, "annen.sqlite")
    assert run_cli(capsys, "import", "arbeidsgivere", employers_out, "--db", other)[0] == 0
    assert run_cli(capsys, "import", "behov", needs_out, "--db", other)[0] == 0
    again = tmp_path / "igjen.csv"
    assert run_cli(capsys, "export", "needs", "--db", other, "--out", again)[0] == 0
    assert again.read_bytes() == needs_out.read_bytes()


def test_bad_rows_are_listed_and_nothing_is_written(capsys, tmp_path: Path, db_path: Path) -> None:
    assert run_cli(capsys, "import", "employers", SAMPLES / "employers.csv", "--db", db_path)[0] == 0
    bad = tmp_path / "behov.csv"
    bad.write_bytes(
        "\ufeffref;employer;title;headcount;earliest_start;latest_start\r\n"
        "A1;974112345;Kurs;2;;\r\n"
        "A2;974112345;Kurs;0;;\r\n"
        "A3;974112346;Kurs;2;;\r\n"
        "A4;974112345;;2;01.09.2027;01.03.2027\r\n".encode())
    code, out, err = run_cli(capsys, "import", "needs", bad, "--db", db_path)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "linje 3, kolonne headcount: Antall personer må være minst 1, ikke 0",
        "linje 4, kolonne employer: Organisasjonsnummer «974112346» har feil kontrollsiffer (det siste sifferet "
        "stemmer ikke med de åtte første); sjekk at det er skrevet riktig",
        "linje 5, kolonne title: Tittelen mangler",
        "linje 5, kolonne latest_start: Seneste oppstart 01.03.2027 er før tidligste oppstart 01.09.2027",
        "kpdesk: behov.csv har 4 feil, så ingenting er importert.",
    ]
    assert count_rows(db_path, Need) == 0


def test_unknown_encoding_and_missing_header(capsys, tmp_path: Path, db_path: Path) -> None:
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("org_number;name\r\n974112345;Test\r\n".encode("utf-16"))
    code, _, err = run_cli(capsys, "import", "employers", utf16, "--db", db_path)
    assert code == 1
    assert err.startswith("linje 1: Filen har ukjent tegnkoding")
    headless = tmp_path / "uten-overskrift.csv"
    headless.write_text("974112345;Test AS\n")
    code, _, err = run_cli(capsys, "import", "employers", headless, "--db", db_path)
    assert code == 1
    assert err.splitlines()[0] == (
        "linje 1: Filen mangler overskriftsrad: første linje er «974112345;Test AS». Første linje skal inneholde "
        "kolonnenavnene, for eksempel: org_number;name;municipality;industry;contact_name;contact_email;"
        "contact_phone;notes")
    assert count_rows(db_path, Employer) == 0


def test_missing_or_unreadable_files(capsys, tmp_path: Path, monkeypatch) -> None:
    db_path = tmp_path / "kpdesk.sqlite"  # a file: it is not even created for a CSV file that is not there
    code, _, err = run_cli(capsys, "import", "employers", tmp_path / "mangler.csv", "--db", db_path)
    assert (code, err) == (1, f"kpdesk: Filen {tmp_path / 'mangler.csv'} finnes ikke.\n")
    assert not db_path.exists()  # the database is not even created for a file that is not there
    code, _, err = run_cli(capsys, "import", "employers", tmp_path / "mappe" / "x.csv", "--db", db_path)
    assert (code, err) == (1, f"kpdesk: Mappen {tmp_path / 'mappe'} finnes ikke, så x.csv kan ikke leses.\n")
    code, _, err = run_cli(capsys, "import", "needs", tmp_path, "--db", db_path)
    assert (code, err) == (1, f"kpdesk: {tmp_path} er en mappe, ikke en fil.\n")

    locked = tmp_path / "låst.csv"
    locked.write_text("org_number;name\n")

    def denied(self) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)  # chmod does not stop root, who may run the tests
    code, _, err = run_cli(capsys, "import", "employers", locked, "--db", db_path)
    assert (code, err) == (1, f"kpdesk: Kan ikke lese {locked}: du har ikke lesetilgang til filen.\n")


def test_export_problems(capsys, tmp_path: Path, db_path: Path) -> None:
    missing = tmp_path / "mangler.sqlite"
    code, _, err = run_cli(capsys, "export", "needs", "--db", missing, "--out", tmp_path / "x.csv")
    assert (code, err) == (1, f"kpdesk: {missing} finnes ikke.\n")
    assert run_cli(capsys, "import", "employers", SAMPLES / "employers.csv", "--db", db_path)[0] == 0
    code, _, err = run_cli(capsys, "export", "needs", "--db", db_path, "--out", tmp_path / "nei" / "x.csv")
    assert (code, err) == (1, f"kpdesk: Mappen {tmp_path / 'nei'} finnes ikke, så x.csv kan ikke lagres der.\n")
    with pytest.raises(SystemExit) as usage:
        run_cli(capsys, "export", "needs", "--db", db_path)
    assert usage.value.code == 2
    assert "disse argumentene mangler: --out" in capsys.readouterr().err


def test_dry_run_writes_nothing(capsys, db_path: Path) -> None:
    code, out, _ = run_cli(capsys, "import", "employers", SAMPLES / "employers.csv", "--db", db_path, "--dry-run")
    assert (code, out) == (0, "Kontrollert: employers.csv: 5 arbeidsgivere, 5 nye og 0 finnes fra før. "
                              "Ingenting er lagret.\n")
    assert count_rows(db_path, Employer) == 0


def test_samples_import_cleanly(capsys, db_path: Path) -> None:
    for kind in ("employers", "needs"):
        data = (SAMPLES / f"{kind}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
        code, out, err = run_cli(capsys, "import", kind, SAMPLES / f"{kind}.csv", "--db", db_path)
        assert (code, err) == (0, "")
        assert out.startswith("Importerte 5 ")


def test_the_installed_command(tmp_path: Path) -> None:
    """Through the real entry point, as a separate process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "kpdesk", "import", "employers", str(SAMPLES / "employers.csv"),
                           "--db", str(tmp_path / "db.sqlite")], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "Importerte 5 arbeidsgivere: 5 nye, 0 oppdatert.\n", "")


def test_the_persons_sample_imports_after_the_employers(capsys, db_path: Path) -> None:
    assert run_cli(capsys, "import", "employers", SAMPLES / "employers.csv", "--db", db_path)[0] == 0
    data = (SAMPLES / "persons.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    code, out, err = run_cli(capsys, "import", "persons", SAMPLES / "persons.csv", "--db", db_path)
    assert (code, err) == (0, "")
    assert out.startswith("Importerte 3 ")
