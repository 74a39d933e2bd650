"""The one CSV reader and the one CSV writer for everything kpdesk imports and exports.

Reading is tolerant of what Norwegian offices produce: Excel's "CSV UTF-8" (with BOM), plain
UTF-8, or Windows-1252 from an older Excel; ``;``, ``,`` or tab as delimiter; header names in any
case and order, with Norwegian aliases. It is strict where guessing would corrupt data: a file
in another encoding (UTF-16, binary), a file that is UTF-8 on some lines and something else on
others, or a file without the expected header is refused with a sentence that says what to do.
Line numbers are physical lines in the file (header = line 1), counted correctly across quoted
line breaks, so a coordinator can find the row in a text editor.

Rows are read lazily: a ``CsvTable`` parses the file's bytes each time it is iterated and keeps
no row, so a million-row file costs its bytes and one row at a time. The encoding is decided
once for the whole file (with a pass over the bytes that builds no text), then every line is
checked against it.

Writing always gives ``;``, UTF-8 with BOM and CRLF (what Excel in Norway opens directly),
dates as dd.mm.yyyy, through a temporary file in the target folder and ``os.replace``.

**Formulas** (OWASP "CSV Injection"): a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab
or carriage return would be a live formula in Excel or LibreOffice (``=HYPERLINK(…)``,
``=cmd|' /C calc'!A0``, ``@SUM(1+1)``). The writer puts a single quote ``'`` in front of such a
cell, which both show as text, and in front of a cell that already starts with quotes followed
by one of those characters, so the mapping can be undone: the reader removes exactly one ``'``
from any cell that starts with one or more quotes and then one of those characters. kpdesk's
own export imported again gives the original values, and an export of that gives the same
bytes. The full-width forms ``＝ ＋ － ＠`` are treated the same way: a spreadsheet with East Asian
input settings may turn them into formula characters, and a Norwegian cell rarely starts with
one. The price: a text value such as a foreign phone number ``+4412345678`` or ``-5`` kept as text
appears as ``'+4412345678`` in the file (Excel shows it without the quote). Numbers written as
numbers (int, float, Decimal) are not quoted: their text is never a formula.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kpdesk.common.errors import UserError, os_reason
from kpdesk.common.file_kinds import special_kind
from kpdesk.common.norsk import format_date

DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabulator"}
ENCODING_NAMES = {"utf-8-sig": "UTF-8 med BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252"}
MAX_FILE_BYTES = 300 * 1_000_000  # a million rows of a few hundred characters each
MAX_LINES_NAMED = 10  # lines listed in a message; the rest are counted ("og 4 til")

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # the same bytes in UTF-8 and Windows-1252
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)?")  # one physical line, as universal newlines split them
_CHUNK = 1 << 20
_ADVICE = "Lagre filen som «CSV UTF-8 (kommadelt)» i Excel og prøv igjen."

FORMULA_STARTS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
_QUOTED_FORMULA = re.compile("'+[" + re.escape(FORMULA_STARTS) + "]")


class CsvError(UserError):
    """The file as a whole cannot be read; ``line`` is where the trouble is (1 for the header)."""

    def __init__(self, message: str, *, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class CsvProblem:
    line: int
    column: str  # canonical column name, or "" for the whole line
    message: str
    warning: bool = False


class RowValues(Mapping[str, str]):
    """One row's cells under canonical column names: the row's list and the table's shared index
    (no dictionary per row)."""

    __slots__ = ("_cells", "_positions")

    def __init__(self, cells: Sequence[str], positions: Mapping[str, int]) -> None:
        self._cells = cells
        self._positions = positions

    def __getitem__(self, column: str) -> str:
        return self._cells[self._positions[column]]

    def get(self, column: str, default: str | None = None) -> str | None:  # type: ignore[override]
        index = self._positions.get(column)
        return default if index is None else self._cells[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # physical line where the row starts
    values: Mapping[str, str]  # canonical column -> raw text, for the columns the header has


class CsvTable:
    """A checked header and the rows under it, parsed from the file's bytes each time the table
    is iterated (``for row in table``); ``rows`` lists them all, for small files."""

    def __init__(self, data: bytes, encoding: str, delimiter: str, header_line: int, width: int,
                 positions: dict[str, int], problems: list[CsvProblem],
                 written: Mapping[str, str] | None = None) -> None:
        self._data = data
        self.encoding = encoding  # a key of ENCODING_NAMES
        self.delimiter = delimiter
        self.header_line = header_line
        self._width = width  # fields in the header, known or not
        self._positions = positions  # canonical column -> index in the header
        self._header_problems = problems
        self._row_problems: list[CsvProblem] | None = None
        self.columns = tuple(sorted(positions, key=positions.__getitem__))  # canonical, in file order
        self.written = dict(written or {})  # canonical column -> its name as the file's header writes it

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES[self.encoding]

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES[self.delimiter]

    @property
    def problems(self) -> list[CsvProblem]:
        """The header's problems and the rows' (lines with the wrong number of fields, broken
        quotes); reads the rows if no full pass has been made yet."""
        if self._row_problems is None:
            for _ in self:
                pass
        return [*self._header_problems, *(self._row_problems or [])]

    @property
    def rows(self) -> list[CsvRow]:
        return list(self)

    def __iter__(self) -> Iterator[CsvRow]:
        lines = _text_lines(self._data, self.encoding)
        for _ in range(self.header_line):
            next(lines)
        problems: list[CsvProblem] = []
        reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        consumed = self.header_line
        while True:
            start = consumed + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.append(CsvProblem(start, "", _csv_error_message(exc)))
                break
            consumed = self.header_line + reader.line_num
            cells = [unescape_formula(c) if c[:1] == "'" else c for c in cells]
            if _is_blank(cells):
                continue
            problem = self._width_problem(start, cells)
            if problem:
                problems.append(problem)
                continue
            yield CsvRow(start, RowValues(cells, self._positions))
        self._row_problems = problems

    def _width_problem(self, line: int, cells: list[str]) -> CsvProblem | None:
        """A row with more fields than the header, or fewer: refused, not guessed."""
        width, count = self._width, len(cells)
        if count > width and not _is_blank(cells[width:]):
            return CsvProblem(line, "", f"Linjen har {count} felt, men overskriftsraden har {width}; sjekk "
                                        "skilletegn og anførselstegn")
        if count < width:  # read as empty, the missing fields would clear what is stored
            shown = self.delimiter if self.delimiter != "\t" else "tabulator"
            return CsvProblem(line, "", f"Linjen har {count} felt, men overskriftsraden har {width}; et tomt "
                                        f"felt skrives med skilletegn («{shown}»), sjekk også anførselstegn")
        return None


# ---------------------------------------------------------------- reading

def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, or a UserError that says plainly why it cannot be read.

    Only a regular file is read: a FIFO, device or socket is refused at once (opening one could
    wait for ever, or read without end).
    """
    target = Path(path).expanduser()
    try:
        info = target.stat()
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise UserError(f"Mappen {target.parent} finnes ikke, så {target.name} kan ikke leses.") from None
        raise UserError(f"Filen {target} finnes ikke.") from None
    except PermissionError:
        raise UserError(f"Kan ikke lese {target}: du har ikke tilgang til mappen den ligger i.") from None
    except OSError as exc:
        raise UserError(f"Kan ikke lese {target}: {os_reason(exc)}.") from None
    _refuse_special(target, info.st_mode)
    if info.st_size > MAX_FILE_BYTES:
        raise UserError(f"{target} er for stor til å være en CSV-fil fra kpdesk "
                        f"(over {MAX_FILE_BYTES // 1_000_000} MB).")
    try:
        return target.read_bytes()
    except PermissionError:
        raise UserError(f"Kan ikke lese {target}: du har ikke lesetilgang til filen.") from None
    except OSError as exc:
        raise UserError(f"Kan ikke lese {target}: {os_reason(exc)}.") from None


