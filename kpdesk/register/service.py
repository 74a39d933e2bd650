"""The broker register: employers, their contact persons, individuals (persons) and needs.

A need has exactly one owner: an employer, a person (an individual's own wish, headcount 1) or a
community (a municipality's number or a region's name). A person's need is kept only with a
lawful basis: the person's consent in force (their newest ``Consent`` row) says ``stored``.
Lists that can be printed name a person by their ref only («Privatperson P00003»), never by name.

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

from sqlalchemy import ColumnElement, Select, String, delete, func, or_, select, text, type_coerce, update
from sqlalchemy.orm import Session

from kpdesk.common import reference
from kpdesk.common.codes import NEED_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.fast_rows import fast_builder
from kpdesk.common.identity import email_fingerprint
from kpdesk.common.norsk import format_org_number, plural
from kpdesk.db import audit
from kpdesk.db.models import (
    Consent,
    ContactPerson,
    Employer,
    MatchDecision,
    Need,
    NeedStatusChange,
    Offer,
    Person,
    Region,
)
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
from kpdesk.db.stored_values import stored_date
from kpdesk.register.centres import centre_for_new, employer_centre, list_centres
from kpdesk.register.employer_list import EmployerRow, by_name, employer_rows, employer_sql, municipality_name
from kpdesk.register.validation import (
    ConsentData,
    ContactData,
    EmployerData,
    NeedData,
    PersonData,
    start_window_problem,
)

EMPLOYER, CONTACT, NEED, PERSON, CONSENT = "employer", "contact_person", "need", "person", "consent"
# The audit field that links a deleted need or consent to its person (by id), and the one that keeps a
# deleted person's e-mail fingerprint (``common.identity``): how an erasure finds them after a deletion.
OWNER_FIELD, EMAIL_KEY_FIELD = "person_id", "email_key"
NEED_REF_PREFIX = "B"
PERSON_REF_PREFIX = "P"


def person_label(ref: str) -> str:
    """How lists and printouts name a person's need's owner: «Privatperson P00003», never the name."""
    return f"Privatperson {ref}"


def community_label(community: str) -> str:
    """«Rødøy kommune (lokalsamfunn)» for a municipality's number, «Helgeland (lokalsamfunn)» for a region."""
    if community.isdigit():
        found = reference.find_municipality(community)
        name = f"{found.name} kommune" if found is not None else f"Kommune {community}"
        return f"{name} (lokalsamfunn)"
    return f"{community} (lokalsamfunn)"


def owner_label(kind: str, employer_name: str | None, person_ref: str | None, community: str | None) -> str:
    """The owner of a need as a screen or a printout may show it (see ``person_label``)."""
    if kind == "person":
        return person_label(person_ref or "")
    if kind == "community":
        return community_label(community or "")
    return employer_name or ""


# ---------------------------------------------------------------- read models

@dataclass(frozen=True, slots=True)
class NeedRow:
    """A need as lists show it. ``employer_name`` is the owner's label (``owner_label``) for every
    kind, so a list can show one column; ``org_number`` is "" unless an employer owns it.
    ``municipality`` is the employer's, the person's, or the community's (None for a region)."""

    id: int
    ref: str
    employer_id: int | None
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
    owner_kind: str = "employer"  # "employer" | "person" | "community"
    person_id: int | None = None
    person_ref: str | None = None
    community: str | None = None
    source: str = ""
    horizon: int | None = None
    centre_id: int = 0
    centre: str = ""  # the centre's name


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
class PersonRow:
    id: int
    ref: str
    name: str
    municipality: str | None
    email: str
    phone: str
    employer_id: int | None
    employer_name: str  # "" without an employer


@dataclass(frozen=True, slots=True)
class ConsentRow:
    id: int
    person_id: int
    stored: bool
    contact: bool
    statistics: bool
    given_on: dt.date
    how: str
    text_version: str
    recorded_at: dt.datetime


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
class PersonSnapshot:
    person: dict[str, Any]
    consents: tuple[dict[str, Any], ...] = ()
    needs: tuple[NeedSnapshot, ...] = ()


