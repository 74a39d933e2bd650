"""``kpdesk import persons`` and person and community needs through ``kpdesk import needs``."""

from __future__ import annotations

from pathlib import Path

from support import SAMPLES, run_cli, sql_rows


def write(path: Path, *lines: str) -> Path:
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    return path


PERSONS = ("ref;name;municipality;email;phone;employer;consent_stored;consent_contact;consent_statistics;"
           "consent_date")


def test_persons_and_their_needs_are_imported_with_consent(capsys, tmp_path: Path, db_path: Path) -> None:
    assert run_cli(capsys, "import", "employers", SAMPLES / "employers.csv", "--db", db_path)[0] == 0
    persons = write(tmp_path / "personer.csv", PERSONS,
                    "P00001;Kari Nordmann;Rødøy;kari@example.no;;;ja;ja;ja;01.12.2026",
                    ";Ola Nordmann;1836;;952 00 000;;ja;nei;nei;")
    assert run_cli(capsys, "import", "persons", persons, "--db", db_path) == (
        0, "Importerte 2 personer: 2 nye, 0 oppdatert.\n", "")
    assert sql_rows(db_path, "SELECT p.ref, c.stored, c.contact, c.statistics, c.how FROM person p "
                         "JOIN consent c ON c.person_id = p.id ORDER BY p.id") == [
        ("P00001", 1, 1, 1, "import"), ("P00002", 1, 0, 0, "import")]
    # the same persons again, by ref: nothing changes, no new consent history
    again = write(tmp_path / "igjen.csv", PERSONS,
                  "P00001;Kari Nordmann;Rødøy;kari@example.no;;;ja;ja;ja;01.12.2026",
                  "p00002;Ola Nordmann;1836;;952 00 000;;ja;nei;nei;")
    assert run_cli(capsys, "import", "personer", again, "--db", db_path)[1] == (
        "Importerte 2 personer: 0 nye, 0 oppdatert, 2 uendret.\n")
    assert sql_rows(db_path, "SELECT count(*) FROM consent") == [(2,)]

    needs = write(tmp_path / "behov.csv", "ref;person;community;title;headcount;level;source;horizon",
                  "H1;P00001;;Helsefagarbeider;;fagbrev;;",
                  "H2;;Rødøy;Sykepleiere;5;bachelor;kompetansekartlegging 2026;2030",
                  "H3;;Helgeland;Barnehagelærere;4;bachelor;;innen 2031")
    assert run_cli(capsys, "import", "needs", needs, "--db", db_path)[0] == 0
    assert sql_rows(db_path, "SELECT ref, employer_id, person_id IS NOT NULL, community, headcount, source, horizon "
                         "FROM need ORDER BY ref") == [
        ("H1", None, 1, None, 1, "", None), ("H2", None, 0, "1836", 5, "kompetansekartlegging 2026", 2030),
        ("H3", None, 0, "Helgeland", 4, "", 2031)]


def test_every_bad_row_is_named_and_nothing_is_written(capsys, tmp_path: Path, db_path: Path) -> None:
    persons = write(tmp_path / "personer.csv", PERSONS,
                    "P00001;Kari Nordmann;1836;kari@example.no;;;ja;ja;ja;",
                    "P00002;Per Uten Samtykke;1836;per@example.no;;;nei;nei;nei;",
                    "P00003;;1836;;;;ja;;;",
                    "P00004;Lise;1836;lise@example.no;;974112345;ja;;;",
                    "p00001;Kari igjen;1836;kari@example.no;;;ja;;;")
    code, out, err = run_cli(capsys, "import", "persons", persons, "--db", db_path)
    assert (code, out) == (1, "")
    assert err.splitlines()[:5] == [
        "linje 3, kolonne consent_stored: En ny person kan bare lagres med samtykke til lagring: skriv «ja» i "
        "consent_stored",
        "linje 4, kolonne name: Navnet mangler",
        "linje 4, kolonne email: Personen må kunne kontaktes på e-post eller telefon: oppgi minst én av dem",
        "linje 5, kolonne employer: Ingen arbeidsgiver med organisasjonsnummer 974 112 345 finnes i databasen; "
        "importer arbeidsgiverne først",
        "linje 6, kolonne ref: Referansen «p00001» står også på linje 2 (store og små bokstaver regnes som like)"]
    assert sql_rows(db_path, "SELECT count(*) FROM person") == [(0,)]


