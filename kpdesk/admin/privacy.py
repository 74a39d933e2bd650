"""Data subjects' rights for contact persons and individuals (GDPR art. 15 and 17): export and
erase, in one transaction.

Personal data lives in ``contact_person``, in ``person`` (individuals) with their ``consent``
history and their own needs, in audit entries about those rows, and wherever a
coordinator typed the person's name, e-mail or phone into free text (employer notes, need
descriptions, booking notes and organisers). Export gathers all three as plain JSON-ready values.

A person is found by every value they ever had: their rows' current name, e-mail and phone, and
every old and new value the audit log holds for those rows (a phone changed last year is still
looked for). An e-mail is compared without case, spaces or invisible characters.

Erasure deletes the rows and replaces the person's values with ``ERASED``: in the audit entries on
their rows (name, e-mail, phone, role), and as whole words anywhere in the audit log and the free
text above, in any letter case, with any spacing between the words of a name (a line break, a
non-breaking space), with a possessive -s ("Karis"), and (for phones) with or without spaces and
+47. A value that a remaining contact person also has (the same name at another employer) is left
outside the erased rows. Employers, needs and counts stay. It also reaches contact rows deleted
earlier whose e-mail the audit log still holds. A value is matched as a whole: "Per" is not
erased from "Personalsjef", and a first name alone is not looked for.

An individual (``person``) is found by e-mail like a contact person, or by their ref
(``person_ids``). Erasing them deletes the person, their consents and their needs (with the needs'
status history and match decisions), replaces every value the audit log recorded on those rows
with ``ERASED``, and the summaries of entries on their needs and consents too (a need's title and
description say what the person wishes for: personal as well), and scrubs
their name, e-mail, phone and ref from summaries and free text as above. Counts already printed
stay as they were; no aggregate in the file keeps them.

An individual deleted earlier (the Personer page's «Slett», which can be undone and is no erasure)
is found through the audit log, as a deleted contact person is: by ref (the person's own entries
name it) or by e-mail (an edit recorded it, or the deletion kept its fingerprint,
``common.identity``). The deletion's entries link each need and consent deleted with them, or on
their own before, to the person's id (``register.service.OWNER_FIELD``), so the erasure reaches
those entries (a need's title, a decision's note) too. Free text is scrubbed of the values the log
still knows: the ref, logged names and phones, and any e-mail address whose fingerprint is the
person's. A name that was never edited is not in the log, and so not looked for after a deletion.

Exam candidates (``kpdesk.admin.exam_privacy``) are found by e-mail too, or by id (the retention
rule); erasing them blanks their name and e-mail but keeps their number and status (the invoice
basis counts them), and their values are scrubbed from free text as above. Invigilators' names
are free text.

Every erasure is recorded twice, without any personal data: an audit entry, and an
``ErasureRecord`` with the erased contact and person ids, so that a restore from an older backup can erase
them again (``kpdesk.admin.erasure``, which also clears the write-ahead log and the backups).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, select, text, update
from sqlalchemy.orm import Session

from kpdesk.admin import exam_privacy
from kpdesk.common.identity import email_fingerprint, normal_email
from kpdesk.db import audit
from kpdesk.db.base import Base
from kpdesk.db.models import (
    AuditEntry,
    Booking,
    BookingSeries,
    Consent,
    ContactPerson,
    Employer,
    ErasureRecord,
    ExamCandidate,
    ExamInvigilator,
    MatchDecision,
    Need,
    NeedStatusChange,
    Person,
)
from kpdesk.matching.persistence import DECISION
from kpdesk.register.service import (
    CONSENT,
    CONTACT,
    EMAIL_KEY_FIELD,
    NEED,
    OWNER_FIELD,
    PERSON,
    NotFoundError,
    person_ref_in_summary,
    plural,
)

ERASED = "[slettet]"
PERSONAL_FIELDS = ("name", "email", "phone", "role")
IDENTIFYING_FIELDS = ("name", "email", "phone")
# Free text where a coordinator may have written about a person: (table, column).
FREE_TEXT = ((Employer, "notes"), (Need, "description"), (Need, "funding_note"), (MatchDecision, "note"),
             (Booking, "notes"), (Booking, "organiser"), (BookingSeries, "notes"), (BookingSeries, "organiser"),
             (ExamInvigilator, "name"))


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What an erasure did; holds no personal data itself (employer names are not personal)."""

    contacts: int  # contact rows deleted
    employers: tuple[str, ...]  # names of the employers they were registered at
    audit_entries: int  # audit entries whose values were replaced
    mentions: int  # free-text fields where the person's name, e-mail or phone was replaced
    earlier_deleted: int = 0  # contact rows deleted before, found through the audit log
    token: str = ""  # the ErasureRecord written ("" when nothing was found)
    persons: int = 0  # individuals deleted (with their consents)
    person_needs: int = 0  # their needs deleted
    earlier_persons: int = 0  # individuals deleted before, found through the audit log
    candidates: int = 0  # exam candidates whose name and e-mail were blanked

    @property
    def found(self) -> bool:
        return bool(self.contacts or self.persons or self.person_needs or self.candidates or self.audit_entries
                    or self.mentions)

    def sentence(self) -> str:
        deleted = []
        if self.contacts or not (self.persons or self.person_needs or self.earlier_deleted or self.earlier_persons
                                 or self.candidates):
            deleted.append(plural(self.contacts, "kontaktperson", "kontaktpersoner")
                           + (f" hos {', '.join(self.employers)}" if self.employers else ""))
        if self.persons:
            deleted.append(f"{plural(self.persons, 'privatperson', 'privatpersoner')} med samtykke og "
                           f"{plural(self.person_needs, 'behov', 'behov')}")
        elif self.person_needs:
            deleted.append(f"{plural(self.person_needs, 'behov', 'behov')} for privatpersonen")
        if self.candidates:
            deleted.append(f"navn og e-post for {plural(self.candidates, 'eksamenskandidat', 'eksamenskandidater')}")
        entries = f"{plural(self.audit_entries, 'oppføring', 'oppføringer')} i endringsloggen"
        earlier = " og ".join(plural(n, one, many) for n, one, many in (
            (self.earlier_deleted, "kontaktperson", "kontaktpersoner"),
            (self.earlier_persons, "privatperson", "privatpersoner")) if n)
        if deleted:
            also = f", også spor etter {earlier} som var slettet før" if earlier else ""
            parts = ["Slettet " + " og ".join(deleted), f"renset {entries}{also}"]
        elif earlier:  # only the audit log's traces of persons deleted before
            parts = [f"Renset spor etter {earlier} som var slettet før: {entries}"]
        else:
            parts = [f"Renset {entries}"]
        if self.mentions:
            fields = plural(self.mentions, "fritekstfelt", "fritekstfelt")
            parts.append(f"fjernet navn, e-post eller telefon fra {fields}")
        return "; ".join(parts) + "."


