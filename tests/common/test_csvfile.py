"""The one CSV reader and writer: encodings, delimiters, headers, line numbers, atomic writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpdesk.common import csvfile
from kpdesk.common.csvfile import CsvError, CsvProblem
from kpdesk.common.errors import UserError

COLUMNS = ("org_number", "name", "municipality", "notes")
REQUIRED = ("org_number", "name")


def parse(data: bytes, **kwargs) -> csvfile.CsvTable:
    return csvfile.parse(data, COLUMNS, required=REQUIRED, **kwargs)


def error(data: bytes) -> CsvError:
    with pytest.raises(CsvError) as caught:
        parse(data)
    return caught.value


# ---------------------------------------------------------------- encodings

@pytest.mark.parametrize(("data", "encoding"), [
    ("org_number;name\n1;Bø\n".encode("utf-8-sig"), "utf-8-sig"),
    ("org_number;name\n1;Bø\n".encode(), "utf-8"),
    ("org_number;name\n1;Bø\n".encode("cp1252"), "cp1252"),
])
def test_encodings(data: bytes, encoding: str) -> None:
    table = parse(data)
    assert table.encoding == encoding
    assert table.rows[0].values["name"] == "Bø"


def test_windows_1252_specials() -> None:
    table = parse("org_number;name;notes\n1;Sørfold Æøå AS;«sitat» – 5 €\n".encode("cp1252"))
    assert table.rows[0].values == {"org_number": "1", "name": "Sørfold Æøå AS", "notes": "«sitat» – 5 €"}
    assert table.encoding_name == "Windows-1252"


@pytest.mark.parametrize("data", [
    "org_number;name\n1;Bø\n".encode("utf-16"),
    "org_number;name\n1;Bø\n".encode("utf-16-le"),
    b"org_number;name\n1;\x00\x01\x02\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
])
def test_unknown_encoding(data: bytes) -> None:
    exc = error(data)
    assert "ukjent tegnkoding" in exc.message
    assert "CSV UTF-8" in exc.message


def test_unknown_encoding_names_the_line() -> None:
    exc = error(b"org_number;name\n1;a\n2;\x81\x8d\n")
    assert exc.line == 3
    assert exc.message.startswith("Filen har ukjent tegnkoding: byte 0x81 kan verken leses som UTF-8 eller "
                                  "Windows-1252")


def test_control_characters_are_refused() -> None:
    exc = error(b"org_number;name\n1;a\x07b\n")
    assert exc.line == 2
    assert "kontrolltegnet 0x07" in exc.message


def test_broken_utf8_after_a_bom() -> None:
    exc = error(b"\xef\xbb\xbforg_number;name\n1;\xc3\n")
    assert "sier den er UTF-8" in exc.message and exc.line == 2


# ---------------------------------------------------------------- delimiters and header

@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiters_are_sniffed_on_the_header(delimiter: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([("name", "org_number", "notes"), ("A, B og C", "1", "x;y")])
    table = parse(buffer.getvalue().encode())
    assert table.delimiter == delimiter
    assert table.rows[0].values == {"name": "A, B og C", "org_number": "1", "notes": "x;y"}


def test_header_case_spaces_order_and_aliases() -> None:
    table = parse(b" Name ;ORG_NUMBER;Kommune\nA;1;Bod\xc3\xb8\n", aliases={"kommune": "municipality"})
    assert table.columns == ("name", "org_number", "municipality")
    assert table.rows[0].values == {"name": "A", "org_number": "1", "municipality": "Bodø"}


def test_unknown_column_is_a_warning() -> None:
    table = parse(b"org_number;name;fax\n1;A;123\n")
    assert table.problems == [CsvProblem(1, "fax", "Kolonnen «fax» er ukjent og blir ikke lest (kjente kolonner: "
                                                   "org_number;name;municipality;notes)", warning=True)]
    assert table.rows[0].values == {"org_number": "1", "name": "A"}


def test_missing_required_column_lists_the_expected_ones() -> None:
    exc = error(b"org_number;notes\n1;x\n")
    assert exc.line == 1
    assert exc.message == ("Overskriftsraden mangler kolonnen «name». "
                           "Forventede kolonner: org_number;name;municipality;notes")


def test_file_without_header() -> None:
    exc = error(b"935112346;Fauske kommune;1841;\n968812343;Bodo;1804;\n")
    assert exc.line == 1
    assert exc.message == ("Filen mangler overskriftsrad: første linje er «935112346;Fauske kommune;1841;». "
                           "Første linje skal inneholde kolonnenavnene, for eksempel: "
                           "org_number;name;municipality;notes")


def test_empty_files() -> None:
    for data in (b"", b"\xef\xbb\xbf", b"\r\n\r\n", b";;;\n"):
        assert error(data).message.startswith("Filen er tom.")


def test_duplicate_column() -> None:
    assert error(b"org_number;name;Name\n1;a;b\n").message == "Kolonnen «name» står to ganger i overskriftsraden."


# ---------------------------------------------------------------- rows and line numbers

def test_line_numbers_count_physical_lines() -> None:
    data = (b'org_number;name;notes\r\n'
            b'1;A;"to\r\nlinjer"\r\n'
            b'\r\n'
            b';;\r\n'
            b'2;B;"tre\nlinjer\rher"\r\n'
            b'3;C;\r\n')
    table = parse(data)
    assert [(r.line, r.values["org_number"]) for r in table.rows] == [(2, "1"), (6, "2"), (9, "3")]
    assert table.rows[0].values["notes"] == "to\r\nlinjer"


def test_blank_lines_before_the_header() -> None:
    table = parse(b"\n\norg_number;name\n1;A\n")
    assert table.header_line == 3
    assert [r.line for r in table.rows] == [4]


def test_short_and_long_rows_are_reported_not_guessed() -> None:
    """A short row is not padded: its missing fields, read as empty, would clear stored values
    (an employer's municipality) on import. Empty trailing fields written out are fine."""
    table = parse(b"org_number;name;notes\n1;A\n2;B;x;;\n3;C;x;extra\n4;D;\n")
    assert [r.values for r in table.rows] == [{"org_number": "2", "name": "B", "notes": "x"},
                                              {"org_number": "4", "name": "D", "notes": ""}]
    assert table.problems == [
        CsvProblem(2, "", "Linjen har 2 felt, men overskriftsraden har 3; et tomt felt skrives med skilletegn "
                          "(«;»), sjekk også anførselstegn"),
        CsvProblem(4, "", "Linjen har 4 felt, men overskriftsraden har 3; sjekk skilletegn og anførselstegn"),
    ]


def test_unclosed_quote_is_reported_at_its_line() -> None:
    table = parse(b'org_number;name\n1;A\n2;"B\n3;C\n')
    assert [r.line for r in table.rows] == [2]
    assert table.problems == [CsvProblem(3, "", 'Et felt som begynner med anførselstegn (") blir aldri avsluttet; '
                                                "resten av filen er ikke lest")]


def test_stray_quote_after_closing_quote() -> None:
    table = parse(b'org_number;name\n1;"A"x\n')
    assert table.problems[0].line == 2
    assert table.problems[0].message.startswith("Feil bruk av anførselstegn")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_give_a_table_or_a_csv_error(data: bytes) -> None:
    try:
        table = parse(data)
    except CsvError as exc:
        assert exc.message and exc.line >= 1
    else:
        assert all(r.line > table.header_line for r in table.rows)
        assert all(set(r.values) == set(table.columns) for r in table.rows)


_cell = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\r\t;,\""), max_size=15)


