"""Needs of individuals and communities: loaded for the engine, matched, counted apart in demand
groups, one contributor each for disclosure control, and left out of figures without consent."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest

from kpdesk.matching import persistence as ms
from kpdesk.matching.engine import Matcher, NeedInput, OfferInput
from kpdesk.matching.engine.aggregation import Contributors, aggregate, commitments
from kpdesk.offers import service as offers
from kpdesk.offers.validation import OfferData, ProviderData
from kpdesk.register import service as register
from kpdesk.register.validation import ConsentData, EmployerData, NeedData, PersonData
from kpdesk.reports.suppression import Share

D = dt.date
AS_OF = D(2027, 1, 10)
REGIONS = {"1804": {"Salten"}, "1841": {"Salten"}, "1836": {"Helgeland"}}


def need(ref: str, kind: str = "employer", owner: str = "", **fields) -> NeedInput:
    owner = owner or {"employer": f"9{ref:0>8}", "person": f"P{ref}", "community": "1804"}[kind]
    defaults = dict(title="Helsefagarbeider", headcount=1, level="fagbrev", municipality="1804",
                    employer_name=f"Eier {owner}", employer_ref=owner, owner_kind=kind)
    return NeedInput(ref=ref, **{**defaults, **fields})


COURSE = OfferInput(ref="O1", title="Helsefagarbeider for voksne", keywords="helsefagarbeider", level="fagbrev",
                    format="online", start_date=D(2027, 3, 1), seats_min=15)


def groups_of(needs: list[NeedInput]):
    m = Matcher([COURSE], None, REGIONS, vocabulary_texts=[n.title for n in needs])
    return aggregate(needs, m.match_all(needs, AS_OF), [COURSE], REGIONS, matcher=m)


# ---------------------------------------------------------------- the engine's demand groups

def test_a_demand_group_counts_employees_individuals_and_communities_apart() -> None:
    needs = [need("1", headcount=5), need("2", headcount=4), need("3", headcount=3), need("4", headcount=1),
             need("5", "person"), need("6", "person"), need("7", "person"),
             need("8", "community", headcount=5, municipality="1841")]
    (group,) = groups_of(needs)
    assert group.headcount == 5 + 4 + 3 + 1 + 3 + 5
    assert group.contributors == Contributors(employers=4, employees=13, individuals=3, communities=1,
                                              community_headcount=5)
    assert group.contributors.sentence_part() == (
        "13 ansatte hos 4 arbeidsgivere, 3 privatpersoner og 5 personer i 1 lokalsamfunn")
    assert len(group.employer_refs) == 8  # each individual and each community one contributor
    assert Contributors(2, 12, 3).sentence_part() == "12 ansatte hos 2 arbeidsgivere og 3 privatpersoner"
    assert Contributors(individuals=1).sentence_part() == "1 privatperson"
    assert Contributors(1, 1).sentence_part() == "1 ansatt hos 1 arbeidsgiver"


def test_a_regions_own_need_is_demand_in_that_region() -> None:
    needs = [need("1", municipality="1836"), need("2", "community", owner="Helgeland", municipality=None,
                                                   headcount=40)]
    (group,) = groups_of(needs)
    assert group.region == "Helgeland" and group.contributors.communities == 1


def test_persons_without_statistics_consent_are_matched_but_not_counted() -> None:
    needs = [need("1", headcount=5), need("5", "person"), need("6", "person", counted=False),
             need("7", "person", counted=False, chosen=("O1",))]
    m = Matcher([COURSE], None, REGIONS, vocabulary_texts=[n.title for n in needs])
    results = {r.need_ref: r for r in m.match_all(needs, AS_OF)}
    assert [mt.offer_ref for mt in results["6"].matches] == ["O1"]  # matched like anyone
    (group,) = aggregate(needs, list(results.values()), [COURSE], REGIONS, matcher=m)
    assert group.need_refs == ("1", "5") and group.headcount == 6 and group.contributors.individuals == 1
    assert group.committed == 0  # the one who chose the course is not counted either
    assert commitments(needs, [COURSE]) == []


# ---------------------------------------------------------------- loading from the database

@pytest.fixture
def register_with_owners(store) -> None:
    with store.session() as s:
        register.save_employer(s, EmployerData("935112346", "Fauske kommune", "1841"))
        register.save_need(s, NeedData("935112346", "Helsefagarbeider", ref="N1", headcount=4, level="fagbrev"))
        for name, statistics in (("Kari Nordmann", True), ("Ola Nordmann", False)):
            person_id = register.save_person(s, PersonData(name, "1836", f"{name.split()[0].lower()}@example.no"))
            register.record_consent(s, person_id, ConsentData(True, True, statistics))
        register.save_need(s, NeedData(None, "Helsefagarbeider", ref="N2", person="P00001", level="fagbrev"))
        register.save_need(s, NeedData(None, "Helsefagarbeider", ref="N3", person="P00002", level="fagbrev"))
        register.save_need(s, NeedData(None, "Sykepleiere", ref="N4", headcount=5, community="1836", horizon=2030))
        register.save_need(s, NeedData(None, "Sykepleiere", ref="N5", headcount=8, community="Helgeland"))
        offers.save_provider(s, ProviderData("Nordland fagskole"))
        offers.save_offer(s, OfferData("Nordland fagskole", "Helsefagarbeider for voksne", "O1",
                                       keywords="helsefagarbeider", level="fagbrev", format="online",
                                       start_date=D(2027, 3, 1)))


def test_person_and_community_needs_are_loaded_without_names(store, register_with_owners) -> None:
    with store.session() as s:
        needs = {n.ref: n for n in ms.load_inputs(s).needs}
    assert [(n.owner_kind, n.employer_ref, n.employer_name, n.municipality, n.counted) for n in needs.values()] == [
        ("employer", "935112346", "Fauske kommune", "1841", True),
        ("person", "P00001", "Privatperson P00001", "1836", True),
        ("person", "P00002", "Privatperson P00002", "1836", False),
        ("community", "1836", "Rødøy kommune (lokalsamfunn)", "1836", True),
        ("community", "Helgeland", "Helgeland (lokalsamfunn)", None, True)]
    assert "Nordmann" not in repr(needs)


def test_individuals_needs_are_matched_and_shown_as_interest(store, register_with_owners) -> None:
    from kpdesk.matching.run import run_matching

    with store.session() as s:
        run = run_matching(s, AS_OF)
        by_need = {r.need_ref: r for r in run.results}
        assert [m.offer_ref for m in by_need["N2"].matches] == ["O1"]
        interest = ms.offer_interest(s, ms.ids_by_ref(s)[1]["O1"], run.results)
    assert {(r.need_ref, r.owner_kind, r.employer_name) for r in interest.needs} >= {
        ("N2", "person", "Privatperson P00001"), ("N1", "employer", "Fauske kommune")}
    assert len({e.org_number for e in interest.employers}) == len(interest.employers)  # each owner on its own
    assert all("N3" not in g.need_refs for g in run.groups)  # Ola did not agree to statistics
    kari = next(g for g in run.groups if "N2" in g.need_refs)
    assert kari.contributors.individuals == 1 and kari.contributors.sentence_part() == "1 privatperson"


def test_disclosure_control_counts_each_individual_as_one_contributor(store, register_with_owners) -> None:
    from kpdesk.reports.handout import contribution

    with store.session() as s:
        needs = {n.ref: n for n in ms.load_inputs(s).needs}
    one_employer_one_person = Share.of(contribution(needs[r]) for r in ("N1", "N2"))
    assert one_employer_one_person.employers == 2 and one_employer_one_person.sensitive
    three = Share.of(contribution(needs[r]) for r in ("N1", "N2", "N3"))  # an employer and two persons
    assert three.employers == 3 and not _dominated_by_one(three)


def _dominated_by_one(share: Share) -> bool:
    return 5 * max(share.persons.values()) > 4 * sum(share.persons.values())


def test_a_regions_own_need_is_in_that_regions_scope(store, register_with_owners) -> None:
    from kpdesk.matching.run import run_matching

    with store.session() as s:
        run = run_matching(s, AS_OF)
    rodoy = ("1836",)
    assert "N5" not in {n.ref for n in run.scoped(rodoy)[0]}
    needs, groups, _ = run.scoped(rodoy, ("Helgeland",))
    assert "N5" in {n.ref for n in needs} and any("N5" in g.need_refs for g in groups)


def test_a_place_in_a_title_is_not_the_groups_subject() -> None:
    needs = [need("1", "community", title="Sykepleiere i Rødøy", municipality="1836", level="bachelor"),
             need("2", title="Sykepleiere til sykehjemmet", municipality="1836", level="bachelor")]
    topics = {g.topic for g in groups_of(needs)}
    assert topics and not any("rødøy" in topic.casefold() for topic in topics), topics


def test_the_offer_summary_gathers_individuals_without_refs_or_wishes(store, register_with_owners) -> None:
    from kpdesk.reports import offer_summary

    with store.session() as s:
        register.save_need(s, NeedData(None, "Helsefagarbeider i turnus", ref="N6", person="P00001", level="fagbrev"))
        data = offer_summary.load(s, "O1", AS_OF)
    individuals = [line for line in data.needs if "privatperson" in line.employer]
    # N2 and N6 are two wishes of one person (P00001); N3 (no statistics consent) is left out
    assert [(line.need_ref, line.need_title, line.employer, line.headcount) for line in individuals] == [
        ("", "Egne ønsker", "1 privatperson", 2)]
    assert not any("P0000" in line.employer or line.need_ref in ("N2", "N6") for line in data.needs)
    assert [(e.employer, e.needs, e.kind) for e in data.employers if "privatperson" in e.employer] == [
        ("1 privatperson", 2, "person")]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(offer_summary.build(data))).pages)
    assert re.search(r"Meldt av\s+Kommune\s+Behov\s+Personer", text)  # the owners' table: not «Arbeidsgiver»
    assert re.search(r"Ref\.\s+Behov\s+Meldt av\s+Personer", text)
    assert "Arbeidsgiver i Fauske" in text and "vist med kommunenavnet" in text  # an employer not to be named
    assert data.headcount == sum(line.headcount for line in data.needs)


def test_the_handout_can_be_asked_for_a_municipality_with_only_persons_and_communities(
        store, register_with_owners) -> None:
    from kpdesk.reports.report_loader import load_choices

    with store.session() as s:
        choices = load_choices(s)
    # Rødøy (1836) has two persons and a community's need but no employer; Helgeland is a region, not a municipality
    assert [number for _label, number in choices.municipalities] == ["1836", "1841"]
