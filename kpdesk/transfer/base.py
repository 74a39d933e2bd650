"""The machinery every CSV kind shares: the plan and its problems, the result, bulk writes.

A kind (employers, needs, providers, offers, rooms, bookings, exams, candidates) is a ``Kind``: its
columns and header aliases, a ``plan`` step that checks rows against the database without
writing, an ``apply`` step that writes a checked plan in bulk, and the rows its export writes.
``kpdesk.transfer`` dispatches on the kind's name.

Memory: a plan of a million rows must stay well under a gigabyte. The CSV rows are read one at
a time (``csvfile.CsvTable``), the checked rows are kept compressed (``PlannedRows``), and apply
steps work through them ``CHUNK`` at a time, looking up the database for that chunk only.
"""

from __future__ import annotations

import datetime as dt
import pickle
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast, overload

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kpdesk.common import csvfile
from kpdesk.common.errors import UserError
from kpdesk.common.fields import Problem
from kpdesk.db.row_writing import ref_key

CHUNK = 2000  # rows an apply step writes (and looks up) at a time
T = TypeVar("T")

KIND_WORDS = {"employers": ("arbeidsgiver", "arbeidsgivere"), "persons": ("person", "personer"),
              "needs": ("behov", "behov"),
              "providers": ("tilbyder", "tilbydere"), "offers": ("kurstilbud", "kurstilbud"),
              "rooms": ("rom", "rom"), "bookings": ("booking", "bookinger"),
              "exams": ("eksamen", "eksamener"), "candidates": ("kandidat", "kandidater"),
              "runs": ("gjennomføring", "gjennomføringer")}


def count_words(kind: str, count: int) -> str:
    one, many = KIND_WORDS[kind]
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    column: str  # the column as the file's header names it, or "" for the whole line
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"linje {self.line}, kolonne {self.column}" if self.column else f"linje {self.line}"
        return f"{where}: {'advarsel: ' if self.warning else ''}{self.message}"


@dataclass(frozen=True)  # not slotted: a frozen slotted dataclass unpickles twice as slowly (PlannedRows)
class PlannedRow:
    line: int
    action: str  # "create" | "update"
    data: Any  # EmployerData | NeedData | ProviderData | OfferData (rooms and bookings have rows of their own)
    contact: Any = None  # employers: the first contact person (ContactData), when the row names one
    target_id: int | None = None  # the row updated


def _packed(rows: list[Any]) -> bytes:
    return zlib.compress(pickle.dumps(rows, pickle.HIGHEST_PROTOCOL), 1)


def _unpacked(block: bytes) -> list[Any]:
    return pickle.loads(zlib.decompress(block))