NOTHING_ERASED = ErasureReport(0, (), 0, 0)


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
class Subject:
    """The rows of one person and every value that identifies them (found with ``find_subject``)."""

    contacts: list[dict[str, Any]]
    earlier_ids: list[int] = field(default_factory=list)  # deleted contact rows the audit log still knows
    values: list[str] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)  # individuals' rows
    consents: list[dict[str, Any]] = field(default_factory=list)  # their consent history
    needs: list[dict[str, Any]] = field(default_factory=list)  # their own needs
    wanted_person_ids: list[int] = field(default_factory=list)  # asked for; maybe gone (a backup, a restore)
    earlier_person_ids: list[int] = field(default_factory=list)  # deleted individuals the audit log still knows
    earlier_need_ids: list[int] = field(default_factory=list)  # their needs deleted earlier (by the audit log)
    earlier_consent_ids: list[int] = field(default_factory=list)  # their consents deleted earlier
    candidates: list[dict[str, Any]] = field(default_factory=list)  # exam candidates (``exam_privacy``)

    @property
    def ids(self) -> list[int]:
        return sorted({c["id"] for c in self.contacts} | set(self.earlier_ids))

    @property
    def person_ids(self) -> list[int]:
        return sorted({p["id"] for p in self.persons} | set(self.wanted_person_ids) | set(self.earlier_person_ids))

    @property
    def candidate_ids(self) -> list[int]:
        return [c["id"] for c in self.candidates]

    @property
    def need_ids(self) -> list[int]:
        return sorted({n["id"] for n in self.needs} | set(self.earlier_need_ids))

    @property
    def consent_ids(self) -> list[int]:
        return sorted({c["id"] for c in self.consents} | set(self.earlier_consent_ids))

    def about(self, entity: str, entity_id: int | None) -> bool:
        """Whether an audit entry on (entity, id) is about this subject's rows."""
        if entity_id is None:
            return False
        if entity == CONTACT:
            return entity_id in self.ids
        if entity == PERSON:
            return entity_id in self.person_ids
        if entity in (NEED, DECISION):  # a decision's entry is keyed by its need and may hold a note
            return entity_id in self.need_ids
        return entity == CONSENT and entity_id in self.consent_ids


