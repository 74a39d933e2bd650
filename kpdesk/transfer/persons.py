"""Individuals as CSV: ``ref;name;municipality;email;phone;employer;consent_stored;consent_contact;
consent_statistics;consent_date``, keyed by ref (in any case; empty: a new person with the next
free "P00001"-style ref).

A row says what the person consented to: the consent is recorded with how = «import» (and the
consent date, today when empty) whenever it differs from the person's consent in force, so a file
imported twice adds no history. A new person needs consent to storage (``consent_stored`` ja): a
person may be kept only with a lawful basis. The employer is an organisation number already in
the database. Persons are few (a centre's walk-ins), so rows go through the register's own writes
(``register.save_person``, and ``admin.consent.record_consent``, which erases the person's needs when
the row withdraws the consent to storage, as the window does) with their audit entries, which hold
refs, never names. Not exported as CSV: ``kpdesk person export`` hands out one person's data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpdesk.admin.consent import record_consent
from kpdesk.common import csvfile
from kpdesk.common.norsk import format_org_number, plural
from kpdesk.db.models import Employer, Need, Person
from kpdesk.db.row_writing import ref_key
from kpdesk.register import service as register
from kpdesk.register.validation import ConsentData, PersonData, validate_consent, validate_person
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

PERSON_COLUMNS = ("ref", "name", "municipality", "email", "phone", "employer", "consent_stored", "consent_contact",
                  "consent_statistics", "consent_date")
_ALIASES = {
    "referanse": "ref", "navn": "name", "kommune": "municipality", "e-post": "email", "epost": "email",
    "telefon": "phone", "arbeidsgiver": "employer", "orgnr": "employer",
    "samtykke lagring": "consent_stored", "samtykke kontakt": "consent_contact",
    "samtykke statistikk": "consent_statistics", "samtykkedato": "consent_date",
}
# The consent columns and the field of ConsentData each fills.
_CONSENT = {"consent_stored": "stored", "consent_contact": "contact", "consent_statistics": "statistics",
            "consent_date": "given_on"}
HOW = "import"


@dataclasses.dataclass(frozen=True)
class _Row:
    person: PersonData
    consent: ConsentData


def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    existing = {ref_key(ref): id_ for ref, id_ in session.execute(select(Person.ref, Person.id))}
    employers = set(session.execute(select(Employer.org_number)).scalars())
    seen: dict[str, int] = {}
    for row in table:
        person, found = validate_person(row.values)
        consent_raw = {field: row.values.get(column) for column, field in _CONSENT.items()}
        consent, consent_found = validate_consent({**consent_raw, "how": HOW})
        rename = {field: column for column, field in _CONSENT.items()}
        plan.problems.extend(problems_at(row.line, [*found, *consent_found], rename))
        if person is None or consent is None:
            continue
        target = existing.get(ref_key(person.ref)) if person.ref else None
        repeated = repeated_ref(seen, row.line, person.ref) if person.ref else None
        if repeated is not None:
            plan.problems.append(repeated)
            continue
        if person.employer and person.employer not in employers:
            plan.problems.append(ImportProblem(row.line, "employer", f"Ingen arbeidsgiver med organisasjonsnummer "
                                               f"{format_org_number(person.employer)} finnes i databasen; "
                                               f"importer arbeidsgiverne først"))
            continue
        if target is None and not consent.stored and "consent_stored" in table.columns:
            plan.problems.append(ImportProblem(row.line, "consent_stored", "En ny person kan bare lagres med samtykke "
                                               "til lagring: skriv «ja» i consent_stored"))
            continue
        if target is None and "consent_stored" not in table.columns:
            plan.problems.append(ImportProblem(row.line, "consent_stored", "En ny person kan bare lagres med samtykke "
                                               "til lagring: skriv «ja» i consent_stored"))
            continue
        if target is not None and not consent.stored and "consent_stored" in table.columns:
            warning = _withdrawal_warning(session, target, person.ref or "")
            if warning:
                plan.problems.append(ImportProblem(row.line, "consent_stored", warning, warning=True))
        plan.rows.append(PlannedRow(row.line, "update" if target else "create", _Row(person, consent), None, target))


def _withdrawal_warning(session: Session, person_id: int, ref: str) -> str:
    """What importing «nei» to storage does to a person who now allows it: their needs are erased."""
    current = register.current_consent(session, person_id)
    if current is None or not current.stored:
        return ""
    needs = session.execute(select(func.count()).select_from(Need).where(Need.person_id == person_id)).scalar_one()
    if not needs:
        return f"{ref}: samtykket til lagring trekkes; personen har ingen behov, og står som forfalt til sletting"
    return (f"{ref}: samtykket til lagring trekkes, så personens {plural(needs, 'behov', 'behov')} slettes for "
            "godt ved importen (sikkerhetskopier beholder dem til de roteres ut)")


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    with_consent = "consent_stored" in plan.columns  # without the column, consents in force stay as they are
    created = updated = erased_needs = 0
    for r in plan.rows:
        data: _Row = r.data
        before = None
        if r.action == "create":
            if data.person.ref and _exists(session, data.person.ref):
                raise stale()
            person_id = register.save_person(session, data.person)
            created += 1
        else:
            if r.target_id is None:
                raise stale()
            before = register.get_person(session, r.target_id)
            # a ref in another case finds the person and keeps its spelling, as needs do
            person_id = register.save_person(session, dataclasses.replace(data.person, ref=before.ref), r.target_id)
        current = register.current_consent(session, person_id)
        consent_changed = with_consent and (current is None or _consent_key(current) != _consent_key(data.consent))
        if consent_changed:  # a withdrawal of storage erases the person's needs (kpdesk.admin.consent)
            erased_needs += record_consent(session, person_id, data.consent).person_needs
        if before is not None and (consent_changed or before != register.get_person(session, person_id)):
            updated += 1
    note = (f"Slettet {plural(erased_needs, 'behov', 'behov')} for godt fordi samtykket til lagring er trukket."
            if erased_needs else "")
    return ImportResult(plan.kind, created, updated, plan.updates - updated, note=note)


def _exists(session: Session, ref: str) -> bool:
    return session.execute(select(Person.id).where(func.lower(Person.ref) == ref_key(ref))).first() is not None


def _consent_key(consent: ConsentData | register.ConsentRow) -> tuple[bool, bool, bool, dt.date]:
    return (consent.stored, consent.contact, consent.statistics, consent.given_on or dt.date.today())


KIND = Kind("persons", register.PERSON, PERSON_COLUMNS, ("name",), (), _ALIASES, plan, apply, None)
