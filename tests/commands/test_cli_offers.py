"""``kpdesk import|export providers|offers`` as a coordinator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import EVAL, SAMPLES, count_rows, needs_eval, new_location, run_cli

from kpdesk.db.models import Offer, OfferSession, Provider


@needs_eval
def test_import_the_eval_offers(capsys, db_path: Path) -> None:
    assert run_cli(capsys, "import", "offers", EVAL / "offers.csv", "--db", db_path) == (
        0, "Importerte 16 kurstilbud: 16 nye, 0 oppdatert. La til 6 nye tilbydere.\n", "")
    assert (count_rows(db_path, Offer), count_rows(db_path, Provider)) == (16, 6)
    # the whole labelled set goes in through the command line, in the order a coordinator would
    assert run_cli(capsys, "import", "employers", EVAL / "employers.csv", "--db", db_path)[0] == 0
    assert run_cli(capsys, "import", "needs", EVAL / "needs.csv", "--db", db_path)[0] == 0


@needs_eval
def test_export_and_reimport(capsys, tmp_path: Path, db_path: Path) -> None:
    assert run_cli(capsys, "import", "kurstilbud", EVAL / "offers.csv", "--db", db_path)[0] == 0
    offers_out, providers_out = tmp_path / "kurstilbud.csv", tmp_path / "tilbydere.csv"
    assert run_cli(capsys, "export", "offers", "--db", db_path, "--out", offers_out) == (
        0, f"Eksporterte 16 kurstilbud til {offers_out}.\n", "")
    assert run_cli(capsys, "export", "tilbydere", "--db", db_path, "--out", providers_out) == (
        0, f"Eksporterte 6 tilbydere til {providers_out}.\n", "")

    # into the same database: recognised by ref and name, nothing duplicated
    assert run_cli(capsys, "import", "offers", offers_out, "--db", db_path)[1] == (
        "Importerte 16 kurstilbud: 0 nye, 0 oppdatert, 16 uendret.\n")
    assert run_cli(capsys, "import", "providers", providers_out, "--db", db_path)[1] == (
        "Importerte 6 tilbydere: 0 nye, 0 oppdatert, 6 uendret.\n")
    assert (count_rows(db_path, Offer), count_rows(db_path, Provider)) == (16, 6)

    # into a new database: the same files come out again
    other = new_location(tmp_path, "annen.sqlite")
    assert run_cli(capsys, "import", "providers", providers_out, "--db", other)[1] == (
        "Importerte 6 tilbydere: 6 nye, 0 oppdatert.\n")
    assert run_cli(capsys, "import", "offers", offers_out, "--db", other)[1] == (
        "Importerte 16 kurstilbud: 16 nye, 0 oppdatert.\n")
    again_offers, again_providers = tmp_path / "igjen-kurstilbud.csv", tmp_path / "igjen-tilbydere.csv"
    assert run_cli(capsys, "export", "offers", "--db", other, "--out", again_offers)[0] == 0
    assert run_cli(capsys, "export", "providers", "--db", other, "--out", again_providers)[0] == 0
    assert again_offers.read_bytes() == offers_out.read_bytes()
    assert again_providers.read_bytes() == providers_out.read_bytes()


def test_bad_rows_are_listed_and_nothing_is_written(capsys, tmp_path: Path, db_path: Path) -> None:
    bad = tmp_path / "kurstilbud.csv"
    bad.write_bytes(
        "\ufeffref;provider;title;credits;level;format;start_date;end_date;application_deadline;seats_min;seats_max;"
        "price_nok\r\n"
        "K1;Nord universitet;Regnskap;7,5;bachelor;nettbasert;01.02.2027;15.05.2027;25.01.2027;10;60;0\r\n"
        "K2;Nord universitet;Regnskap;7,5;bachelor;nettbasert;01.02.2027;15.01.2027;25.01.2027;10;60;0\r\n"
        "K3;Nord universitet;Regnskap;7,5;bachelor;nettbasert;01.02.2027;15.05.2027;25.02.2027;70;60;0\r\n"
        "K4;Salten Kurs AS;HMS;-2;kurs;klasserom;01.02.2027;15.05.2027;;;;-100\r\n"
        "K5;Salten Kurs AS;HMS;;grunnkurs;webinar;;;;;;\r\n".encode())
    code, out, err = run_cli(capsys, "import", "offers", bad, "--db", db_path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "linje 3, kolonne end_date: Sluttdatoen 15.01.2027 er før startdatoen 01.02.2027",
        "linje 4, kolonne application_deadline: Søknadsfristen 25.02.2027 er etter startdatoen 01.02.2027",
        "linje 4, kolonne seats_min: Minste antall plasser (70) er større enn største antall plasser (60)",
        "linje 5, kolonne credits: Studiepoeng kan ikke være negative («-2»)",
        "linje 5, kolonne price_nok: Prisen kan ikke være negativ («-100»)",
        "linje 5, kolonne location: advarsel: Stedet (kommunen) mangler, men formatet er campus; skriv kommunen, eller "
        "velg nettbasert",
        "linje 6, kolonne level: Ukjent nivå «grunnkurs»; bruk en av: kurs, fagbrev, fagskole, bachelor, master, "
        "åpent",
        "linje 6, kolonne format: Ukjent format «webinar»; bruk en av: campus, nettbasert, samlingsbasert, "
        "desentralisert",
        "kpdesk: kurstilbud.csv har 7 feil, så ingenting er importert.",
    ]
    assert (count_rows(db_path, Offer), count_rows(db_path, Provider)) == (0, 0)


def test_samples_import_cleanly(capsys, db_path: Path) -> None:
    for kind, count in (("providers", "6 tilbydere"), ("offers", "6 kurstilbud")):
        data = (SAMPLES / f"{kind}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
        assert run_cli(capsys, "import", kind, SAMPLES / f"{kind}.csv", "--db", db_path) == (
            0, f"Importerte {count}: 6 nye, 0 oppdatert.\n", "")
    assert count_rows(db_path, OfferSession) == 13


def test_samples_export_as_they_are(capsys, tmp_path: Path, db_path: Path) -> None:
    for kind in ("providers", "offers"):
        assert run_cli(capsys, "import", kind, SAMPLES / f"{kind}.csv", "--db", db_path)[0] == 0
        out = tmp_path / f"{kind}.csv"
        assert run_cli(capsys, "export", kind, "--db", db_path, "--out", out)[0] == 0
        assert out.read_bytes() == (SAMPLES / f"{kind}.csv").read_bytes()


def test_dry_run_writes_nothing(capsys, db_path: Path) -> None:
    code, out, _ = run_cli(capsys, "import", "offers", SAMPLES / "offers.csv", "--db", db_path, "--dry-run")
    assert (code, out) == (0, "Kontrollert: offers.csv: 6 kurstilbud, 6 nye og 0 finnes fra før. 5 nye tilbydere "
                              "blir lagt til: Nordland fagskole, Fagskolen i Nord, Nord universitet, Norsk "
                              "Havbruksfagskole, Polarsirkelen videregående skole. Ingenting er lagret.\n")
    assert (count_rows(db_path, Offer), count_rows(db_path, Provider)) == (0, 0)


def test_the_installed_command(tmp_path: Path) -> None:
    """Through the real entry point, as a separate process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "kpdesk", "import", "providers", str(SAMPLES / "providers.csv"),
                           "--db", str(tmp_path / "db.sqlite")], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "Importerte 6 tilbydere: 6 nye, 0 oppdatert.\n", "")