def _table_of(model: type[Base]) -> Table:
    """A mapped class's table (SQLAlchemy types ``__table__`` as any ``FromClause``)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a single table")
    return table


def _audit_table() -> Table:
    return _table_of(AuditEntry)


def _contacts_by_email(session: Session, email: str) -> list[dict[str, Any]]:
    """Contact rows whose e-mail is ``email`` once case, spaces and invisible characters are set aside."""
    wanted = normal_email(email)
    if not wanted:
        return []
    ids = [i for i, stored in session.execute(select(ContactPerson.id, ContactPerson.email)
                                              .where(ContactPerson.email != ""))
           if normal_email(stored) == wanted]
    return _contacts(session, ContactPerson.id.in_(ids)) if ids else []


def _logged_ids(session: Session, entity: str, fields: Iterable[str], wanted: Callable[[str | None], bool],
                living: Iterable[int] = ()) -> list[int]:
    """Rows of ``entity`` outside ``living`` whose audit entries recorded, in one of ``fields``, an old
    or new value that ``wanted`` accepts: how rows deleted earlier are found."""
    table = _audit_table()
    skip = set(living)
    stmt = select(table.c.entity_id, table.c.old_value, table.c.new_value).where(
        table.c.entity == entity, table.c.field.in_(tuple(fields)), table.c.entity_id.is_not(None))
    return sorted({row_id for row_id, old, new in session.execute(stmt)
                   if row_id not in skip and (wanted(old) or wanted(new))})


def _email_is(email: str) -> Callable[[str | None], bool]:
    """A test for an audit value: this e-mail (as ``normal_email`` compares) or its fingerprint."""
    wanted, key = normal_email(email), email_fingerprint(email)
    return lambda value: bool(value) and (value == key or normal_email(value) == wanted)


def _earlier_contacts(session: Session, email: str, living: set[int]) -> list[int]:
    """Contact rows no longer there whose e-mail the audit log holds (an edit recorded it)."""
    return _logged_ids(session, CONTACT, ("email",), _email_is(email), living)


def _logged_values(session: Session, entity: str, ids: list[int], fields: Iterable[str]) -> set[str]:
    """Every value the audit log recorded in ``fields`` on these rows of ``entity`` (old and new)."""
    if not ids:
        return set()
    table = _audit_table()
    rows = session.execute(select(table.c.old_value, table.c.new_value).where(
        table.c.entity == entity, table.c.entity_id.in_(ids), table.c.field.in_(tuple(fields))))
    return {v for row in rows for v in row if v}


def _rows(session: Session, model: type[Base], *where: Any) -> list[dict[str, Any]]:
    table = _table_of(model)
    return [{k: _json(v) for k, v in row.items()}
            for row in session.execute(select(*table.c).where(*where).order_by(table.c.id)).mappings()]


def _persons(session: Session, ids: Iterable[int], email: str) -> list[int]:
    """Person ids: those asked for that exist, and those with this e-mail (as ``normal_email`` compares)."""
    found = set(session.execute(select(Person.id).where(Person.id.in_(sorted(set(ids))))).scalars())
    wanted = normal_email(email)
    if wanted:
        found |= {i for i, stored in session.execute(select(Person.id, Person.email).where(Person.email != ""))
                  if normal_email(stored) == wanted}
    return sorted(found)


def _ref_is(ref: str) -> Callable[[str | None], bool]:
    wanted = ref.strip().casefold()
    return lambda value: bool(value) and value.strip().casefold() == wanted


def _deleted_persons(session: Session, *, email: str = "", ref: str = "", living: Iterable[int] = ()) -> list[int]:
    """Individuals no longer there that the audit log knows by this e-mail (an edit recorded it, or
    the deletion its fingerprint) or by this ref (a change of ref recorded it, or the summaries that
    name it: «Ny person P0003», «Slettet person P0003 …»)."""
    found: set[int] = set()
    if normal_email(email):
        found |= set(_logged_ids(session, PERSON, ("email", EMAIL_KEY_FIELD), _email_is(email), living))
    if ref.strip():
        is_ref = _ref_is(ref)
        found |= set(_logged_ids(session, PERSON, ("ref",), is_ref, living))
        table = _audit_table()
        skip = set(living)
        found |= {row_id for row_id, summary in session.execute(
            select(table.c.entity_id, table.c.summary).where(table.c.entity == PERSON, table.c.entity_id.is_not(None)))
            if row_id not in skip and is_ref(person_ref_in_summary(summary or ""))}
    return sorted(found)


_EMAIL_LIKE = re.compile(r"[^\s@<>()\[\]«»\"',;:]+@[^\s@<>()\[\]«»\"',;:]+")


def _emails_with_fingerprint(session: Session, keys: set[str]) -> set[str]:
    """The e-mail addresses written in free text or the audit log whose fingerprint is one of ``keys``:
    the address of an individual deleted earlier, whose deletion kept only its fingerprint."""
    if not keys:
        return set()
    columns = [_table_of(model).c[column] for model, column in FREE_TEXT]
    audit_table = _audit_table()
    columns += [audit_table.c.old_value, audit_table.c.new_value, audit_table.c.summary]
    found = set()
    for column in columns:
        for (text_value,) in session.execute(select(column).where(column.like("%@%"))):
            for token in _EMAIL_LIKE.findall(text_value or ""):
                address = token.rstrip(".")
                if email_fingerprint(address) in keys:
                    found.add(address)
    return found


def _refs_in_summaries(session: Session, ids: list[int]) -> set[str]:
    """The refs the audit log's summaries give these (deleted) persons: «Ny person P0003», …"""
    if not ids:
        return set()
    table = _audit_table()
    summaries = session.execute(select(table.c.summary).where(table.c.entity == PERSON, table.c.entity_id.in_(ids)))
    return {ref for (summary,) in summaries if (ref := person_ref_in_summary(summary or ""))}


