"""Course runs as CSV: ``ref;offer;status;start_date;end_date;participants;completed;credits_passed;
needs`` (``needs``: the need refs the run serves, comma-separated), keyed by ref in any case (empty:
a new run with the next free "G0001"-style ref); ``cofunding_source`` and ``cofunding_nok`` are read
when present. The offer and every need must be in the database; a row that changes a run's status
must make a move the status may make (``motor.validation.transition_problem``). Runs are few, so
rows go through ``motor.runs.save_run`` with its audit entries. ``kpdesk export runs`` writes the
same columns (the co-funding ones after them), so an export imports again unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from kpdesk.common import csvfile
from kpdesk.common.codes import RUN_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, format_decimal
from kpdesk.db.row_writing import ref_key
from kpdesk.motor import runs as motor
from kpdesk.motor.validation import RunData, transition_problem, validate_run
from kpdesk.transfer.base import (
    ImportPlan,
    ImportProblem,
    ImportResult,
    Kind,
    PlannedRow,
    problems_at,
    repeated_ref,
    stale,
)

RUN_COLUMNS = ("ref", "offer", "status", "start_date", "end_date", "participants", "completed", "credits_passed",
               "needs")
_OPTIONAL = ("cofunding_source", "cofunding_nok")
_ALIASES = {
    "referanse": "ref", "kurstilbud": "offer", "tilbud": "offer", "startdato": "start_date",
    "sluttdato": "end_date", "deltakere": "participants", "fullført": "completed", "fullfort": "completed",
    "studiepoeng bestått": "credits_passed", "behov": "needs", "medfinansiering fra": "cofunding_source",
    "medfinansiering": "cofunding_nok",
}


@dataclass(frozen=True)
class _Checked:
    line: int
    data: RunData


def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    checked: list[_Checked] = []
    for row in table:
        data, found = validate_run(row.values)
        plan.problems.extend(problems_at(row.line, found))
        if data is not None:
            checked.append(_Checked(row.line, data))
    existing = motor.run_ids_by_ref(session)
    offers = motor.offer_ids_by_ref(session, (c.data.offer for c in checked))
    needs = motor.need_ids_by_ref(session, (r for c in checked for r in c.data.needs))
    seen: dict[str, int] = {}
    for c in checked:
        data = c.data
        repeated = repeated_ref(seen, c.line, data.ref) if data.ref else None
        if repeated is not None:
            plan.problems.append(repeated)
            continue
        if ref_key(data.offer) not in offers:
            plan.problems.append(ImportProblem(c.line, "offer", f"Ingen kurstilbud har referansen «{data.offer}» i "
                                                                f"databasen; importer kurstilbudene først"))
            continue
        problem = motor.unknown_needs_problem(data.needs, needs)
        if problem:
            plan.problems.append(ImportProblem(c.line, "needs", problem))
            continue
        target = existing.get(ref_key(data.ref)) if data.ref else None
        if target is not None:
            moved = transition_problem(target[2], data.status)
            if moved:
                plan.problems.append(ImportProblem(c.line, "status", f"{target[1]}: {moved}"))
                continue
            data = replace(data, ref=target[1])  # a ref in another case finds the run and keeps its spelling
        plan.rows.append(PlannedRow(c.line, "update" if target else "create", data, None,
                                    target[0] if target else None))


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    created = updated = 0
    existing = motor.run_ids_by_ref(session)
    taken = [r.data.ref for r in plan.rows if r.data.ref]
    for r in plan.rows:
        data: RunData = r.data
        key = ref_key(data.ref) if data.ref else None
        if (r.action == "create") == (key is not None and key in existing):
            raise stale()
        if data.ref is None:
            data = replace(data, ref=motor.next_run_ref(session, taken))
            taken.append(data.ref or "")
        before = motor.list_runs(session, [r.target_id]) if r.target_id else []
        try:
            motor.save_run(session, data, r.target_id)
        except UserError:
            raise stale() from None
        if r.target_id is None:
            created += 1
        elif before != motor.list_runs(session, [r.target_id]):
            updated += 1
    return ImportResult(plan.kind, created, updated, plan.updates - updated)


def export_rows(session: Session) -> list[tuple[str, ...]]:
    """Every run as the columns hold it (the status in words, dates dd.mm.yyyy), in the order they were made."""
    def text(value: object) -> str:
        return "" if value is None else str(value)

    rows = sorted(motor.list_runs(session), key=lambda r: r.id)
    return [(r.ref, r.offer_ref, RUN_STATUSES.label(r.status), format_date(r.start_date), format_date(r.end_date),
             text(r.participants), text(r.completed), format_decimal(r.credits_passed), ", ".join(r.need_refs),
             r.cofunding_source, text(r.cofunding_nok)) for r in rows]


KIND = Kind("runs", motor.RUN, RUN_COLUMNS, ("offer",), _OPTIONAL, _ALIASES, plan, apply, export_rows,
            RUN_COLUMNS + _OPTIONAL)
