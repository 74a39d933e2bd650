"""Data subjects' rights for contact persons (GDPR art. 15 and 17): export and erase.

Personal data lives in ``contact_person``, in audit entries about those rows, and wherever a
coordinator typed the person's name, e-mail or phone into free text (employer notes, need
descriptions, booking notes and organisers). Export gathers all three as plain JSON-ready values.

Erasure deletes the rows and replaces the person's values with ``ERASED``: in the audit entries on
their rows (name, e-mail, phone, role), and as whole words anywhere in the audit log and the free
text above, in any letter case and (for phones) with or without spaces; a value that a remaining contact
person also has (the same name at another employer) is left outside the erased rows. Employers,
needs and counts stay. It also reaches contact rows deleted earlier whose e-mail the audit log still holds. Erasure
is itself recorded, without any personal data. A value is matched as a whole: "Per" is not
erased from "Personalsjef", and a first name alone is not looked for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from kpdesk.db import audit
from kpdesk.db.base import Base
from kpdesk.db.models import AuditEntry, Booking, BookingSeries, ContactPerson, Employer, MatchDecision, Need
from kpdesk.register.service import CONTACT, NotFoundError, plural

ERASED = "[slettet]"
PERSONAL_FIELDS = ("name", "email", "phone", "role")
IDENTIFYING_FIELDS = ("name", "email", "phone")
# Free text where a coordinator may have written about a person: (table, column).
FREE_TEXT = ((Employer, "notes"), (Need, "description"), (Need, "funding_note"), (MatchDecision, "note"),
             (Booking, "notes"), (Booking, "organiser"), (BookingSeries, "notes"), (BookingSeries, "organiser"))


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What an erasure did; holds no personal data itself (employer names are not personal)."""

    contacts: int  # contact rows deleted
    employers: tuple[str, ...]  # names of the employers they were registered at
    audit_entries: int  # audit entries whose values were replaced
    mentions: int  # free-text fields where the person's name, e-mail or phone was replaced
    earlier_deleted: int = 0  # contact rows deleted before, found through the audit log

    @property
    def found(self) -> bool:
        return bool(self.contacts or self.audit_entries or self.mentions)

    def sentence(self) -> str:
        parts = [f"Slettet {plural(self.contacts, 'kontaktperson', 'kontaktpersoner')}"]
        if self.employers:
            parts[0] += f" hos {', '.join(self.employers)}"
        parts.append(f"renset {plural(self.audit_entries, 'oppføring', 'oppføringer')} i endringsloggen")
        if self.mentions:
            fields = plural(self.mentions, "fritekstfelt", "fritekstfelt")
            parts.append(f"fjernet navn, e-post eller telefon fra {fields}")
        if self.earlier_deleted:
            parts.append(f"og renset spor etter {plural(self.earlier_deleted, 'kontaktperson', 'kontaktpersoner')} "
                         f"som var slettet før")
        return "; ".join(parts) + "."


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


@dataclass
class _Subject:
    """The rows of one person and every value that identifies them."""

    contacts: list[dict[str, Any]]
    earlier_ids: list[int] = field(default_factory=list)  # deleted contact rows the audit log still knows
    values: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return sorted({c["id"] for c in self.contacts} | set(self.earlier_ids))