@settings(max_examples=200)
@given(st.lists(st.tuples(_cell, _cell, _cell), max_size=8))
def test_written_files_read_back_identically(rows: list[tuple[str, str, str]]) -> None:
    header = ("org_number", "name", "notes")
    table = csvfile.parse(csvfile.to_bytes(header, rows), header, required=header)
    kept = [r for r in rows if any(v.strip() for v in r)]
    assert [tuple(r.values[c] for c in header) for r in table.rows] == kept
    assert table.problems == [] and table.delimiter == ";"
    lines = [r.line for r in table.rows]
    assert lines == sorted(set(lines))


# ---------------------------------------------------------------- writing

def test_writer_format(tmp_path: Path) -> None:
    target = tmp_path / "ut.csv"
    csvfile.write(target, ("a", "b", "c", "d"), [(dt.date(2027, 6, 5), None, True, "x;y\nz"), (1, "Bø", False, "")])
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == 'a;b;c;d\r\n05.06.2027;;ja;"x;y\nz"\r\n1;Bø;nei;\r\n'
    assert [p.name for p in tmp_path.iterdir()] == ["ut.csv"]  # no temporary file left


def test_writer_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ut.csv"
    target.write_text("gammel")

    def broken_replace(src, dst) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(UserError, match=r"Disken er full.*ut\.csv"):
        csvfile.write(target, ("a",), [("1",)])
    assert target.read_text() == "gammel"
    assert [p.name for p in tmp_path.iterdir()] == ["ut.csv"]


def test_writer_missing_folder_and_folder_target(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"Mappen .*finnes ikke"):
        csvfile.write(tmp_path / "mangler" / "ut.csv", ("a",), [])
    with pytest.raises(UserError, match="er en mappe"):
        csvfile.write(tmp_path, ("a",), [])


def test_read_bytes_messages(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"Filen .*finnes\.csv finnes ikke\."):
        csvfile.read_bytes(tmp_path / "finnes.csv")
    with pytest.raises(UserError, match=r"Mappen .*mappe finnes ikke"):
        csvfile.read_bytes(tmp_path / "mappe" / "fil.csv")
    with pytest.raises(UserError, match="er en mappe, ikke en fil"):
        csvfile.read_bytes(tmp_path)


def test_a_missing_column_is_also_named_as_people_write_it() -> None:
    with pytest.raises(CsvError) as caught:
        csvfile.parse(b"orgnr;notat\n1;x\n", ("org_number", "name", "notes"), required=("org_number", "name"),
                      aliases={"orgnr": "org_number", "navn": "name", "arbeidsgiver": "name", "notat": "notes"})
    assert caught.value.message.startswith("Overskriftsraden mangler kolonnen «name» (eller «navn»). ")


def test_a_header_of_unknown_names_is_called_a_header() -> None:
    exc = error(b"foo;bar;baz\nx;y;z\n")
    assert exc.line == 1
    assert exc.message.startswith("Ingen av kolonnenavnene i første linje («foo;bar;baz») er kjent. ")
