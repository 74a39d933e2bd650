"""The retention rule for individuals: no open need for the rule's months, or no lawful basis."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from kpdesk.admin import retention
from kpdesk.db.models import AuditEntry, Consent, Need, Person
from kpdesk.register import service as register
from kpdesk.register.validation import ConsentData, NeedData, PersonData

TODAY = dt.date(2027, 6, 1)  # 24 months back: 01.06.2025
OLD = dt.datetime(2024, 3, 1, 12, 0)
OLD_DAY = OLD.date()


def add(s, name: str, consent: bool | None, status: str | None = "closed", changed: dt.date = OLD_DAY) -> int:
    """A person with a consent (None: none) and one need in ``status``, every date set to ``OLD``
    (the need's status change to ``changed``)."""
    person_id = register.save_person(s, PersonData(name, "1836", f"{name.lower()}@example.no"))
    if consent is not None:
        register.record_consent(s, person_id, ConsentData(True))
        if status is not None:
            register.save_need(s, NeedData(None, "Helsefagarbeider", person=register.get_person(s, person_id).ref,
                                           status=status))
        if not consent:
            register.record_consent(s, person_id, ConsentData(False, given_on=dt.date(2027, 5, 2)))
    s.execute(update(Person).where(Person.id == person_id).values(created_at=OLD, updated_at=OLD))
    s.execute(update(Consent).where(Consent.person_id == person_id, Consent.stored)
              .values(given_on=OLD.date(), recorded_at=OLD))
    s.execute(update(Need).where(Need.person_id == person_id).values(status_changed_on=changed, updated_at=OLD))
    s.execute(update(AuditEntry).where(AuditEntry.entity == "person", AuditEntry.entity_id == person_id)
              .values(at=OLD))
    return person_id


def test_who_is_due_among_individuals(store) -> None:
    with store.session() as s:
        closed = add(s, "Anne", True)
        add(s, "Berit", True, status="new")  # an open need keeps her
        withdrawn = add(s, "Carl", False)
        never = add(s, "Dina", None)
        add(s, "Erik", True, changed=dt.date(2026, 1, 1))  # closed too recently
        due = retention.persons_due(s, TODAY)
    assert [(d.id, d.due_on) for d in due] == [
        (never, OLD.date()), (closed, dt.date(2026, 3, 1)), (withdrawn, dt.date(2027, 5, 2))]
    assert due[0].reason == "P00004: ingen samtykke til lagring er registrert; skal slettes nå"
    assert due[1].reason == ("P00001: ingen åpne behov; siste aktivitet 01.03.2024, mer enn 24 måneder siden "
                             "(kunne slettes fra 01.03.2026)")
    assert due[2].reason == "P00003: samtykket til lagring er trukket (02.05.2027); skal slettes nå"
    assert all(d.name not in d.reason for d in due)


def test_erase_due_erases_the_individuals_still_due(store) -> None:
    with store.session() as s:
        closed = add(s, "Anne", True)
        kept = add(s, "Berit", True, status="new")
    outcome = retention.erase_due(store, [], TODAY, person_ids=[closed, kept])
    assert outcome.report.persons == 1
    with store.session() as s:
        assert list(s.scalars(select(Person.name))) == ["Berit"]


def test_the_erasure_says_on_which_ground_each_kind_was_due(store) -> None:
    """The audit entry gives the grounds of those erased: the rule's months, a consent withdrawn or missing."""
    from kpdesk.admin import audit_log

    with store.session() as s:
        closed = add(s, "Anne", True)
        withdrawn = add(s, "Carl", False)
    retention.erase_due(store, [], TODAY, person_ids=[withdrawn])
    retention.erase_due(store, [], TODAY, person_ids=[closed])
    with store.session() as s:
        summaries = [e.summary for e in audit_log.audit_rows(s) if e.action == "erase"]
    assert summaries == [
        "Slettet personopplysninger etter oppbevaringsregelen (24 måneder uten åpne behov): 1 privatperson",
        "Slettet personopplysninger fordi samtykket til lagring er trukket: 1 privatperson"]
    assert retention.why_erased(1, [retention.BY_RULE, retention.WITHDRAWN, retention.NO_CONSENT]) == (
        "etter oppbevaringsregelen (1 måned uten åpne behov) og fordi samtykke til lagring mangler eller er trukket")
    assert [retention.who_due(*n) for n in ((0, 0), (1, 0), (0, 2), (2, 1))] == [
        "0 personer", "1 kontaktperson", "2 privatpersoner", "2 kontaktpersoner og 1 privatperson"]