class PlannedRows(Sequence[Any]):
    """The checked rows of a plan, kept compressed: blocks of ``BLOCK`` rows are pickled and
    zlib-compressed as they fill, so a million planned rows (a gigabyte as Python objects) take
    tens of megabytes. Iterating unpacks one block at a time. The rows are kpdesk's own objects,
    pickled and unpickled in this process only. Counts rows per ``action`` as they are added."""

    BLOCK = 2000

    def __init__(self, rows: Iterable[Any] = ()) -> None:
        self._blocks: list[bytes] = []
        self._tail: list[Any] = []
        self._cached: tuple[int, list[Any]] = (-1, [])
        self.actions: Counter[str] = Counter()
        for row in rows:
            self.append(row)

    def append(self, row: Any) -> None:
        self._tail.append(row)
        self.actions[row.action] += 1
        if len(self._tail) == self.BLOCK:
            self._blocks.append(_packed(self._tail))
            self._tail = []

    def _block(self, number: int) -> list[Any]:
        if number == len(self._blocks):
            return self._tail
        if self._cached[0] != number:
            self._cached = (number, _unpacked(self._blocks[number]))
        return self._cached[1]

    def __len__(self) -> int:
        return len(self._blocks) * self.BLOCK + len(self._tail)

    def __iter__(self) -> Iterator[Any]:
        for block in self._blocks:
            yield from _unpacked(block)
        yield from self._tail

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return list(self)[index]
        size = len(self)
        if not -size <= index < size:
            raise IndexError("planned row index out of range")
        index %= size
        return self._block(index // self.BLOCK)[index % self.BLOCK]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (PlannedRows, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"PlannedRows({len(self)} rows)"


def chunks(rows: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    chunk: list[T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class PlanCounts:
    """What every import plan says about itself; a plan has ``rows`` (with ``action``) and ``problems``."""

    rows: PlannedRows
    problems: list[ImportProblem]

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.warning]

    @property
    def has_errors(self) -> bool:
        return any(not p.warning for p in self.problems)

    @property
    def creates(self) -> int:
        return self.rows.actions["create"]

    @property
    def updates(self) -> int:
        return self.rows.actions["update"]


@dataclass
class ImportPlan(PlanCounts):
    kind: str
    source: str  # the file's name, for messages
    encoding: str = ""  # a key of csvfile.ENCODING_NAMES ("" when the file could not be decoded)
    delimiter: str = ""
    columns: tuple[str, ...] = ()
    rows: PlannedRows = field(default_factory=PlannedRows)  # PlannedRow; PlannedRoom, PlannedBooking
    problems: list[ImportProblem] = field(default_factory=list)
    note: str = ""  # what else applying does, as a sentence ("2 nye tilbydere blir lagt til.")
    detail: str = ""  # replaces ", N nye og M finnes fra før" (bookings: " med 12 datoer")
    # Centres (employers, needs, rooms; ``transfer.centres``): the importing coordinator's centre, which
    # new rows without a centre cell get, and the centre of each line whose cell names one.
    own_centre: str | None = None  # the coordinator's choice by name (None: the only centre)
    centre_id: int | None = None
    centres: dict[int, int] = field(default_factory=dict)

    def centre_for(self, line: int, create: bool) -> int | None:
        """The centre the row on ``line`` goes to; None for an update that keeps its centre."""
        return self.centres.get(line, self.centre_id if create else None)

    def sentence(self) -> str:
        """What applying the plan would do, or why it cannot be applied."""
        if self.has_errors:
            n = len(self.errors)
            return f"{self.source} har {n} feil; ingenting kan importeres."
        detail = self.detail or f", {self.creates} nye og {self.updates} finnes fra før"
        text = f"{self.source}: {count_words(self.kind, len(self.rows))}{detail}."
        return f"{text} {self.note}" if self.note else text


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    created: int
    updated: int
    unchanged: int = 0
    note: str = ""  # what else was done, as a sentence ("La til 2 nye tilbydere.")
    detail: str = ""  # replaces "N nye, M oppdatert" (bookings: "80 datoer booket, 4 hoppet over …")

    def sentence(self) -> str:
        """The one-line summary, e.g. "Importerte 12 arbeidsgivere: 10 nye, 2 oppdatert"."""
        total = self.created + self.updated + self.unchanged
        new = "ny" if self.created == 1 else "nye"
        counts = f"{self.created} {new}, {self.updated} oppdatert"
        if self.unchanged:
            counts += f", {self.unchanged} uendret"
        text = f"Importerte {count_words(self.kind, total)}: {self.detail or counts}"
        return f"{text}. {self.note}" if self.note else text + "."

    def audit_summary(self, source: str) -> str:
        """The audit log's line for this import (counts always, the detail when there is one)."""
        total = self.created + self.updated + self.unchanged
        text = (f"Import av {count_words(self.kind, total)} fra {source}: {self.created} nye, {self.updated} "
                f"oppdatert, {self.unchanged} uendret.")
        return f"{text} {self.detail[0].upper()}{self.detail[1:]}." if self.detail else text


@dataclass(frozen=True)
class Kind:
    """One kind of CSV file and how it is planned, applied and exported."""

    name: str
    entity: str  # the audit entity
    columns: tuple[str, ...]  # canonical, in the order files and messages show them
    required: tuple[str, ...]
    optional: tuple[str, ...]  # read when present
    aliases: Mapping[str, str]
    plan: Callable[[Session, ImportPlan, csvfile.CsvTable], None]  # iterates the table once
    apply: Callable[[Session, ImportPlan], ImportResult]
    export_rows: Callable[[Session], Sequence[Sequence[object]]] | None  # None: not exported as CSV
    export_columns: tuple[str, ...] = ()  # default: ``columns``
    centre_column: bool = False  # reads an optional ``centre``; its export rows end with the centre's name


# ---------------------------------------------------------------- helpers for the kinds

def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def stale() -> UserError:
    return UserError("Databasen er endret siden filen ble kontrollert. Kontroller filen på nytt før du importerer.")


def bulk_insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows in one statement (the table's, not the ORM's: no per-row bookkeeping)."""
    if rows:
        session.execute(insert(cast(Table, getattr(model, "__table__"))), rows)  # noqa: B009


def insert_new(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """``bulk_insert`` of rows the plan found new: a unique key someone has registered since the
    file was checked makes the plan stale (the caller's transaction then undoes the whole import)."""
    try:
        bulk_insert(session, model, rows)
    except IntegrityError:
        raise stale() from None


def bulk_update(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Rows changed by id, many at once, as a Core UPDATE of the table: the ORM's bulk UPDATE would ask
    for each row's version (``version_id_col``); this one bumps it (``onupdate``) and names who changed it.
    Rows with the same changed columns go in one statement."""
    table = cast(Table, getattr(model, "__table__"))  # noqa: B009 (a plain ``type``)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(key for key in row if key != "id")), []).append(row)
    stmt = update(table).where(table.c.id == bindparam("row_id"))
    for keys, group in groups.items():
        session.execute(stmt, [{**{key: row[key] for key in keys}, "row_id": row["id"]} for row in group])


def duplicate_ref(line: int, ref: str, other: int) -> ImportProblem:
    """The problem of a ref an earlier line of the file has too, in any case ("X1" and "x1")."""
    return ImportProblem(line, "ref", f"Referansen «{ref}» står også på linje {other} (store og små bokstaver "
                                      f"regnes som like)")


def repeated_ref(seen: dict[str, int], line: int, ref: str) -> ImportProblem | None:
    """Note the first line a ref (any case) stands on in ``seen``; the ``duplicate_ref`` problem for a
    later line with it, else None. Every importer with a ref column asks this before its other checks
    of the row's references, so a repeated ref is said whatever else is wrong with the first line."""
    key = ref_key(ref)
    if key in seen:
        return duplicate_ref(line, ref, seen[key])
    seen[key] = line
    return None


def problems_at(line: int, found: Iterable[Problem], columns: Mapping[str, str] | None = None) -> list[ImportProblem]:
    """``validation.Problem``s of one row as ImportProblems, fields renamed to columns if asked."""
    rename = columns or {}
    return [ImportProblem(line, rename.get(p.field, p.field), p.message, p.warning) for p in found]
