"""``kpdesk report …`` through the command line: files, exit codes, messages on stderr."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from support import run_kpdesk, sql_rows


def org_with_needs(demo: Path) -> str:
    return sql_rows(demo, "SELECT e.org_number FROM employer e JOIN need n ON n.employer_id = e.id "
                          "GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1")[0][0]


def text_of(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


@pytest.mark.parametrize("args, expect", [
    (["matching", "--employer", "{org}", "--as-of", "11.01.2027"], "Kurstilbud for"),
    (["matching", "--employer", "valseverket", "--as-of", "11.01.2027"], "Rana Stålverk AS, valseverket"),
    (["offer", "--offer", "T0002", "--as-of", "2027-01-11"], "Kurstilbud T0002"),
    (["handout", "--municipality", "1824", "--municipality", "Rana", "--as-of", "11.01.2027"],
     "Kompetansebehov i Vefsn og Rana"),
    (["handout", "--region", "Salten"], "Kompetansebehov i Salten"),
    (["schedule", "--week", "2027-W20"], "Ukeplan for rommene, uke 20"),
    (["schedule", "--week", "2027-W20", "--room", "Videorom 1"], "Ukeplan Videorom 1, uke 20"),
    (["doorsign", "--room", "Eksamensrom", "--date", "19.05.2027"], "Onsdag 19. mai 2027"),
])
def test_each_report_is_written(demo: Path, tmp_path: Path, args: list[str], expect: str) -> None:
    out = tmp_path / "rapport.pdf"
    org = org_with_needs(demo)
    result = run_kpdesk("report", args[0], "--db", str(demo), "--out", str(out),
                    *[a.format(org=org) for a in args[1:]])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert f"i {out} (" in result.stdout and ("side" in result.stdout)
    assert expect in text_of(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]


@pytest.mark.parametrize("args, message", [
    (["matching", "--employer", "123456785"], "Ingen arbeidsgiver har organisasjonsnummer 123 456 785."),
    (["matching", "--employer", "abc"], "Ingen arbeidsgiver har organisasjonsnummer eller navn «abc»."),
    (["matching", "--employer", "12345"], "«12345» er ikke et organisasjonsnummer"),
    (["matching", "--employer", "kommune"], "«kommune» passer "),
    (["matching", "--employer", "{org}", "--as-of", "31.02.2027"],
     "--as-of: «31.02.2027» finnes ikke: februar 2027 har 28 dager"),
    (["offer", "--offer", "T9999"], "Ingen kurstilbud har referansen «T9999»."),
    (["handout", "--municipality", "9999"], "Kommunen «9999» finnes ikke"),
    (["handout", "--region", "Finnmark"], "Regionen «Finnmark» finnes ikke"),
    (["schedule", "--week", "2027-W54"], "Uke 54 finnes ikke i 2027."),
    (["schedule", "--week", "neste uke"], "«neste uke» er ikke en uke"),
    (["schedule", "--week", "2027-W20", "--room", "Kjelleren"], "Rommet «Kjelleren» finnes ikke."),
    (["doorsign", "--room", "Kjelleren", "--date", "19.05.2027"], "Rommet «Kjelleren» finnes ikke."),
    (["doorsign", "--room", "Auditoriet", "--date", "19/13/2027"], "--date:"),
])
def test_unknown_things_exit_1_with_a_norwegian_message_and_no_file(demo: Path, tmp_path: Path, args: list[str],
                                                                    message: str) -> None:
    out = tmp_path / "rapport.pdf"
    result = run_kpdesk("report", args[0], "--db", str(demo), "--out", str(out),
                    *[a.format(org=org_with_needs(demo)) for a in args[1:]])
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("kpdesk: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_kept_when_the_report_cannot_be_made(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.pdf"
    out.write_bytes(b"%PDF-1.4 gammel")
    result = run_kpdesk("report", "offer", "--db", str(demo), "--out", str(out), "--offer", "T9999")
    assert result.returncode == 1
    assert out.read_bytes() == b"%PDF-1.4 gammel"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.pdf"]
    result = run_kpdesk("report", "offer", "--db", str(demo), "--out", str(out), "--offer", "T0002")
    assert result.returncode == 0
    assert out.read_bytes().startswith(b"%PDF-") and b"gammel" not in out.read_bytes()


def test_bad_output_places_and_usage(demo: Path, tmp_path: Path) -> None:
    result = run_kpdesk("report", "schedule", "--db", str(demo), "--out", str(tmp_path / "mangler" / "x.pdf"),
                    "--week", "2027-W20")
    assert result.returncode == 1 and "Mappen" in result.stderr and "finnes ikke" in result.stderr
    result = run_kpdesk("report", "schedule", "--db", str(demo), "--out", str(tmp_path), "--week", "2027-W20")
    assert result.returncode == 1 and "er en mappe" in result.stderr
    result = run_kpdesk("report", "schedule", "--db", str(tmp_path / "nei.sqlite"), "--out", str(tmp_path / "x.pdf"),
                    "--week", "2027-W20")
    assert result.returncode == 1 and "finnes ikke" in result.stderr
    assert not (tmp_path / "nei.sqlite").exists()
    result = run_kpdesk("report", "doorsign", "--db", str(demo), "--out", str(tmp_path / "x.pdf"),
                        "--room", "Auditoriet")
    assert result.returncode == 2 and "--date" in result.stderr
    result = run_kpdesk("report", "kake", "--db", str(demo))
    assert result.returncode == 2 and "ukjent valg" in result.stderr
    assert run_kpdesk("report", "--help").returncode == 0
