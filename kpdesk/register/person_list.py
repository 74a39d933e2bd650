"""The Personer list: each person with their employer's organisation number, the consent in force
and what it needs from the coordinator (``consent_text.consent_reminder``). Plain data, no Qt."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common import reference
from kpdesk.db.models import Employer
from kpdesk.register.consent_text import consent_reminder
from kpdesk.register.service import consents_in_force, list_persons


@dataclass(frozen=True, slots=True)
class PersonListRow:
    """A person as the list shows them: the register's row, their consent in force and its reminder."""

    id: int
    ref: str
    name: str
    municipality: str | None
    email: str
    phone: str
    employer_id: int | None
    employer_name: str
    employer_org: str
    consent: Any  # kpdesk.register.service.ConsentRow or None
    reminder: str  # "" when the consent needs nothing

    @property
    def municipality_name(self) -> str:
        return reference.municipality_label(self.municipality) if self.municipality else ""


def list_person_rows(session: Session, today: dt.date) -> list[PersonListRow]:
    """Every person with the consent in force (database thread)."""
    orgs = dict(session.execute(select(Employer.id, Employer.org_number)).all())
    consents = consents_in_force(session)
    rows = []
    for person in list_persons(session):
        consent = consents.get(person.id)
        rows.append(PersonListRow(person.id, person.ref, person.name, person.municipality, person.email,
                                  person.phone, person.employer_id, person.employer_name,
                                  orgs.get(person.employer_id, "") if person.employer_id else "", consent,
                                  consent_reminder(consent, today)))
    return rows
