"""Needs as CSV: keyed by ref (in any case: "x1" updates the need "X1"), owned by an employer
(``employer``: its organisation number), a person (``person``: their ref, "P00003") or a
community (``community``: a municipality's number or name, or a region's name): exactly one of
the three on each row. A person's need is for one person (headcount empty or 1) and is imported
only when the person's consent in force allows it to be stored. ``source`` and ``horizon`` (the
year, "2030") are read when present.

Planning and applying go through the file ``CHUNK`` rows at a time; only the refs of the
database are held whole (a key and an id each). Every created need gets a "create" entry in the
audit log and every changed field an "update" entry with old and new value, as in the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpdesk.common import csvfile
from kpdesk.common.codes import LEVELS, NEED_STATUSES, PRIORITIES
from kpdesk.common.errors import UserError
from kpdesk.common.fields import format_formats
from kpdesk.common.norsk import format_org_number
from kpdesk.db.models import Centre, Employer, Need, NeedStatusChange, Person
from kpdesk.db.row_writing import AuditBatch, field_changes, ref_key
from kpdesk.register.service import NEED, NEED_REF_PREFIX, community_key, consents_in_force, next_need_ref
from kpdesk.register.validation import NeedData, start_window_problem, validate_need
from kpdesk.transfer.base import (
    ImportPlan,
    ImportProblem,
    ImportResult,
    Kind,
    PlannedRow,
    bulk_insert,
    bulk_update,
    chunks,
    now,
    problems_at,
    repeated_ref,
    stale,
)
from kpdesk.transfer.centres import CENTRE_ALIASES, CENTRE_COLUMN, CentreCells

NEED_COLUMNS = ("ref", "employer", "title", "description", "headcount", "level", "formats", "earliest_start",
                "latest_start", "priority", "status")
OWNER_COLUMNS = ("employer", "person", "community")
# Read when present; the export writes all but funding_note.
_OPTIONAL = ("funding_note", "person", "community", "source", "horizon", "registered", CENTRE_COLUMN)
EXPORT_COLUMNS = (*NEED_COLUMNS, "person", "community", "source", "horizon", "registered")
_ALIASES = {
    "referanse": "ref", "arbeidsgiver": "employer", "orgnr": "employer", "organisasjonsnummer": "employer",
    "tittel": "title", "beskrivelse": "description", "antall": "headcount", "nivå": "level",
    "format": "formats", "tidligste oppstart": "earliest_start", "seneste oppstart": "latest_start",
    "prioritet": "priority", "finansiering": "funding_note", "person": "person", "privatperson": "person",
    "lokalsamfunn": "community", "kilde": "source", "horisont": "horizon", "innen": "horizon",
    "registrert": "registered", "registreringsdato": "registered", **CENTRE_ALIASES,
}
# Which data fields a header column controls on update (absent column: the database value stays).
_FIELDS = {"title": "title", "description": "description", "headcount": "headcount",
           "level": "level", "formats": "formats", "earliest_start": "earliest_start",
           "latest_start": "latest_start", "priority": "priority", "status": "status",
           "funding_note": "funding_note", "source": "source", "horizon": "horizon", "registered": "registered"}
_OWNER_FIELDS = ("employer_id", "person_id", "community")


def _employer_ids(session: Session, orgs: Collection[str]) -> dict[str, int]:
    if not orgs:
        return {}
    return dict(session.execute(select(Employer.org_number, Employer.id).where(Employer.org_number.in_(orgs))).all())


class _Owners:
    """The owners some rows name, looked up in one go: employers by organisation number, persons
    by ref (with whether their consent in force allows their needs to be stored)."""

    def __init__(self, session: Session, rows: Iterable[NeedData]) -> None:
        rows = list(rows)
        self.employers = _employer_ids(session, {d.employer for d in rows if d.employer})
        wanted = {ref_key(d.person) for d in rows if d.person}
        self.persons: dict[str, tuple[int, str, bool]] = {}
        if wanted:
            basis = {person_id for person_id, c in consents_in_force(session).items() if c.stored}
            for person_id, ref in session.execute(select(Person.id, Person.ref)
                                                  .where(func.lower(Person.ref).in_(wanted))):
                self.persons[ref_key(ref)] = (person_id, ref, person_id in basis)

    def problem(self, d: NeedData) -> tuple[str, str] | None:
        """(column, message) when the owner is unknown or may not own the need."""
        if d.person:
            found = self.persons.get(ref_key(d.person))
            if found is None:
                return "person", f"Ingen person har referansen «{d.person}» i databasen; importer personene først"
            if not found[2]:
                return "person", (f"Personen {found[1]} har ikke samtykket til at behovet lagres. "
                                  f"Registrer samtykket først")
        elif d.employer and d.employer not in self.employers:
            return "employer", (f"Ingen arbeidsgiver med organisasjonsnummer {format_org_number(d.employer)} "
                                f"finnes i databasen; importer arbeidsgiverne først")
        return None

    def columns(self, d: NeedData) -> dict[str, Any]:
        """The need's owner columns; the file is stale when an owner has gone since planning."""
        if self.problem(d) is not None:
            raise stale()
        if d.person:
            return {"employer_id": None, "person_id": self.persons[ref_key(d.person)][0], "community": None}
        if d.community:
            return {"employer_id": None, "person_id": None, "community": d.community}
        return {"employer_id": self.employers[d.employer or ""], "person_id": None, "community": None}


