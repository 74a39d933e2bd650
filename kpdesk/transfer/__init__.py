"""Importing and exporting as CSV: employers, persons (import only), needs, providers, course offers,
rooms, bookings, exam sittings and their candidates (import only), and course runs.

Import is two steps so the GUI can show a preview: ``plan_import`` reads and checks every row
and resolves it against the database (an org number, ref or provider name already there means
update; refs in any case) without writing anything; ``apply_import`` writes a plan with no errors
in bulk statements, all or nothing, with the same audit entries as edits in the window (a
"create" per new row, an "update" per changed field with old and new value) and one summary
entry. Export writes the columns the importer reads, so an exported file imported again gives
the same data (and an export of that the same bytes, formula characters included).

Rows stream: the file's rows are read one at a time and the checked rows kept compressed, so a
million-row file stays well under a gigabyte of memory.

One module per kind (``employers``, ``needs``, ``providers``, ``offers``, ``rooms``, ``bookings``;
``exams`` holds both exam kinds) holds its columns and its plan, apply and export steps; ``base``
holds what they share. This module dispatches, and ``import_plan`` is the one way a checked plan
is written, from the command line and the window alike: a backup of the database first, then the
rows, then the audit entry.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from kpdesk.db.store import Store

from kpdesk.common import csvfile
from kpdesk.common.errors import UserError
from kpdesk.db import audit
from kpdesk.db.backup import backup_before_import
from kpdesk.transfer import bookings, employers, exams, needs, offers, persons, providers, rooms, runs
from kpdesk.transfer.base import KIND_WORDS, ImportPlan, ImportProblem, ImportResult, Kind, PlannedRow, count_words
from kpdesk.transfer.centres import centre_columns
from kpdesk.transfer.employers import EMPLOYER_COLUMNS
from kpdesk.transfer.needs import NEED_COLUMNS
from kpdesk.transfer.offers import OFFER_COLUMNS, OFFER_EXPORT_COLUMNS
from kpdesk.transfer.providers import PROVIDER_COLUMNS

__all__ = [
    "EMPLOYER_COLUMNS", "EXPORT_KINDS", "KINDS", "KIND_WORDS", "NEED_COLUMNS", "OFFER_COLUMNS", "OFFER_EXPORT_COLUMNS",
    "PROVIDER_COLUMNS", "ImportPlan", "ImportProblem", "ImportResult", "PlannedRow", "apply_import",
    "count_words", "export", "import_plan", "kind_spec", "plan_bytes", "plan_import",
]

_KINDS: dict[str, Kind] = {k.name: k for k in (employers.KIND, persons.KIND, needs.KIND, providers.KIND, offers.KIND,
                                                rooms.KIND, bookings.KIND, exams.EXAM_KIND, exams.CANDIDATE_KIND,
                                                runs.KIND)}
KINDS = tuple(_KINDS)
EXPORT_KINDS = tuple(name for name, kind in _KINDS.items() if kind.export_rows is not None)

log = logging.getLogger(__name__)


def kind_spec(kind: str) -> Kind:
    """The columns and steps of one kind; ValueError for an unknown kind (a bug, not a user error)."""
    try:
        return _KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}") from None


def plan_import(session: Session, kind: str, path: str | os.PathLike[str], centre: str | None = None) -> ImportPlan:
    """Read and check a CSV file against the database; writes nothing.

    A file that cannot be read at all raises UserError; everything wrong inside it, down to
    encoding and header, is in ``plan.problems``. ``centre`` is the importing coordinator's centre
    by name: new employers, needs and rooms without a centre of their own go there (``transfer.centres``).
    """
    kind_spec(kind)
    return plan_bytes(session, kind, csvfile.read_bytes(path), Path(path).name, centre)


def plan_bytes(session: Session, kind: str, data: bytes, source: str = "filen",
               centre: str | None = None) -> ImportPlan:
    """``plan_import`` on a file's bytes (the command line reads the file before opening the database)."""
    spec = kind_spec(kind)
    plan = ImportPlan(kind, source, own_centre=centre)
    try:
        table = csvfile.parse(data, spec.columns, required=spec.required, optional=spec.optional,
                              aliases=spec.aliases)
    except csvfile.CsvError as exc:
        plan.problems.append(ImportProblem(exc.line, "", exc.message))
        return plan
    plan.encoding, plan.delimiter, plan.columns = table.encoding, table.delimiter, table.columns
    spec.plan(session, plan, table)  # reads the rows; the table knows its own problems after that
    plan.problems[:0] = [ImportProblem(p.line, p.column, p.message, p.warning) for p in table.problems]
    # a column is named as the file's own header writes it («organisasjonsnummer», not «org_number»)
    plan.problems[:] = [replace(p, column=table.written.get(p.column, p.column)) for p in plan.problems]
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _refuse_errors(plan: ImportPlan) -> None:
    if plan.has_errors:
        n = len(plan.errors)
        raise UserError(f"{plan.source} har {n} feil, så ingenting er importert. Rett feilene og prøv igjen.",
                        details=[str(p) for p in plan.errors[:20]])


def apply_import(session: Session, plan: ImportPlan) -> ImportResult:
    """Write a checked plan in bulk inside the caller's transaction; refuses a plan with errors."""
    _refuse_errors(plan)
    spec = kind_spec(plan.kind)
    result = spec.apply(session, plan)
    audit.record(session, "import", spec.entity, None, summary=result.audit_summary(plan.source))
    return result


def import_plan(store: Store, plan: ImportPlan) -> ImportResult:
    """Write a checked plan the one safe way: a backup of the database first (if it cannot be made,
    nothing is imported), then every row in one transaction with its audit entry."""
    _refuse_errors(plan)
    log.info("import of %d %s rows", len(plan.rows), plan.kind)
    backup_before_import(store)
    with store.session() as session:
        return apply_import(session, plan)


def export(session: Session, kind: str, path: str | os.PathLike[str]) -> int:
    """Write every row of a kind to a CSV file in the columns the importer reads; returns the count.

    The employers file holds contact persons' names, e-mails and phones: every export is
    recorded in the audit log (without those values).
    """
    spec = kind_spec(kind)
    if spec.export_rows is None:
        raise ValueError(f"{kind} is not exported as CSV")
    rows = spec.export_rows(session)
    columns = spec.export_columns or spec.columns
    if spec.centre_column:
        columns, rows = centre_columns(session, columns, rows)
    csvfile.write(path, columns, rows)
    audit.record(session, "export", spec.entity, None, summary=f"Eksporterte {count_words(kind, len(rows))} til "
                                                               f"{Path(path).name}.")
    return len(rows)
