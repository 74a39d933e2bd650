"""Erasing an individual: the person, their consents, their needs and every trace in the audit log
and the file's bytes; an export hands out all of it; a restore of an older copy erases them again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from support import sqlite_only, stored_bytes

from kpdesk.admin import erasure, privacy
from kpdesk.common.errors import UserError
from kpdesk.db import backup
from kpdesk.db.models import Consent, Employer, ErasureRecord, Need, NeedStatusChange, Person
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import ConsentData, EmployerData, NeedData, PersonData

NAME = "Qwertzu Privatsen"
EMAIL = "qwertzu@example.no"
OLD_PHONE, NEW_PHONE = "47123456", "93456789"
TRACES = ("Qwertzu", "qwertzu", "QWERTZU", "Privatsen", OLD_PHONE, NEW_PHONE, "Helsefagarbeider for Qwertzu")


def traces_in(db: Any) -> list[str]:
    """The person's values found anywhere in the database (a store, or a file and its -wal as raw bytes,
    free pages too: ``support.stored_bytes``)."""
    data = stored_bytes(db)
    return [t for t in TRACES if t.encode() in data]


@pytest.fixture
def individual(store: Store) -> dict[str, int]:
    """Qwertzu, with consent, two needs (one describing them by name), a phone changed once, and
    another person and an employer's need that must stay."""
    with store.session() as s:
        register.save_employer(s, EmployerData("988077917", "Fauske kommune", "1841"))
        register.save_need(s, NeedData("988077917", "Lederutdanning", headcount=4))
        person_id = register.save_person(s, PersonData(NAME, "1836", EMAIL, OLD_PHONE))
        register.record_consent(s, person_id, ConsentData(True, True, True, how="skjema", text_version="2026-1"))
        ref = register.get_person(s, person_id).ref
        register.save_need(s, NeedData(None, "Helsefagarbeider for Qwertzu", person=ref,
                                       description=f"{NAME} vil ta fagbrev"))
        register.save_need(s, NeedData(None, "Sykepleie", person=ref, level="bachelor"))
        other = register.save_person(s, PersonData("Ola Annen", "1804", "ola@example.no"))
        register.record_consent(s, other, ConsentData(True))
        register.save_need(s, NeedData(None, "Truckførerkurs", person=register.get_person(s, other).ref))
    with store.session() as s:
        register.save_person(s, PersonData(NAME, "1836", EMAIL, NEW_PHONE, ref=ref), person_id)
        register.record_consent(s, person_id, ConsentData(True, False, False, how="e-post"))
    return {"person": person_id, "other": other}


def count(s, model) -> int:
    return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_export_holds_the_person_their_consents_and_their_needs(store: Store, individual) -> None:
    with store.session() as s:
        exported = privacy.individual_export(s, individual["person"])
    assert [p["name"] for p in exported["persons"]] == [NAME]
    assert [c["how"] for c in exported["consents"]] == ["skjema", "e-post"]
    assert [n["title"] for n in exported["needs"]] == ["Helsefagarbeider for Qwertzu", "Sykepleie"]
    assert any(OLD_PHONE in (e["old_value"] or "") for e in exported["audit"])
    with store.session() as s:  # an e-mail finds individuals as it finds contact persons
        assert [p["ref"] for p in privacy.person_export(s, EMAIL.upper())["persons"]] == ["P00001"]


def test_erase_removes_the_person_their_needs_and_consent_and_leaves_no_trace(store: Store, individual) -> None:
    assert traces_in(store)  # the test can see them before
    outcome = erasure.erase_individual(store, individual["person"])
    assert (outcome.report.persons, outcome.report.person_needs) == (1, 2)
    assert "1 privatperson med samtykke og 2 behov" in outcome.report.sentence()
    assert traces_in(store) == []
    with store.session() as s:
        assert [p.name for p in s.scalars(select(Person))] == ["Ola Annen"]
        assert count(s, Consent) == 1 and count(s, NeedStatusChange) == 2
        assert sorted(s.scalars(select(Need.title))) == ["Lederutdanning", "Truckførerkurs"]
        record = s.scalars(select(ErasureRecord)).one()
        assert record.person_ids == str(individual["person"])


