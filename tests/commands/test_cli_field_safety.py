"""``kpdesk import employers`` with hostile contact details: a formula for an e-mail address, invisible
characters in a name or an address. The file is refused with the line, column and character, and
nothing is stored, so every stored address can be found and erased by what it looks like."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import count_rows, run_cli

from kpdesk.cli import EXIT_DATA, EXIT_OK
from kpdesk.db.models import ContactPerson, Employer

HEADER = "org_number;name;contact_name;contact_email\r\n"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "arbeidsgivere.csv"
    path.write_bytes((HEADER + "".join(f"{row}\r\n" for row in rows)).encode())
    return path


@pytest.mark.parametrize(("row", "problem"), [
    ("988077917;Fauske kommune;Kari Nordmann;=cmd|'/ccalc'!a0@evil.no",
     "linje 2, kolonne contact_email: «=cmd|'/ccalc'!a0@evil.no» er ikke en e-postadresse: tegnet «=» kan ikke stå "
     "foran @ (skriv for eksempel navn@firma.no)"),
    ("988077917;Fauske kommune;Kari Nordmann;kari\u200b@fauske.no",
     "linje 2, kolonne contact_email: E-postadressen inneholder et usynlig tegn (U+200B, nullbredde mellomrom) "
     "etter «kari»; skriv teksten inn på nytt"),
    ("988077917;Fauske kommune;Kari\u202e Nordmann;kari@fauske.no",
     "linje 2, kolonne contact_name: Navnet inneholder et usynlig tegn (U+202E, høyre-til-venstre-overstyring) "
     "etter «Kari»; skriv teksten inn på nytt"),
    ("988077917;Fauske\u0085kommune;Kari Nordmann;kari@fauske.no",
     "linje 2, kolonne name: Navnet har et linjeskift etter «Fauske»; skriv alt på én linje"),
    ('988077917;"Fauske\nkommune";Kari Nordmann;kari@fauske.no',
     "linje 2, kolonne name: Navnet har et linjeskift etter «Fauske»; skriv alt på én linje"),
])
def test_hostile_contact_details_are_refused_and_nothing_is_stored(capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path, db_path: Path, row: str,
                                                                   problem: str) -> None:
    assert run_cli(capsys, "import", "employers", write(tmp_path, "974112345;Saltdal Trelast AS;;"),
                   "--db", db_path)[0] == EXIT_OK
    code, out, err = run_cli(capsys, "import", "employers", write(tmp_path, row), "--db", db_path)
    assert (code, out) == (EXIT_DATA, "")
    assert problem in err.splitlines()
    assert (count_rows(db_path, Employer), count_rows(db_path, ContactPerson)) == (1, 0)


def test_a_clean_contact_goes_in_and_is_found_by_its_plain_address(capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path, db_path: Path) -> None:
    """What ``person erase`` looks a person up by (``person export`` here: it changes nothing)."""
    file = write(tmp_path, "988077917;Fauske kommune;Kari Nordmann;Kari.Nordmann@Fauske.no")
    assert run_cli(capsys, "import", "employers", file, "--db", db_path)[0] == EXIT_OK
    code, out, err = run_cli(capsys, "person", "export", "--db", db_path, "--email", "kari.nordmann@fauske.no",
                             "--out", tmp_path / "innsyn.json")
    assert code == EXIT_OK, err
    assert "1 kontaktperson" in out