def _table_of(model: type[Base]) -> Table:
    """A mapped class's table (SQLAlchemy types ``__table__`` as any ``FromClause``)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a single table")
    return table


def _audit_table() -> Table:
    return _table_of(AuditEntry)


def _earlier_contacts(session: Session, email: str, living: set[int]) -> list[int]:
    """Contact rows no longer there whose e-mail the audit log holds (an edit recorded it)."""
    table = _audit_table()
    stmt = select(table.c.entity_id).where(
        table.c.entity == CONTACT, table.c.field == "email", table.c.entity_id.is_not(None),
        or_(func.lower(table.c.old_value) == email, func.lower(table.c.new_value) == email))
    return sorted({i for i in session.execute(stmt).scalars() if i not in living})


def _subject(session: Session, contacts: list[dict[str, Any]], email: str = "") -> _Subject:
    living = {c["id"] for c in contacts}
    subject = _Subject(contacts, _earlier_contacts(session, email, living) if email else [])
    values = {c[f] for c in contacts for f in IDENTIFYING_FIELDS if c[f]}
    if subject.earlier_ids:  # what the log recorded of them, from the edits on their rows
        table = _audit_table()
        rows = session.execute(select(table.c.old_value, table.c.new_value).where(
            table.c.entity == CONTACT, table.c.entity_id.in_(subject.earlier_ids),
            table.c.field.in_(IDENTIFYING_FIELDS)))
        values |= {v for row in rows for v in row if v}
    if email:
        values.add(email)
    # A value another (remaining) contact person also has is theirs too: kept outside the erased rows.
    others = select(ContactPerson.name, ContactPerson.email, ContactPerson.phone).where(
        ContactPerson.id.not_in(subject.ids))
    shared = {v.casefold() for row in session.execute(others) for v in row if v}
    subject.values = sorted(v for v in values if v.strip() and v != ERASED and v.casefold() not in shared)
    return subject


def _value_pattern(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if value.lstrip("+").isdigit() and len(digits) >= 7:  # a phone: any spacing, with or without +47
        body = r"[\s.\-]?".join(re.escape(d) for d in digits)
        prefix = r"(?:(?:\+|00)47[\s.\-]?)?" if not value.startswith("+") else r"\+?"
        return rf"(?<!\d){prefix}{body}(?!\d)"
    return rf"(?<!\w){re.escape(value)}(?!\w)"


def _matcher(values: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(values), key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(_value_pattern(v) for v in ordered), re.IGNORECASE)


def _audit_about(session: Session, subject: _Subject) -> list[dict[str, Any]]:
    """Audit entries on the person's contact rows, and any entry that mentions their values."""
    if not subject.contacts and not subject.earlier_ids:
        return []
    table = _audit_table()
    matcher = _matcher(subject.values)
    entries = []
    for row in session.execute(select(*table.c).order_by(table.c.id)).mappings():
        on_rows = row["entity"] == CONTACT and row["entity_id"] in subject.ids
        mentions = matcher is not None and any(
            row[c] and matcher.search(row[c]) for c in ("old_value", "new_value", "summary"))
        if on_rows or mentions:
            entries.append({k: _json(v) for k, v in row.items()})
    return entries


def _mentions(session: Session, matcher: re.Pattern[str] | None) -> list[dict[str, Any]]:
    """Free-text fields (outside the audit log) holding the person's name, e-mail or phone."""
    if matcher is None:
        return []
    found = []
    for model, column in FREE_TEXT:
        table = _table_of(model)
        for row_id, value in session.execute(select(table.c.id, table.c[column]).where(table.c[column] != "")):
            if value and matcher.search(value):
                found.append({"table": table.name, "id": row_id, "field": column, "text": value})
    return found


def _export(session: Session, subject: _Subject, label: str) -> dict[str, Any]:
    return {
        "subject": label,
        "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        "controller_note": "Alt kpdesk har lagret om personen: kontaktpersonoppføringer, endringslogg og fritekst "
                           "der personen er nevnt.",
        "contacts": subject.contacts,
        "audit": _audit_about(session, subject),
        "mentions": _mentions(session, _matcher(subject.values)) if subject.values else [],
    }


def person_export(session: Session, email: str) -> dict[str, Any]:
    """Everything held about contact persons with this e-mail (any case): rows, audit entries, mentions."""
    wanted = email.strip().lower()
    if not wanted:
        return _export(session, _Subject([]), wanted)
    contacts = _contacts(session, func.lower(ContactPerson.email) == wanted)
    return _export(session, _subject(session, contacts, wanted), wanted)


def contact_export(session: Session, contact_id: int) -> dict[str, Any]:
    """Everything held about one contact person (the GUI's "Eksporter personopplysninger")."""
    contacts = _contacts(session, ContactPerson.id == contact_id)
    if not contacts:
        raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
    return _export(session, _subject(session, contacts), contacts[0]["email"] or contacts[0]["name"])


def is_empty_export(exported: dict[str, Any]) -> bool:
    """Nothing at all is held about the person."""
    return not (exported["contacts"] or exported["audit"] or exported["mentions"])


def record_access(session: Session, exported: dict[str, Any]) -> None:
    """Log that an export (innsyn) was handed out, without any personal data."""
    audit.record(session, "export", CONTACT, None,
                 summary=f"Innsyn: eksporterte personopplysninger om "
                         f"{plural(len(exported['contacts']), 'kontaktperson', 'kontaktpersoner')} "
                         f"({plural(len(exported['audit']), 'oppføring', 'oppføringer')} i endringsloggen)")


def export_contact_to_file(session: Session, contact_id: int, path: str | os.PathLike[str]) -> Path:
    """Everything held about one contact person, written to ``path`` (atomic, owner-only) and the
    access recorded in the audit log: the window's export, the same steps as ``kpdesk person export``."""
    exported = contact_export(session, contact_id)
    written = write_export(path, exported)
    record_access(session, exported)
    return written


