"""Importing and exporting the broker register as CSV (employers and needs).

Import is two steps so the GUI can show a preview: ``plan_import`` reads and checks every row
and resolves it against the database (an org number or need ref already there means update)
without writing anything; ``apply_import`` writes a plan with no errors in bulk statements, all
or nothing, with one audit entry. Export writes the same canonical columns the importer reads,
so an exported file imported again gives the same data.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, aliased

from kpdesk import audit, csvfile
from kpdesk.codes import LEVELS, NEED_STATUSES, PRIORITIES
from kpdesk.db.models import ContactPerson, Employer, Need, NeedStatusChange
from kpdesk.errors import UserError
from kpdesk.norsk import format_org_number, format_phone, sort_key
from kpdesk.register import EMPLOYER, NEED, next_need_ref
from kpdesk.validation import (
    ContactData,
    EmployerData,
    NeedData,
    start_window_problem,
    validate_contact,
    validate_employer,
    validate_need,
)

KINDS = ("employers", "needs")
KIND_WORDS = {"employers": ("arbeidsgiver", "arbeidsgivere"), "needs": ("behov", "behov")}

EMPLOYER_COLUMNS = ("org_number", "name", "municipality", "industry", "contact_name", "contact_email",
                    "contact_phone", "notes")
NEED_COLUMNS = ("ref", "employer", "title", "description", "headcount", "level", "formats", "earliest_start",
                "latest_start", "priority", "status")
# Read when present, never written: the canonical files stay as the issue describes them.
_EMPLOYER_OPTIONAL = ("may_be_named", "parent_org_number", "contact_role")
_NEED_OPTIONAL = ("funding_note",)

_COLUMNS = {"employers": EMPLOYER_COLUMNS, "needs": NEED_COLUMNS}
_OPTIONAL = {"employers": _EMPLOYER_OPTIONAL, "needs": _NEED_OPTIONAL}
_REQUIRED = {"employers": ("org_number", "name"), "needs": ("employer", "title", "headcount")}
_ALIASES = {
    "employers": {
        "orgnr": "org_number", "org.nr.": "org_number", "organisasjonsnummer": "org_number", "navn": "name",
        "arbeidsgiver": "name", "kommune": "municipality", "kommunenummer": "municipality",
        "næringskode": "industry", "kontaktperson": "contact_name", "e-post": "contact_email",
        "epost": "contact_email", "telefon": "contact_phone", "notat": "notes", "notater": "notes",
        "merknad": "notes", "kan navngis": "may_be_named", "hovedenhet": "parent_org_number",
        "rolle": "contact_role",
    },
    "needs": {
        "referanse": "ref", "arbeidsgiver": "employer", "orgnr": "employer", "organisasjonsnummer": "employer",
        "tittel": "title", "beskrivelse": "description", "antall": "headcount", "nivå": "level",
        "format": "formats", "tidligste oppstart": "earliest_start", "seneste oppstart": "latest_start",
        "prioritet": "priority", "finansiering": "funding_note",
    },
}
# Which data fields a header column controls on update (absent column: the database value stays).
_EMPLOYER_FIELDS = {"name": "name", "municipality": "municipality", "industry": "industry", "notes": "notes",
                    "may_be_named": "may_be_named"}
_NEED_FIELDS = {"employer": "employer_id", "title": "title", "description": "description", "headcount": "headcount",
                "level": "level", "formats": "formats", "earliest_start": "earliest_start",
                "latest_start": "latest_start", "priority": "priority", "status": "status",
                "funding_note": "funding_note"}
_CONTACT_FIELDS = {"contact_name": "name", "contact_email": "email", "contact_phone": "phone",
                   "contact_role": "role"}


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
    data: EmployerData | NeedData
    contact: ContactData | None = None  # employers: the first contact person, when the row names one
    target_id: int | None = None  # the row updated


@dataclass
class ImportPlan:
    kind: str
    source: str  # the file's name, for messages
    encoding: str = ""  # a key of csvfile.ENCODING_NAMES ("" when the file could not be decoded)
    delimiter: str = ""
    columns: tuple[str, ...] = ()
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

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

    def sentence(self) -> str:
        """What applying the plan would do, or why it cannot be applied."""
        if self.has_errors:
            n = len(self.errors)
            return f"{self.source} har {n} feil; ingenting kan importeres."
        return (f"{self.source}: {count_words(self.kind, len(self.rows))}, {self.creates} nye og "
                f"{self.updates} finnes fra før.")


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    created: int
    updated: int
    unchanged: int = 0

    def sentence(self) -> str:
        """The one-line summary, e.g. "Importerte 12 arbeidsgivere: 10 nye, 2 oppdatert"."""
        total = self.created + self.updated + self.unchanged
        text = f"Importerte {count_words(self.kind, total)}: {self.created} nye, {self.updated} oppdatert"
        if self.unchanged:
            text += f", {self.unchanged} uendret"
        return text + "."


# ---------------------------------------------------------------- planning

def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")


def plan_import(session: Session, kind: str, path: str | os.PathLike[str]) -> ImportPlan:
    """Read and check a CSV file against the database; writes nothing.

    A file that cannot be read at all raises UserError; everything wrong inside it, down to
    encoding and header, is in ``plan.problems``.
    """
    _check_kind(kind)
    return plan_bytes(session, kind, csvfile.read_bytes(path), Path(path).name)


def plan_bytes(session: Session, kind: str, data: bytes, source: str = "filen") -> ImportPlan:
    """``plan_import`` on a file's bytes (the command line reads the file before opening the database)."""
    _check_kind(kind)
    plan = ImportPlan(kind, source)
    try:
        table = csvfile.parse(data, _COLUMNS[kind], required=_REQUIRED[kind], optional=_OPTIONAL[kind],
                              aliases=_ALIASES[kind])
    except csvfile.CsvError as exc:
        plan.problems.append(ImportProblem(exc.line, "", exc.message))
        return plan
    plan.encoding, plan.delimiter, plan.columns = table.encoding, table.delimiter, table.columns
    plan.problems.extend(ImportProblem(p.line, p.column, p.message, p.warning) for p in table.problems)
    if kind == "employers":
        _plan_employers(session, plan, table)
    else:
        _plan_needs(session, plan, table)
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _plan_employers(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
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


def _plan_needs(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
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


# ---------------------------------------------------------------- applying

def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _stale() -> UserError:
    return UserError("Databasen er endret siden filen ble kontrollert. Kontroller filen på nytt før du importerer.")


def apply_import(session: Session, plan: ImportPlan) -> ImportResult:
    """Write a checked plan in bulk inside the caller's transaction; refuses a plan with errors."""
    if plan.has_errors:
        n = len(plan.errors)
        raise UserError(f"{plan.source} har {n} feil, så ingenting er importert. Rett feilene og prøv igjen.",
                        details=[str(p) for p in plan.errors[:20]])
    result = _apply_employers(session, plan) if plan.kind == "employers" else _apply_needs(session, plan)
    entity = EMPLOYER if plan.kind == "employers" else NEED
    audit.record(session, "import", entity, None,
                 summary=f"Import av {count_words(plan.kind, len(plan.rows))} fra {plan.source}: "
                         f"{result.created} nye, {result.updated} oppdatert, {result.unchanged} uendret.")
    return result


def _bulk_insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model).execution_options(render_nulls=True), rows)


