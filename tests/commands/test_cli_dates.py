"""Every date and week option of the command line refuses a year outside 1900–2100 with a sentence
(``report schedule --week 9999-W52`` and ``report doorsign --date 31.12.9999`` were internal errors)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run_cli, sql_rows

from kpdesk.cli import EXIT_DATA, EXIT_OK


def an_employer(demo: Path) -> str:
    return sql_rows(demo, "SELECT org_number FROM employer ORDER BY id LIMIT 1")[0][0]


REPORT_OPTIONS = [
    (["matching", "--employer", "{org}"], "--as-of", "31.12.9999", "Datoen"),
    (["matching", "--employer", "{org}"], "--as-of", "31.12.1899", "Datoen"),
    (["offer", "--offer", "T0002"], "--as-of", "9999-12-31", "Datoen"),
    (["handout", "--region", "Salten"], "--as-of", "01.01.2101", "Datoen"),
    (["schedule"], "--week", "9999-W52", "Uken"),
    (["schedule"], "--week", "52/9999", "Uken"),
    (["schedule"], "--week", "1899-W52", "Uken"),
    (["doorsign", "--room", "Eksamensrom"], "--date", "31.12.9999", "Datoen"),
    (["doorsign", "--room", "Eksamensrom"], "--date", "1899-12-31", "Datoen"),
]


def refusal(option: str, what: str, text: str) -> str:
    return f"kpdesk: {option}: {what} «{text}» er urimelig; året må være mellom 1900 og 2100.\n"


@pytest.mark.parametrize(("args", "option", "text", "what"), REPORT_OPTIONS)
def test_report_options_refuse_years_outside_the_range(capsys: pytest.CaptureFixture[str], demo: Path,
                                                       tmp_path: Path, args: list[str], option: str, text: str,
                                                       what: str) -> None:
    out = tmp_path / "rapport.pdf"
    code, stdout, stderr = run_cli(capsys, "report", args[0], "--db", demo, "--out", out,
                                   *[a.format(org=an_employer(demo)) for a in args[1:]], option, text)
    assert (code, stdout, stderr) == (EXIT_DATA, "", refusal(option, what, text))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["9999-12-31", "31.12.1899"])
def test_match_as_of_refuses_years_outside_the_range(capsys: pytest.CaptureFixture[str], demo: Path,
                                                     text: str) -> None:
    assert run_cli(capsys, "match", "--db", demo, "--as-of", text) == (
        EXIT_DATA, "", refusal("--as-of", "Datoen", text))


@pytest.mark.parametrize("text", ["31.12.9999", "1899-01-01"])
def test_person_due_as_of_refuses_years_outside_the_range(capsys: pytest.CaptureFixture[str], demo: Path,
                                                          text: str) -> None:
    code, stdout, stderr = run_cli(capsys, "person", "due", "--db", demo, "--as-of", text)
    assert (code, stdout) == (EXIT_DATA, "")
    assert stderr.startswith(refusal("--as-of", "Datoen", text).rstrip(".\n"))  # person.py adds no final stop


@pytest.mark.parametrize(("args", "title"), [
    (["schedule", "--week", "2100-W52"], "Ukeplan"),
    (["schedule", "--week", "1900-W01"], "Ukeplan"),
    (["doorsign", "--room", "Eksamensrom", "--date", "31.12.2100"], "dørskilt"),
    (["doorsign", "--room", "Eksamensrom", "--date", "01.01.1900"], "dørskilt"),
])
def test_the_ends_of_the_range_make_reports(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path,
                                            args: list[str], title: str) -> None:
    out = tmp_path / "rapport.pdf"
    code, stdout, stderr = run_cli(capsys, "report", args[0], "--db", demo, "--out", out, *args[1:])
    assert (code, stderr) == (EXIT_OK, "")
    assert title.casefold() in stdout.casefold() and out.read_bytes().startswith(b"%PDF-")


def test_a_week_is_read_in_every_form_the_help_names(capsys: pytest.CaptureFixture[str], demo: Path,
                                                     tmp_path: Path) -> None:
    for text in ("2027-W20", "2027w20", "20/2027"):
        out = tmp_path / "uke.pdf"
        code, stdout, _ = run_cli(capsys, "report", "schedule", "--db", demo, "--out", out, "--week", text)
        assert code == EXIT_OK and "uke 20, 2027" in stdout
    code, _, stderr = run_cli(capsys, "report", "schedule", "--db", demo, "--out", tmp_path / "x.pdf",
                              "--week", "2027-W54")
    assert (code, stderr) == (EXIT_DATA, "kpdesk: --week: Uke 54 finnes ikke i 2027.\n")
