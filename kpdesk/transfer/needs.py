"""Needs as CSV: keyed by ref, the employer named by organisation number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common import csvfile
from kpdesk.common.codes import LEVELS, NEED_STATUSES, PRIORITIES
from kpdesk.common.fields import format_formats
from kpdesk.common.norsk import format_org_number
from kpdesk.db.models import Employer, Need, NeedStatusChange
from kpdesk.register.service import NEED, next_need_ref
from kpdesk.register.validation import NeedData, start_window_problem, validate_need
from kpdesk.transfer.base import (
    ImportPlan,
    ImportProblem,
    ImportResult,
    Kind,
    PlannedRow,
    bulk_insert,
    bulk_update,
    changed,
    now,
    stale,
)

NEED_COLUMNS = ("ref", "employer", "title", "description", "headcount", "level", "formats", "earliest_start",
                "latest_start", "priority", "status")
# Read when present, never written: the canonical files stay as the issue describes them.
_OPTIONAL = ("funding_note",)
_ALIASES = {
    "referanse": "ref", "arbeidsgiver": "employer", "orgnr": "employer", "organisasjonsnummer": "employer",
    "tittel": "title", "beskrivelse": "description", "antall": "headcount", "nivå": "level",
    "format": "formats", "tidligste oppstart": "earliest_start", "seneste oppstart": "latest_start",
    "prioritet": "priority", "finansiering": "funding_note",
}
# Which data fields a header column controls on update (absent column: the database value stays).
_FIELDS = {"employer": "employer_id", "title": "title", "description": "description", "headcount": "headcount",
           "level": "level", "formats": "formats", "earliest_start": "earliest_start",
           "latest_start": "latest_start", "priority": "priority", "status": "status",
           "funding_note": "funding_note"}


def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    employers = dict(session.execute(select(Employer.org_number, Employer.id)).all())
    existing = {ref: (id_, earliest, latest) for ref, id_, earliest, latest in session.execute(
        select(Need.ref, Need.id, Need.earliest_start, Need.latest_start))}
    partial_window = not {"earliest_start", "latest_start"} <= set(table.columns)
    seen: dict[str, int] = {}
    for row in table.rows:
        data, found = validate_need(row.values)
        plan.problems.extend(ImportProblem(row.line, p.field, p.message, p.warning) for p in found)
        if data is None:
            continue
        if data.employer not in employers:
            plan.problems.append(ImportProblem(row.line, "employer", f"Ingen arbeidsgiver med organisasjonsnummer "
                                               f"{format_org_number(data.employer)} finnes i databasen; importer "
                                               f"arbeidsgiverne først"))
            continue
        target = None
        if data.ref:
            if data.ref in seen:
                plan.problems.append(ImportProblem(row.line, "ref", f"Referansen «{data.ref}» står også på linje "
                                                   f"{seen[data.ref]}"))
                continue
            seen[data.ref] = row.line
            target = existing.get(data.ref)
        if target and partial_window:  # the other date stays: check the window it makes
            earliest = data.earliest_start if "earliest_start" in table.columns else target[1]
            latest = data.latest_start if "latest_start" in table.columns else target[2]
            problem = start_window_problem(earliest, latest)
            if problem:
                plan.problems.append(ImportProblem(row.line, "latest_start", problem + " (i databasen)"))
                continue
        plan.rows.append(PlannedRow(row.line, "update" if target else "create", data, None,
                                    target[0] if target else None))


def _values(d: NeedData, employer_id: int) -> dict[str, Any]:
    return {
        "employer_id": employer_id, "title": d.title, "description": d.description, "headcount": d.headcount,
        "level": d.level, "formats": ",".join(d.formats), "earliest_start": d.earliest_start,
        "latest_start": d.latest_start, "priority": d.priority, "status": d.status, "funding_note": d.funding_note,
    }


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    columns = set(plan.columns)
    fields = [f for c, f in _FIELDS.items() if c in columns]
    employers = dict(session.execute(select(Employer.org_number, Employer.id)).all())
    table = Need.__table__
    current = {r["ref"]: r for r in session.execute(select(*table.c)).mappings()}
    for r in plan.rows:
        d: NeedData = r.data
        if d.employer not in employers or (r.action == "create") == (d.ref is not None and d.ref in current):
            raise stale()
    stamp, today = now(), dt.date.today()
    refs_in_file = {r.data.ref for r in plan.rows if r.data.ref}
    next_number = int(next_need_ref(session, refs_in_file)[1:])
    creates = []
    for r in plan.rows:
        if r.action != "create":
            continue
        d = r.data
        ref = d.ref
        if ref is None:
            ref, next_number = f"B{next_number:05d}", next_number + 1
        creates.append({"ref": ref, **_values(d, employers[d.employer]), "status_changed_on": today,
                        "created_at": stamp, "updated_at": stamp})
    bulk_insert(session, Need, creates)
    created_refs = {c["ref"]: c["status"] for c in creates}
    new_ids = {ref: id_ for ref, id_ in session.execute(select(Need.ref, Need.id)) if ref in created_refs}
    history = [{"need_id": new_ids[ref], "status": status, "changed_on": today} for ref, status in created_refs.items()]

    updates = []
    for r in plan.rows:
        if r.action != "update":
            continue
        d = r.data
        row = current[d.ref]
        all_values = _values(d, employers[d.employer])
        values = {f: all_values[f] for f in fields}
        if not changed(row, values):
            continue
        status_changed = "status" in values and values["status"] != row["status"]
        values["status_changed_on"] = today if status_changed else row["status_changed_on"]
        updates.append({"id": row["id"], **values, "updated_at": stamp})
        if status_changed:
            history.append({"need_id": row["id"], "status": values["status"], "changed_on": today})
    bulk_update(session, Need, updates)
    bulk_insert(session, NeedStatusChange, history)
    return ImportResult(plan.kind, len(creates), len(updates), plan.updates - len(updates))


def export_rows(session: Session) -> list[tuple[Any, ...]]:
    stmt = (
        select(Need.ref, Employer.org_number, Need.title, Need.description, Need.headcount, Need.level,
               Need.formats, Need.earliest_start, Need.latest_start, Need.priority, Need.status)
        .join(Employer, Need.employer_id == Employer.id)
        .order_by(Need.id)
    )
    return [(ref, org, title, description, headcount, LEVELS.label(level),
             format_formats(tuple(k for k in formats.split(",") if k)), earliest, latest,
             PRIORITIES.label(priority), NEED_STATUSES.label(status))
            for ref, org, title, description, headcount, level, formats, earliest, latest, priority, status
            in session.execute(stmt)]


KIND = Kind("needs", NEED, NEED_COLUMNS, ("employer", "title", "headcount"), _OPTIONAL, _ALIASES, plan, apply,
            export_rows)
