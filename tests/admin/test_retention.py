"""The retention rule for contact persons, and the warning about special-category data in notes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from kpdesk.admin import audit_log, retention
from kpdesk.admin.retention import add_months, delete_due, due_for_deletion
from kpdesk.common import orgnr
from kpdesk.common.errors import UserError
from kpdesk.common.fields import sensitive_text_warning
from kpdesk.db.models import AuditEntry, ContactPerson, Employer, Need, Setting
from kpdesk.register import service as register
from kpdesk.register.validation import ContactData, EmployerData, validate_employer, validate_need

TODAY = dt.date(2027, 6, 1)  # 24 months back: 01.06.2025
OLD = dt.date(2020, 1, 1)

ORGS = [str(n) for n in range(900_000_000, 900_000_400) if orgnr.problem(str(n)) is None]


def employer(session, name: str, parent: int | None = None) -> int:  # type: ignore[no-untyped-def]
    org = ORGS[session.scalar(select(func.count()).select_from(Employer))]
    return register.save_employer(session, EmployerData(org, name), parent_id=parent)


def contact(session, employer_id: int, name: str, registered: dt.date = OLD) -> int:  # type: ignore[no-untyped-def]
    """A contact row without the audit entry the register would make (its date would be today)."""
    row = ContactPerson(employer_id=employer_id, name=name, email=f"{name.split()[0].lower()}@example.no",
                        phone="75600000", registered_on=registered)
    session.add(row)
    session.flush()
    return row.id


def need(session, employer_id: int, status: str, changed: dt.date = OLD,  # type: ignore[no-untyped-def]
         edited: dt.date | None = None) -> int:
    row = Need(ref=f"R{employer_id}-{status}-{changed:%Y%m%d}", employer_id=employer_id, title="Kurs", headcount=1,
               status=status, status_changed_on=changed)
    session.add(row)
    session.flush()
    stamp = dt.datetime.combine(edited or changed, dt.time(12))
    session.execute(update(Need).where(Need.id == row.id).values(updated_at=stamp, created_at=stamp))
    return row.id


@pytest.fixture
def people(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    ids: dict[str, int] = {}
    with store.session() as s:
        e = employer(s, "Åpent behov AS")
        need(s, e, "closed")
        need(s, e, "mapped")
        ids["open"] = contact(s, e, "Olga Åpen")
        e = employer(s, "Lukket for lenge siden AS")
        need(s, e, "closed", dt.date(2025, 5, 31))
        need(s, e, "rejected", dt.date(2024, 1, 1))
        ids["closed_long_ago"] = contact(s, e, "Lars Lenge")
        e = employer(s, "Nylig lukket AS")
        need(s, e, "closed", dt.date(2025, 6, 2))
        ids["closed_recently"] = contact(s, e, "Nina Nylig")
        e = employer(s, "Uten behov AS")
        ids["registered_on_the_day"] = contact(s, e, "Rita Registrert", dt.date(2025, 6, 1))
        ids["registered_later"] = contact(s, e, "Siri Senere", dt.date(2025, 6, 2))
        e = employer(s, "Redigert behov AS")
        need(s, e, "closed", dt.date(2024, 1, 1), edited=dt.date(2026, 1, 1))
        ids["need_edited"] = contact(s, e, "Erik Endret")
        kommune = employer(s, "Kommunen")
        sykehjem = employer(s, "Sykehjemmet", kommune)
        avdeling = employer(s, "Avdelingen", sykehjem)
        need(s, avdeling, "ordered")
        ids["parent_of_open"] = contact(s, kommune, "Hanne HR")
        e = employer(s, "Kontakt redigert AS")
        need(s, e, "closed", dt.date(2023, 1, 1))
        ids["contact_edited"] = contact(s, e, "Kari Kontakt")
        s.add(AuditEntry(at=dt.datetime(2026, 3, 1, 10), user="koordinator", action="update", entity="contact_person",
                         entity_id=ids["contact_edited"], field="phone", old_value="75600000", new_value="75600001"))
    return ids


def due_ids(store, today: dt.date = TODAY) -> list[int]:  # type: ignore[no-untyped-def]
    with store.session() as s:
        return [d.id for d in due_for_deletion(s, today)]


def test_who_is_due_under_the_default_rule(store, people) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        due = due_for_deletion(s, TODAY)
    assert sorted(d.id for d in due) == sorted([people["closed_long_ago"], people["registered_on_the_day"]])
    by_id = {d.id: d for d in due}
    lars = by_id[people["closed_long_ago"]]
    assert (lars.last_activity, lars.due_on, lars.employer_name) == (
        dt.date(2025, 5, 31), dt.date(2027, 5, 31), "Lukket for lenge siden AS")
    assert lars.reason.startswith("ingen åpne behov hos «Lukket for lenge siden AS»; siste aktivitet 31.05.2025")
    assert "24 måneder" in lars.reason
    rita = by_id[people["registered_on_the_day"]]
    assert rita.reason.startswith("ingen behov registrert hos «Uten behov AS»")
    assert [d.id for d in due] == [people["closed_long_ago"], people["registered_on_the_day"]]  # longest overdue first


def test_a_day_later_the_next_ones_are_due(store, people) -> None:  # type: ignore[no-untyped-def]
    later = due_ids(store, TODAY + dt.timedelta(days=1))
    assert people["closed_recently"] in later and people["registered_later"] in later
    for kept in ("open", "need_edited", "parent_of_open", "contact_edited"):
        assert people[kept] not in later


def test_the_setting_changes_the_rule(store, people) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        assert retention.retention_months(s) == 24
        retention.set_retention_months(s, 12)
    assert people["need_edited"] in due_ids(store)  # edited 01.01.2026, more than 12 months ago
    assert people["contact_edited"] in due_ids(store, dt.date(2027, 3, 1))
    assert people["contact_edited"] not in due_ids(store, dt.date(2027, 2, 28))
    with store.session() as s:
        retention.set_retention_months(s, 0)
    assert due_ids(store) == []
    with store.session() as s:
        s.merge(Setting(key=retention.SETTING_KEY, value="to år"))
    with store.session() as s:
        assert retention.retention_months(s) == 24
        with pytest.raises(UserError, match="mellom 0 og"):
            retention.set_retention_months(s, -1)
        entries = audit_log.audit_rows(s, audit_log.AuditFilter(entity="setting"))
    assert [(e.old_value, e.new_value) for e in entries] == [("12", "0"), ("24", "12")]


def test_delete_due_erases_only_who_is_still_due(store, people) -> None:  # type: ignore[no-untyped-def]
    listed = due_ids(store)
    with store.session() as s:  # between listing and confirming, Lars's employer gets a new need
        lars_employer = s.scalar(select(ContactPerson.employer_id).where(ContactPerson.id == people["closed_long_ago"]))
        need(s, lars_employer, "new", TODAY)
    with store.session() as s:
        assert delete_due(s, [*listed, people["open"]], TODAY) == 1
    with store.session() as s:
        remaining = set(s.scalars(select(ContactPerson.id)))
        entries = audit_log.audit_rows(s)
    assert people["registered_on_the_day"] not in remaining
    assert {people["closed_long_ago"], people["open"]} <= remaining
    erase = entries[0]
    assert erase.action == "erase"
    assert erase.summary == ("Slettet personopplysninger etter oppbevaringsregelen (24 måneder uten åpne behov): "
                             "1 kontaktperson hos 1 arbeidsgiver")
    assert "Rita" not in " ".join(f"{e.old_value} {e.new_value} {e.summary}" for e in entries)
    with store.session() as s:
        assert delete_due(s, [], TODAY) == 0


def test_contacts_made_in_the_register_count_from_their_creation(store) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        e = employer(s, "Ny kontakt AS")
        register.save_contact(s, e, ContactData("Per Ny", email="per@example.no", registered_on=OLD))
    today = dt.date.today()
    assert due_ids(store, today) == []  # the audit entry of the creation is today
    assert len(due_ids(store, add_months(today, 24))) == 1


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2025, 12, 15), 2, dt.date(2026, 2, 15)),
    (dt.date(2025, 6, 1), 24, dt.date(2027, 6, 1)),
    (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
])
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_an_empty_database_has_nobody_due(store) -> None:  # type: ignore[no-untyped-def]
    assert due_ids(store) == []
    with store.session() as s:
        s.add(Employer(org_number="988077917", name="Tom AS"))
    assert due_ids(store) == []


# ---------------------------------------------------------------- special-category data in notes


@pytest.mark.parametrize("text", [
    "Tre ansatte er sykemeldt", "to sykmeldte i vår", "Sykemeldingen varer ut mars", "fikk diagnosen i fjor",
    "hun er diagnostisert med", "lang sykdom", "sykdommen hans", "Hun er gravid", "graviditet", "svangerskapet",
    "har rusproblemer", "rusmisbruk", "var ruset", "psykisk syk", "psykiske lidelser", "psykiske plager",
    "depresjon", "han er deprimert", "uføretrygdet", "Fagforeningen", "medlem av fagforening", "religion",
    "religiøs", "etnisk bakgrunn", "etnisitet", "seksuell legning", "straffedømt", "legeerklæring kommer",
    "helseopplysninger", "SYKEMELDT", "Diagnose: ukjent",
])
def test_special_category_words_and_their_inflections_are_warned_about(text: str) -> None:
    warning = sensitive_text_warning(text)
    assert warning is not None
    assert "særlige personopplysninger" in warning


@pytest.mark.parametrize("text", [
    "", "Helse og omsorg trenger kurs", "Kompetanse i psykisk helse og rus", "Psykisk helsearbeid for miljøarbeidere",
    "Sykdomslære for helsefagarbeidere", "Sykepleiere på sykehjem", "kreftomsorg og lindrende pleie",
    "Russisk for nybegynnere", "Fagbrev i helsearbeiderfaget", "Rusk og rask", "Utviklingshemming og miljøarbeid",
])
def test_course_topics_of_the_domain_are_not_warned_about(text: str) -> None:
    assert sensitive_text_warning(text) is None


def test_the_forms_and_importers_warn_but_accept() -> None:
    data, problems = validate_employer({"org_number": "988077917", "name": "Fauske kommune",
                                        "notes": "Kontaktpersonen er sykemeldt til mars"})
    assert data is not None
    assert [(p.field, p.warning) for p in problems] == [("notes", True)]
    data, problems = validate_need({"employer": "988077917", "title": "Kurs", "headcount": "2",
                                    "description": "To av dem har diagnoser som krever tilrettelegging"})
    assert data is not None
    assert [(p.field, p.warning) for p in problems] == [("description", True)]