def _known_persons(session: Session, ids: Iterable[int]) -> list[int]:
    """Of these person ids, those the audit log has entries on."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    table = _audit_table()
    return sorted(set(session.execute(select(table.c.entity_id).where(
        table.c.entity == PERSON, table.c.entity_id.in_(wanted))).scalars()))


def _owned_earlier(session: Session, entity: str, model: type[Base], person_ids: list[int]) -> list[int]:
    """Needs or consents (``entity``, ``model``) of these persons deleted earlier: their deletion's audit
    entry keeps the person's id (``register.service.OWNER_FIELD``)."""
    if not person_ids:
        return []
    owners = {str(i) for i in person_ids}
    logged = _logged_ids(session, entity, (OWNER_FIELD,), lambda value: value in owners)
    table = _table_of(model)
    living = set(session.execute(select(table.c.id).where(table.c.id.in_(logged))).scalars()) if logged else set()
    return [i for i in logged if i not in living]


def needs_subject(session: Session, person_id: int) -> Subject:
    """One person's needs alone (also those deleted before), as a subject to erase: the person and
    their consents stay (``admin.consent``: storage withdrawn)."""
    return Subject([], needs=_rows(session, Need, Need.person_id == person_id),
                   earlier_need_ids=_owned_earlier(session, NEED, Need, [person_id]))


def find_person_id(session: Session, ref: str) -> int:
    """The id of the person with this ref (any case), or of the one deleted last that the audit log
    knows by it; a UserError saying so if there is neither."""
    from kpdesk.common.errors import UserError

    found = session.execute(select(Person.id, Person.ref)).all()
    living = [i for i, stored in found if stored.strip().casefold() == ref.strip().casefold()]
    if living:
        return living[0]
    earlier = _deleted_persons(session, ref=ref, living=[i for i, _ in found])
    if not earlier:
        raise UserError(f"Ingen person har referansen «{ref.strip()}».")
    return earlier[-1]