def _refuse_special(target: Path, mode: int) -> None:
    """UserError unless ``mode`` is a regular file's."""
    if stat.S_ISDIR(mode):
        raise UserError(f"{target} er en mappe, ikke en fil.")
    kind = special_kind(mode)
    if kind is not None:
        raise UserError(f"{target} er ikke en vanlig fil, men {kind}, så kpdesk leser den ikke. Velg en CSV-fil.")


def _line_of(data: bytes, offset: int) -> int:
    """The physical line of a byte offset (a line ends at CRLF, LF or a lone CR)."""
    return data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1


def _byte_lines(data: bytes, start: int = 0) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of every physical line, without building a list."""
    for number, match in enumerate(_LINE.finditer(data, start), 1):
        if match.start() == match.end():
            return
        yield number, match.group()


def _named_lines(lines: Sequence[int]) -> str:
    """«linje 7», «linje 7 og 12», «linje 2, 3, …, 11 og 4 til»."""
    shown = [str(n) for n in lines[:MAX_LINES_NAMED]]
    rest = len(lines) - len(shown)
    if rest:
        return f"linje {', '.join(shown)} og {rest} til"
    if len(shown) == 1:
        return f"linje {shown[0]}"
    return f"linje {', '.join(shown[:-1])} og {shown[-1]}"


def _is_utf8(data: bytes, start: int) -> bool:
    """Whether ``data[start:]`` is valid UTF-8, checked in chunks (no text of the whole file)."""
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for offset in range(start, len(data), _CHUNK):
            decoder.decode(view[offset:offset + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_lines(data: bytes, start: int) -> tuple[list[int], bool]:
    """The lines that are not valid UTF-8, and whether any line holds valid non-ASCII UTF-8."""
    bad: list[int] = []
    any_utf8 = False
    for number, line in _byte_lines(data, start):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
        else:
            any_utf8 = True
    return bad, any_utf8


def _mixed_encoding(bad: Sequence[int]) -> CsvError:
    return CsvError(f"Filen er for det meste UTF-8, men {_named_lines(bad)} er i en annen tegnkoding "
                    f"(trolig Windows-1252). Lagre filen på nytt som «CSV UTF-8 (kommadelt)» i Excel, eller rett "
                    f"de linjene, og prøv igjen; ingenting er lest, så ingen tegn blir lagret feil.", line=bad[0])


def _check_cp1252(data: bytes) -> None:
    """CsvError at the first byte Windows-1252 has no character for."""
    decoder = codecs.getincrementaldecoder("cp1252")()
    view = memoryview(data)
    for offset in range(0, len(data), _CHUNK):
        try:
            decoder.decode(view[offset:offset + _CHUNK])
        except UnicodeDecodeError as exc:
            where = offset + exc.start
            raise CsvError(f"Filen har ukjent tegnkoding: byte 0x{data[where]:02X} kan verken leses som UTF-8 "
                           f"eller Windows-1252. {_ADVICE}", line=_line_of(data, where)) from None


def detect_encoding(data: bytes) -> str:
    """The encoding of the whole file (a key of ENCODING_NAMES), or CsvError.

    UTF-8 (with or without BOM) when every line is UTF-8; Windows-1252 when no line holds valid
    non-ASCII UTF-8; a file with both kinds of lines is refused, naming the lines that are not
    UTF-8, since reading it either way would store some of its letters wrong. So are UTF-16,
    NUL bytes and control characters.
    """
    if any(data.startswith(bom) for bom in _OTHER_BOMS):
        raise CsvError(f"Filen har ukjent tegnkoding (den ser ut til å være UTF-16 eller UTF-32). {_ADVICE}")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CsvError(f"Filen har ukjent tegnkoding: den inneholder NUL-tegn, så den er UTF-16 eller ikke en "
                       f"tekstfil. {_ADVICE}", line=_line_of(data, nul))
    start = 3 if data.startswith(_UTF8_BOM) else 0
    if _is_utf8(data, start):
        encoding = "utf-8-sig" if start else "utf-8"
    else:
        bad, any_utf8 = _utf8_lines(data, start)
        if start:
            raise CsvError(f"Filen har ukjent tegnkoding: den sier den er UTF-8, men {_named_lines(bad)} er ikke "
                           f"gyldig UTF-8. {_ADVICE}", line=bad[0] if bad else 1)
        if any_utf8:
            raise _mixed_encoding(bad)
        _check_cp1252(data)
        encoding = "cp1252"
    end = len(data)
    while end > start and data[end - 1] == 0x1A:  # DOS end-of-file marks
        end -= 1
    control = _CONTROL.search(data, start, end)
    if control:
        raise CsvError(f"Filen har ukjent tegnkoding eller er ikke en tekstfil: den inneholder kontrolltegnet "
                       f"0x{control.group()[0]:02X}. {_ADVICE}", line=_line_of(data, control.start()))
    return encoding


def _text_lines(data: bytes, encoding: str) -> Iterator[str]:
    """The file's lines as text, line ends kept (CRLF, LF or CR), without a trailing DOS end-of-file mark."""
    for line in io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""):
        if line.endswith(("\n", "\r")):
            yield line
        else:  # the last line
            yield line.rstrip("\x1a")


