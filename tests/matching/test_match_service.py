"""The database side of matching: engine inputs, regions, thesaurus, decisions with undo, interest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, insert, select, update
from support import EVAL, needs_eval

from kpdesk.admin.audit_log import history
from kpdesk.common.errors import UserError
from kpdesk.db.models import MatchDecision, Need, NeedStatusChange, Offer, Setting, ThesaurusTerm
from kpdesk.matching import persistence as ms
from kpdesk.matching.engine import Match, Matcher, NeedInput, NeedResult, OfferInput, ThesaurusError, load_default
from kpdesk.offers import service as offers
from kpdesk.offers.validation import OfferData, ProviderData
from kpdesk.register import service as register
from kpdesk.register.validation import EmployerData, NeedData

TODAY = dt.date.today()


@pytest.fixture
def ids(store) -> dict[str, int]:
    """Two employers (Fauske, Bodø), four needs (one closed, one ordered) and two offers."""
    with store.session() as s:
        register.save_employer(s, EmployerData("935112346", "Fauske kommune", "1841"))
        register.save_employer(s, EmployerData("968812343", "Bodø kommune", "1804"))
        found = {
            "n1": register.save_need(s, NeedData("935112346", "Lindrende behandling", ref="N1", headcount=6,
                                                 level="fagskole", formats=("online",),
                                                 earliest_start=dt.date(2027, 6, 1))),
            "n2": register.save_need(s, NeedData("968812343", "Palliasjon for sykepleiere", ref="N2", headcount=4,
                                                 level="bachelor", status="mapped")),
            "n3": register.save_need(s, NeedData("935112346", "Gammelt behov", ref="N3", headcount=9,
                                                 status="closed")),
            "n4": register.save_need(s, NeedData("968812343", "Bestilt kurs", ref="N4", headcount=3,
                                                 status="ordered")),
        }
        offers.save_provider(s, ProviderData("Nordland fagskole"))
        found["o1"] = offers.save_offer(s, OfferData(
            "Nordland fagskole", "Kreftomsorg og lindrende pleie", "PO01", keywords="palliasjon, kreft",
            credits=Decimal(30), level="fagskole", format="online", start_date=dt.date(2027, 8, 23),
            end_date=dt.date(2028, 6, 1), seats_min=15, seats_max=40, price_nok=0))
        found["o2"] = offers.save_offer(s, OfferData(
            "Nordland fagskole", "Demensomsorg", "PO02", level="fagskole", format="sessions", municipality="1804",
            credits=Decimal(15), end_date=dt.date(2026, 1, 1)))
    return found


def statuses(store, need_id: int) -> tuple[str, list[str]]:
    with store.session() as s:
        return (register.get_need(s, need_id).status,
                [c.status for c in register.list_status_changes(s, need_id)])


# ---------------------------------------------------------------- engine inputs

def test_load_needs_open_only_with_the_employers_place(store, ids) -> None:
    with store.session() as s:
        needs = ms.load_needs(s)
        every = ms.load_needs(s, include_closed=True)
        one = ms.load_need(s, ids["n3"])
    assert [n.ref for n in needs] == ["N1", "N2", "N4"]
    assert [n.ref for n in every] == ["N1", "N2", "N3", "N4"]
    assert needs[0] == NeedInput("N1", "Lindrende behandling", "", 6, "fagskole", ("online",), dt.date(2027, 6, 1),
                                 None, "1841", "Fauske kommune", "935112346", "new")
    assert (one.ref, one.status, one.municipality) == ("N3", "closed", "1841")


def test_load_offers_with_provider_names(store, ids) -> None:
    with store.session() as s:
        loaded = ms.load_offers(s)
        needs, offer_ids = ms.ids_by_ref(s)
    assert loaded[0] == OfferInput(
        "PO01", "Kreftomsorg og lindrende pleie", "", "palliasjon, kreft", "Nordland fagskole", "fagskole", "online",
        None, dt.date(2027, 8, 23), dt.date(2028, 6, 1), None, 15, 40, Decimal(30), "fagskole", 0)
    assert [o.ref for o in loaded] == ["PO01", "PO02"]  # an ended offer too: the engine decides by its date
    assert (needs["N2"], offer_ids["PO02"]) == (ids["n2"], ids["o2"])


def test_regions_from_the_tables(store) -> None:
    with store.session() as s:
        regions = ms.load_regions(s)
    assert regions["1804"] == {"Salten"}
    assert regions["1836"] == {"Salten", "Helgeland"}  # Rødøy is in both, depending on the definition
    assert regions["1824"] == {"Helgeland", "Helgelandsrådet"}


@needs_eval
def test_inputs_drive_the_engine(store) -> None:
    from kpdesk import transfer

    with store.session() as s:
        for kind in ("employers", "needs", "offers"):
            transfer.apply_import(s, transfer.plan_import(s, kind, EVAL / f"{kind}.csv"))
    with store.session() as s:
        inputs = ms.load_inputs(s)
    assert (len(inputs.needs), len(inputs.offers)) == (15, 16)
    assert len(inputs.thesaurus) == len(load_default())
    results = {r.need_ref: r for r in inputs.matcher().match_all(inputs.needs, dt.date(2027, 1, 10))}
    assert results["PN01"].best is not None and results["PN01"].best.offer_ref == "PO01"


def test_one_employers_needs_and_the_vocabulary_of_every_open_need(store, ids) -> None:
    with store.session() as s:
        s.execute(update(Need).where(Need.id == ids["n2"]).values(description="Lindring i livets sluttfase"))
        fauske = ms.load_needs(s, org_number="935112346")
        vocabulary = ms.load_vocabulary(s)
    assert [n.ref for n in fauske] == ["N1"]  # N3 is closed
    # the closed need's title is not there; a text shared by two needs is there once
    assert sorted(vocabulary) == ["Bestilt kurs", "Lindrende behandling", "Lindring i livets sluttfase",
                                  "Palliasjon for sykepleiere"]


def test_the_engine_is_built_again_only_when_its_inputs_change(store, ids) -> None:
    with store.session() as s:
        inputs = ms.load_inputs(s)
        first = inputs.matcher()
        assert ms.load_inputs(s).matcher() is first  # loaded again, equal: the same engine
        assert ms.load_engine(s) is first  # the summary's way, without every need: the same inputs
        s.execute(update(Offer).where(Offer.id == ids["o1"]).values(title="Lindrende pleie"))
        changed_offer = ms.load_inputs(s).matcher()
        ms.add_thesaurus_term(s, "palliasjon", "sluttfasepleie")
        changed_thesaurus = ms.load_inputs(s).matcher()
        register.save_need(s, NeedData("935112346", "Sveisesertifikat", ref="N5"))
        changed_needs = ms.load_inputs(s).matcher()
    assert len({id(first), id(changed_offer), id(changed_thesaurus), id(changed_needs)}) == 4
    as_of = dt.date(2027, 1, 10)
    need = inputs.needs[0]
    assert changed_offer.match_need(need, as_of) == Matcher(
        changed_offer._offers, changed_offer.thesaurus, changed_offer.regions,
        vocabulary_texts=[t for n in inputs.needs for t in (n.title, n.description) if t]).match_need(need, as_of)


# ---------------------------------------------------------------- thesaurus

def test_thesaurus_is_seeded_once(store) -> None:
    with store.session() as s:
        thesaurus = ms.load_thesaurus(s)
        terms = ms.list_thesaurus_terms(s)
        assert ms.seed_thesaurus(s) == 0  # already there
    assert len(terms) == len(thesaurus) == len(load_default())
    assert thesaurus.group_of("akvakultur") == load_default().group_of("akvakultur")
    with store.session() as s:
        s.execute(delete(ThesaurusTerm))
        assert len(ms.load_thesaurus(s)) == 0  # the coordinator emptied it: no defaults behind their back
        assert s.get(Setting, ms.SEEDED_SETTING) is not None
        assert ms.seed_thesaurus(s, force=True) == len(terms)


def test_thesaurus_edits(store) -> None:
    with store.session() as s:
        term_id = ms.add_thesaurus_term(s, "sau", "småfe")
        assert ms.load_thesaurus(s).group_of("småfe") == "sau"
        with pytest.raises(ThesaurusError, match="«x» er for kort"):
            ms.add_thesaurus_term(s, "sau", "x")
        with pytest.raises(ThesaurusError, match="«kurs» er et generelt ord"):
            ms.add_thesaurus_term(s, "sau", "kurs")
        with pytest.raises(ThesaurusError, match="står allerede i gruppen «sau»"):
            ms.add_thesaurus_term(s, "sau", "småfe")
        snapshot = ms.delete_thesaurus_term(s, term_id)
        assert ms.load_thesaurus(s).group_of("småfe") is None
        assert ms.restore_thesaurus_term(s, snapshot) == term_id
        assert ms.load_thesaurus(s).group_of("småfe") == "sau"
        assert [e.action for e in history(s, "thesaurus_term", term_id)] == ["restore", "delete", "create"]


def test_bad_stored_synonyms_are_left_out_not_fatal(store) -> None:
    with store.session() as s:
        ms.seed_thesaurus(s)
        s.execute(insert(ThesaurusTerm), [{"group_key": "x", "term": "a"}])
        thesaurus = ms.load_thesaurus(s)
        problems = ms.thesaurus_problems(s)
    assert len(thesaurus) == len(load_default())
    assert len(problems) == 1 and problems[0].startswith("«a» er for kort")


def test_a_database_in_use_gets_an_upgrades_new_synonyms_once(store) -> None:
    from sqlalchemy import delete, select

    from kpdesk.db.models import Setting

    helse = ("helsearbeiderfag", "helsefagarbeider")
    with store.session() as s:  # as a database seeded from an older, shorter list would look
        ms.seed_thesaurus(s)
        s.execute(delete(ThesaurusTerm).where(ThesaurusTerm.term.in_(helse)))
        s.execute(delete(Setting).where(Setting.key == ms.OFFERED_SETTING))
    with store.session() as s:
        ms.load_thesaurus(s)
    with store.session() as s:
        assert set(helse) <= set(s.execute(select(ThesaurusTerm.term)).scalars())  # the upgrade's words arrived
        s.execute(delete(ThesaurusTerm).where(ThesaurusTerm.term == "helsefagarbeider"))  # the coordinator's choice
    with store.session() as s:
        assert ms.add_new_defaults(s) == 0
        assert "helsefagarbeider" not in set(s.execute(select(ThesaurusTerm.term)).scalars())  # not brought back
        s.execute(delete(ThesaurusTerm))  # an emptied list stays empty
        s.execute(delete(Setting).where(Setting.key == ms.OFFERED_SETTING))
    with store.session() as s:
        assert ms.add_new_defaults(s) == 0 and s.execute(select(ThesaurusTerm.id)).first() is None


# ---------------------------------------------------------------- decisions

def test_accepting_moves_the_need_to_matched_and_undo_puts_it_back(store, ids) -> None:
    with store.session() as s:
        snapshot = ms.decide(s, ids["n1"], ids["o1"], "accepted", "Passer tema og nivå")
    assert statuses(store, ids["n1"]) == ("matched", ["new", "matched"])
    with store.session() as s:
        [row] = ms.list_decisions(s, need_id=ids["n1"])
        assert ms.list_decisions(s, offer_id=ids["o1"]) == [row]
        assert ms.list_decisions(s, need_id=ids["n1"], offer_id=ids["o2"]) == []
        assert history(s, "match_decision")[0].summary == (
            "Aksepterte PO01 «Kreftomsorg og lindrende pleie» for behov N1: Passer tema og nivå")
    assert (row.need_ref, row.employer_name, row.offer_ref, row.provider_name, row.decision, row.note) == (
        "N1", "Fauske kommune", "PO01", "Nordland fagskole", "accepted", "Passer tema og nivå")
    with store.session() as s:
        ms.undo_decision(s, snapshot)
    assert statuses(store, ids["n1"]) == ("new", ["new"])
    with store.session() as s:
        assert ms.list_decisions(s) == []
        assert register.get_need(s, ids["n1"]).status_changed_on == TODAY


def test_rejecting_the_only_accepted_offer_maps_the_need_again(store, ids) -> None:
    with store.session() as s:
        ms.decide(s, ids["n2"], ids["o1"], "akseptert")  # the Norwegian word works too
        ms.decide(s, ids["n2"], ids["o2"], "accepted")
        ms.decide(s, ids["n2"], ids["o1"], "rejected", "For langt unna")
        assert register.get_need(s, ids["n2"]).status == "matched"  # PO02 is still accepted
        snapshot = ms.decide(s, ids["n2"], ids["o2"], "avvist")
        assert register.get_need(s, ids["n2"]).status == "mapped"
        assert [(d.offer_ref, d.decision) for d in ms.list_decisions(s, need_id=ids["n2"])] == [
            ("PO02", "rejected"), ("PO01", "rejected")]
        ms.undo_decision(s, snapshot)
        assert register.get_need(s, ids["n2"]).status == "matched"
        assert {d.offer_ref: d.decision for d in ms.list_decisions(s, need_id=ids["n2"])} == {
            "PO01": "rejected", "PO02": "accepted"}
        assert s.execute(select(func.count()).select_from(MatchDecision)).scalar_one() == 2


def test_later_statuses_stay_and_closed_needs_are_refused(store, ids) -> None:
    with store.session() as s:
        ms.decide(s, ids["n4"], ids["o1"], "accepted")
        assert register.get_need(s, ids["n4"]).status == "ordered"
        with pytest.raises(UserError) as caught:
            ms.decide(s, ids["n3"], ids["o1"], "accepted")
        assert caught.value.message == ("Behovet N3 er avsluttet; åpne det igjen før du aksepterer et kurstilbud "
                                        "for det.")
        ms.decide(s, ids["n3"], ids["o1"], "rejected")  # rejecting is fine
        with pytest.raises(UserError, match=r"Ukjent beslutning «kanskje»; bruk godtatt eller avvist\."):
            ms.decide(s, ids["n1"], ids["o1"], "kanskje")
        with pytest.raises(register.NotFoundError):
            ms.decide(s, 999, ids["o1"], "accepted")
        with pytest.raises(register.NotFoundError):
            ms.decide(s, ids["n1"], 999, "accepted")


def test_withdrawing_a_decision(store, ids) -> None:
    with store.session() as s:
        ms.decide(s, ids["n1"], ids["o1"], "accepted")
        snapshot = ms.withdraw_decision(s, ids["n1"], ids["o1"])
        assert ms.list_decisions(s) == []
        assert register.get_need(s, ids["n1"]).status == "mapped"
        with pytest.raises(UserError, match="Det er ingen beslutning om PO01"):
            ms.withdraw_decision(s, ids["n1"], ids["o1"])
        ms.undo_decision(s, snapshot)
        assert [d.decision for d in ms.list_decisions(s)] == ["accepted"]
        assert register.get_need(s, ids["n1"]).status == "matched"
        assert [c.status for c in register.list_status_changes(s, ids["n1"])] == ["new", "matched"]
        assert s.execute(select(func.count()).select_from(NeedStatusChange)
                         .where(NeedStatusChange.need_id == ids["n1"])).scalar_one() == 2


def test_undo_after_the_offer_is_deleted_is_refused(store, ids) -> None:
    with store.session() as s:
        snapshot = ms.decide(s, ids["n1"], ids["o2"], "accepted")
        offers.delete_offer(s, ids["o2"])
        with pytest.raises(UserError, match="kurstilbudet er slettet"):
            ms.undo_decision(s, snapshot)


# ---------------------------------------------------------------- interest in an offer

def proposal(need_ref: str, *offer_scores: tuple[str, float]) -> NeedResult:
    return NeedResult(need_ref, [Match(ref, score) for ref, score in offer_scores])


def test_offer_interest_counts_accepted_and_proposed_needs(store, ids) -> None:
    with store.session() as s:
        ms.decide(s, ids["n1"], ids["o1"], "accepted", "Avtalt med Marit")
        ms.decide(s, ids["n4"], ids["o1"], "rejected")
        engine = [proposal("N1", ("PO01", 0.95)), proposal("N2", ("PO02", 0.7), ("PO01", 0.81)),
                  proposal("N3", ("PO01", 0.9)), proposal("N4", ("PO01", 0.6))]
        interest = ms.offer_interest(s, ids["o1"], engine)
        alone = ms.offer_interest(s, ids["o1"])
    assert [(n.need_ref, n.source, n.headcount, n.score, n.note) for n in interest.needs] == [
        ("N1", "accepted", 6, 0.95, "Avtalt med Marit"), ("N2", "proposed", 4, 0.81, "")]
    assert (interest.headcount, interest.accepted_headcount, interest.proposed_headcount) == (10, 6, 4)
    assert (interest.seats_text, interest.seats_gap, interest.reaches_minimum, interest.over_capacity) == (
        "10 av 15 plasser", 5, False, False)
    assert [(e.name, e.headcount, e.need_refs) for e in interest.employers] == [
        ("Fauske kommune", 6, ("N1",)), ("Bodø kommune", 4, ("N2",))]
    assert [(n.need_ref, n.score) for n in alone.needs] == [("N1", None)]
    with store.session() as s:
        other = ms.offer_interest(s, ids["o2"], engine)
    assert (other.seats_text, other.reaches_minimum) == ("4 personer", True)