def find_subject(session: Session, *, email: str = "", contact_ids: Iterable[int] = (),
                 known_values: Iterable[str] = (), person_ids: Iterable[int] = (),
                 candidate_ids: Iterable[int] = ()) -> Subject:
    """The person behind an e-mail, contact ids and/or person ids, with every value they ever had.

    ``contact_ids`` no longer in the table count as deleted earlier (an erasure done again on an
    older copy); ``known_values`` are values found elsewhere (the live database, for a backup).
    An e-mail finds contact persons, individuals and exam candidates alike.
    """
    wanted_persons = sorted(set(person_ids))
    found_persons = _persons(session, wanted_persons, email)
    persons = _rows(session, Person, Person.id.in_(found_persons)) if found_persons else []
    consents = _rows(session, Consent, Consent.person_id.in_(found_persons)) if found_persons else []
    needs = _rows(session, Need, Need.person_id.in_(found_persons)) if found_persons else []
    living_persons = set(session.execute(select(Person.id)).scalars())
    earlier_persons = set(_known_persons(session, (i for i in wanted_persons if i not in living_persons)))
    if email:
        earlier_persons |= set(_deleted_persons(session, email=email, living=living_persons))
    wanted = sorted(set(contact_ids))
    contacts = _contacts(session, ContactPerson.id.in_(wanted)) if wanted else []
    for contact in _contacts_by_email(session, email) if email else []:
        if contact["id"] not in wanted:
            contacts.append(contact)
    living = {c["id"] for c in contacts}
    earlier = set(_earlier_contacts(session, email, living)) if email else set()
    earlier |= {i for i in wanted if i not in living}
    wanted_email = normal_email(email)
    candidates = exam_privacy.candidate_rows(session, candidate_ids, email,
                                             lambda stored: normal_email(stored) == wanted_email)
    subject = Subject(contacts, sorted(earlier), persons=persons, consents=consents, needs=needs,
                      wanted_person_ids=wanted_persons, earlier_person_ids=sorted(earlier_persons),
                      candidates=candidates)
    subject.earlier_need_ids = _owned_earlier(session, NEED, Need, subject.person_ids)
    subject.earlier_consent_ids = _owned_earlier(session, CONSENT, Consent, subject.person_ids)
    values = {c[f] for c in contacts for f in IDENTIFYING_FIELDS if c[f]}
    values |= {p[f] for p in persons for f in (*IDENTIFYING_FIELDS, "ref") if p[f]}
    values |= _logged_values(session, CONTACT, subject.ids, IDENTIFYING_FIELDS)
    values |= _logged_values(session, PERSON, subject.person_ids, (*IDENTIFYING_FIELDS, "ref"))
    values |= _refs_in_summaries(session, subject.earlier_person_ids)
    values |= _emails_with_fingerprint(session, _logged_values(session, PERSON, subject.earlier_person_ids,
                                                               (EMAIL_KEY_FIELD,)))
    values |= exam_privacy.identifying_values(candidates, ERASED)
    values |= {v for v in known_values if v}
    if email:
        values.add(email.strip())
    # A value another (remaining) contact person or individual also has is theirs too: kept outside
    # the erased rows.
    others = select(ContactPerson.name, ContactPerson.email, ContactPerson.phone).where(
        ContactPerson.id.not_in(subject.ids))
    other_persons = select(Person.name, Person.email, Person.phone, Person.ref).where(
        Person.id.not_in(subject.person_ids))
    shared = {v.casefold() for stmt in (others, other_persons) for row in session.execute(stmt) for v in row if v}
    shared |= {v.casefold() for v in exam_privacy.other_values(session, subject.candidate_ids)}
    subject.values = sorted(v for v in values if v.strip() and v != ERASED and v.casefold() not in shared)
    return subject


_POSSESSIVE = r"(?:['’]?s|['’])?"  # "Karis", "Kari's", "Hans'"


def is_phone(value: str) -> bool:
    """A value kpdesk stores as a phone number (digits, maybe a leading +): found with any spacing."""
    return value.lstrip("+").isdigit() and len(re.sub(r"\D", "", value)) >= 7


def value_pattern(value: str) -> str:
    """The regular expression that finds one value in text (the rules in the module docstring)."""
    digits = re.sub(r"\D", "", value)
    if is_phone(value):  # a phone: any spacing, with or without +47
        body = r"[\s.\-]?".join(re.escape(d) for d in digits)
        prefix = r"(?:(?:\+|00)47[\s.\-]?)?" if not value.startswith("+") else r"\+?"
        return rf"(?<!\d){prefix}{body}(?!\d)"
    words = value.split()
    if "@" in value or not words:
        return rf"(?<!\w){re.escape(value.strip())}(?!\w)"
    # A name: any run of spaces between its words (a line break, a non-breaking space), possessive -s.
    body = r"\s+".join(re.escape(w) for w in words)
    return rf"(?<!\w){body}{_POSSESSIVE}(?!\w)"