def _bulk_update(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(update(model), rows)


def _changed(current: dict[str, Any], values: dict[str, Any]) -> bool:
    return any(current[k] != v for k, v in values.items())


def _apply_employers(session: Session, plan: ImportPlan) -> ImportResult:
    columns = set(plan.columns)
    fields = [f for c, f in _EMPLOYER_FIELDS.items() if c in columns]
    table = Employer.__table__
    current = {r["org_number"]: r for r in session.execute(select(*table.c)).mappings()}
    for r in plan.rows:
        if (r.action == "create") == (r.data.org_number in current):
            raise _stale()
    now = _now()
    source = f"import {plan.source}"[:200]
    created = [r for r in plan.rows if r.action == "create"]
    _bulk_insert(session, Employer, [{
        "org_number": d.org_number, "name": d.name, "municipality": d.municipality, "industry": d.industry,
        "notes": d.notes, "may_be_named": d.may_be_named, "parent_id": None, "source": source,
        "created_at": now, "updated_at": now,
    } for d in (r.data for r in created)])
    ids = dict(session.execute(select(Employer.org_number, Employer.id)).all())

    changed: set[int] = set()
    updates = []
    for r in plan.rows:
        if r.action != "update":
            continue
        d: EmployerData = r.data
        values = {f: getattr(d, f) for f in fields}
        if "parent_org_number" in columns:
            values["parent_id"] = ids[d.parent_org_number] if d.parent_org_number else None
        if _changed(current[d.org_number], values):
            updates.append({"id": ids[d.org_number], **values, "updated_at": now})
            changed.add(ids[d.org_number])
    _bulk_update(session, Employer, updates)
    parents = [{"id": ids[r.data.org_number], "parent_id": ids[r.data.parent_org_number]}
               for r in created if r.data.parent_org_number]
    _bulk_update(session, Employer, parents)
    changed |= _apply_contacts(session, plan, ids, columns)
    updated = sum(1 for r in plan.rows if r.action == "update" and ids[r.data.org_number] in changed)
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
    creates, updates, changed = [], [], set()
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
            changed.add(employer_id)
        elif _changed(existing, values):
            updates.append({"id": existing["id"], **values})
            changed.add(employer_id)
    _bulk_insert(session, ContactPerson, creates)
    _bulk_update(session, ContactPerson, updates)
    return changed


def _need_values(d: NeedData, employer_id: int) -> dict[str, Any]:
    return {
        "employer_id": employer_id, "title": d.title, "description": d.description, "headcount": d.headcount,
        "level": d.level, "formats": ",".join(d.formats), "earliest_start": d.earliest_start,
        "latest_start": d.latest_start, "priority": d.priority, "status": d.status, "funding_note": d.funding_note,
    }


def _apply_needs(session: Session, plan: ImportPlan) -> ImportResult:
    columns = set(plan.columns)
    fields = [f for c, f in _NEED_FIELDS.items() if c in columns]
    employers = dict(session.execute(select(Employer.org_number, Employer.id)).all())
    table = Need.__table__
    current = {r["ref"]: r for r in session.execute(select(*table.c)).mappings()}
    for r in plan.rows:
        d: NeedData = r.data
        if d.employer not in employers or (r.action == "create") == (d.ref is not None and d.ref in current):
            raise _stale()
    now, today = _now(), dt.date.today()
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
        creates.append({"ref": ref, **_need_values(d, employers[d.employer]), "status_changed_on": today,
                        "created_at": now, "updated_at": now})
    _bulk_insert(session, Need, creates)
    created_refs = {c["ref"]: c["status"] for c in creates}
    new_ids = {ref: id_ for ref, id_ in session.execute(select(Need.ref, Need.id)) if ref in created_refs}
    history = [{"need_id": new_ids[ref], "status": status, "changed_on": today} for ref, status in created_refs.items()]

    updates = []
    for r in plan.rows:
        if r.action != "update":
            continue
        d = r.data
        row = current[d.ref]
        all_values = _need_values(d, employers[d.employer])
        values = {f: all_values[f] for f in fields}
        if not _changed(row, values):
            continue
        status_changed = "status" in values and values["status"] != row["status"]
        values["status_changed_on"] = today if status_changed else row["status_changed_on"]
        updates.append({"id": row["id"], **values, "updated_at": now})
        if status_changed:
            history.append({"need_id": row["id"], "status": values["status"], "changed_on": today})
    _bulk_update(session, Need, updates)
    _bulk_insert(session, NeedStatusChange, history)
    return ImportResult(plan.kind, len(creates), len(updates), plan.updates - len(updates))


# ---------------------------------------------------------------- export

def _employer_rows(session: Session) -> list[tuple[Any, ...]]:
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


def _need_rows(session: Session) -> Iterable[tuple[Any, ...]]:
    from kpdesk.validation import format_formats

    stmt = (
        select(Need.ref, Employer.org_number, Need.title, Need.description, Need.headcount, Need.level,
               Need.formats, Need.earliest_start, Need.latest_start, Need.priority, Need.status)
        .join(Employer, Need.employer_id == Employer.id)
        .order_by(Need.id)
    )
    for ref, org, title, description, headcount, level, formats, earliest, latest, priority, status in \
            session.execute(stmt):
        yield (ref, org, title, description, headcount, LEVELS.label(level),
               format_formats(tuple(k for k in formats.split(",") if k)), earliest, latest,
               PRIORITIES.label(priority), NEED_STATUSES.label(status))


def export(session: Session, kind: str, path: str | os.PathLike[str]) -> int:
    """Write all employers or needs to a CSV file in the canonical columns; returns the row count.

    The file holds contact persons' names, e-mails and phones: the export is recorded in the
    audit log (without those values).
    """
    _check_kind(kind)
    if kind == "employers":
        columns, rows = EMPLOYER_COLUMNS, _employer_rows(session)
    else:
        columns, rows = NEED_COLUMNS, list(_need_rows(session))
    csvfile.write(path, columns, rows)
    entity = EMPLOYER if kind == "employers" else NEED
    audit.record(session, "export", entity, None, summary=f"Eksporterte {count_words(kind, len(rows))} til "
                                                          f"{Path(path).name}.")
    return len(rows)
