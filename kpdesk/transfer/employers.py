"""Employers (with their first contact person) as CSV: keyed by organisation number.

Planning and applying go through the file ``CHUNK`` rows at a time and look up only those rows'
organisation numbers in the database, so neither step holds the whole register. Every created
employer and contact person gets a "create" entry in the audit log, and every changed field of
an employer or its contact person an "update" entry with the old and new value, as in the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import Session, aliased

from kpdesk.common import csvfile
from kpdesk.common.norsk import format_org_number, format_phone, sort_key
from kpdesk.db.models import Centre, ContactPerson, Employer
from kpdesk.db.row_writing import AuditBatch, field_changes
from kpdesk.register.service import CONTACT, EMPLOYER
from kpdesk.register.validation import ContactData, EmployerData, validate_contact, validate_employer
from kpdesk.transfer.base import (
    ImportPlan,
    ImportProblem,
    ImportResult,
    Kind,
    PlannedRow,
    bulk_insert,
    bulk_update,
    chunks,
    insert_new,
    now,
    problems_at,
    stale,
)
from kpdesk.transfer.centres import CENTRE_ALIASES, CENTRE_COLUMN, CentreCells

EMPLOYER_COLUMNS = ("org_number", "name", "municipality", "industry", "contact_name", "contact_email",
                    "contact_phone", "notes")
# Read when present, never written: the canonical files stay as the issue describes them.
_OPTIONAL = ("may_be_named", "parent_org_number", "contact_role", CENTRE_COLUMN)
_ALIASES = {
    "orgnr": "org_number", "org.nr.": "org_number", "organisasjonsnummer": "org_number", "navn": "name",
    "arbeidsgiver": "name", "kommune": "municipality", "kommunenummer": "municipality",
    "næringskode": "industry", "kontaktperson": "contact_name", "e-post": "contact_email",
    "epost": "contact_email", "telefon": "contact_phone", "notat": "notes", "notater": "notes",
    "merknad": "notes", "kan navngis": "may_be_named", "hovedenhet": "parent_org_number",
    "rolle": "contact_role", **CENTRE_ALIASES,
}
# Which data fields a header column controls on update (absent column: the database value stays).
_FIELDS = {"name": "name", "municipality": "municipality", "industry": "industry", "notes": "notes",
           "may_be_named": "may_be_named"}
_CONTACT_FIELDS = {"contact_name": "name", "contact_email": "email", "contact_phone": "phone",
                   "contact_role": "role"}
_CONTACT_COLUMNS = {name: column for column, name in _CONTACT_FIELDS.items()}


def _ids_by_org(session: Session, orgs: Collection[str]) -> dict[str, int]:
    if not orgs:
        return {}
    return dict(session.execute(select(Employer.org_number, Employer.id).where(Employer.org_number.in_(orgs))).all())


# ---------------------------------------------------------------- planning

def _checked(plan: ImportPlan, row: csvfile.CsvRow) -> tuple[EmployerData, ContactData | None] | None:
    """A row's employer and contact person, its problems added to the plan; None if it has errors."""
    problems: list[ImportProblem] = []
    data, found = validate_employer(row.values)
    problems += problems_at(row.line, found)
    contact = None
    contact_raw = {name: row.values.get(column, "") for column, name in _CONTACT_FIELDS.items()}
    if any((v or "").strip() for v in contact_raw.values()):
        contact, found = validate_contact(contact_raw)
        problems += problems_at(row.line, found, _CONTACT_COLUMNS)
    plan.problems.extend(problems)
    if data is None or any(not p.warning for p in problems):
        return None
    return data, contact


def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    seen: dict[str, int] = {}
    centres = CentreCells(session, plan)
    for chunk in chunks(table):
        cells = {row.line: row.values.get(CENTRE_COLUMN) for row in chunk}
        checked = [(row.line, _checked(plan, row)) for row in chunk]
        existing = _ids_by_org(session, {item[0].org_number for _, item in checked if item})
        for line, item in checked:
            if item is None:
                continue
            data, contact = item
            if data.org_number in seen:
                plan.problems.append(ImportProblem(line, "org_number", f"Organisasjonsnummer "
                                                   f"{format_org_number(data.org_number)} står også på linje "
                                                   f"{seen[data.org_number]}"))
                continue
            seen[data.org_number] = line
            target = existing.get(data.org_number)
            if centres.take(line, cells[line], target is None):
                plan.rows.append(PlannedRow(line, "update" if target else "create", data, contact, target))
    if "parent_org_number" in table.columns:
        _check_parents(session, plan)


