"""The broker register: employers, their contact persons and their needs.

Reads return frozen dataclasses built from column selects, never ORM objects, so the GUI can
hold them across threads and sessions. Writes take typed data from ``kpdesk.register.validation``, check
the rules that need the database (unique organisation numbers and refs, no parent cycles), write
inside the caller's transaction and add audit entries. A write that fails raises before anything
is written, and the caller's ``with store.session()`` rolls back whatever it did before.

Deleting returns a snapshot with everything needed to put the row back with the same ids
(undo); ``restore_*`` does that.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, String, delete, select, type_coerce, update
from sqlalchemy.orm import Session

from kpdesk.common.codes import NEED_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.fast_rows import fast_builder
from kpdesk.common.norsk import format_org_number, plural
from kpdesk.db import audit
from kpdesk.db.models import ContactPerson, Employer, MatchDecision, Need, NeedStatusChange, Offer
from kpdesk.db.row_writing import (
    NotFoundError,
    apply_changes,
    create_row,
    existing_row,
    insert_rows,
    next_ref,
    refuse_taken_ref,
    row_dicts,
    row_exists,
)
from kpdesk.register.employer_list import EmployerRow, by_name, employer_rows, employer_sql, municipality_name
from kpdesk.register.validation import ContactData, EmployerData, NeedData, start_window_problem

EMPLOYER, CONTACT, NEED = "employer", "contact_person", "need"
NEED_REF_PREFIX = "B"


# ---------------------------------------------------------------- read models

@dataclass(frozen=True, slots=True)
class NeedRow:
    id: int
    ref: str
    employer_id: int
    employer_name: str
    org_number: str
    municipality: str | None
    municipality_name: str
    industry: str | None
    title: str
    description: str
    headcount: int
    level: str
    formats: tuple[str, ...]
    earliest_start: dt.date | None
    latest_start: dt.date | None
    priority: str
    status: str
    status_changed_on: dt.date
    funding_note: str


_build_need_row = fast_builder(NeedRow)


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: int
    employer_id: int
    name: str
    role: str
    email: str
    phone: str
    legal_basis: str
    registered_on: dt.date


@dataclass(frozen=True, slots=True)
class StatusChangeRow:
    status: str
    changed_on: dt.date


# ---------------------------------------------------------------- snapshots for undo

@dataclass(frozen=True)
class ContactSnapshot:
    contact: dict[str, Any]


@dataclass(frozen=True)
class NeedSnapshot:
    need: dict[str, Any]
    status_changes: tuple[dict[str, Any], ...] = ()
    decisions: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class EmployerSnapshot:
    employer: dict[str, Any]
    contacts: tuple[dict[str, Any], ...] = ()
    needs: tuple[NeedSnapshot, ...] = ()
    sub_unit_ids: tuple[int, ...] = field(default=())  # their parent_id was set to None


# ---------------------------------------------------------------- reads

def list_employers(session: Session) -> list[EmployerRow]:
    """All employers, in Norwegian alphabetical order of name."""
    session.flush()  # driver-level SQL does not autoflush
    return by_name(employer_rows(session.connection().exec_driver_sql(employer_sql())))


def get_employer(session: Session, employer_id: int) -> EmployerRow:
    session.flush()
    rows = employer_rows(session.connection().exec_driver_sql(employer_sql(one=True), {"id": employer_id}))
    if not rows:
        raise NotFoundError(f"Arbeidsgiveren finnes ikke lenger (id {employer_id}).")
    return rows[0]


_NEED_COLUMNS = (
    Need.id, Need.ref, Need.employer_id, Employer.name, Employer.org_number, Employer.municipality,
    Employer.industry, Need.title, Need.description, Need.headcount, Need.level, Need.formats,
    # Dates as their stored ISO text: date.fromisoformat below is several times faster than the
    # generic type processing, and the needs list is the register's hot path (20 000 rows).
    type_coerce(Need.earliest_start, String), type_coerce(Need.latest_start, String), Need.priority,
    Need.status, type_coerce(Need.status_changed_on, String), Need.funding_note,
)


def _need_rows(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[NeedRow]:
    """Need rows from a select of ``_NEED_COLUMNS`` (more columns than SQLAlchemy types)."""
    places: dict[str | None, str] = {}
    formats: dict[str, tuple[str, ...]] = {}
    day = dt.date.fromisoformat
    build = _build_need_row
    rows = []
    # Core execution: the ORM's per-row loading machinery adds nothing for plain columns. Core
    # does not autoflush, so pending writes of this session are flushed first.
    session.flush()
    for (id_, ref, employer_id, employer_name, org_number, municipality, industry, title, description,
         headcount, level, fmt, earliest, latest, priority, status, changed_on, funding_note) \
            in session.connection().execute(stmt):
        keys = formats.get(fmt)
        if keys is None:
            keys = formats[fmt] = tuple(k for k in (fmt or "").split(",") if k)
        rows.append(build(
            id_, ref, employer_id, employer_name, org_number, municipality, municipality_name(municipality, places),
            industry, title, description or "", headcount, level, keys, day(earliest) if earliest else None,
            day(latest) if latest else None, priority, status, day(changed_on), funding_note or "",
        ))
    return rows


def list_needs(session: Session, employer_id: int | None = None) -> list[NeedRow]:
    """All needs (or one employer's), in the order they were registered."""
    stmt = select(*_NEED_COLUMNS).join(Employer, Need.employer_id == Employer.id).order_by(Need.id)
    if employer_id is not None:
        stmt = stmt.where(Need.employer_id == employer_id)
    return _need_rows(session, stmt)


def get_need(session: Session, need_id: int) -> NeedRow:
    stmt = select(*_NEED_COLUMNS).join(Employer, Need.employer_id == Employer.id).where(Need.id == need_id)
    rows = _need_rows(session, stmt)
    if not rows:
        raise NotFoundError(f"Behovet finnes ikke lenger (id {need_id}).")
    return rows[0]


def list_status_changes(session: Session, need_id: int) -> list[StatusChangeRow]:
    """A need's status history, oldest first."""
    stmt = (select(NeedStatusChange.status, NeedStatusChange.changed_on)
            .where(NeedStatusChange.need_id == need_id)
            .order_by(NeedStatusChange.changed_on, NeedStatusChange.id))
    return [StatusChangeRow(status, on) for status, on in session.execute(stmt)]


_CONTACT_COLUMNS = (
    ContactPerson.id, ContactPerson.employer_id, ContactPerson.name, ContactPerson.role, ContactPerson.email,
    ContactPerson.phone, ContactPerson.legal_basis, ContactPerson.registered_on,
)


def list_contacts(session: Session, employer_id: int) -> list[ContactRow]:
    """One employer's contact persons, the first registered first."""
    stmt = select(*_CONTACT_COLUMNS).where(ContactPerson.employer_id == employer_id).order_by(ContactPerson.id)
    return [ContactRow(*row) for row in session.execute(stmt)]


def get_contact(session: Session, contact_id: int) -> ContactRow:
    row = session.execute(select(*_CONTACT_COLUMNS).where(ContactPerson.id == contact_id)).first()
    if row is None:
        raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
    return ContactRow(*row)


# ---------------------------------------------------------------- employer writes

def employer_id_for_org(session: Session, org_number: str) -> int:
    """The id of the employer with this organisation number; a UserError if there is none."""
    found = session.execute(select(Employer.id).where(Employer.org_number == org_number)).scalar()
    if found is None:
        raise UserError(f"Ingen arbeidsgiver har organisasjonsnummer {format_org_number(org_number)}.")
    return found


def find_employer_org(session: Session, text: str) -> str:
    """The organisation number of the employer ``text`` names: its number, or its name (the whole
    name in any case, else a unique part of it). A UserError says what was not found or which
    employers a part matches."""
    digits = re.sub(r"[\s\u00a0.]", "", text or "")
    if digits.isascii() and digits.isdigit():
        if len(digits) != 9:
            raise UserError(f"«{text.strip()}» er ikke et organisasjonsnummer (ni sifre, som 988 077 917).")
        return digits
    wanted = (text or "").strip().casefold()
    if not wanted:
        raise UserError("Oppgi arbeidsgiverens organisasjonsnummer eller navn.")
    rows = session.execute(select(Employer.org_number, Employer.name)).all()
    exact = [(org, name) for org, name in rows if name.casefold() == wanted]
    found = exact or [(org, name) for org, name in rows if wanted in name.casefold()]
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise UserError(f"Ingen arbeidsgiver har organisasjonsnummer eller navn «{text.strip()}».")
    from kpdesk.common.norsk import sort_key

    shown = sorted(found, key=lambda item: sort_key(item[1]))
    listed = "; ".join(f"{name} ({format_org_number(org)})" for org, name in shown[:5])
    more = f" og {len(shown) - 5} til" if len(shown) > 5 else ""
    raise UserError(f"«{text.strip()}» passer {len(shown)} arbeidsgivere: {listed}{more}. "
                    "Oppgi organisasjonsnummeret.")


def _check_org_number_free(session: Session, org_number: str, employer_id: int | None) -> None:
    stmt = select(Employer.id, Employer.name).where(Employer.org_number == org_number)
    if employer_id is not None:
        stmt = stmt.where(Employer.id != employer_id)
    existing = session.execute(stmt).first()
    if existing is not None:
        raise UserError(f"{format_org_number(org_number)} er allerede registrert som «{existing.name}».")


def _check_parent(session: Session, employer_id: int | None, parent_id: int) -> None:
    """The parent exists, and making it the parent closes no loop (A under B under A)."""
    if employer_id is not None and parent_id == employer_id:
        raise UserError("En arbeidsgiver kan ikke være sin egen hovedenhet.")
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        seen.add(current)
        row = session.execute(select(Employer.parent_id, Employer.name).where(Employer.id == current)).first()
        if row is None:
            raise NotFoundError(f"Hovedenheten finnes ikke lenger (id {current}).")
        if employer_id is not None and row.parent_id == employer_id:
            parent_name = session.get_one(Employer, parent_id).name
            raise UserError(f"«{parent_name}» er selv en underenhet av denne arbeidsgiveren, "
                            f"og kan derfor ikke være hovedenheten.")
        current = row.parent_id


def save_employer(session: Session, data: EmployerData, employer_id: int | None = None,
                  parent_id: int | None = None) -> int:
    """Create (``employer_id`` None) or update an employer; returns its id.

    The parent (hovedenhet) is ``parent_id`` if given, else the employer with
    ``data.parent_org_number``, else none: an update with neither removes the parent.
    """
    if parent_id is None and data.parent_org_number:
        parent_id = employer_id_for_org(session, data.parent_org_number)
    _check_org_number_free(session, data.org_number, employer_id)
    if parent_id is not None:
        _check_parent(session, employer_id, parent_id)
    values = {
        "org_number": data.org_number, "name": data.name, "municipality": data.municipality,
        "industry": data.industry, "notes": data.notes, "may_be_named": data.may_be_named, "parent_id": parent_id,
    }
    if employer_id is None:
        return create_row(session, Employer, values, EMPLOYER,
                          f"Ny arbeidsgiver «{data.name}» ({format_org_number(data.org_number)})").id
    employer = existing_row(session, Employer, employer_id, "Arbeidsgiveren")
    apply_changes(session, employer, values, EMPLOYER)
    return employer_id


def delete_employer(session: Session, employer_id: int) -> EmployerSnapshot:
    """Delete an employer with its contacts and needs; its sub-units lose their parent."""
    rows = row_dicts(session, Employer, Employer.id == employer_id)
    if not rows:
        raise NotFoundError(f"Arbeidsgiveren finnes ikke lenger (id {employer_id}).")
    contacts = row_dicts(session, ContactPerson, ContactPerson.employer_id == employer_id)
    need_ids = session.execute(select(Need.id).where(Need.employer_id == employer_id).order_by(Need.id)).scalars().all()
    needs = tuple(_need_snapshot(session, need_id) for need_id in need_ids)
    sub_units = tuple(session.execute(
        select(Employer.id).where(Employer.parent_id == employer_id).order_by(Employer.id)).scalars())
    if sub_units:
        session.execute(update(Employer).where(Employer.id.in_(sub_units)).values(parent_id=None))
        for sub_unit in sub_units:
            audit.record(session, "update", EMPLOYER, sub_unit, field="parent_id", old=employer_id, new=None)
    for need in needs:
        _delete_need_rows(session, need.need["id"])
    session.execute(delete(ContactPerson).where(ContactPerson.employer_id == employer_id))
    session.execute(delete(Employer).where(Employer.id == employer_id))
    name = rows[0]["name"]
    audit.record(session, "delete", EMPLOYER, employer_id,
                 summary=f"Slettet «{name}» med {plural(len(contacts), 'kontaktperson', 'kontaktpersoner')} "
                         f"og {plural(len(needs), 'behov', 'behov')}")
    return EmployerSnapshot(rows[0], tuple(contacts), needs, sub_units)


def restore_employer(session: Session, snapshot: EmployerSnapshot) -> int:
    """Put a deleted employer back with the same ids, its contacts, needs and sub-units."""
    row = dict(snapshot.employer)
    employer_id = row["id"]
    if row_exists(session, Employer, employer_id):
        raise UserError(f"«{row['name']}» kan ikke gjenopprettes: id {employer_id} er tatt i bruk igjen.")
    _check_org_number_free(session, row["org_number"], None)
    if row.get("parent_id") is not None and not row_exists(session, Employer, row["parent_id"]):
        row["parent_id"] = None
    insert_rows(session, Employer, [row])
    insert_rows(session, ContactPerson, snapshot.contacts)
    for need in snapshot.needs:
        _restore_need_rows(session, need)
    if snapshot.sub_unit_ids:
        session.execute(
            update(Employer)
            .where(Employer.id.in_(snapshot.sub_unit_ids), Employer.parent_id.is_(None))
            .values(parent_id=employer_id)
        )
    audit.record(session, "restore", EMPLOYER, employer_id, summary=f"Gjenopprettet «{row['name']}»")
    return employer_id


# ---------------------------------------------------------------- contact writes

def _employer_name(session: Session, employer_id: int) -> str:
    name = session.execute(select(Employer.name).where(Employer.id == employer_id)).scalar()
    if name is None:
        raise NotFoundError(f"Arbeidsgiveren finnes ikke lenger (id {employer_id}).")
    return name


def save_contact(session: Session, employer_id: int, data: ContactData, contact_id: int | None = None) -> int:
    """Create or update a contact person of an employer; returns its id."""
    employer_name = _employer_name(session, employer_id)
    values: dict[str, Any] = {
        "employer_id": employer_id, "name": data.name, "role": data.role, "email": data.email,
        "phone": data.phone, "legal_basis": data.legal_basis,
    }
    if data.registered_on is not None:
        values["registered_on"] = data.registered_on
    if contact_id is None:
        values.setdefault("registered_on", dt.date.today())
        # No personal data in the summary: it survives erasure of the person.
        return create_row(session, ContactPerson, values, CONTACT, f"Ny kontaktperson hos «{employer_name}»").id
    contact = existing_row(session, ContactPerson, contact_id, "Kontaktpersonen")
    apply_changes(session, contact, values, CONTACT)
    return contact_id


def delete_contact(session: Session, contact_id: int) -> ContactSnapshot:
    rows = row_dicts(session, ContactPerson, ContactPerson.id == contact_id)
    if not rows:
        raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
    employer_name = _employer_name(session, rows[0]["employer_id"])
    session.execute(delete(ContactPerson).where(ContactPerson.id == contact_id))
    audit.record(session, "delete", CONTACT, contact_id, summary=f"Slettet en kontaktperson hos «{employer_name}»")
    return ContactSnapshot(rows[0])


def restore_contact(session: Session, snapshot: ContactSnapshot) -> int:
    row = snapshot.contact
    employer_name = _employer_name(session, row["employer_id"])
    if row_exists(session, ContactPerson, row["id"]):
        raise UserError(f"Kontaktpersonen kan ikke gjenopprettes: id {row['id']} er tatt i bruk igjen.")
    insert_rows(session, ContactPerson, [row])
    audit.record(session, "restore", CONTACT, row["id"],
                 summary=f"Gjenopprettet en kontaktperson hos «{employer_name}»")
    return row["id"]


# ---------------------------------------------------------------- need writes

def next_need_ref(session: Session, taken: Iterable[str] = ()) -> str:
    """The next free automatic ref: "B" and five digits, above every such ref in use (in any case,
    in the database or in ``taken``)."""
    return next_ref(session, Need.ref, NEED_REF_PREFIX, taken)


def save_need(session: Session, data: NeedData, need_id: int | None = None) -> int:
    """Create or update a need; the employer is the one with ``data.employer`` as org number.

    A need without ref gets the next free "B00001"-style ref (an update keeps its ref). A
    status change is dated today in the need's status history.
    """
    problem = start_window_problem(data.earliest_start, data.latest_start)
    if problem:
        raise UserError(problem + ".")
    employer_id = employer_id_for_org(session, data.employer)
    if data.ref:
        refuse_taken_ref(session, Need, data.ref, need_id, "behovet")
    today = dt.date.today()
    values: dict[str, Any] = {
        "employer_id": employer_id, "title": data.title, "description": data.description,
        "headcount": data.headcount, "level": data.level, "formats": ",".join(data.formats),
        "earliest_start": data.earliest_start, "latest_start": data.latest_start, "priority": data.priority,
        "status": data.status, "funding_note": data.funding_note,
    }
    if data.ref:
        values = {"ref": data.ref, **values}
    if need_id is None:
        values.setdefault("ref", next_need_ref(session))
        need = create_row(session, Need, {**values, "status_changed_on": today}, NEED,
                          f"Nytt behov {values['ref']} «{data.title}»")
        session.add(NeedStatusChange(need_id=need.id, status=data.status, changed_on=today))
        session.flush()
        return need.id
    need = existing_row(session, Need, need_id, "Behovet")
    old_status = need.status
    apply_changes(session, need, values, NEED)
    if data.status != old_status:
        need.status_changed_on = today
        session.add(NeedStatusChange(need_id=need_id, status=data.status, changed_on=today))
        session.flush()
    return need_id


def set_need_status(session: Session, need_id: int, status: str) -> None:
    """Change only a need's status (a quick action in the needs list)."""
    if status not in {code.key for code in NEED_STATUSES}:
        raise UserError(f"Ukjent status «{status}».")
    need = existing_row(session, Need, need_id, "Behovet")
    if need.status == status:
        return
    today = dt.date.today()
    apply_changes(session, need, {"status": status}, NEED)
    need.status_changed_on = today
    session.add(NeedStatusChange(need_id=need_id, status=status, changed_on=today))
    session.flush()


def _need_snapshot(session: Session, need_id: int) -> NeedSnapshot:
    rows = row_dicts(session, Need, Need.id == need_id)
    if not rows:
        raise NotFoundError(f"Behovet finnes ikke lenger (id {need_id}).")
    return NeedSnapshot(
        rows[0],
        tuple(row_dicts(session, NeedStatusChange, NeedStatusChange.need_id == need_id)),
        tuple(row_dicts(session, MatchDecision, MatchDecision.need_id == need_id)),
    )


def _delete_need_rows(session: Session, need_id: int) -> None:
    session.execute(delete(MatchDecision).where(MatchDecision.need_id == need_id))
    session.execute(delete(NeedStatusChange).where(NeedStatusChange.need_id == need_id))
    session.execute(delete(Need).where(Need.id == need_id))


def _restore_need_rows(session: Session, snapshot: NeedSnapshot) -> None:
    row = snapshot.need
    if row_exists(session, Need, row["id"]):
        raise UserError(f"Behovet {row['ref']} kan ikke gjenopprettes: id {row['id']} er tatt i bruk igjen.")
    refuse_taken_ref(session, Need, row["ref"], None, "behovet")
    insert_rows(session, Need, [row])
    insert_rows(session, NeedStatusChange, snapshot.status_changes)
    offers = {d["offer_id"] for d in snapshot.decisions}
    living = set(session.execute(select(Offer.id).where(Offer.id.in_(offers))).scalars()) if offers else set()
    insert_rows(session, MatchDecision, [d for d in snapshot.decisions if d["offer_id"] in living])


def delete_need(session: Session, need_id: int) -> NeedSnapshot:
    """Delete a need with its status history and match decisions."""
    snapshot = _need_snapshot(session, need_id)
    _delete_need_rows(session, need_id)
    audit.record(session, "delete", NEED, need_id,
                 summary=f"Slettet behov {snapshot.need['ref']} «{snapshot.need['title']}»")
    return snapshot


def restore_need(session: Session, snapshot: NeedSnapshot) -> int:
    employer_id = snapshot.need["employer_id"]
    if not row_exists(session, Employer, employer_id):
        raise UserError(f"Behovet {snapshot.need['ref']} kan ikke gjenopprettes: arbeidsgiveren er slettet. "
                        f"Gjenopprett arbeidsgiveren først.")
    _restore_need_rows(session, snapshot)
    audit.record(session, "restore", NEED, snapshot.need["id"],
                 summary=f"Gjenopprettet behov {snapshot.need['ref']} «{snapshot.need['title']}»")
    return snapshot.need["id"]