@dataclass(frozen=True)
class EmployerSnapshot:
    employer: dict[str, Any]
    contacts: tuple[dict[str, Any], ...] = ()
    needs: tuple[NeedSnapshot, ...] = ()
    sub_unit_ids: tuple[int, ...] = field(default=())  # their parent_id was set to None
    person_ids: tuple[int, ...] = field(default=())  # individuals who worked there (employer_id set to None)


# ---------------------------------------------------------------- reads

def list_employers(session: Session, centre_id: int | None = None) -> list[EmployerRow]:
    """All employers (or one centre's; None: the whole region), in Norwegian alphabetical order of name."""
    if centre_id is None:
        return by_name(employer_rows(session.execute(text(employer_sql()))))
    return by_name(employer_rows(session.execute(text(employer_sql(centre=True)), {"centre": centre_id})))


def get_employer(session: Session, employer_id: int) -> EmployerRow:
    rows = employer_rows(session.execute(text(employer_sql(one=True)), {"id": employer_id}))
    if not rows:
        raise NotFoundError(f"Arbeidsgiveren finnes ikke lenger (id {employer_id}).")
    return rows[0]


_NEED_COLUMNS = (
    Need.id, Need.ref, Need.employer_id, Employer.name, Employer.org_number,
    func.coalesce(Employer.municipality, Person.municipality, Need.community),
    Employer.industry, Need.title, Need.description, Need.headcount, Need.level, Need.formats,
    # Dates as their stored ISO text: date.fromisoformat below is several times faster than the
    # generic type processing, and the needs list is the register's hot path (20 000 rows).
    type_coerce(Need.earliest_start, String), type_coerce(Need.latest_start, String), Need.priority,
    Need.status, type_coerce(Need.status_changed_on, String), Need.funding_note,
    Need.person_id, Person.ref, Need.community, Need.source, Need.horizon, Need.centre_id,
)