def _check_parents(session: Session, plan: ImportPlan) -> None:
    """Every parent org number is known, and the file closes no loop of parents."""
    in_file: dict[str, str | None] = {r.data.org_number: r.data.parent_org_number for r in plan.rows}
    parent = aliased(Employer)
    parents: dict[str, str | None] = dict(session.execute(select(Employer.org_number, parent.org_number)
                                                          .join(parent, Employer.parent_id == parent.id)).all())
    parents.update(in_file)
    named = {p for p in in_file.values() if p and p not in in_file}
    known = {org for chunk in chunks(named) for org in _ids_by_org(session, chunk)}
    for r in plan.rows:
        data: EmployerData = r.data
        if data.parent_org_number is None:
            continue
        if data.parent_org_number not in in_file and data.parent_org_number not in known:
            plan.problems.append(ImportProblem(r.line, "parent_org_number", f"Hovedenheten "
                                               f"{format_org_number(data.parent_org_number)} finnes verken i "
                                               f"databasen eller i filen"))
            continue
        current: str | None = data.parent_org_number
        for _ in range(len(parents)):
            if current is None or current == data.org_number:
                break
            current = parents.get(current)
        if current == data.org_number:
            plan.problems.append(ImportProblem(r.line, "parent_org_number", f"{format_org_number(data.org_number)} "
                                               f"blir sin egen hovedenhet gjennom "
                                               f"{format_org_number(data.parent_org_number)}"))


# ---------------------------------------------------------------- applying

