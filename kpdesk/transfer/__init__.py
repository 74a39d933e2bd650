"""Importing and exporting the register as CSV: employers, needs, providers and course offers.

Import is two steps so the GUI can show a preview: ``plan_import`` reads and checks every row
and resolves it against the database (an org number, ref or provider name already there means
update) without writing anything; ``apply_import`` writes a plan with no errors in bulk
statements, all or nothing, with one audit entry. Export writes the columns the importer reads,
so an exported file imported again gives the same data.

One module per kind (``employers``, ``needs``, ``providers``, ``offers``) holds its columns and
its plan, apply and export steps; ``base`` holds what they share. This module dispatches.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session

from kpdesk.common import csvfile
from kpdesk.common.errors import UserError
from kpdesk.db import audit
from kpdesk.transfer import employers, needs, offers, providers
from kpdesk.transfer.base import KIND_WORDS, ImportPlan, ImportProblem, ImportResult, Kind, PlannedRow, count_words
from kpdesk.transfer.employers import EMPLOYER_COLUMNS
from kpdesk.transfer.needs import NEED_COLUMNS
from kpdesk.transfer.offers import OFFER_COLUMNS, OFFER_EXPORT_COLUMNS
from kpdesk.transfer.providers import PROVIDER_COLUMNS

__all__ = [
    "EMPLOYER_COLUMNS", "KINDS", "KIND_WORDS", "NEED_COLUMNS", "OFFER_COLUMNS", "OFFER_EXPORT_COLUMNS",
    "PROVIDER_COLUMNS", "ImportPlan", "ImportProblem", "ImportResult", "PlannedRow", "apply_import",
    "count_words", "export", "kind_spec", "plan_bytes", "plan_import",
]

_KINDS: dict[str, Kind] = {k.name: k for k in (employers.KIND, needs.KIND, providers.KIND, offers.KIND)}
KINDS = tuple(_KINDS)


def kind_spec(kind: str) -> Kind:
    """The columns and steps of one kind; ValueError for an unknown kind (a bug, not a user error)."""
    try:
        return _KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}") from None


def plan_import(session: Session, kind: str, path: str | os.PathLike[str]) -> ImportPlan:
    """Read and check a CSV file against the database; writes nothing.

    A file that cannot be read at all raises UserError; everything wrong inside it, down to
    encoding and header, is in ``plan.problems``.
    """
    kind_spec(kind)
    return plan_bytes(session, kind, csvfile.read_bytes(path), Path(path).name)


def plan_bytes(session: Session, kind: str, data: bytes, source: str = "filen") -> ImportPlan:
    """``plan_import`` on a file's bytes (the command line reads the file before opening the database)."""
    spec = kind_spec(kind)
    plan = ImportPlan(kind, source)
    try:
        table = csvfile.parse(data, spec.columns, required=spec.required, optional=spec.optional,
                              aliases=spec.aliases)
    except csvfile.CsvError as exc:
        plan.problems.append(ImportProblem(exc.line, "", exc.message))
        return plan
    plan.encoding, plan.delimiter, plan.columns = table.encoding, table.delimiter, table.columns
    plan.problems.extend(ImportProblem(p.line, p.column, p.message, p.warning) for p in table.problems)
    spec.plan(session, plan, table)
    plan.problems.sort(key=lambda p: p.line)
    return plan


def apply_import(session: Session, plan: ImportPlan) -> ImportResult:
    """Write a checked plan in bulk inside the caller's transaction; refuses a plan with errors."""
    if plan.has_errors:
        n = len(plan.errors)
        raise UserError(f"{plan.source} har {n} feil, så ingenting er importert. Rett feilene og prøv igjen.",
                        details=[str(p) for p in plan.errors[:20]])
    spec = kind_spec(plan.kind)
    result = spec.apply(session, plan)
    audit.record(session, "import", spec.entity, None,
                 summary=f"Import av {count_words(plan.kind, len(plan.rows))} fra {plan.source}: "
                         f"{result.created} nye, {result.updated} oppdatert, {result.unchanged} uendret.")
    return result


def export(session: Session, kind: str, path: str | os.PathLike[str]) -> int:
    """Write every row of a kind to a CSV file in the columns the importer reads; returns the count.

    The employers file holds contact persons' names, e-mails and phones: every export is
    recorded in the audit log (without those values).
    """
    spec = kind_spec(kind)
    rows = spec.export_rows(session)
    csvfile.write(path, spec.export_columns or spec.columns, rows)
    audit.record(session, "export", spec.entity, None, summary=f"Eksporterte {count_words(kind, len(rows))} til "
                                                               f"{Path(path).name}.")
    return len(rows)
