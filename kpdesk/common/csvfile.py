"""The one CSV reader and the one CSV writer for everything kpdesk imports and exports.

Reading is tolerant of what Norwegian offices produce: Excel's "CSV UTF-8" (with BOM), plain
UTF-8, or Windows-1252 from an older Excel; ``;``, ``,`` or tab as delimiter; header names in any
case and order, with Norwegian aliases. It is strict where guessing would corrupt data: a file
in another encoding (UTF-16, binary) or without the expected header is refused with a sentence
that says what to do. Line numbers are physical lines in the file (header = line 1), counted
correctly across quoted line breaks, so a coordinator can find the row in a text editor.

Writing always gives ``;``, UTF-8 with BOM and CRLF (what Excel in Norway opens directly),
dates as dd.mm.yyyy, through a temporary file in the target folder and ``os.replace``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date

DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabulator"}
ENCODING_NAMES = {"utf-8-sig": "UTF-8 med BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252"}
MAX_FILE_BYTES = 200 * 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # physical line where the row starts
    values: dict[str, str]  # canonical column -> raw text ("" when the column is absent)


@dataclass
class CsvTable:
    rows: list[CsvRow]
    columns: tuple[str, ...]  # canonical columns present in the header, in file order
    encoding: str  # a key of ENCODING_NAMES
    delimiter: str
    header_line: int = 1
    problems: list[CsvProblem] = field(default_factory=lambda: list[CsvProblem]())

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES[self.encoding]

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES[self.delimiter]


# ---------------------------------------------------------------- reading

def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, or a UserError that says plainly why it cannot be read."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise UserError(f"{target} er en mappe, ikke en fil.")
    if not target.exists():
        if not target.parent.is_dir():
            raise UserError(f"Mappen {target.parent} finnes ikke, så {target.name} kan ikke leses.")
        raise UserError(f"Filen {target} finnes ikke.")
    try:
        if target.stat().st_size > MAX_FILE_BYTES:
            raise UserError(f"{target} er for stor til å være en CSV-fil fra kpdesk (over 200 MB).")
        return target.read_bytes()
    except PermissionError:
        raise UserError(f"Kan ikke lese {target}: du har ikke lesetilgang til filen.") from None
    except OSError as exc:
        raise UserError(f"Kan ikke lese {target}: {exc.strerror or exc}.") from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) for UTF-8 with or without BOM, else Windows-1252; CsvError otherwise."""
    advice = "Lagre filen som «CSV UTF-8 (kommadelt)» i Excel og prøv igjen."
    if any(data.startswith(bom) for bom in _OTHER_BOMS):
        raise CsvError(f"Filen har ukjent tegnkoding (den ser ut til å være UTF-16 eller UTF-32). {advice}")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CsvError(f"Filen har ukjent tegnkoding: den inneholder NUL-tegn, så den er UTF-16 eller ikke en "
                       f"tekstfil. {advice}", line=_line_of(data, nul))
    if data.startswith(_UTF8_BOM):
        try:
            text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise CsvError(f"Filen har ukjent tegnkoding: den sier den er UTF-8, men byte 0x{data[3 + exc.start]:02X} "
                           f"er ikke gyldig UTF-8. {advice}", line=_line_of(data, 3 + exc.start)) from None
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as exc:
                raise CsvError(f"Filen har ukjent tegnkoding: byte 0x{data[exc.start]:02X} kan verken leses som "
                               f"UTF-8 eller Windows-1252. {advice}", line=_line_of(data, exc.start)) from None
    text = text.rstrip("\x1a")  # DOS end-of-file mark
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise CsvError(f"Filen har ukjent tegnkoding eller er ikke en tekstfil: den inneholder kontrolltegnet "
                       f"0x{ord(control.group(0)):02X}. {advice}", line=line)
    return text, encoding


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


def parse(data: bytes, columns: Sequence[str], *, required: Sequence[str] = (), optional: Sequence[str] = (),
          aliases: Mapping[str, str] | None = None) -> CsvTable:
    """Rows of a CSV file under canonical column names; file-level trouble raises CsvError.

    ``columns`` are the canonical names (messages list them), ``required`` those the header must
    have, ``optional`` further names read when present but not advertised, ``aliases`` other
    header names (Norwegian, say) for canonical ones.
    """
    text, encoding = decode(data)
    known = {_normal_name(c): c for c in (*columns, *optional)}
    known.update({_normal_name(a): c for a, c in (aliases or {}).items()})
    expected = ";".join(columns)

    lines = io.StringIO(text, newline="").readlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip(" \t\r\n;,\"'")), None)
    if header_index is None:
        raise CsvError(f"Filen er tom. Første linje skal være overskriftsraden: {expected}")
    header_line = header_index + 1
    first = lines[header_index].rstrip("\r\n")
    delimiter = _sniff(first, known)
    header = _split_header(first, delimiter)
    names = [_normal_name(n) for n in header]

    if not any(n in known for n in names):
        shown = first if len(first) <= 80 else first[:77] + "…"
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
        listed = ", ".join(f"«{c}»" for c in missing)
        raise CsvError(f"Overskriftsraden mangler {'kolonnen' if len(missing) == 1 else 'kolonnene'} {listed}. "
                       f"Forventede kolonner: {expected}", line=header_line)

    rows: list[CsvRow] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width = len(header)
    consumed = 0
    while True:
        start = consumed + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(CsvProblem(start, "", _csv_error_message(exc)))
            break
        consumed = reader.line_num
        if start <= header_line or _is_blank(cells):
            continue
        if len(cells) > width and not _is_blank(cells[width:]):
            problems.append(CsvProblem(start, "", f"Linjen har {len(cells)} felt, men overskriftsraden har "
                                                  f"{width}; sjekk skilletegn og anførselstegn"))
            continue
        if len(cells) < width:  # read as empty, the missing fields would clear what is stored
            problems.append(CsvProblem(start, "", f"Linjen har {len(cells)} felt, men overskriftsraden har "
                                                  f"{width}; et tomt felt skrives med skilletegn "
                                                  f"(«{delimiter if delimiter != chr(9) else 'tabulator'}»), "
                                                  "sjekk også anførselstegn"))
            continue
        rows.append(CsvRow(start, {c: cells[i] for c, i in positions.items()}))
    present = tuple(sorted(positions, key=positions.__getitem__))
    return CsvTable(rows, present, encoding, delimiter, header_line, problems)


def read(path: str | os.PathLike[str], columns: Sequence[str], *, required: Sequence[str] = (),
         optional: Sequence[str] = (), aliases: Mapping[str, str] | None = None) -> CsvTable:
    """``parse`` on a file's bytes."""
    return parse(read_bytes(path), columns, required=required, optional=optional, aliases=aliases)


# ---------------------------------------------------------------- writing

def cell(value: object) -> str:
    """A value as kpdesk writes it: dates dd.mm.yyyy, booleans ja/nei, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H.%M")
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def to_bytes(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file: header and rows, ``;``, CRLF, UTF-8 with BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write(path: str | os.PathLike[str], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV file atomically: readers see the old file or the whole new one, never half."""
    from kpdesk.common.atomic_files import write_atomic

    write_atomic(path, to_bytes(columns, rows), example="eksport.csv")
