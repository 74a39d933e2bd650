"""Employers (with their first contact person) as CSV: keyed by organisation number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from kpdesk.common import csvfile
from kpdesk.common.norsk import format_org_number, format_phone, sort_key
from kpdesk.db.models import ContactPerson, Employer
from kpdesk.register.service import EMPLOYER
from kpdesk.register.validation import EmployerData, validate_contact, validate_employer
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

EMPLOYER_COLUMNS = ("org_number", "name", "municipality", "industry", "contact_name", "contact_email",
                    "contact_phone", "notes")
# Read when present, never written: the canonical files stay as the issue describes them.
_OPTIONAL = ("may_be_named", "parent_org_number", "contact_role")
_ALIASES = {
    "orgnr": "org_number", "org.nr.": "org_number", "organisasjonsnummer": "org_number", "navn": "name",
    "arbeidsgiver": "name", "kommune": "municipality", "kommunenummer": "municipality",
    "næringskode": "industry", "kontaktperson": "contact_name", "e-post": "contact_email",
    "epost": "contact_email", "telefon": "contact_phone", "notat": "notes", "notater": "notes",
    "merknad": "notes", "kan navngis": "may_be_named", "hovedenhet": "parent_org_number",
    "rolle": "contact_role",
}
# Which data fields a header column controls on update (absent column: the database value stays).
_FIELDS = {"name": "name", "municipality": "municipality", "industry": "industry", "notes": "notes",
           "may_be_named": "may_be_named"}
_CONTACT_FIELDS = {"contact_name": "name", "contact_email": "email", "contact_phone": "phone",
                   "contact_role": "role"}


def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    parent = aliased(Employer)
    stmt = (select(Employer.org_number, Employer.id, parent.org_number)
            .outerjoin(parent, Employer.parent_id == parent.id))
    existing: dict[str, tuple[int, str | None]] = {org: (id_, p) for org, id_, p in session.execute(stmt)}
    seen: dict[str, int] = {}
    for row in table.rows:
        problems: list[ImportProblem] = []
        data, found = validate_employer(row.values)
        problems += [ImportProblem(row.line, p.field, p.message, p.warning) for p in found]
        contact = None
        contact_raw = {name: row.values.get(column, "") for column, name in _CONTACT_FIELDS.items()}
        if any(v.strip() for v in contact_raw.values()):
            contact, found = validate_contact(contact_raw)
            columns = {name: column for column, name in _CONTACT_FIELDS.items()}
            problems += [ImportProblem(row.line, columns.get(p.field, p.field), p.message, p.warning) for p in found]
        plan.problems.extend(problems)
        if data is None or any(not p.warning for p in problems):
            continue
        if data.org_number in seen:
            plan.problems.append(ImportProblem(row.line, "org_number", f"Organisasjonsnummer "
                                               f"{format_org_number(data.org_number)} står også på linje "
                                               f"{seen[data.org_number]}"))
            continue
        seen[data.org_number] = row.line
        target = existing.get(data.org_number)
        plan.rows.append(PlannedRow(row.line, "update" if target else "create", data, contact,
                                    target[0] if target else None))
    if "parent_org_number" in table.columns:
        _check_parents(plan, {org: p for org, (_, p) in existing.items()})


def _check_parents(plan: ImportPlan, db_parents: dict[str, str | None]) -> None:
    """Every parent org number is known, and the file closes no loop of parents."""
    parents = dict(db_parents)
    parents.update({r.data.org_number: r.data.parent_org_number for r in plan.rows})
    for r in list(plan.rows):
        data: EmployerData = r.data
        if data.parent_org_number is None:
            continue
        if data.parent_org_number not in parents:
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


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    columns = set(plan.columns)
    fields = [f for c, f in _FIELDS.items() if c in columns]
    table = Employer.__table__
    current = {r["org_number"]: r for r in session.execute(select(*table.c)).mappings()}
    for r in plan.rows:
        if (r.action == "create") == (r.data.org_number in current):
            raise stale()
    stamp = now()
    source = f"import {plan.source}"[:200]
    created = [r for r in plan.rows if r.action == "create"]
    bulk_insert(session, Employer, [{
        "org_number": d.org_number, "name": d.name, "municipality": d.municipality, "industry": d.industry,
        "notes": d.notes, "may_be_named": d.may_be_named, "parent_id": None, "source": source,
        "created_at": stamp, "updated_at": stamp,
    } for d in (r.data for r in created)])
    ids = dict(session.execute(select(Employer.org_number, Employer.id)).all())

    touched: set[int] = set()
    updates = []
    for r in plan.rows:
        if r.action != "update":
            continue
        d: EmployerData = r.data
        values = {f: getattr(d, f) for f in fields}
        if "parent_org_number" in columns:
            values["parent_id"] = ids[d.parent_org_number] if d.parent_org_number else None
        if changed(current[d.org_number], values):
            updates.append({"id": ids[d.org_number], **values, "updated_at": stamp})
            touched.add(ids[d.org_number])
    bulk_update(session, Employer, updates)
    parents = [{"id": ids[r.data.org_number], "parent_id": ids[r.data.parent_org_number]}
               for r in created if r.data.parent_org_number]
    bulk_update(session, Employer, parents)
    touched |= _apply_contacts(session, plan, ids, columns)
    updated = sum(1 for r in plan.rows if r.action == "update" and ids[r.data.org_number] in touched)
    return ImportResult(plan.kind, len(created), updated, plan.updates - updated)


def _apply_contacts(session: Session, plan: ImportPlan, ids: dict[str, int], columns: set[str]) -> set[int]:
    """Create or update each row's first contact person; returns the employers whose contact changed."""
    fields = [f for c, f in _CONTACT_FIELDS.items() if c in columns]
    first: dict[int, dict[str, Any]] = {}
    for contact in session.execute(select(ContactPerson.id, ContactPerson.employer_id, ContactPerson.name,
                                          ContactPerson.email, ContactPerson.phone, ContactPerson.role)
                                   .order_by(ContactPerson.id.desc())).mappings():
        first[contact["employer_id"]] = dict(contact)
    today = dt.date.today()
    creates, updates, touched = [], [], set()
    for r in plan.rows:
        if r.contact is None:
            continue
        employer_id = ids[r.data.org_number]
        values = {f: getattr(r.contact, f) for f in fields}
        existing = first.get(employer_id)
        if existing is None:
            creates.append({"employer_id": employer_id, "name": r.contact.name, "role": r.contact.role,
                            "email": r.contact.email, "phone": r.contact.phone,
                            "legal_basis": r.contact.legal_basis, "registered_on": r.contact.registered_on or today})
            touched.add(employer_id)
        elif changed(existing, values):
            updates.append({"id": existing["id"], **values})
            touched.add(employer_id)
    bulk_insert(session, ContactPerson, creates)
    bulk_update(session, ContactPerson, updates)
    return touched


def export_rows(session: Session) -> list[tuple[Any, ...]]:
    first = (select(ContactPerson.employer_id, func.min(ContactPerson.id).label("contact_id"))
             .group_by(ContactPerson.employer_id).subquery())
    stmt = (
        select(Employer.id, Employer.org_number, Employer.name, Employer.municipality, Employer.industry,
               ContactPerson.name, ContactPerson.email, ContactPerson.phone, Employer.notes)
        .outerjoin(first, first.c.employer_id == Employer.id)
        .outerjoin(ContactPerson, ContactPerson.id == first.c.contact_id)
    )
    rows = sorted(session.execute(stmt), key=lambda r: (sort_key(r[2]), r[0]))
    return [(org, name, municipality, industry, contact, email, format_phone(phone), notes)
            for _, org, name, municipality, industry, contact, email, phone, notes in rows]


KIND = Kind("employers", EMPLOYER, EMPLOYER_COLUMNS, ("org_number", "name"), _OPTIONAL, _ALIASES, plan, apply,
            export_rows)
