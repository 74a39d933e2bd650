"""Providers as CSV (``name;kind;web;notes``): keyed by name, compared without case or spacing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common import csvfile
from kpdesk.common.codes import PROVIDER_KINDS
from kpdesk.common.norsk import sort_key
from kpdesk.db.models import Provider
from kpdesk.db.row_writing import AuditBatch, field_changes
from kpdesk.offers.service import PROVIDER, name_key
from kpdesk.offers.validation import ProviderData, infer_provider_kind, validate_provider
from kpdesk.transfer.base import (
    ImportPlan,
    ImportProblem,
    ImportResult,
    Kind,
    PlannedRow,
    bulk_insert,
    bulk_update,
    now,
    problems_at,
    stale,
)

PROVIDER_COLUMNS = ("name", "kind", "web", "notes")
_ALIASES = {
    "navn": "name", "tilbyder": "name", "tilbydernavn": "name", "type": "kind", "tilbydertype": "kind",
    "nettside": "web", "nettadresse": "web", "url": "web", "notat": "notes", "notater": "notes", "merknad": "notes",
}
# Which data fields a header column controls on update (absent column: the database value stays).
_FIELDS = ("name", "kind", "web", "notes")


def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    existing: dict[str, int] = {}
    for id_, name in session.execute(select(Provider.id, Provider.name).order_by(Provider.id)):
        existing.setdefault(name_key(name), id_)
    seen: dict[str, int] = {}
    for row in table:
        data, found = validate_provider(row.values)
        plan.problems.extend(problems_at(row.line, found))
        if data is None:
            continue
        key = name_key(data.name)
        if key in seen:
            plan.problems.append(ImportProblem(row.line, "name", f"Tilbyderen «{data.name}» står også på linje "
                                                                 f"{seen[key]}"))
            continue
        seen[key] = row.line
        target = existing.get(key)
        plan.rows.append(PlannedRow(row.line, "update" if target else "create", data, None, target))


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    columns = set(plan.columns)
    table = Provider.__table__
    current = {r["id"]: r for r in session.execute(select(*table.c)).mappings()}
    keys = {name_key(r["name"]) for r in current.values()}
    for r in plan.rows:
        if (r.action == "create") == (name_key(r.data.name) in keys) or (
                r.action == "update" and r.target_id not in current):
            raise stale()
    stamp = now()
    audit = AuditBatch(session)
    creates = [{"name": d.name, "kind": d.kind or infer_provider_kind(d.name), "web": d.web, "notes": d.notes,
                "created_at": stamp, "updated_at": stamp}
               for d in (r.data for r in plan.rows if r.action == "create")]
    bulk_insert(session, Provider, creates)
    if creates:
        new_ids = {name_key(name): id_ for id_, name in session.execute(select(Provider.id, Provider.name))
                   if name_key(name) not in keys}
        for row in creates:
            audit.created(PROVIDER, new_ids[name_key(row["name"])], f"Ny tilbyder «{row['name']}»")
    updates = []
    for r in plan.rows:
        if r.action != "update":
            continue
        d: ProviderData = r.data
        values = {f: getattr(d, f) for f in _FIELDS if f in columns and not (f == "kind" and d.kind is None)}
        changes = field_changes(current[r.target_id], values)
        if changes:
            updates.append({"id": r.target_id, **values, "updated_at": stamp})
            audit.changed(PROVIDER, r.target_id, changes)
    bulk_update(session, Provider, updates)
    audit.flush()
    return ImportResult(plan.kind, len(creates), len(updates), plan.updates - len(updates))


def export_rows(session: Session) -> list[tuple[Any, ...]]:
    rows = sorted(session.execute(select(Provider.id, Provider.name, Provider.kind, Provider.web, Provider.notes)),
                  key=lambda r: (sort_key(r[1]), r[0]))
    return [(name, PROVIDER_KINDS.label(kind), web, notes) for _, name, kind, web, notes in rows]


KIND = Kind("providers", PROVIDER, PROVIDER_COLUMNS, ("name",), (), _ALIASES, plan, apply, export_rows)