class _Writer:
    """Writes a checked plan chunk by chunk, with an audit entry per created row and changed field."""

    def __init__(self, session: Session, plan: ImportPlan) -> None:
        columns = set(plan.columns)
        self.plan = plan
        self.session = session
        self.fields = [f for c, f in _FIELDS.items() if c in columns]
        self.contact_fields = [f for c, f in _CONTACT_FIELDS.items() if c in columns]
        self.with_parents = "parent_org_number" in columns
        self.stamp = now()
        self.source = f"import {plan.source}"[:200]
        self.audit = AuditBatch(session)
        self.created = self.updated = 0
        # parents that come later in the file, set once every employer is there: (employer id,
        # parent org number, whether the row is an update, whether it is counted as updated already)
        self.later_parents: list[tuple[int, str, bool, bool]] = []

    def write(self, chunk: list[PlannedRow]) -> None:
        table = Employer.__table__
        updated = [r.data.org_number for r in chunk if r.action == "update"]
        current = {r["org_number"]: r for r in self.session.execute(
            select(*table.c).where(table.c.org_number.in_(updated))).mappings()} if updated else {}
        if len(current) != len(updated):
            raise stale()  # an employer the file updates has been deleted since
        created = [r.data for r in chunk if r.action == "create"]
        insert_new(self.session, Employer, [self._new(r.data, self.plan.centre_for(r.line, True))
                                            for r in chunk if r.action == "create"])
        ids = {org: row["id"] for org, row in current.items()}
        ids.update(_ids_by_org(self.session, [d.org_number for d in created]))
        for d in created:
            self.audit.created(EMPLOYER, ids[d.org_number],
                               f"Ny arbeidsgiver «{d.name}» ({format_org_number(d.org_number)})")
        self.created += len(created)
        touched, later = self._employers(chunk, ids, current)
        touched |= self._contacts(chunk, ids)
        self.updated += sum(1 for r in chunk if r.action == "update" and ids[r.data.org_number] in touched)
        self.later_parents += [(employer_id, org, is_update, employer_id in touched)
                               for employer_id, org, is_update in later]

    def _new(self, d: EmployerData, centre_id: int | None) -> dict[str, Any]:
        return {"org_number": d.org_number, "name": d.name, "municipality": d.municipality, "industry": d.industry,
                "notes": d.notes, "may_be_named": d.may_be_named, "parent_id": None, "source": self.source,
                "centre_id": centre_id, "created_at": self.stamp, "updated_at": self.stamp}

    def _employers(self, chunk: list[PlannedRow], ids: dict[str, int],
                   current: dict[str, RowMapping]) -> tuple[set[int], list[tuple[int, str, bool]]]:
        """Update the employers of a chunk and set their parents; returns those that changed, and
        (employer id, parent org number, whether it is an update) of parents not there yet."""
        parent_ids = _ids_by_org(self.session, {r.data.parent_org_number for r in chunk
                                                if r.data.parent_org_number}) if self.with_parents else {}
        updates: list[dict[str, Any]] = []
        parents: list[dict[str, Any]] = []
        touched: set[int] = set()
        later: list[tuple[int, str, bool]] = []
        for r in chunk:
            d: EmployerData = r.data
            employer_id = ids[d.org_number]
            values = {f: getattr(d, f) for f in self.fields} if r.action == "update" else {}
            if r.action == "update" and r.line in self.plan.centres:
                values["centre_id"] = self.plan.centres[r.line]
            if self.with_parents:
                if d.parent_org_number and d.parent_org_number not in parent_ids:
                    later.append((employer_id, d.parent_org_number, r.action == "update"))
                elif r.action == "update":
                    values["parent_id"] = parent_ids.get(d.parent_org_number or "")
                elif d.parent_org_number:
                    parents.append({"id": employer_id, "parent_id": parent_ids[d.parent_org_number]})
            changes = field_changes(current[d.org_number], values) if values else []
            if changes:
                updates.append({"id": employer_id, **values, "updated_at": self.stamp})
                self.audit.changed(EMPLOYER, employer_id, changes)
                touched.add(employer_id)
        bulk_update(self.session, Employer, updates)
        bulk_update(self.session, Employer, parents)
        return touched, later

    def _contacts(self, chunk: list[PlannedRow], ids: dict[str, int]) -> set[int]:
        """Create or update each row's first contact person; returns the employers whose contact changed."""
        rows = [r for r in chunk if r.contact is not None]
        first: dict[int, RowMapping] = {}
        wanted = [ids[r.data.org_number] for r in rows if r.action == "update"]  # new employers have none
        if wanted:
            for contact in self.session.execute(
                    select(ContactPerson.id, ContactPerson.employer_id, ContactPerson.name, ContactPerson.email,
                           ContactPerson.phone, ContactPerson.role)
                    .where(ContactPerson.employer_id.in_(wanted)).order_by(ContactPerson.id.desc())).mappings():
                first[contact["employer_id"]] = contact
        today = dt.date.today()
        creates: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        names: dict[int, str] = {}
        touched: set[int] = set()
        for r in rows:
            employer_id, c = ids[r.data.org_number], r.contact
            existing = first.get(employer_id)
            if existing is None:
                creates.append({"employer_id": employer_id, "name": c.name, "role": c.role, "email": c.email,
                                "phone": c.phone, "legal_basis": c.legal_basis,
                                "registered_on": c.registered_on or today})
                names[employer_id] = r.data.name
                continue
            values = {f: getattr(c, f) for f in self.contact_fields}
            changes = field_changes(existing, values)
            if changes:
                updates.append({"id": existing["id"], **values})
                self.audit.changed(CONTACT, existing["id"], changes)
                touched.add(employer_id)
        bulk_insert(self.session, ContactPerson, creates)
        bulk_update(self.session, ContactPerson, updates)
        if names:
            for employer_id, contact_id in self.session.execute(
                    select(ContactPerson.employer_id, ContactPerson.id).where(ContactPerson.employer_id.in_(names))):
                # No personal data in the summary: it survives erasure of the person.
                self.audit.created(CONTACT, contact_id, f"Ny kontaktperson hos «{names[employer_id]}»")
        return touched | set(names)

    def finish(self) -> None:
        """Parents named before their own rows came, then the audit entries still pending."""
        for chunk in chunks(self.later_parents):
            self._later_parents(chunk)
        self.audit.flush()

    def _later_parents(self, chunk: list[tuple[int, str, bool, bool]]) -> None:
        parent_ids = _ids_by_org(self.session, {org for _, org, _, _ in chunk})
        old = dict(self.session.execute(select(Employer.id, Employer.parent_id)
                                        .where(Employer.id.in_([item[0] for item in chunk]))).all())
        updates = []
        for employer_id, parent_org, is_update, counted in chunk:
            new = parent_ids[parent_org]
            if old[employer_id] == new:
                continue
            updates.append({"id": employer_id, "parent_id": new})
            if is_update:  # a created row's parent is part of its creation
                self.audit.changed(EMPLOYER, employer_id, [("parent_id", old[employer_id], new)])
                self.updated += not counted
        bulk_update(self.session, Employer, updates)


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    writer = _Writer(session, plan)
    for chunk in chunks(plan.rows):
        writer.write(chunk)
    writer.finish()
    return ImportResult(plan.kind, writer.created, writer.updated, plan.updates - writer.updated)


# ---------------------------------------------------------------- export

def export_rows(session: Session) -> list[tuple[Any, ...]]:
    first = (select(ContactPerson.employer_id, func.min(ContactPerson.id).label("contact_id"))
             .group_by(ContactPerson.employer_id).subquery())
    stmt = (
        select(Employer.id, Employer.org_number, Employer.name, Employer.municipality, Employer.industry,
               ContactPerson.name, ContactPerson.email, ContactPerson.phone, Employer.notes, Centre.name)
        .join(Centre, Centre.id == Employer.centre_id)
        .outerjoin(first, first.c.employer_id == Employer.id)
        .outerjoin(ContactPerson, ContactPerson.id == first.c.contact_id)
    )
    rows = sorted(session.execute(stmt), key=lambda r: (sort_key(r[2]), r[0]))
    return [(org, name, municipality, industry, contact, email, format_phone(phone), notes, centre)
            for _, org, name, municipality, industry, contact, email, phone, notes, centre in rows]


KIND = Kind("employers", EMPLOYER, EMPLOYER_COLUMNS, ("org_number", "name"), _OPTIONAL, _ALIASES, plan, apply,
            export_rows, centre_column=True)