def unescape_formula(text: str) -> str:
    """A cell as written before ``escape_formula``: one leading ``'`` less when quotes precede a
    formula character."""
    return text[1:] if _QUOTED_FORMULA.match(text) else text


def _normal_name(name: str) -> str:
    cleaned = name.replace("\ufeff", "").strip().strip("\"'").strip().casefold()
    return re.sub(r"[\s\-]+", "_", cleaned)


def _is_blank(values: Iterable[str]) -> bool:
    return all(not v.strip() for v in values)


def _split_header(line: str, delimiter: str) -> list[str]:
    empty: list[str] = []
    return next(csv.reader([line], delimiter=delimiter), empty)


def _sniff(line: str, known: Mapping[str, str]) -> str:
    """The delimiter that splits the header line into the most known column names."""
    def score(delimiter: str) -> tuple[int, int]:
        names = _split_header(line, delimiter)
        return sum(_normal_name(n) in known for n in names), len(names)

    return max(DELIMITERS, key=lambda d: (*score(d), -DELIMITERS.index(d)))


_CSV_ERRORS = (
    ("unexpected end of data", "Et felt som begynner med anførselstegn (\") blir aldri avsluttet"),
    ("expected after", "Feil bruk av anførselstegn: etter et avsluttende \" skal det komme skilletegn eller "
                       "linjeslutt"),
    ("field larger than field limit", "Et felt er for langt"),
)