def test_erase_by_e_mail_finds_the_individual(store: Store, individual) -> None:
    outcome = erasure.erase_person(store, f" {EMAIL.upper()} ")
    assert outcome.report.persons == 1 and outcome.report.contacts == 0
    assert traces_in(store) == []


@sqlite_only("restoring a copy of the file")
def test_a_restore_of_an_older_copy_erases_the_individual_again(store: Store, individual) -> None:
    copy = backup.create_backup(store.path, "manual")
    erasure.erase_individual(store, individual["person"])
    path = store.path
    store.close()
    restored = erasure.restore_keeping_erasures(path, copy.path)
    assert restored.erased_again == 1
    assert traces_in(path) == []


@sqlite_only("copies of the file in the backups folder")
def test_purge_erases_the_individual_from_the_backups_too(store: Store, individual) -> None:
    copy = backup.create_backup(store.path, "manual")
    assert traces_in(copy.path)
    outcome = erasure.erase_individual(store, individual["person"], backups="purge")
    assert outcome.purged == (copy.path,) and outcome.kept == ()
    assert traces_in(copy.path) == []


def test_erase_also_clears_the_notes_of_decisions_on_the_persons_needs(store: Store, individual) -> None:
    """A decision's audit entry is keyed by the need and keeps the coordinator's note, which may say
    something about the person («Qwertzu har angst, vil ha nettkurs»)."""
    import datetime as dt

    from kpdesk.db.models import Offer
    from kpdesk.matching import persistence
    from kpdesk.offers import service as offers
    from kpdesk.offers.validation import OfferData, ProviderData

    with store.session() as s:
        offers.save_provider(s, ProviderData("Nordland fagskole"))
        offers.save_offer(s, OfferData("Nordland fagskole", "Helsefagarbeider for voksne", "O1",
                                       level="fagbrev", format="online", start_date=dt.date(2027, 3, 1)))
        offer_id = s.scalars(select(Offer.id)).one()
        need_id = s.scalars(select(Need.id).where(Need.title == "Sykepleie")).one()
        persistence.decide(s, need_id, offer_id, "accepted", note="Qwertzu har angst, vil ha nettkurs")
    assert any("Qwertzu" in t for t in traces_in(store))
    erasure.erase_individual(store, individual["person"])
    assert traces_in(store) == []


# ---------------------------------------------------------------- deleted first, erased later

def decide_with_note(store: Store, title: str, note: str) -> None:
    """An offer chosen for the person's need ``title``, with a note about them."""
    import datetime as dt

    from kpdesk.db.models import Offer
    from kpdesk.matching import persistence
    from kpdesk.offers import service as offers
    from kpdesk.offers.validation import OfferData, ProviderData

    with store.session() as s:
        offers.save_provider(s, ProviderData("Nordland fagskole"))
        offers.save_offer(s, OfferData("Nordland fagskole", "Helsefagarbeider for voksne", "O1",
                                       level="fagbrev", format="online", start_date=dt.date(2027, 3, 1)))
        offer_id = s.scalars(select(Offer.id)).one()
        need_id = s.scalars(select(Need.id).where(Need.title == title)).one()
        persistence.decide(s, need_id, offer_id, "accepted", note=note)


def delete_in_the_window(store: Store, person_id: int) -> None:
    """As the Personer page's «Slett»: the register's delete (undoable), not an erasure."""
    with store.session() as s:
        register.delete_person(s, person_id)


def audit_text(store: Store) -> str:
    from kpdesk.db.models import AuditEntry

    with store.session() as s:
        return " ".join(f"{e.old_value} {e.new_value} {e.summary}" for e in s.scalars(select(AuditEntry)))