def _need_ids(session: Session) -> dict[str, int]:
    """Every need's ref key -> id."""
    return {ref_key(ref): id_ for ref, id_ in session.execute(select(Need.ref, Need.id))}


# ---------------------------------------------------------------- planning

def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    if not set(OWNER_COLUMNS) & set(table.columns):
        plan.problems.append(ImportProblem(1, "", "Filen mangler en kolonne for behovenes eier: employer "
                                                  "(arbeidsgiver), person eller community (lokalsamfunn)"))
        return
    existing = _need_ids(session)
    partial_window = not {"earliest_start", "latest_start"} <= set(table.columns)
    seen: dict[str, int] = {}
    centres = CentreCells(session, plan)
    for chunk in chunks(table):
        checked: list[tuple[int, NeedData]] = []
        cells = {row.line: row.values.get(CENTRE_COLUMN) for row in chunk}
        for row in chunk:
            data, found = validate_need(row.values)
            plan.problems.extend(problems_at(row.line, found))
            if data is not None:
                checked.append((row.line, data))
        owners = _Owners(session, (d for _, d in checked))
        targets = [existing.get(ref_key(d.ref)) for _, d in checked if d.ref]
        windows = _windows(session, [t for t in targets if t]) if partial_window else {}
        for line, data in checked:
            problem = owners.problem(data)
            if problem is None and data.community:
                try:
                    data = replace(data, community=community_key(session, data.community))
                except UserError as exc:
                    problem = "community", exc.message.rstrip(".")
            if problem is not None:
                plan.problems.append(ImportProblem(line, *problem))
                continue
            target = None
            if data.ref:
                repeated = repeated_ref(seen, line, data.ref)
                if repeated is not None:
                    plan.problems.append(repeated)
                    continue
                target = existing.get(ref_key(data.ref))
            if target and partial_window:  # the other date stays: check the window it makes
                earliest = data.earliest_start if "earliest_start" in table.columns else windows[target][0]
                latest = data.latest_start if "latest_start" in table.columns else windows[target][1]
                problem = start_window_problem(earliest, latest)
                if problem:
                    plan.problems.append(ImportProblem(line, "latest_start", problem + " (i databasen)"))
                    continue
            if centres.take(line, cells[line], target is None):
                plan.rows.append(PlannedRow(line, "update" if target else "create", data, None, target))


def _windows(session: Session, ids: list[int]) -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """The stored start windows of some needs."""
    if not ids:
        return {}
    stmt = select(Need.id, Need.earliest_start, Need.latest_start).where(Need.id.in_(ids))
    return {id_: (earliest, latest) for id_, earliest, latest in session.execute(stmt)}


# ---------------------------------------------------------------- applying

def _values(d: NeedData, owner: dict[str, Any]) -> dict[str, Any]:
    return {
        **owner, "title": d.title, "description": d.description, "headcount": d.headcount,
        "level": d.level, "formats": ",".join(d.formats), "earliest_start": d.earliest_start,
        "latest_start": d.latest_start, "priority": d.priority, "status": d.status, "funding_note": d.funding_note,
        "source": d.source, "horizon": d.horizon,
    }