def _csv_error_message(exc: csv.Error) -> str:
    text = str(exc)
    for needle, message in _CSV_ERRORS:
        if needle in text:
            return f"{message}; resten av filen er ikke lest"
    return f"Linjen kan ikke leses som CSV ({text}); resten av filen er ikke lest"


def _header(data: bytes, encoding: str, expected: str) -> tuple[int, str]:
    """(line number, text) of the header: the first line with anything in it."""
    for number, line in enumerate(_text_lines(data, encoding), 1):
        if line.strip(" \t\r\n;,\"'"):
            return number, line.rstrip("\r\n")
    raise CsvError(f"Filen er tom. Første linje skal være overskriftsraden: {expected}")


def parse(data: bytes, columns: Sequence[str], *, required: Sequence[str] = (), optional: Sequence[str] = (),
          aliases: Mapping[str, str] | None = None) -> CsvTable:
    """The header of a CSV file checked, its rows to be read under canonical column names;
    file-level trouble (encoding, header) raises CsvError.

    ``columns`` are the canonical names (messages list them), ``required`` those the header must
    have, ``optional`` further names read when present but not advertised, ``aliases`` other
    header names (Norwegian, say) for canonical ones.
    """
    encoding = detect_encoding(data)
    known = {_normal_name(c): c for c in (*columns, *optional)}
    known.update({_normal_name(a): c for a, c in (aliases or {}).items()})
    expected = ";".join(columns)
    header_line, first = _header(data, encoding, expected)
    delimiter = _sniff(first, known)
    header = _split_header(first, delimiter)
    names = [_normal_name(n) for n in header]

    if not any(n in known for n in names):
        shown = first if len(first) <= 80 else first[:77] + "…"
        if not any(ch.isdigit() for ch in first):  # words, so a header, but none of its names is known
            raise CsvError(f"Ingen av kolonnenavnene i første linje («{shown}») er kjent. Første linje skal "
                           f"inneholde kolonnenavnene, for eksempel: {expected}", line=header_line)
        raise CsvError(f"Filen mangler overskriftsrad: første linje er «{shown}». Første linje skal inneholde "
                       f"kolonnenavnene, for eksempel: {expected}", line=header_line)
    problems: list[CsvProblem] = []
    positions: dict[str, int] = {}
    for index, (raw, name) in enumerate(zip(header, names, strict=True)):
        canonical = known.get(name)
        if canonical is None:
            if name:
                problems.append(CsvProblem(header_line, raw.strip(), f"Kolonnen «{raw.strip()}» er ukjent og blir "
                                           f"ikke lest (kjente kolonner: {expected})", warning=True))
            continue
        if canonical in positions:
            raise CsvError(f"Kolonnen «{canonical}» står to ganger i overskriftsraden.", line=header_line)
        positions[canonical] = index
    missing = [c for c in required if c not in positions]
    if missing:
        norwegian: dict[str, str] = {}
        for alias, canonical in (aliases or {}).items():
            norwegian.setdefault(canonical, alias)  # the first alias given is the everyday word
        listed = ", ".join(f"«{c}»" + (f" (eller «{norwegian[c]}»)" if c in norwegian else "") for c in missing)
        raise CsvError(f"Overskriftsraden mangler {'kolonnen' if len(missing) == 1 else 'kolonnene'} {listed}. "
                       f"Forventede kolonner: {expected}", line=header_line)
    written = {canonical: header[index].strip() for canonical, index in positions.items()}
    return CsvTable(data, encoding, delimiter, header_line, len(header), positions, problems, written)