@pytest.mark.parametrize("how", ["ref", "email"])
def test_a_person_deleted_in_the_window_can_still_be_erased(store: Store, individual, how: str) -> None:
    """Deleting keeps the audit log's entries (the need titles, the phones, the consents, a decision's
    note); ``person erase --ref`` or ``--email`` afterwards finds them and leaves no trace in the file."""
    with store.session() as s:
        employer = s.scalars(select(Employer.id)).one()
        register.save_employer(s, EmployerData("988077917", "Fauske kommune", "1841",
                                               notes=f"P00001 ringte fra {NEW_PHONE}, svar til {EMAIL}"), employer)
    decide_with_note(store, "Sykepleie", "Qwertzu har angst, vil ha nettkurs")
    delete_in_the_window(store, individual["person"])
    store.compact()  # the deletion's freed pages are gone: what is left is the audit log's
    assert any("Qwertzu" in t for t in traces_in(store)) and NEW_PHONE in audit_text(store)

    if how == "ref":
        with store.session() as s:
            assert privacy.find_person_id(s, "p00001") == individual["person"]
        outcome = erasure.erase_individual(store, individual["person"])
    else:
        outcome = erasure.erase_person(store, EMAIL.upper())
    report = outcome.report
    assert (report.persons, report.earlier_persons) == (0, 1)
    assert report.sentence().startswith("Renset spor etter 1 privatperson som var slettet før: ")
    assert " oppføringer i endringsloggen" in report.sentence() and "; og " not in report.sentence()
    assert traces_in(store) == []
    left = audit_text(store)
    assert EMAIL not in left and "sha256:" not in left and "P00001" not in left
    with store.session() as s:
        assert s.scalars(select(Employer.notes)).one() == "[slettet] ringte fra [slettet], svar til [slettet]"
        assert [p.name for p in s.scalars(select(Person))] == ["Ola Annen"]  # the other person stays
        assert sorted(s.scalars(select(Need.title))) == ["Lederutdanning", "Truckførerkurs"]
        record = s.scalars(select(ErasureRecord)).one()
        assert record.person_ids == str(individual["person"])
        with pytest.raises(UserError, match="Ingen person har referansen «P00001»"):
            privacy.find_person_id(s, "P00001")  # nothing left that knows the ref


def test_a_deleted_need_of_a_person_is_erased_with_them(store: Store, individual) -> None:
    with store.session() as s:
        need_id = s.scalars(select(Need.id).where(Need.title == "Helsefagarbeider for Qwertzu")).one()
        register.delete_need(s, need_id)
    store.compact()
    assert any("Helsefagarbeider for Qwertzu" in t for t in traces_in(store))  # the log's entries
    outcome = erasure.erase_individual(store, individual["person"])
    assert (outcome.report.persons, outcome.report.person_needs) == (1, 1)
    assert traces_in(store) == []


def test_an_export_of_a_deleted_person_hands_out_what_the_log_holds(store: Store, individual) -> None:
    delete_in_the_window(store, individual["person"])
    with store.session() as s:
        exported = privacy.individual_export(s, privacy.find_person_id(s, "P00001"))
    assert exported["persons"] == [] and exported["subject"] == f"slettet person {individual['person']}"
    summaries = [e["summary"] for e in exported["audit"]]
    assert "Nytt behov B00002 «Helsefagarbeider for Qwertzu»" in summaries
    assert any(OLD_PHONE in (e["old_value"] or "") for e in exported["audit"])


@pytest.mark.parametrize(("report", "said"), [
    (privacy.ErasureReport(0, (), 6, 0, earlier_persons=1),
     "Renset spor etter 1 privatperson som var slettet før: 6 oppføringer i endringsloggen."),
    (privacy.ErasureReport(0, (), 1, 2, earlier_deleted=2, earlier_persons=1),
     "Renset spor etter 2 kontaktpersoner og 1 privatperson som var slettet før: 1 oppføring i endringsloggen; "
     "fjernet navn, e-post eller telefon fra 2 fritekstfelt."),
    (privacy.ErasureReport(0, (), 4, 0, persons=1, person_needs=2, earlier_persons=1),
     "Slettet 1 privatperson med samtykke og 2 behov; renset 4 oppføringer i endringsloggen, også spor etter "
     "1 privatperson som var slettet før."),
    (privacy.ErasureReport(0, (), 3, 0, person_needs=1), "Slettet 1 behov for privatpersonen; renset 3 oppføringer "
                                                           "i endringsloggen."),
])
def test_the_erasure_sentence_reads_as_one_sentence(report: privacy.ErasureReport, said: str) -> None:
    """Traces of persons deleted before are what was cleaned when nothing else was deleted: said once,
    not as a clause hung on with «; og»."""
    assert report.sentence() == said