class _Writer:
    """Writes a checked plan chunk by chunk, with an audit entry per created need and changed field."""

    def __init__(self, session: Session, plan: ImportPlan) -> None:
        columns = set(plan.columns)
        self.session = session
        self.fields = [f for c, f in _FIELDS.items() if c in columns]
        if columns & set(OWNER_COLUMNS):
            self.fields += _OWNER_FIELDS
        self.existing = _need_ids(session)
        self.plan = plan
        self.stamp, self.today = now(), dt.date.today()
        self.next_number = 0  # of the next automatic ref; found when a row first needs one
        self.audit = AuditBatch(session)
        self.created = self.updated = 0

    def write(self, chunk: list[PlannedRow]) -> None:
        owners = _Owners(self.session, (r.data for r in chunk))
        for r in chunk:
            d: NeedData = r.data
            key = ref_key(d.ref) if d.ref else None
            if (r.action == "create") == (key is not None and key in self.existing):
                raise stale()
        history = self._create([r for r in chunk if r.action == "create"], owners)
        history += self._update([r for r in chunk if r.action == "update"], owners)
        bulk_insert(self.session, NeedStatusChange, history)

    def _create(self, created: list[PlannedRow], owners: _Owners) -> list[dict[str, Any]]:
        """Insert new needs (the next free "B00001"-style ref for those without); their first status."""
        rows = []
        for r in created:
            d: NeedData = r.data
            ref = d.ref or self._automatic_ref()
            rows.append({"ref": ref, **_values(d, owners.columns(d)), "registered": d.registered or self.today,
                         "centre_id": self.plan.centre_for(r.line, True), "status_changed_on": self.today,
                         "created_at": self.stamp, "updated_at": self.stamp})
        bulk_insert(self.session, Need, rows)
        new_ids = dict(self.session.execute(select(Need.ref, Need.id).where(Need.ref.in_([r["ref"] for r in rows])))
                       .all()) if rows else {}
        for row in rows:
            self.audit.created(NEED, new_ids[row["ref"]], f"Nytt behov {row['ref']} «{row['title']}»")
        self.created += len(rows)
        return [{"need_id": new_ids[row["ref"]], "status": row["status"], "changed_on": self.today} for row in rows]

    def _automatic_ref(self) -> str:
        """The next free "B00001"-style ref, above those in the database and in the file."""
        if not self.next_number:
            refs = (r.data.ref for r in self.plan.rows if r.data.ref)
            self.next_number = int(next_need_ref(self.session, refs)[len(NEED_REF_PREFIX):])
        self.next_number += 1
        return f"{NEED_REF_PREFIX}{self.next_number - 1:05d}"

    def _update(self, updated: list[PlannedRow], owners: _Owners) -> list[dict[str, Any]]:
        """Write changed fields of existing needs; a changed status is dated today."""
        if not updated:
            return []
        table = Need.__table__
        current = {r["id"]: r for r in self.session.execute(
            select(*table.c).where(table.c.id.in_([r.target_id for r in updated]))).mappings()}
        updates, history = [], []
        for r in updated:
            row = current.get(r.target_id)
            if row is None or ref_key(row["ref"]) != ref_key(r.data.ref):
                raise stale()
            registered = r.data.registered or row["registered"]  # an empty cell keeps the day
            all_values = {**_values(r.data, owners.columns(r.data)), "registered": registered}
            values = {f: all_values[f] for f in self.fields}
            if r.line in self.plan.centres:
                values["centre_id"] = self.plan.centres[r.line]
            changes = field_changes(row, values)
            if not changes:
                continue
            status_changed = any(name == "status" for name, _, _ in changes)
            values["status_changed_on"] = self.today if status_changed else row["status_changed_on"]
            if status_changed:
                history.append({"need_id": row["id"], "status": values["status"], "changed_on": self.today})
            updates.append({"id": row["id"], **values, "updated_at": self.stamp})
            self.audit.changed(NEED, row["id"], changes)
        bulk_update(self.session, Need, updates)
        self.updated += len(updates)
        return history


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    writer = _Writer(session, plan)
    for chunk in chunks(plan.rows):
        writer.write(chunk)
    writer.audit.flush()
    return ImportResult(plan.kind, writer.created, writer.updated, plan.updates - writer.updated)


# ---------------------------------------------------------------- export

def export_rows(session: Session) -> list[tuple[Any, ...]]:
    stmt = (
        select(Need.ref, Employer.org_number, Need.title, Need.description, Need.headcount, Need.level,
               Need.formats, Need.earliest_start, Need.latest_start, Need.priority, Need.status, Person.ref,
               Need.community, Need.source, Need.horizon, Need.registered, Centre.name)
        .join(Centre, Centre.id == Need.centre_id)
        .outerjoin(Employer, Need.employer_id == Employer.id).outerjoin(Person, Need.person_id == Person.id)
        .order_by(Need.id)
    )
    return [(ref, org or "", title, description, headcount, LEVELS.label(level),
             format_formats(tuple(k for k in formats.split(",") if k)), earliest, latest,
             PRIORITIES.label(priority), NEED_STATUSES.label(status), person or "", community or "", source or "",
             "" if horizon is None else str(horizon), registered, centre)
            for ref, org, title, description, headcount, level, formats, earliest, latest, priority, status, person,
            community, source, horizon, registered, centre in session.execute(stmt)]


KIND = Kind("needs", NEED, NEED_COLUMNS, ("title",), _OPTIONAL, _ALIASES, plan, apply, export_rows, EXPORT_COLUMNS,
            centre_column=True)
