"""How long contact persons are kept (GDPR art. 5(1)(e), storage limitation).

The rule is the setting ``retention_contact_months`` (default 24; 0 turns it off): a contact
person is due for deletion once their employer has had no open need for that many months.
Precisely, for a contact person C at employer E, with N the number of months:

- E's needs are the needs of E and of its sub-units (underenheter, at any depth): a sykehjem's
  need keeps the kommune's HR contact.
- A need is open while its status is not one of ``codes.CLOSED_NEED_STATUSES`` (avsluttet,
  avvist). If any of E's needs is open, C is not due.
- Otherwise C's last activity is the latest of: the day C was registered (``registered_on``);
  for each of E's needs, the day its status last changed (``status_changed_on``, i.e. the day it
  was closed) and the day it was last edited (``updated_at``); and the day of the newest audit
  entry on C itself (created, edited or restored).
- C is due from ``last activity + N calendar months`` (the 31st becomes the last day of a
  shorter month). An employer without any needs counts from registration and C's own edits.

Individuals (``person``) follow the same number of months, by their own needs: a person P is not
due while any of P's needs is open; otherwise P's last activity is the latest of the day P was
registered or last edited, the day of P's consent in force (given and recorded), and for each of
P's needs the day its status last changed and the day it was last edited; P is due from ``last
activity + N calendar months``. Without a lawful basis a person is due at once: when P's consent
in force does not allow storage (withdrawn: due from the day it was given) or P has no consent at
all (due from registration). ``persons_due`` lists them.

``due_for_deletion`` lists who is due, with the reason; ``delete_due`` erases those the coordinator
confirmed (through ``privacy.erase``, so their traces leave the audit log too), after checking
again that each is still due. Each row says on which ground it is due (``BY_RULE``, ``WITHDRAWN``,
``NO_CONSENT``); ``why_erased`` words the grounds of those erased together, for the audit log, the
window and ``kpdesk person due`` alike, and ``who_due`` counts them («2 kontaktpersoner og 1 privatperson»).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpdesk.common.codes import CLOSED_NEED_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date
from kpdesk.db.models import AuditEntry, ContactPerson, Employer, Need, Person, Setting
from kpdesk.register.service import CONTACT, PERSON, consents_in_force, person_label, plural

if TYPE_CHECKING:
    from kpdesk.admin.erasure import BackupChoice, ErasureOutcome
    from kpdesk.db.store import Store

SETTING_KEY = "retention_contact_months"
BY_RULE = "rule"  # no open need for the rule's months
WITHDRAWN = "withdrawn"  # an individual's consent to storage is withdrawn
NO_CONSENT = "no_consent"  # an individual never gave consent to storage
DEFAULT_MONTHS = 24
MAX_MONTHS = 1200


@dataclass(frozen=True, slots=True)
class DueContact:
    id: int
    name: str
    email: str
    employer_id: int
    employer_name: str
    last_activity: dt.date
    due_on: dt.date
    reason: str  # one Norwegian sentence for the list
    ground: str = BY_RULE

    @property
    def belongs_to(self) -> str:
        """Whose the row is, for a list of both kinds: the employer."""
        return self.employer_name


@dataclass(frozen=True, slots=True)
class DuePerson:
    id: int
    ref: str
    name: str
    last_activity: dt.date
    due_on: dt.date
    reason: str  # one Norwegian sentence for the list (names the ref, not the name)
    ground: str = BY_RULE  # or WITHDRAWN, NO_CONSENT

    @property
    def belongs_to(self) -> str:
        """Whose the row is, for a list of both kinds: «Privatperson P0003»."""
        return person_label(self.ref)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (or the month's last day if it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_months(session: Session) -> int:
    """The rule's number of months from the settings (0: no rule); the default when unset or invalid."""
    raw = session.execute(select(Setting.value).where(Setting.key == SETTING_KEY)).scalar()
    text = (raw or "").strip()
    if text.isdigit() and int(text) <= MAX_MONTHS:
        return int(text)
    return DEFAULT_MONTHS


def set_retention_months(session: Session, months: int) -> None:
    """Change the rule (0 turns it off)."""
    if not 0 <= months <= MAX_MONTHS:
        raise UserError(f"Oppbevaringstiden må være mellom 0 og {MAX_MONTHS} måneder, ikke {months}.")
    old = retention_months(session)
    session.merge(Setting(key=SETTING_KEY, value=str(months)))
    if old != months:
        from kpdesk.db import audit

        audit.record(session, "update", "setting", None, field=SETTING_KEY, old=old, new=months)


