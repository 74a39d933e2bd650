"""Withdrawing the consent to storage: the person's needs go (with their audit entries), the person
stays with their consent history unless they are erased entirely; the window, the persons import
and ``kpdesk person erase`` share one path (``kpdesk.admin.consent``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import run_cli, stored_bytes, where

from kpdesk.admin import consent
from kpdesk.db.models import AuditEntry, Consent, MatchDecision, Need, Person
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import ConsentData, NeedData, PersonData

WISH = "Helsefagarbeider for Qwertzu"


@pytest.fixture
def person(store: Store) -> int:
    """Qwertzu with consent to storage, two needs (one with a decision and a note), and another
    person whose need must stay."""
    from kpdesk.db.models import Offer
    from kpdesk.matching import persistence
    from kpdesk.offers import service as offers
    from kpdesk.offers.validation import OfferData, ProviderData

    with store.session() as s:
        person_id = register.save_person(s, PersonData("Qwertzu Privatsen", "1836", "qwertzu@example.no"))
        register.record_consent(s, person_id, ConsentData(True, True, True))
        need_id = register.save_need(s, NeedData(None, WISH, person="P00001"))
        register.save_need(s, NeedData(None, "Sykepleie", person="P00001", level="bachelor"))
        other = register.save_person(s, PersonData("Ola Annen", "1804", "ola@example.no"))
        register.record_consent(s, other, ConsentData(True))
        register.save_need(s, NeedData(None, "Truckførerkurs", person="P00002"))
        offers.save_provider(s, ProviderData("Nordland fagskole"))
        offers.save_offer(s, OfferData("Nordland fagskole", "Helsefagarbeider for voksne", "O1",
                                       level="fagbrev", format="online", start_date=dt.date(2027, 3, 1)))
        persistence.decide(s, need_id, s.scalars(select(Offer.id)).one(), "accepted", note="Qwertzu vil ha nett")
    return person_id


def count(s, model, *where) -> int:
    return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def withdrawal() -> ConsentData:
    return ConsentData(False, how="e-post", given_on=dt.date(2027, 1, 4))


def test_withdrawing_storage_erases_the_needs_and_keeps_the_proof(store: Store, person: int) -> None:
    outcome = consent.record_consent_everywhere(store, person, withdrawal())
    assert outcome.report.person_needs == 2 and outcome.report.persons == 0
    assert outcome.report.sentence().startswith("Slettet 2 behov for privatpersonen; renset ")
    with store.session() as s:
        assert list(s.scalars(select(Need.title))) == ["Truckførerkurs"]
        assert count(s, MatchDecision) == 0
        assert [c.stored for c in register.consent_history(s, person)] == [True, False]  # the proof
        assert register.get_person(s, person).name == "Qwertzu Privatsen"
        log = " ".join(f"{e.old_value} {e.new_value} {e.summary}" for e in s.scalars(select(AuditEntry)))
        summaries = list(s.scalars(select(AuditEntry.summary).order_by(AuditEntry.id.desc())))
    assert "Qwertzu" not in log and "Sykepleie" not in log  # the titles and the note
    assert summaries[0] == ("Slettet personopplysninger etter at samtykket til lagring ble trukket: "
                            "2 behov for en privatperson")
    assert b"Qwertzu vil ha nett" not in stored_bytes(store) and WISH.encode() not in stored_bytes(store)


def test_withdrawing_storage_can_erase_the_person_entirely(store: Store, person: int) -> None:
    outcome = consent.record_consent_everywhere(store, person, withdrawal(), erase_person=True)
    assert (outcome.report.persons, outcome.report.person_needs) == (1, 2)
    with store.session() as s:
        assert list(s.scalars(select(Person.name))) == ["Ola Annen"]
        assert count(s, Consent, Consent.person_id == person) == 0
        assert s.scalars(select(AuditEntry.summary).order_by(AuditEntry.id.desc())).first() == (
            "Slettet personopplysninger etter at samtykket til lagring ble trukket: 1 privatperson")
    assert b"Qwertzu" not in stored_bytes(store)
    with pytest.raises(ValueError):
        consent.record_consent_everywhere(store, person, ConsentData(True), erase_person=True)


def test_a_consent_that_keeps_storage_erases_nothing(store: Store, person: int) -> None:
    outcome = consent.record_consent_everywhere(store, person, ConsentData(True, False, False))
    assert not outcome.report.found
    with store.session() as s:
        assert count(s, Need, Need.person_id == person) == 2
        assert register.current_consent(s, person).contact is False


def test_the_persons_import_takes_the_same_path(capsys, store: Store, person: int, tmp_path: Path) -> None:
    path = where(store)
    store.close()
    withdrawn = tmp_path / "trukket.csv"
    withdrawn.write_text("ref;name;municipality;email;consent_stored\n"
                         "P00001;Qwertzu Privatsen;1836;qwertzu@example.no;nei\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "import", "persons", withdrawn, "--db", path)
    assert code == 0 and "1 oppdatert" in out and "Slettet 2 behov for godt" in out
    assert "advarsel: P00001: samtykket til lagring trekkes" in err  # said on the line, before the import
    again = Store.open(path)
    try:
        with again.session() as s:
            assert list(s.scalars(select(Need.title))) == ["Truckførerkurs"]
            assert register.current_consent(s, person).stored is False
            assert "Qwertzu" not in " ".join(f"{e.new_value} {e.summary}" for e in s.scalars(select(AuditEntry)))
    finally:
        again.close()