def with_owners(stmt: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """``stmt`` over needs with their owner's columns: employer or person (outer joins, as a need
    has one of them or a community), without the needs of persons whose consent in force does not
    allow storage: no list, printout or matching run uses a need kept without a lawful basis."""
    return (stmt.outerjoin(Employer, Need.employer_id == Employer.id).outerjoin(Person, Need.person_id == Person.id)
            .where(kept_lawfully()))


def kept_lawfully() -> ColumnElement[bool]:
    """The condition a need must meet to be used at all: not a person's, or a person's whose consent in
    force allows storage."""
    return or_(Need.person_id.is_(None), Need.person_id.in_(_persons_with_storage()))


def _persons_with_storage() -> Select[int]:
    """The ids of persons whose consent in force (their newest) allows storage."""
    newest = select(func.max(Consent.id)).group_by(Consent.person_id)
    return select(Consent.person_id).where(Consent.id.in_(newest), Consent.stored)


def _need_rows(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[NeedRow]:
    """Need rows from a select of ``_NEED_COLUMNS`` (more columns than SQLAlchemy types)."""
    places: dict[str | None, str] = {}
    formats: dict[str, tuple[str, ...]] = {}
    centres = {c.id: c.name for c in list_centres(session)}
    day = stored_date
    build = _build_need_row
    rows = []
    # Core execution: the ORM's per-row loading machinery adds nothing for plain columns. Core
    # does not autoflush, so pending writes of this session are flushed first.
    session.flush()
    for (id_, ref, employer_id, employer_name, org_number, municipality, industry, title, description,
         headcount, level, fmt, earliest, latest, priority, status, changed_on, funding_note, person_id, person_ref,
         community, source, horizon, centre_id) in session.connection().execute(stmt):
        keys = formats.get(fmt)
        if keys is None:
            keys = formats[fmt] = tuple(k for k in (fmt or "").split(",") if k)
        kind = "employer"
        if employer_id is None:
            kind = "person" if person_id is not None else "community"
            employer_name = owner_label(kind, None, person_ref, community)
            if municipality is not None and not municipality.isdigit():
                municipality = None  # a region: no one municipality
        rows.append(build(
            id_, ref, employer_id, employer_name, org_number or "", municipality,
            municipality_name(municipality, places), industry, title, description or "", headcount, level, keys,
            day(earliest) if earliest else None, day(latest) if latest else None, priority, status, day(changed_on),
            funding_note or "", kind, person_id, person_ref, community, source or "", horizon, centre_id,
            centres.get(centre_id, ""),
        ))
    return rows


def list_needs(session: Session, employer_id: int | None = None, person_id: int | None = None,
               centre_id: int | None = None) -> list[NeedRow]:
    """All needs (or one employer's, or one person's; of one centre, or None: the whole region),
    whoever owns them, in the order they were registered."""
    stmt = with_owners(select(*_NEED_COLUMNS)).order_by(Need.id)
    if centre_id is not None:
        stmt = stmt.where(Need.centre_id == centre_id)
    if employer_id is not None:
        stmt = stmt.where(Need.employer_id == employer_id)
    if person_id is not None:
        stmt = stmt.where(Need.person_id == person_id)
    return _need_rows(session, stmt)


def get_need(session: Session, need_id: int) -> NeedRow:
    stmt = with_owners(select(*_NEED_COLUMNS)).where(Need.id == need_id)
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
                  parent_id: int | None = None, *, centre_id: int | None = None,
                  expected_version: int | None = None) -> int:
    """Create (``employer_id`` None) or update an employer; returns its id. ``expected_version``: the
    version the form loaded (``kpdesk.db.versions``); another is refused naming who changed it and when.

    The parent (hovedenhet) is ``parent_id`` if given, else the employer with
    ``data.parent_org_number``, else none: an update with neither removes the parent. A new
    employer belongs to ``centre_id`` (else the only centre, ``centres.centre_for_new``); an update
    moves it there when given and keeps its centre otherwise.
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
    if employer_id is None or centre_id is not None:
        values["centre_id"] = centre_for_new(session, centre_id)
    if employer_id is None:
        return create_row(session, Employer, values, EMPLOYER,
                          f"Ny arbeidsgiver «{data.name}» ({format_org_number(data.org_number)})").id
    employer = existing_row(session, Employer, employer_id, "Arbeidsgiveren", expected_version=expected_version)
    apply_changes(session, employer, values, EMPLOYER)
    return employer_id


def _unlink(session: Session, column: Any, employer_id: int, entity: str) -> tuple[int, ...]:
    """Rows whose ``column`` points to the employer, set to None (audited); their ids, for undo."""
    table = column.class_
    ids = tuple(session.execute(select(table.id).where(column == employer_id).order_by(table.id)).scalars())
    if ids:
        session.execute(update(table).where(table.id.in_(ids)).values({column.key: None}))
        for row_id in ids:
            audit.record(session, "update", entity, row_id, field=column.key, old=employer_id, new=None)
    return ids


def delete_employer(session: Session, employer_id: int) -> EmployerSnapshot:
    """Delete an employer with its contacts and needs; its sub-units lose their parent."""
    rows = row_dicts(session, Employer, Employer.id == employer_id)
    if not rows:
        raise NotFoundError(f"Arbeidsgiveren finnes ikke lenger (id {employer_id}).")
    contacts = row_dicts(session, ContactPerson, ContactPerson.employer_id == employer_id)
    need_ids = session.execute(select(Need.id).where(Need.employer_id == employer_id).order_by(Need.id)).scalars().all()
    needs = tuple(_need_snapshot(session, need_id) for need_id in need_ids)
    sub_units = _unlink(session, Employer.parent_id, employer_id, EMPLOYER)
    employees = _unlink(session, Person.employer_id, employer_id, PERSON)
    for need in needs:
        _delete_need_rows(session, need.need["id"])
    session.execute(delete(ContactPerson).where(ContactPerson.employer_id == employer_id))
    session.execute(delete(Employer).where(Employer.id == employer_id))
    name = rows[0]["name"]
    audit.record(session, "delete", EMPLOYER, employer_id,
                 summary=f"Slettet «{name}» med {plural(len(contacts), 'kontaktperson', 'kontaktpersoner')} "
                         f"og {plural(len(needs), 'behov', 'behov')}")
    return EmployerSnapshot(rows[0], tuple(contacts), needs, sub_units, employees)


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
    if snapshot.person_ids:
        session.execute(update(Person).where(Person.id.in_(snapshot.person_ids), Person.employer_id.is_(None))
                        .values(employer_id=employer_id))
    audit.record(session, "restore", EMPLOYER, employer_id, summary=f"Gjenopprettet «{row['name']}»")
    return employer_id


# ---------------------------------------------------------------- contact writes

def _employer_name(session: Session, employer_id: int) -> str:
    name = session.execute(select(Employer.name).where(Employer.id == employer_id)).scalar()
    if name is None:
        raise NotFoundError(f"Arbeidsgiveren finnes ikke lenger (id {employer_id}).")
    return name


def save_contact(session: Session, employer_id: int, data: ContactData, contact_id: int | None = None, *,
                 expected_version: int | None = None) -> int:
    """Create or update a contact person of an employer; returns its id (``expected_version``: as
    ``save_employer``)."""
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
    contact = existing_row(session, ContactPerson, contact_id, "Kontaktpersonen", expected_version=expected_version)
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


def need_owner(session: Session, data: NeedData) -> dict[str, Any]:
    """The owner columns of a need (``employer_id``, ``person_id``, ``community``), checked: the
    employer and the person exist, a person has consented to storage and the need is for one,
    a community names a municipality or a known region. A UserError says why not."""
    owners = [o for o in (data.employer, data.person, data.community) if o]
    if len(owners) != 1:
        raise UserError("Et behov har nøyaktig én eier: en arbeidsgiver, en person eller et lokalsamfunn.")
    if data.person:
        person_id = person_id_for_ref(session, data.person)
        refuse_without_basis(session, person_id)
        if data.headcount != 1:
            raise UserError(f"Et behov for personen {data.person} gjelder én person, så antall må være 1, "
                            f"ikke {data.headcount}.")
        return {"employer_id": None, "person_id": person_id, "community": None}
    if data.community:
        return {"employer_id": None, "person_id": None, "community": community_key(session, data.community)}
    return {"employer_id": employer_id_for_org(session, data.employer or ""), "person_id": None, "community": None}


def community_key(session: Session, community: str) -> str:
    """How a community is stored: a municipality's number, or a region's name as the database spells it."""
    if community.isdigit():
        if reference.find_municipality(community) is None:
            raise UserError(f"Kommunenummer {community} finnes ikke.")
        return community
    wanted = community.strip().casefold()
    names = list(session.execute(select(Region.name)).scalars())
    for name in names:
        if name.casefold() == wanted:
            return name
    known = ", ".join(sorted(names)) or "ingen"
    raise UserError(f"Finner ingen kommune eller region som heter «{community.strip()}». Regionene er: {known}.")


def save_need(session: Session, data: NeedData, need_id: int | None = None, *, centre_id: int | None = None,
              expected_version: int | None = None) -> int:
    """Create or update a need; its owner is the employer with ``data.employer`` as org number, the
    person with ``data.person`` as ref (who must have consented to storage, see ``need_owner``),
    or the community ``data.community``.

    A new need belongs to ``centre_id``, else to its employer's centre, else to the only centre
    (``centres.centre_for_new``); an update moves it when ``centre_id`` is given.

    A need without ref gets the next free "B00001"-style ref (an update keeps its ref). A
    status change is dated today in the need's status history. ``expected_version``: as ``save_employer``.
    """
    problem = start_window_problem(data.earliest_start, data.latest_start)
    if problem:
        raise UserError(problem + ".")
    owner = need_owner(session, data)
    if data.ref:
        refuse_taken_ref(session, Need, data.ref, need_id, "behovet")
    today = dt.date.today()
    values: dict[str, Any] = {
        **owner, "title": data.title, "description": data.description,
        "headcount": data.headcount, "level": data.level, "formats": ",".join(data.formats),
        "earliest_start": data.earliest_start, "latest_start": data.latest_start, "priority": data.priority,
        "status": data.status, "funding_note": data.funding_note, "source": data.source, "horizon": data.horizon,
    }
    if data.ref:
        values = {"ref": data.ref, **values}
    if data.registered:
        values["registered"] = data.registered
    if need_id is None and centre_id is None and owner["employer_id"] is not None:
        centre_id = employer_centre(session, owner["employer_id"])
    if need_id is None or centre_id is not None:
        values["centre_id"] = centre_for_new(session, centre_id)
    if need_id is None:
        values.setdefault("ref", next_need_ref(session))
        need = create_row(session, Need, {**values, "status_changed_on": today}, NEED,
                          f"Nytt behov {values['ref']} «{data.title}»")
        session.add(NeedStatusChange(need_id=need.id, status=data.status, changed_on=today))
        session.flush()
        return need.id
    need = existing_row(session, Need, need_id, "Behovet", expected_version=expected_version)
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


def _record_need_deleted(session: Session, snapshot: NeedSnapshot) -> None:
    """The audit entry of a deleted need; a person's need keeps its owner's id (``OWNER_FIELD``), so
    that erasing the person later reaches the need's entries too."""
    need = snapshot.need
    owner = need.get("person_id")
    audit.record(session, "delete", NEED, need["id"], field=OWNER_FIELD if owner is not None else "", old=owner,
                 summary=f"Slettet behov {need['ref']} «{need['title']}»")


def delete_need(session: Session, need_id: int) -> NeedSnapshot:
    """Delete a need with its status history and match decisions."""
    snapshot = _need_snapshot(session, need_id)
    _delete_need_rows(session, need_id)
    _record_need_deleted(session, snapshot)
    return snapshot


def restore_need(session: Session, snapshot: NeedSnapshot) -> int:
    employer_id = snapshot.need.get("employer_id")
    if employer_id is not None and not row_exists(session, Employer, employer_id):
        raise UserError(f"Behovet {snapshot.need['ref']} kan ikke gjenopprettes: arbeidsgiveren er slettet. "
                        f"Gjenopprett arbeidsgiveren først.")
    person_id = snapshot.need.get("person_id")
    if person_id is not None:
        if not row_exists(session, Person, person_id):
            raise UserError(f"Behovet {snapshot.need['ref']} kan ikke gjenopprettes: personen er slettet. "
                            f"Gjenopprett personen først.")
        refuse_without_basis(session, person_id)
    _restore_need_rows(session, snapshot)
    audit.record(session, "restore", NEED, snapshot.need["id"],
                 summary=f"Gjenopprettet behov {snapshot.need['ref']} «{snapshot.need['title']}»")
    return snapshot.need["id"]


# ---------------------------------------------------------------- persons and consent

_PERSON_COLUMNS = (Person.id, Person.ref, Person.name, Person.municipality, Person.email, Person.phone,
                   Person.employer_id, func.coalesce(Employer.name, ""))


def list_persons(session: Session) -> list[PersonRow]:
    """Every person, in the order they were registered."""
    stmt = select(*_PERSON_COLUMNS).outerjoin(Employer, Person.employer_id == Employer.id).order_by(Person.id)
    return [PersonRow(*row) for row in session.execute(stmt)]


def get_person(session: Session, person_id: int) -> PersonRow:
    stmt = select(*_PERSON_COLUMNS).outerjoin(Employer, Person.employer_id == Employer.id).where(
        Person.id == person_id)
    row = session.execute(stmt).first()
    if row is None:
        raise NotFoundError(f"Personen finnes ikke lenger (id {person_id}).")
    return PersonRow(*row)


def next_person_ref(session: Session, taken: Iterable[str] = ()) -> str:
    """The next free automatic person ref: "P" and five digits (as ``next_need_ref``)."""
    return next_ref(session, Person.ref, PERSON_REF_PREFIX, taken)


def person_id_for_ref(session: Session, ref: str) -> int:
    """The id of the person with this ref (any case); a UserError if there is none."""
    found = session.execute(select(Person.id).where(func.lower(Person.ref) == ref.strip().lower())).scalar()
    if found is None:
        raise UserError(f"Ingen person har referansen «{ref.strip()}».")
    return found


def _person_ref(session: Session, person_id: int) -> str:
    ref = session.execute(select(Person.ref).where(Person.id == person_id)).scalar()
    if ref is None:
        raise NotFoundError(f"Personen finnes ikke lenger (id {person_id}).")
    return ref


def _refuse_taken_person_ref(session: Session, ref: str, person_id: int | None) -> None:
    stmt = select(Person.ref).where(func.lower(Person.ref) == ref.lower())
    if person_id is not None:
        stmt = stmt.where(Person.id != person_id)
    if session.execute(stmt).first() is not None:
        raise UserError(f"Referansen «{ref}» er allerede brukt av en annen person.")


_PERSON_SUMMARY = re.compile(r"^(?:Ny|Slettet|Gjenopprettet) person (\S+)")


def person_ref_in_summary(summary: str) -> str:
    """The ref a person's own audit summary names («Ny person P0003», «Slettet person P0003 med …»),
    or "": how an erasure learns the ref of a person deleted earlier."""
    found = _PERSON_SUMMARY.match(summary)
    return found.group(1) if found else ""


def save_person(session: Session, data: PersonData, person_id: int | None = None, *,
                expected_version: int | None = None) -> int:
    """Create or update a person; returns its id. A new person without ref gets the next "P00001".
    ``expected_version``: as ``save_employer``.

    The audit summary names the ref only: it survives erasure of the person.
    """
    if not data.email and not data.phone:
        raise UserError("Personen må kunne kontaktes på e-post eller telefon: oppgi minst én av dem.")
    employer_id = employer_id_for_org(session, data.employer) if data.employer else None
    if data.ref:
        _refuse_taken_person_ref(session, data.ref, person_id)
    values: dict[str, Any] = {"name": data.name, "municipality": data.municipality, "email": data.email,
                              "phone": data.phone, "employer_id": employer_id}
    if data.ref:
        values = {"ref": data.ref, **values}
    if person_id is None:
        values.setdefault("ref", next_person_ref(session))
        return create_row(session, Person, values, PERSON, f"Ny person {values['ref']}").id
    person = existing_row(session, Person, person_id, "Personen", expected_version=expected_version)
    apply_changes(session, person, values, PERSON)
    return person_id


def record_consent(session: Session, person_id: int, data: ConsentData) -> int:
    """Add the person's consent as it is now (the earlier ones stay as history); returns its id.

    Withdrawing consent to storage (``stored`` false) is recorded like any other change here; the
    person's needs are then no longer kept lawfully: lists and matching leave them out at once
    (``with_owners``), and ``kpdesk.admin.consent.record_consent``, the path the window and the
    import take, erases them in the same transaction.
    """
    ref = _person_ref(session, person_id)
    row = Consent(person_id=person_id, stored=data.stored, contact=data.contact, statistics=data.statistics,
                  given_on=data.given_on or dt.date.today(), how=data.how, text_version=data.text_version,
                  recorded_at=dt.datetime.now().replace(microsecond=0))
    session.add(row)
    session.flush()
    agreed = [word for word, yes in (("lagring", data.stored), ("kontakt", data.contact),
                                     ("statistikk", data.statistics)) if yes]
    audit.record(session, "create", CONSENT, row.id,
                 summary=f"Samtykke for {ref}: {', '.join(agreed) if agreed else 'ingenting'} ({data.how})")
    return row.id


_CONSENT_COLUMNS = (Consent.id, Consent.person_id, Consent.stored, Consent.contact, Consent.statistics,
                    Consent.given_on, Consent.how, Consent.text_version, Consent.recorded_at)


def current_consent(session: Session, person_id: int) -> ConsentRow | None:
    """The consent in force: the newest recorded (None when there is none)."""
    row = session.execute(select(*_CONSENT_COLUMNS).where(Consent.person_id == person_id)
                          .order_by(Consent.id.desc()).limit(1)).first()
    return ConsentRow(*row) if row is not None else None


def consents_in_force(session: Session, person_ids: Iterable[int] | None = None) -> dict[int, ConsentRow]:
    """Person id → their consent in force (the newest), for every person or those in ``person_ids``:
    one query."""
    newest = select(func.max(Consent.id)).group_by(Consent.person_id)
    if person_ids is not None:
        newest = newest.where(Consent.person_id.in_(list(person_ids)))
    rows = session.execute(select(*_CONSENT_COLUMNS).where(Consent.id.in_(newest)))
    return {row.person_id: row for row in (ConsentRow(*values) for values in rows)}


def consent_history(session: Session, person_id: int) -> list[ConsentRow]:
    """Every consent the person gave, oldest first."""
    stmt = select(*_CONSENT_COLUMNS).where(Consent.person_id == person_id).order_by(Consent.id)
    return [ConsentRow(*row) for row in session.execute(stmt)]


def refuse_without_basis(session: Session, person_id: int) -> None:
    """A UserError unless the person's consent in force allows their needs to be stored."""
    consent = current_consent(session, person_id)
    if consent is None or not consent.stored:
        ref = _person_ref(session, person_id)
        raise UserError(f"Personen {ref} har ikke samtykket til at behovet lagres. Registrer samtykket først.")


def delete_person(session: Session, person_id: int) -> PersonSnapshot:
    """Delete a person with their consents and needs (undo: ``restore_person``).

    Not an erasure: the audit log keeps what it recorded; ``kpdesk.admin.privacy`` erases, also
    after a deletion. For that, the entries written here link each deleted need and consent to the
    person by id (``OWNER_FIELD``), and the person's entry keeps the fingerprint of their e-mail
    (``EMAIL_KEY_FIELD``), not the address.
    """
    rows = row_dicts(session, Person, Person.id == person_id)
    if not rows:
        raise NotFoundError(f"Personen finnes ikke lenger (id {person_id}).")
    ref = rows[0]["ref"]
    consents = tuple(row_dicts(session, Consent, Consent.person_id == person_id))
    need_ids = session.execute(select(Need.id).where(Need.person_id == person_id).order_by(Need.id)).scalars().all()
    needs = tuple(_need_snapshot(session, need_id) for need_id in need_ids)
    for need in needs:
        _delete_need_rows(session, need.need["id"])
        _record_need_deleted(session, need)
    session.execute(delete(Consent).where(Consent.person_id == person_id))
    for consent in consents:
        audit.record(session, "delete", CONSENT, consent["id"], field=OWNER_FIELD, old=person_id,
                     summary=f"Slettet samtykke for {ref}")
    session.execute(delete(Person).where(Person.id == person_id))
    key = email_fingerprint(rows[0]["email"])
    audit.record(session, "delete", PERSON, person_id, field=EMAIL_KEY_FIELD if key else "", old=key or None,
                 summary=f"Slettet person {ref} med {plural(len(needs), 'behov', 'behov')}")
    return PersonSnapshot(rows[0], consents, needs)


def restore_person(session: Session, snapshot: PersonSnapshot) -> int:
    """Put a deleted person back with the same ids, their consents and needs."""
    row = dict(snapshot.person)
    person_id = row["id"]
    if row_exists(session, Person, person_id):
        raise UserError(f"Personen {row['ref']} kan ikke gjenopprettes: id {person_id} er tatt i bruk igjen.")
    _refuse_taken_person_ref(session, row["ref"], None)
    if row.get("employer_id") is not None and not row_exists(session, Employer, row["employer_id"]):
        row["employer_id"] = None
    insert_rows(session, Person, [row])
    insert_rows(session, Consent, snapshot.consents)
    for need in snapshot.needs:
        _restore_need_rows(session, need)
    audit.record(session, "restore", PERSON, person_id, summary=f"Gjenopprettet person {row['ref']}")
    return person_id