def test_a_need_for_a_person_without_consent_to_storage_is_refused(capsys, tmp_path: Path, db_path: Path) -> None:
    persons = write(tmp_path / "personer.csv", PERSONS, "P00001;Kari Nordmann;1836;kari@example.no;;;ja;;;")
    assert run_cli(capsys, "import", "persons", persons, "--db", db_path)[0] == 0
    withdrawn = write(tmp_path / "trukket.csv", PERSONS, "P00001;Kari Nordmann;1836;kari@example.no;;;nei;;;")
    assert run_cli(capsys, "import", "persons", withdrawn, "--db", db_path)[0] == 0
    needs = write(tmp_path / "behov.csv", "ref;employer;person;community;title;headcount",
                  "H1;;P00001;;Helsefagarbeider;1",
                  "H2;;P00009;;Helsefagarbeider;1",
                  "H3;;P00001;;Helsefagarbeider;2",
                  "H4;988077917;;1836;Sykepleiere;5",
                  "H5;;;Atlantis;Sykepleiere;5",
                  "H6;;;;Sykepleiere;5")
    code, _out, err = run_cli(capsys, "import", "needs", needs, "--db", db_path)
    assert code == 1
    assert err.splitlines()[:6] == [
        "linje 2, kolonne person: Personen P00001 har ikke samtykket til at behovet lagres. Registrer samtykket først",
        "linje 3, kolonne person: Ingen person har referansen «P00009» i databasen; importer personene først",
        "linje 4, kolonne headcount: Et behov for en person gjelder én person, så antall må være 1, ikke 2",
        "linje 5, kolonne community: Et behov har én eier, men her er både arbeidsgiver og lokalsamfunn oppgitt; "
        "fjern den ene",
        "linje 6, kolonne community: Finner ingen kommune eller region som heter «Atlantis». Regionene er: "
        + err.splitlines()[4].split("Regionene er: ")[1],
        "linje 7, kolonne employer: Behovet mangler eier: oppgi en arbeidsgiver (organisasjonsnummer), en person "
        "(referanse som P00001) eller et lokalsamfunn (kommune eller region)"]
    assert sql_rows(db_path, "SELECT count(*) FROM need") == [(0,)]


def test_a_file_without_consent_columns_leaves_consent_as_it_is(capsys, tmp_path: Path, db_path: Path) -> None:
    persons = write(tmp_path / "personer.csv", PERSONS, "P00001;Kari Nordmann;1836;kari@example.no;;;ja;ja;ja;")
    assert run_cli(capsys, "import", "persons", persons, "--db", db_path)[0] == 0
    moved = write(tmp_path / "flyttet.csv", "ref;name;municipality;email", "P00001;Kari Nordmann;1804;kari@example.no",
                  ";Ny Person;1804;ny@example.no")
    code, _out, err = run_cli(capsys, "import", "persons", moved, "--db", db_path)
    assert code == 1 and "linje 3, kolonne consent_stored: En ny person kan bare lagres med samtykke" in err
    moved = write(tmp_path / "flyttet.csv", "ref;name;municipality;email", "P00001;Kari Nordmann;1804;kari@example.no")
    assert run_cli(capsys, "import", "persons", moved, "--db", db_path)[1] == (
        "Importerte 1 person: 0 nye, 1 oppdatert.\n")
    assert sql_rows(db_path, "SELECT municipality FROM person") == [("1804",)]
    assert sql_rows(db_path, "SELECT stored, contact, statistics FROM consent") == [(1, 1, 1)]  # still the one


def test_a_file_that_withdraws_storage_says_it_erases_the_needs(capsys, tmp_path: Path, db_path: Path) -> None:
    """«nei» to storage for a person who had said yes erases their needs (as the window does), and the
    command says so before and after: a warning on the line, and the count in the summary."""
    persons = write(tmp_path / "personer.csv", PERSONS, "P00001;Kari Nordmann;Rødøy;kari@example.no;;;ja;ja;ja;")
    assert run_cli(capsys, "import", "persons", persons, "--db", db_path)[0] == 0
    needs = write(tmp_path / "behov.csv", "ref;person;title;headcount", "H1;P00001;Helsefagarbeider;",
                  "H2;P00001;Fagbrev i barne- og ungdomsarbeiderfaget;")
    assert run_cli(capsys, "import", "needs", needs, "--db", db_path)[0] == 0

    withdrawn = write(tmp_path / "trukket.csv", PERSONS, "P00001;Kari Nordmann;Rødøy;kari@example.no;;;nei;nei;nei;")
    code, out, err = run_cli(capsys, "import", "persons", withdrawn, "--db", db_path, "--dry-run")
    assert code == 0 and "Ingenting er lagret" in out
    assert err == ("linje 2, kolonne consent_stored: advarsel: P00001: samtykket til lagring trekkes, så personens "
                   "2 behov slettes for godt ved importen (sikkerhetskopier beholder dem til de roteres ut)\n")
    assert sql_rows(db_path, "SELECT count(*) FROM need") == [(2,)]

    code, out, err = run_cli(capsys, "import", "persons", withdrawn, "--db", db_path)
    assert code == 0 and "advarsel" in err
    assert out == ("Importerte 1 person: 0 nye, 1 oppdatert. "
                   "Slettet 2 behov for godt fordi samtykket til lagring er trukket.\n")
    assert sql_rows(db_path, "SELECT count(*) FROM need") == [(0,)]