def read(path: str | os.PathLike[str], columns: Sequence[str], *, required: Sequence[str] = (),
         optional: Sequence[str] = (), aliases: Mapping[str, str] | None = None) -> CsvTable:
    """``parse`` on a file's bytes."""
    return parse(read_bytes(path), columns, required=required, optional=optional, aliases=aliases)


# ---------------------------------------------------------------- writing

def escape_formula(text: str) -> str:
    """A text cell as a spreadsheet shows it as text: ``'`` in front when it would start a formula
    (or already starts with quotes and then a formula character, so ``unescape_formula`` can undo it)."""
    if text and (text[0] in FORMULA_STARTS or (text[0] == "'" and _QUOTED_FORMULA.match(text))):
        return "'" + text
    return text


def cell(value: object) -> str:
    """A value as kpdesk writes it: dates dd.mm.yyyy, booleans ja/nei, None empty, text that
    would start a formula quoted (numbers are never formulas and stay as they are)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H.%M")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    return escape_formula(str(value))


def to_bytes(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file: header and rows, ``;``, CRLF, UTF-8 with BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(c) for c in columns])
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write(path: str | os.PathLike[str], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV file atomically: readers see the old file or the whole new one, never half."""
    from kpdesk.common.atomic_files import write_atomic

    write_atomic(path, to_bytes(columns, rows), example="eksport.csv")
