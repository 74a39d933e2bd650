"""Individuals, their consent, and needs owned by a person or a community."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kpdesk.common.errors import UserError
from kpdesk.db.models import AuditEntry, Consent, Need
from kpdesk.register import service as register
from kpdesk.register.validation import (
    ConsentData,
    EmployerData,
    NeedData,
    PersonData,
    validate_consent,
    validate_need,
    validate_person,
)


def person(name: str = "Kari Nordmann", **kw) -> PersonData:
    return PersonData(name, **{"municipality": "1836", "email": "kari@example.no", **kw})


def add_person(s, *, stored: bool = True, statistics: bool = True, **kw) -> tuple[int, str]:
    person_id = register.save_person(s, person(**kw))
    if stored is not None:
        register.record_consent(s, person_id, ConsentData(stored, contact=stored, statistics=statistics and stored))
    return person_id, register.get_person(s, person_id).ref


# ---------------------------------------------------------------- validation

def test_a_person_needs_a_name_and_e_mail_or_phone() -> None:
    data, problems = validate_person({"name": "", "email": "", "phone": ""})
    assert data is None
    assert [(p.field, p.message) for p in problems] == [
        ("name", "Navnet mangler"),
        ("email", "Personen må kunne kontaktes på e-post eller telefon: oppgi minst én av dem")]
    data, problems = validate_person({"name": "Ola", "phone": "952 00 000", "municipality": "Rødøy"})
    assert data == PersonData("Ola", "1836", "", "95200000") and problems == []


def test_consent_to_contact_without_consent_to_storage_is_refused() -> None:
    data, problems = validate_consent({"stored": "nei", "statistics": "ja"})
    assert data is None and [p.field for p in problems] == ["stored"]
    data, _ = validate_consent({"stored": "ja", "given_on": "1.12.2026", "how": "muntlig", "text_version": "2026-1"})
    assert data == ConsentData(True, False, False, dt.date(2026, 12, 1), "muntlig", "2026-1")


def test_a_need_has_exactly_one_owner_with_precise_messages() -> None:
    _data, problems = validate_need({"employer": "988077917", "person": "P00001", "title": "x", "headcount": "1"})
    assert [(p.field, p.message) for p in problems] == [
        ("person", "Et behov har én eier, men her er både arbeidsgiver og person oppgitt; fjern den ene")]
    data, problems = validate_need({"person": "P00001", "title": "Helsefagarbeider"})
    assert problems == [] and data is not None and (data.person, data.headcount, data.owner_kind) == (
        "P00001", 1, "person")
    _data, problems = validate_need({"person": "P00001", "title": "x", "headcount": "3"})
    assert [(p.field, p.message) for p in problems] == [
        ("headcount", "Et behov for en person gjelder én person, så antall må være 1, ikke 3")]
    data, problems = validate_need({"community": "Rødøy", "title": "Sykepleiere", "headcount": "5",
                                    "source": "kompetansekartlegging 2026", "horizon": "innen 2030"})
    assert problems == [] and data is not None
    assert (data.community, data.source, data.horizon, data.owner_kind) == (
        "1836", "kompetansekartlegging 2026", 2030, "community")
    _data, problems = validate_need({"community": "Helgeland", "title": "x", "headcount": "2", "horizon": "30"})
    assert [p.field for p in problems] == ["horizon"]


# ---------------------------------------------------------------- persons and consent

def test_persons_get_refs_and_the_audit_log_names_no_one(store) -> None:
    with store.session() as s:
        first, ref1 = add_person(s)
        _second, ref2 = add_person(s, name="Ola Nordmann", email="ola@example.no")
        assert (ref1, ref2) == ("P00001", "P00002")
        summaries = " ".join(s.execute(select(AuditEntry.summary)).scalars())
        assert "Kari" not in summaries and "Ola" not in summaries and "P00001" in summaries
        with pytest.raises(UserError, match="allerede brukt av en annen person"):
            register.save_person(s, person(ref="p00001"))
        row = register.get_person(s, first)
        assert (row.name, row.municipality, row.email, row.employer_name) == (
            "Kari Nordmann", "1836", "kari@example.no", "")


def test_consent_keeps_history_and_the_newest_is_in_force(store) -> None:
    with store.session() as s:
        person_id, _ref = add_person(s)
        register.record_consent(s, person_id, ConsentData(True, True, False, how="e-post", text_version="2026-2"))
        current = register.current_consent(s, person_id)
        assert current is not None and (current.statistics, current.how, current.text_version) == (
            False, "e-post", "2026-2")
        assert [c.statistics for c in register.consent_history(s, person_id)] == [True, False]


def test_no_need_is_saved_for_a_person_without_a_lawful_basis(store) -> None:
    with store.session() as s:
        nobody, ref = add_person(s, stored=None)  # no consent at all
        with pytest.raises(UserError) as caught:
            register.save_need(s, NeedData(None, "Helsefagarbeider", person=ref))
        assert str(caught.value) == (f"Personen {ref} har ikke samtykket til at behovet lagres. "
                                     f"Registrer samtykket først.")
        assert "Kari" not in str(caught.value)
        register.record_consent(s, nobody, ConsentData(False))  # said no
        with pytest.raises(UserError, match="har ikke samtykket"):
            register.save_need(s, NeedData(None, "Helsefagarbeider", person=ref))
        assert s.execute(select(Need.id)).first() is None
        register.record_consent(s, nobody, ConsentData(True))
        need_id = register.save_need(s, NeedData(None, "Helsefagarbeider", person=ref))
        with pytest.raises(UserError, match="gjelder én person"):
            register.save_need(s, NeedData(None, "Helsefagarbeider", person=ref, headcount=2), need_id)


def test_lists_show_every_owner_with_a_printable_label(store) -> None:
    with store.session() as s:
        register.save_employer(s, EmployerData("988077917", "Fauske kommune", "1841"))
        _pid, ref = add_person(s)
        register.save_need(s, NeedData("988077917", "Renhold", headcount=3))
        register.save_need(s, NeedData(None, "Helsefagarbeider", person=ref))
        register.save_need(s, NeedData(None, "Sykepleiere", headcount=5, community="1836", horizon=2030,
                                       source="kompetansekartlegging 2026"))
        register.save_need(s, NeedData(None, "Lærere", headcount=4, community="helgeland"))
        rows = register.list_needs(s)
    assert [(r.owner_kind, r.employer_name, r.municipality) for r in rows] == [
        ("employer", "Fauske kommune", "1841"),
        ("person", "Privatperson P00001", "1836"),
        ("community", "Rødøy kommune (lokalsamfunn)", "1836"),
        ("community", "Helgeland (lokalsamfunn)", None)]
    assert "Kari" not in repr(rows)
    assert (rows[2].source, rows[2].horizon, rows[3].community) == ("kompetansekartlegging 2026", 2030, "Helgeland")


def test_an_unknown_community_is_refused(store) -> None:
    with store.session() as s, pytest.raises(UserError, match="Finner ingen kommune eller region som heter «Atlantis»"):
        register.save_need(s, NeedData(None, "x", headcount=2, community="Atlantis"))


def test_delete_and_restore_a_person_with_consent_and_needs(store) -> None:
    with store.session() as s:
        person_id, ref = add_person(s)
        register.save_need(s, NeedData(None, "Helsefagarbeider", person=ref))
        snapshot = register.delete_person(s, person_id)
        assert register.list_needs(s) == [] and s.execute(select(Consent.id)).first() is None
        register.restore_person(s, snapshot)
        assert [r.person_ref for r in register.list_needs(s)] == [ref]
        assert register.current_consent(s, person_id) is not None


def test_deleting_an_employer_leaves_its_employees_without_employer(store) -> None:
    with store.session() as s:
        employer_id = register.save_employer(s, EmployerData("988077917", "Fauske kommune", "1841"))
        person_id, _ref = add_person(s, employer="988077917")
        assert register.get_person(s, person_id).employer_name == "Fauske kommune"
        snapshot = register.delete_employer(s, employer_id)
        assert register.get_person(s, person_id).employer_id is None
        register.restore_employer(s, snapshot)  # undo gives the person their employer back
        assert register.get_person(s, person_id).employer_name == "Fauske kommune"


def test_the_person_list_has_the_consent_in_force_and_its_reminder(store) -> None:
    from kpdesk.register.person_list import list_person_rows
    from kpdesk.register.validation import ConsentData, EmployerData, PersonData

    with store.session() as s:
        register.save_employer(s, EmployerData("988077917", "Fauske kommune", "1841"))
        kari = register.save_person(s, PersonData("Kari Nordmann", "1841", "kari@example.no", employer="988077917"))
        register.record_consent(s, kari, ConsentData(True, given_on=dt.date(2024, 1, 2)))
        register.record_consent(s, kari, ConsentData(True, True, True, given_on=dt.date(2026, 11, 2)))
        register.save_person(s, PersonData("Ola Uten", None, "", "90000000"))
    with store.session() as s:
        rows = {r.name: r for r in list_person_rows(s, dt.date(2026, 12, 7))}
    kari_row, ola = rows["Kari Nordmann"], rows["Ola Uten"]
    assert (kari_row.employer_org, kari_row.consent.given_on, kari_row.reminder) == (
        "988077917", dt.date(2026, 11, 2), "")  # the newest consent is the one in force
    assert ola.consent is None and ola.reminder.startswith("Samtykke mangler")
    with store.session() as s:
        old = {r.name: r for r in list_person_rows(s, dt.date(2029, 1, 1))}
    assert "over to år gammelt" in old["Kari Nordmann"].reminder


def test_needs_of_a_person_without_storage_consent_are_never_listed_or_matched(store) -> None:
    """The guard below every list and matching run: even a consent recorded past ``admin.consent``
    (which erases the needs) leaves the person's needs out at once."""
    from kpdesk.matching import persistence

    with store.session() as s:
        register.save_employer(s, EmployerData("988077917", "Fauske kommune", "1841"))
        register.save_need(s, NeedData("988077917", "Renhold", headcount=3))
        person_id, ref = add_person(s)
        need_id = register.save_need(s, NeedData(None, "Helsefagarbeider", person=ref))
        assert [r.title for r in register.list_needs(s)] == ["Renhold", "Helsefagarbeider"]
        assert [n.title for n in persistence.load_needs(s)] == ["Renhold", "Helsefagarbeider"]
        register.record_consent(s, person_id, ConsentData(False))
        assert [r.title for r in register.list_needs(s)] == ["Renhold"]
        assert register.list_needs(s, person_id=person_id) == []
        assert [n.title for n in persistence.load_needs(s)] == ["Renhold"]
        assert persistence.load_vocabulary(s) == ["Renhold"]  # not even its words teach the splitter
        with pytest.raises(register.NotFoundError):
            register.get_need(s, need_id)
        with pytest.raises(register.NotFoundError):
            persistence.load_need(s, need_id)
        register.record_consent(s, person_id, ConsentData(True))  # given again: the newest is in force
        assert [r.title for r in register.list_needs(s)] == ["Renhold", "Helsefagarbeider"]
