"""The machinery every CSV kind shares: the plan and its problems, the result, bulk writes.

A kind (employers, needs, providers, offers, rooms, bookings) is a ``Kind``: its columns and header aliases, a
``plan`` step that checks rows against the database without writing, an ``apply`` step that
writes a checked plan in bulk, and the rows its export writes. ``kpdesk.transfer`` dispatches
on the kind's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import RowMapping, insert, update
from sqlalchemy.orm import Session

from kpdesk.common import csvfile
from kpdesk.common.errors import UserError
from kpdesk.common.fields import Problem

KIND_WORDS = {"employers": ("arbeidsgiver", "arbeidsgivere"), "needs": ("behov", "behov"),
              "providers": ("tilbyder", "tilbydere"), "offers": ("kurstilbud", "kurstilbud"),
              "rooms": ("rom", "rom"), "bookings": ("booking", "bookinger")}


def count_words(kind: str, count: int) -> str:
    one, many = KIND_WORDS[kind]
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    column: str  # canonical column, or "" for the whole line
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"linje {self.line}, kolonne {self.column}" if self.column else f"linje {self.line}"
        return f"{where}: {'advarsel: ' if self.warning else ''}{self.message}"


@dataclass(frozen=True, slots=True)
class PlannedRow:
    line: int
    action: str  # "create" | "update"
    data: Any  # EmployerData | NeedData | ProviderData | OfferData (rooms and bookings have rows of their own)
    contact: Any = None  # employers: the first contact person (ContactData), when the row names one
    target_id: int | None = None  # the row updated


class PlanCounts:
    """What every import plan says about itself; a plan has ``rows`` (with ``action``) and ``problems``."""

    rows: list[Any]
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
        return sum(r.action == "create" for r in self.rows)

    @property
    def updates(self) -> int:
        return sum(r.action == "update" for r in self.rows)


@dataclass
class ImportPlan(PlanCounts):
    kind: str
    source: str  # the file's name, for messages
    encoding: str = ""  # a key of csvfile.ENCODING_NAMES ("" when the file could not be decoded)
    delimiter: str = ""
    columns: tuple[str, ...] = ()
    rows: list[Any] = field(default_factory=list)  # PlannedRow; PlannedRoom, PlannedBooking
    problems: list[ImportProblem] = field(default_factory=list)
    note: str = ""  # what else applying does, as a sentence ("2 nye tilbydere blir lagt til.")
    detail: str = ""  # replaces ", N nye og M finnes fra før" (bookings: " med 12 datoer")

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
        counts = f"{self.created} nye, {self.updated} oppdatert" + (f", {self.unchanged} uendret" if self.unchanged
                                                                       else "")
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
    plan: Callable[[Session, ImportPlan, csvfile.CsvTable], None]
    apply: Callable[[Session, ImportPlan], ImportResult]
    export_rows: Callable[[Session], Sequence[Sequence[object]]] | None  # None: not exported as CSV
    export_columns: tuple[str, ...] = ()  # default: ``columns``


# ---------------------------------------------------------------- helpers for the kinds

def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def stale() -> UserError:
    return UserError("Databasen er endret siden filen ble kontrollert. Kontroller filen på nytt før du importerer.")


def bulk_insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model).execution_options(render_nulls=True), rows)


def bulk_update(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(update(model), rows)


def changed(current: Mapping[str, Any] | RowMapping, values: Mapping[str, Any]) -> bool:
    return any(current[k] != v for k, v in values.items())


def problems_at(line: int, found: Iterable[Problem], columns: Mapping[str, str] | None = None) -> list[ImportProblem]:
    """``validation.Problem``s of one row as ImportProblems, fields renamed to columns if asked."""
    rename = columns or {}
    return [ImportProblem(line, rename.get(p.field, p.field), p.message, p.warning) for p in found]