def write_export(path: str | os.PathLike[str], exported: dict[str, Any]) -> Path:
    """Write an export as UTF-8 JSON, owner-only, atomically (see kpdesk.common.atomic_files)."""
    from kpdesk.common.atomic_files import write_atomic

    data = json.dumps(exported, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    return write_atomic(path, data, example="innsyn.json")


# ---------------------------------------------------------------- erasure

def _scrub_audit(session: Session, subject: _Subject, matcher: re.Pattern[str] | None) -> int:
    table = _audit_table()
    changed = 0
    for row in session.execute(select(table.c.id, table.c.entity, table.c.entity_id, table.c.field,
                                      table.c.old_value, table.c.new_value, table.c.summary)).mappings():
        on_rows = row["entity"] == CONTACT and row["entity_id"] in subject.ids and row["field"] in PERSONAL_FIELDS
        values = {}
        for column in ("old_value", "new_value", "summary"):
            value = row[column]
            if not value:
                continue
            if on_rows and column != "summary":
                new = ERASED
            elif matcher is not None:
                new = matcher.sub(ERASED, value)
            else:
                continue
            if new != value:
                values[column] = new
        if values:
            session.execute(update(table).where(table.c.id == row["id"]).values(**values))
            changed += 1
    return changed


def _scrub_free_text(session: Session, matcher: re.Pattern[str] | None) -> int:
    changed = 0
    for found in _mentions(session, matcher):
        table = next(_table_of(m) for m, _ in FREE_TEXT if m.__tablename__ == found["table"])
        new = matcher.sub(ERASED, found["text"]) if matcher is not None else found["text"]
        session.execute(update(table).where(table.c.id == found["id"]).values({found["field"]: new}))
        changed += 1
    return changed


def erase(session: Session, subject_contacts: list[dict[str, Any]], *, email: str = "",
          reason: str = "etter forespørsel") -> ErasureReport:
    """Delete these contact rows and scrub the person from the audit log and free text.

    ``reason`` ends the audit summary ("Slettet personopplysninger etter forespørsel: …").
    """
    subject = _subject(session, subject_contacts, email)
    if not subject.ids and not subject.values:
        return ErasureReport(0, (), 0, 0)
    # Overwrite freed pages so the deleted values do not linger in the database file.
    session.execute(text("PRAGMA secure_delete = ON"))
    matcher = _matcher(subject.values)
    scrubbed = _scrub_audit(session, subject, matcher)
    mentions = _scrub_free_text(session, matcher)
    ids = [c["id"] for c in subject.contacts]
    if not (ids or subject.earlier_ids or scrubbed or mentions):
        return ErasureReport(0, (), 0, 0)  # the address is nowhere: nothing to erase, nothing to log
    if ids:
        session.execute(delete(ContactPerson).where(ContactPerson.id.in_(ids)))
    employers = tuple(sorted({c["employer_name"] for c in subject.contacts}))
    summary = (f"Slettet personopplysninger {reason}: {plural(len(ids), 'kontaktperson', 'kontaktpersoner')} hos "
               f"{plural(len(employers), 'arbeidsgiver', 'arbeidsgivere')}")
    if subject.earlier_ids:
        summary += f" (og spor etter {plural(len(subject.earlier_ids), 'tidligere slettet', 'tidligere slettede')})"
    audit.record(session, "erase", CONTACT, None, summary=summary)
    return ErasureReport(len(ids), employers, scrubbed, mentions, len(subject.earlier_ids))


def person_erase_report(session: Session, email: str) -> ErasureReport:
    """Erase every contact person with this e-mail (any case), and the audit log's traces of them."""
    wanted = email.strip().lower()
    if not wanted:
        return ErasureReport(0, (), 0, 0)
    return erase(session, _contacts(session, func.lower(ContactPerson.email) == wanted), email=wanted)


def erase_contacts(session: Session, ids: Iterable[int], *, reason: str = "etter forespørsel") -> ErasureReport:
    """Erase these contact rows (the retention rule, or several chosen in the GUI)."""
    return erase(session, _contacts(session, ContactPerson.id.in_(sorted(set(ids)))), reason=reason)


def person_erase(session: Session, email: str) -> int:
    """Remove every contact person with this e-mail and scrub them from the audit log; returns how many."""
    return person_erase_report(session, email).contacts


def contact_erase(session: Session, contact_id: int) -> int:
    """Remove one contact person and scrub them from the audit log; returns 1."""
    contacts = _contacts(session, ContactPerson.id == contact_id)
    if not contacts:
        raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
    return erase(session, contacts).contacts
