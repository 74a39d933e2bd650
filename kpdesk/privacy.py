"""Data subjects' rights for contact persons (GDPR art. 15 and 17): export and erase.

Personal data lives in ``contact_person`` and in audit entries about those rows. Export
gathers both as plain JSON-ready values. Erasure deletes the rows and replaces the person's
values (name, e-mail, phone, role) in the audit log with ``ERASED``, leaving employers, needs
and counts alone; it is itself recorded, without any personal data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from kpdesk import audit
from kpdesk.db.models import AuditEntry, ContactPerson, Employer
from kpdesk.register import CONTACT, NotFoundError, plural

ERASED = "[slettet]"
PERSONAL_FIELDS = ("name", "email", "phone", "role")


def _json(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _contacts(session: Session, *where: Any) -> list[dict[str, Any]]:
    stmt = (
        select(ContactPerson.id, ContactPerson.name, ContactPerson.role, ContactPerson.email, ContactPerson.phone,
               ContactPerson.legal_basis, ContactPerson.registered_on, ContactPerson.employer_id,
               Employer.name.label("employer_name"), Employer.org_number.label("employer_org_number"))
        .join(Employer, ContactPerson.employer_id == Employer.id)
        .where(*where)
        .order_by(ContactPerson.id)
    )
    return [{k: _json(v) for k, v in row.items()} for row in session.execute(stmt).mappings()]


def _audit_about(session: Session, contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit entries on these contact rows, and any entry whose values are their personal values."""
    if not contacts:
        return []
    ids = [c["id"] for c in contacts]
    values = _identifying_values(contacts)
    table = AuditEntry.__table__
    stmt = select(*table.c).where(or_(
        (table.c.entity == CONTACT) & table.c.entity_id.in_(ids),
        table.c.old_value.in_(values),
        table.c.new_value.in_(values),
    )).order_by(table.c.id)
    return [{k: _json(v) for k, v in row.items()} for row in session.execute(stmt).mappings()]


def _identifying_values(contacts: list[dict[str, Any]]) -> list[str]:
    """Name, e-mail and phone: values that point at the person wherever they appear."""
    return sorted({c[f] for c in contacts for f in ("name", "email", "phone") if c[f]})


def _export(contacts: list[dict[str, Any]], entries: list[dict[str, Any]], subject: str) -> dict[str, Any]:
    return {
        "subject": subject,
        "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        "controller_note": "Alt kpdesk har lagret om personen: kontaktpersonoppføringer og endringslogg.",
        "contacts": contacts,
        "audit": entries,
    }


def person_export(session: Session, email: str) -> dict[str, Any]:
    """Everything held about contact persons with this e-mail (any case): rows and audit entries."""
    wanted = email.strip().lower()
    contacts = _contacts(session, func.lower(ContactPerson.email) == wanted) if wanted else []
    return _export(contacts, _audit_about(session, contacts), wanted)


def contact_export(session: Session, contact_id: int) -> dict[str, Any]:
    """Everything held about one contact person (the GUI's "Eksporter personopplysninger")."""
    contacts = _contacts(session, ContactPerson.id == contact_id)
    if not contacts:
        raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
    return _export(contacts, _audit_about(session, contacts), contacts[0]["email"] or contacts[0]["name"])


def _erase(session: Session, contacts: list[dict[str, Any]]) -> int:
    if not contacts:
        return 0
    # Overwrite freed pages so the deleted values do not linger in the database file.
    session.execute(text("PRAGMA secure_delete = ON"))
    ids = [c["id"] for c in contacts]
    table = AuditEntry.__table__
    on_rows = (table.c.entity == CONTACT) & table.c.entity_id.in_(ids) & table.c.field.in_(PERSONAL_FIELDS)
    session.execute(update(table).where(on_rows).values(
        old_value=case((or_(table.c.old_value.is_(None), table.c.old_value == ""), table.c.old_value), else_=ERASED),
        new_value=case((or_(table.c.new_value.is_(None), table.c.new_value == ""), table.c.new_value), else_=ERASED),
    ))
    values = _identifying_values(contacts)
    session.execute(update(table).where(table.c.old_value.in_(values)).values(old_value=ERASED))
    session.execute(update(table).where(table.c.new_value.in_(values)).values(new_value=ERASED))
    for value in values:  # free-text summaries written by other code
        like = "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        session.execute(update(table).where(table.c.summary.like(like, escape="\\"))
                        .values(summary=func.replace(table.c.summary, value, ERASED)))
    session.execute(delete(ContactPerson).where(ContactPerson.id.in_(ids)))
    employers = len({c["employer_id"] for c in contacts})
    audit.record(session, "erase", CONTACT, None,
                 summary=f"Slettet personopplysninger etter forespørsel: "
                         f"{plural(len(ids), 'kontaktperson', 'kontaktpersoner')} hos "
                         f"{plural(employers, 'arbeidsgiver', 'arbeidsgivere')}")
    return len(ids)


def person_erase(session: Session, email: str) -> int:
    """Remove every contact person with this e-mail and scrub them from the audit log; returns how many."""
    wanted = email.strip().lower()
    if not wanted:
        return 0
    return _erase(session, _contacts(session, func.lower(ContactPerson.email) == wanted))


def contact_erase(session: Session, contact_id: int) -> int:
    """Remove one contact person and scrub them from the audit log; returns 1."""
    contacts = _contacts(session, ContactPerson.id == contact_id)
    if not contacts:
        raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
    return _erase(session, contacts)