def value_matcher(values: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern finding any of a person's values in text (see the module docstring)."""
    ordered = sorted(set(values), key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(value_pattern(v) for v in ordered), re.IGNORECASE)


def _audit_about(session: Session, subject: Subject) -> list[dict[str, Any]]:
    """Audit entries on the person's contact rows, and any entry that mentions their values."""
    if not subject.contacts and not subject.earlier_ids and not subject.person_ids and not subject.candidates:
        return []
    table = _audit_table()
    found = value_matcher(subject.values)
    entries = []
    for row in session.execute(select(*table.c).order_by(table.c.id)).mappings():
        on_rows = subject.about(row["entity"], row["entity_id"])
        mentions = found is not None and any(
            row[c] and found.search(row[c]) for c in ("old_value", "new_value", "summary"))
        if on_rows or mentions:
            entries.append({k: _json(v) for k, v in row.items()})
    return entries


def _mentions(session: Session, found: re.Pattern[str] | None) -> list[dict[str, Any]]:
    """Free-text fields (outside the audit log) holding the person's name, e-mail or phone."""
    if found is None:
        return []
    hits = []
    for model, column in FREE_TEXT:
        table = _table_of(model)
        for row_id, value in session.execute(select(table.c.id, table.c[column]).where(table.c[column] != "")):
            if value and found.search(value):
                hits.append({"table": table.name, "id": row_id, "field": column, "text": value})
    return hits


def _export(session: Session, subject: Subject, label: str) -> dict[str, Any]:
    return {
        "subject": label,
        "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        "controller_note": "Alt kpdesk har lagret om personen: kontaktpersonoppføringer, personoppføringer med "
                           "samtykker og egne behov, endringslogg og fritekst der personen er nevnt.",
        "contacts": subject.contacts,
        "persons": subject.persons,
        "consents": subject.consents,
        "needs": subject.needs,
        "exam_candidates": subject.candidates,
        "audit": _audit_about(session, subject),
        "mentions": _mentions(session, value_matcher(subject.values)) if subject.values else [],
    }


def individual_export(session: Session, person_id: int) -> dict[str, Any]:
    """Everything held about one individual (``kpdesk person export --ref``)."""
    subject = find_subject(session, person_ids=[person_id])
    if not subject.persons and not subject.earlier_person_ids:
        raise NotFoundError(f"Personen finnes ikke lenger (id {person_id}).")
    return _export(session, subject, subject.persons[0]["ref"] if subject.persons else f"slettet person {person_id}")


def person_export(session: Session, email: str) -> dict[str, Any]:
    """Everything held about contact persons with this e-mail (any case): rows, audit entries, mentions."""
    wanted = email.strip().lower()
    if not wanted:
        return _export(session, Subject([]), wanted)
    return _export(session, find_subject(session, email=wanted), wanted)


def candidate_subject(session: Session, candidate_id: int) -> Subject:
    """One exam candidate (``person export|erase --exam REF --candidate NR``); their e-mail, if they
    gave one, finds the contact persons, individuals and other candidates with it too, as ``--email``
    would: it is the same person."""
    email = session.execute(select(ExamCandidate.email).where(ExamCandidate.id == candidate_id)).scalar()
    return find_subject(session, email=email or "", candidate_ids=[candidate_id])


def candidate_export(session: Session, candidate_id: int) -> dict[str, Any]:
    """Everything held about one exam candidate (``candidate_subject``)."""
    return _export(session, candidate_subject(session, candidate_id),
                   exam_privacy.candidate_label(session, candidate_id))


def contact_export(session: Session, contact_id: int) -> dict[str, Any]:
    """Everything held about one contact person (the GUI's "Eksporter personopplysninger")."""
    subject = find_subject(session, contact_ids=[contact_id])
    if not subject.contacts:
        raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
    return _export(session, subject, subject.contacts[0]["email"] or subject.contacts[0]["name"])


def is_empty_export(exported: dict[str, Any]) -> bool:
    """Nothing at all is held about the person."""
    return not (exported["contacts"] or exported.get("persons") or exported.get("exam_candidates")
                or exported["audit"] or exported["mentions"])


def record_access(session: Session, exported: dict[str, Any]) -> None:
    """Log that an export (innsyn) was handed out, without any personal data."""
    audit.record(session, "export", CONTACT, None,
                 summary=f"Innsyn: eksporterte personopplysninger om "
                         f"{plural(len(exported['contacts']), 'kontaktperson', 'kontaktpersoner')}"
                         f"{_and_persons(len(exported.get('persons', ())))} "
                         f"({plural(len(exported['audit']), 'oppføring', 'oppføringer')} i endringsloggen)")


def _and_persons(count: int) -> str:
    return f" og {plural(count, 'privatperson', 'privatpersoner')}" if count else ""


def export_to_file(session: Session, exported: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """An export written to ``path`` (atomic, owner-only) and the access recorded in the audit log:
    the steps of ``kpdesk person export`` and of the window's «Eksporter alt om personen»."""
    written = write_export(path, exported)
    record_access(session, exported)
    return written


def export_contact_to_file(session: Session, contact_id: int, path: str | os.PathLike[str]) -> Path:
    """Everything held about one contact person, written to ``path`` (``export_to_file``)."""
    return export_to_file(session, contact_export(session, contact_id), path)


def export_individual_to_file(session: Session, person_id: int, path: str | os.PathLike[str]) -> Path:
    """Everything held about one individual (the Personer page), written to ``path`` (``export_to_file``)."""
    return export_to_file(session, individual_export(session, person_id), path)


def write_export(path: str | os.PathLike[str], exported: dict[str, Any]) -> Path:
    """Write an export as UTF-8 JSON, owner-only, atomically (see kpdesk.common.atomic_files)."""
    from kpdesk.common.atomic_files import write_atomic

    data = json.dumps(exported, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    return write_atomic(path, data, example="innsyn.json")


# ---------------------------------------------------------------- erasure

def _scrub_audit(session: Session, subject: Subject, found: re.Pattern[str] | None) -> int:
    table = _audit_table()
    changed = 0
    for row in session.execute(select(table.c.id, table.c.entity, table.c.entity_id, table.c.field,
                                      table.c.old_value, table.c.new_value, table.c.summary)).mappings():
        whole = row["entity"] in (PERSON, NEED, DECISION, CONSENT)
        on_rows = subject.about(row["entity"], row["entity_id"]) and (
            whole or row["field"] in (*PERSONAL_FIELDS, "ref", EMAIL_KEY_FIELD))
        values = {}
        for column in ("old_value", "new_value", "summary"):
            value = row[column]
            if not value:
                continue
            if on_rows and (column != "summary" or whole):
                # an individual's need says what they wish for: its summary goes whole; so do the
                # person's own (they name the ref, which the log may know after a deletion only)
                new = ERASED
            elif found is not None:
                new = found.sub(ERASED, value)
            else:
                continue
            if new != value:
                values[column] = new
        if values:
            session.execute(update(table).where(table.c.id == row["id"]).values(**values))
            changed += 1
    return changed


def _scrub_free_text(session: Session, found: re.Pattern[str] | None) -> int:
    changed = 0
    for hit in _mentions(session, found):
        table = next(_table_of(m) for m, _ in FREE_TEXT if m.__tablename__ == hit["table"])
        new = found.sub(ERASED, hit["text"]) if found is not None else hit["text"]
        session.execute(update(table).where(table.c.id == hit["id"]).values({hit["field"]: new}))
        changed += 1
    return changed


def erase_subject(session: Session, subject: Subject, *, reason: str = "etter forespørsel",
                  token: str | None = None) -> ErasureReport:
    """Delete the subject's contact rows and scrub their values from the audit log and free text.

    ``reason`` ends the audit summary ("Slettet personopplysninger etter forespørsel: …"); ``token``
    reuses an ErasureRecord's token (an erasure done again on a restored copy), else a new one.
    """
    if not (subject.ids or subject.values or subject.person_ids or subject.need_ids or subject.candidates):
        return NOTHING_ERASED
    # Overwrite freed space so the deleted values do not linger in the database file (a server's
    # dead rows go at its next VACUUM: ``Store.compact``).
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))
    found = value_matcher(subject.values)
    scrubbed = _scrub_audit(session, subject, found)
    mentions = _scrub_free_text(session, found)
    ids = [c["id"] for c in subject.contacts]
    persons = [p["id"] for p in subject.persons]
    earlier = len(subject.earlier_ids) + len(subject.earlier_person_ids)
    candidates = exam_privacy.erase_candidates(session, subject.candidate_ids, ERASED)
    if not (ids or persons or subject.needs or candidates or earlier or scrubbed or mentions):
        return NOTHING_ERASED  # the address is nowhere: nothing to erase, nothing to log
    if ids:
        session.execute(delete(ContactPerson).where(ContactPerson.id.in_(ids)))
    needs = subject.need_ids
    if needs:
        for model in (MatchDecision, NeedStatusChange):
            session.execute(delete(model).where(model.need_id.in_(needs)))
        session.execute(delete(Need).where(Need.id.in_(needs)))
    if persons:
        session.execute(delete(Consent).where(Consent.person_id.in_(persons)))
        session.execute(delete(Person).where(Person.id.in_(persons)))
    employers = tuple(sorted({c["employer_name"] for c in subject.contacts}))
    summary = _erasure_summary(reason, len(ids), len(employers), len(persons), len(subject.needs),
                               len(subject.earlier_ids), len(subject.earlier_person_ids))
    if candidates:
        erased = f"navn og e-post for {plural(candidates, 'eksamenskandidat', 'eksamenskandidater')}"
        only = not (ids or persons or subject.needs or earlier)
        summary = f"Slettet personopplysninger {reason}: {erased}" if only else f"{summary} og {erased}"
    audit.record(session, "erase", CONTACT, None, summary=summary)
    record = ErasureRecord(token=token or uuid.uuid4().hex, at=dt.datetime.now().replace(microsecond=0),
                           contact_ids=",".join(str(i) for i in subject.ids),
                           person_ids=",".join(str(i) for i in subject.person_ids),
                           candidate_ids=",".join(str(i) for i in subject.candidate_ids))
    session.add(record)
    session.flush()
    return ErasureReport(len(ids), employers, scrubbed, mentions, len(subject.earlier_ids), record.token,
                         len(persons), len(subject.needs), len(subject.earlier_person_ids), candidates)


def _erasure_summary(reason: str, contacts: int, employers: int, persons: int, needs: int, earlier_contacts: int,
                     earlier_persons: int) -> str:
    """The erasure's own audit summary: counts only, no personal data."""
    parts = []
    if contacts or earlier_contacts or not (persons or needs or earlier_persons):
        parts.append(f"{plural(contacts, 'kontaktperson', 'kontaktpersoner')} hos "
                     f"{plural(employers, 'arbeidsgiver', 'arbeidsgivere')}")
    if persons:
        parts.append(plural(persons, "privatperson", "privatpersoner"))
    elif needs and not earlier_persons:
        parts.append(f"{plural(needs, 'behov', 'behov')} for en privatperson")
    if not parts:  # only the audit log's traces of individuals deleted earlier
        return (f"Slettet personopplysninger {reason}: spor etter "
                f"{plural(earlier_persons, 'tidligere slettet privatperson', 'tidligere slettede privatpersoner')}")
    summary = f"Slettet personopplysninger {reason}: {' og '.join(parts)}"
    earlier = earlier_contacts + earlier_persons
    if earlier:
        summary += f" (og spor etter {plural(earlier, 'tidligere slettet', 'tidligere slettede')})"
    return summary


def person_erase_report(session: Session, email: str) -> ErasureReport:
    """Erase every contact person with this e-mail (any case), and the audit log's traces of them."""
    wanted = email.strip().lower()
    if not wanted:
        return NOTHING_ERASED
    return erase_subject(session, find_subject(session, email=wanted))


def erase_contacts(session: Session, ids: Iterable[int], *, reason: str = "etter forespørsel") -> ErasureReport:
    """Erase these contact rows (the retention rule, or several chosen in the GUI)."""
    wanted = sorted(set(ids))
    subject = find_subject(session, contact_ids=wanted)
    subject.earlier_ids = []  # rows already gone are not this erasure's business
    return erase_subject(session, subject, reason=reason)


def person_erase(session: Session, email: str) -> int:
    """Remove every contact person with this e-mail and scrub them from the audit log; returns how many."""
    return person_erase_report(session, email).contacts


def contact_erase(session: Session, contact_id: int) -> int:
    """Remove one contact person and scrub them from the audit log; returns 1."""
    subject = find_subject(session, contact_ids=[contact_id])
    if not subject.contacts:
        raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
    return erase_subject(session, subject).contacts