def _as_date(value: dt.date | dt.datetime | str | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _groups(session: Session) -> dict[int, set[int]]:
    """Each employer with all its sub-units (any depth)."""
    children: dict[int, list[int]] = {}
    ids = []
    for employer_id, parent_id in session.execute(select(Employer.id, Employer.parent_id)):
        ids.append(employer_id)
        if parent_id is not None:
            children.setdefault(parent_id, []).append(employer_id)
    groups = {}
    for employer_id in ids:
        seen = {employer_id}
        stack = [employer_id]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        groups[employer_id] = seen
    return groups


def _need_activity(session: Session, owner: Any = Need.employer_id) -> tuple[set[int], dict[int, dt.date]]:
    """Owners (``Need.employer_id`` or ``Need.person_id``) with an open need, and each owner's latest
    need activity date."""
    open_at: set[int] = set()
    latest: dict[int, dt.date] = {}
    for owner_id, status, changed_on, updated_at in session.execute(
            select(owner, Need.status, Need.status_changed_on, Need.updated_at).where(owner.is_not(None))):
        if owner_id is None:
            continue
        if status not in CLOSED_NEED_STATUSES:
            open_at.add(owner_id)
        for day in (_as_date(changed_on), _as_date(updated_at)):
            if day is not None and day > latest.get(owner_id, dt.date.min):
                latest[owner_id] = day
    return open_at, latest


def due_for_deletion(session: Session, today: dt.date | None = None) -> list[DueContact]:
    """Contact persons the retention rule says to delete as of ``today``, longest overdue first."""
    today = today or dt.date.today()
    months = retention_months(session)
    if months == 0:
        return []
    groups = _groups(session)
    open_at, need_latest = _need_activity(session)
    table = AuditEntry.__table__
    edited = dict(session.execute(
        select(table.c.entity_id, func.max(table.c.at))
        .where(table.c.entity == CONTACT, table.c.entity_id.is_not(None),
               table.c.action.in_(("create", "update", "restore")))
        .group_by(table.c.entity_id)).all())
    due = []
    for contact_id, name, email, employer_id, employer_name, registered_on in session.execute(
            select(ContactPerson.id, ContactPerson.name, ContactPerson.email, ContactPerson.employer_id,
                   Employer.name, ContactPerson.registered_on)
            .join(Employer, ContactPerson.employer_id == Employer.id)):
        group = groups.get(employer_id, {employer_id})
        if group & open_at:
            continue
        candidates = [d for d in (_as_date(registered_on), _as_date(edited.get(contact_id)),
                                  *(need_latest.get(e) for e in group)) if d is not None]
        last = max(candidates, default=today)
        due_on = add_months(last, months)
        if due_on > today:
            continue
        has_needs = any(e in need_latest for e in group)
        why = f"ingen {'åpne behov' if has_needs else 'behov registrert'} hos «{employer_name}»"
        reason = (f"{why}; siste aktivitet {format_date(last)}, mer enn "
                  f"{plural(months, 'måned', 'måneder')} siden (kunne slettes fra {format_date(due_on)})")
        due.append(DueContact(contact_id, name, email, employer_id, employer_name, last, due_on, reason))
    due.sort(key=lambda d: (d.due_on, d.id))
    return due


def persons_due(session: Session, today: dt.date | None = None) -> list[DuePerson]:
    """Individuals the retention rule says to delete as of ``today`` (see the module docstring),
    longest overdue first."""
    today = today or dt.date.today()
    months = retention_months(session)
    if months == 0:
        return []
    consent = {person_id: (c.stored, _as_date(c.given_on), _as_date(c.recorded_at))
               for person_id, c in consents_in_force(session).items()}
    open_for, latest = _need_activity(session, Need.person_id)
    table = AuditEntry.__table__
    edited = dict(session.execute(
        select(table.c.entity_id, func.max(table.c.at))
        .where(table.c.entity == PERSON, table.c.entity_id.is_not(None),
               table.c.action.in_(("create", "update", "restore")))
        .group_by(table.c.entity_id)).all())
    due = []
    for person_id, ref, name, created_at, updated_at in session.execute(
            select(Person.id, Person.ref, Person.name, Person.created_at, Person.updated_at)):
        registered = _as_date(created_at) or today
        found = consent.get(person_id)
        if found is None or not found[0]:
            since = registered if found is None else (found[1] or registered)
            why = ("ingen samtykke til lagring er registrert" if found is None
                   else f"samtykket til lagring er trukket ({format_date(since)})")
            due.append(DuePerson(person_id, ref, name, since, since, f"{ref}: {why}; skal slettes nå",
                                 NO_CONSENT if found is None else WITHDRAWN))
            continue
        if person_id in open_for:
            continue
        candidates = [d for d in (registered, _as_date(updated_at), found[1], found[2],
                                  _as_date(edited.get(person_id)), latest.get(person_id)) if d is not None]
        last = max(candidates)
        due_on = add_months(last, months)
        if due_on > today:
            continue
        why = "ingen åpne behov" if person_id in latest else "ingen behov registrert"
        due.append(DuePerson(person_id, ref, name, last, due_on,
                             f"{ref}: {why}; siste aktivitet {format_date(last)}, mer enn "
                             f"{plural(months, 'måned', 'måneder')} siden (kunne slettes fra {format_date(due_on)})"))
    due.sort(key=lambda d: (d.due_on, d.id))
    return due


def delete_due(session: Session, ids: Iterable[int], today: dt.date | None = None) -> int:
    """Erase the confirmed contact persons that are still due, in this transaction; returns how many.

    An id that is no longer due (a need was opened since the list was shown) is left alone.
    ``erase_due`` does the same and also clears the file, its log and (if asked) its backups.
    """
    from kpdesk.admin import privacy

    chosen = _still_due(session, ids, today)
    if not chosen:
        return 0
    report = privacy.erase_contacts(session, chosen, reason=erasure_reason(retention_months(session)))
    return report.contacts


def erase_due(store: Store, ids: Iterable[int], today: dt.date | None = None, *,
              backups: BackupChoice = "keep", person_ids: Iterable[int] = ()) -> ErasureOutcome:
    """``delete_due`` the whole way (``kpdesk.admin.erasure``): the window's and ``person due --delete``.

    ``person_ids``: individuals to erase too, those still due (``persons_due``).
    """
    from kpdesk.admin import erasure, privacy

    wanted = list(ids)
    wanted_persons = set(person_ids)

    def find(session: Session) -> privacy.Subject:
        chosen = _still_due(session, wanted, today)
        persons = sorted(wanted_persons & {d.id for d in persons_due(session, today)})
        if not chosen and not persons:
            return privacy.Subject([])
        subject = privacy.find_subject(session, contact_ids=chosen, person_ids=persons)
        subject.earlier_ids = []  # rows already gone are not this erasure's business
        return subject

    def why(session: Session) -> str:
        grounds = [BY_RULE] * len(_still_due(session, wanted, today))
        grounds += [d.ground for d in persons_due(session, today) if d.id in wanted_persons]
        return why_erased(retention_months(session), grounds)

    return erasure.erase(store, find, reason=store.transaction(why), backups=backups)


def _still_due(session: Session, ids: Iterable[int], today: dt.date | None) -> list[int]:
    still_due = {d.id for d in due_for_deletion(session, today)}
    return sorted(set(ids) & still_due)


def erasure_reason(months: int) -> str:
    """How the audit log names an erasure by the retention rule."""
    return f"etter oppbevaringsregelen ({plural(months, 'måned', 'måneder')} uten åpne behov)"


def why_erased(months: int, grounds: Iterable[str]) -> str:
    """Why these rows are erased, after «Slettet personopplysninger» or «skal slettes»: the rule
    («etter oppbevaringsregelen (24 måneder uten åpne behov)»), the consent («fordi samtykket til
    lagring er trukket», «… mangler», «… mangler eller er trukket»), or both joined by «og»."""
    found = set(grounds) or {BY_RULE}
    said = [erasure_reason(months)] if BY_RULE in found else []
    consent = found & {WITHDRAWN, NO_CONSENT}
    if consent == {WITHDRAWN}:
        said.append("fordi samtykket til lagring er trukket")
    elif consent == {NO_CONSENT}:
        said.append("fordi samtykke til lagring mangler")
    elif consent:
        said.append("fordi samtykke til lagring mangler eller er trukket")
    return " og ".join(said)


def who_due(contacts: int, persons: int) -> str:
    """«2 kontaktpersoner», «1 privatperson», «2 kontaktpersoner og 1 privatperson»; «0 personer» for none."""
    said = [plural(n, one, many) for n, one, many in ((contacts, "kontaktperson", "kontaktpersoner"),
                                                       (persons, "privatperson", "privatpersoner")) if n]
    return " og ".join(said) or "0 personer"
