"""Decisions and explanations in the pure engine: chosen and rejected offers, reasons in plain
bokmål with ✓/!/?, the verdict, the start condition, offers left out, and demand groups that
respect decisions and read the same whatever order their words came in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from kpdesk.matching.engine import Fit, Matcher, NeedInput, OfferInput, aggregate, commitments, courses_to_order
from kpdesk.matching.engine.explain import (
    deadline_passed,
    deadline_text,
    reasons_of,
    start_condition,
    verdict_of,
    why_not_sentence,
)
from kpdesk.matching.engine.fit import (
    FIT_MAX,
    W_FORMAT,
    W_LEVEL,
    W_PLACE,
    W_SEATS,
    W_START,
    format_fit,
    level_fit,
    place_fit,
    seats_fit,
    start_fit,
)
from kpdesk.matching.engine.text import base_form

AS_OF = dt.date(2027, 1, 11)
D = dt.date
WEIGHTS = (W_LEVEL, W_FORMAT, W_START, W_PLACE, W_SEATS)
SALTEN = {n: {"Salten"} for n in ("1804", "1838", "1840", "1841")}


def offer(ref: str, title: str, **fields: object) -> OfferInput:
    defaults: dict[str, object] = dict(level="fagskole", format="online", start_date=D(2027, 8, 20),
                                       end_date=D(2028, 6, 1), application_deadline=D(2027, 4, 15), seats_min=7,
                                       seats_max=30)
    return OfferInput(ref=ref, title=title, **{**defaults, **fields})  # type: ignore[arg-type]


def need(ref: str, title: str, **fields: object) -> NeedInput:
    defaults: dict[str, object] = dict(headcount=3, level="fagskole", formats=("online",), municipality="1804",
                                       earliest_start=D(2027, 6, 1), latest_start=D(2027, 12, 31),
                                       employer_name=f"Arbeidsgiver {ref}", employer_ref=f"9{ref:0>8}")
    return NeedInput(ref=ref, title=title, **{**defaults, **fields})  # type: ignore[arg-type]


def matcher(offers: list[OfferInput], needs: list[NeedInput] = ()) -> Matcher:  # type: ignore[assignment]
    return Matcher(offers, regions=SALTEN, vocabulary_texts=[t for n in needs for t in (n.title, n.description)])


# ---------------------------------------------------------------- reasons, verdict, start condition

def test_reasons_are_sentences_with_marks_not_keyword_lists_or_jargon() -> None:
    sessions = offer("S", "Demensomsorg", keywords="demens", format="sessions", municipality="1833")
    m = matcher([sessions])
    match = m.match_need(need("N1", "Demensomsorg for helsefagarbeidere", formats=("online",)), AS_OF).matches[0]
    assert match.verdict == "Passer delvis: samlingsbasert, ikke nettbasert; lang reisevei (Rana)"
    assert match.reasons[0] == "✓ Handler om demensomsorg."
    assert "! Samlingsbasert, men ønsket er nettbasert." in match.reasons
    assert "! Holdes i Rana, utenfor regionen: lang reisevei." in match.reasons
    assert match.reasons[-1] == "! Starter bare hvis minst 7 melder seg; behovet gjelder 3 personer."
    for reason in match.reasons:
        assert reason[:2] in ("✓ ", "! ", "? ") and reason.endswith(".")
        assert not reason[2:].startswith("Tema:") and "langt unna" not in reason and "akseptert" not in reason


def test_a_good_fit_and_what_the_provider_has_not_stated() -> None:
    bare = offer("B", "Demensomsorg", keywords="demens", level=None, format=None, start_date=None, seats_max=None,
                 seats_min=None, municipality=None)
    m = matcher([offer("G", "Demensomsorg", keywords="demens"), bare])
    found = {x.offer_ref: x for x in m.match_need(need("N1", "Demens"), AS_OF).matches}
    assert found["G"].verdict == "Passer godt"
    assert all(r.startswith("✓") for r in found["G"].reasons[:-1])  # the class is not full yet: "!"
    assert found["B"].verdict == "Passer godt"  # nothing stated is nothing against it; it is marked "?"
    assert [r for r in found["B"].reasons if r.startswith("?")] == [
        "? Tilbyderen har ikke oppgitt nivå; ønsket er fagskolenivå.",
        "? Tilbyderen har ikke oppgitt om kurset er nettbasert, på campus eller med samlinger.",
        "? Tilbyderen har ikke oppgitt når kurset starter.",
        "? Tilbyderen har ikke oppgitt hvor kurset holdes.",
        "? Tilbyderen har ikke oppgitt hvor mange plasser kurset har.",
    ]


def test_level_far_off_is_a_poor_fit() -> None:
    master = offer("M", "Demensomsorg", keywords="demens", level="master")
    match = matcher([master]).match_need(need("N1", "Demens", level="fagbrev"), AS_OF).matches[0]
    assert match.verdict == "Passer dårlig: masternivå, ikke fagbrevnivå"
    assert "! Er på masternivå, flere trinn over ønsket fagbrevnivå." in match.reasons


def test_start_condition_counts_who_is_in() -> None:
    assert str(start_condition(7, 2, 3)) == "! Starter bare hvis minst 7 melder seg; 3 er med nå."
    assert str(start_condition(7, 2, 0)) == "! Starter bare hvis minst 7 melder seg; ingen er med ennå."
    assert str(start_condition(7, 2, 9)) == "✓ Nok deltakere til oppstart: minst 7 trengs, og 9 er med."
    assert str(start_condition(7, 8)) == "✓ Nok til oppstart alene: minst 7 trengs, og behovet gjelder 8 personer."
    assert start_condition(None, 8, 3) is None
    match = matcher([offer("O", "Demensomsorg", keywords="demens")]).match_need(need("N1", "Demens"), AS_OF).matches[0]
    assert match.explanation is not None
    assert str(reasons_of(match.explanation, committed=3)[-1]) == "! Starter bare hvis minst 7 melder seg; 3 er med nå."


def test_a_chosen_offer_past_its_deadline_is_explained_and_marked() -> None:
    closed = offer("C", "Veiledning av studenter i praksis", application_deadline=D(2026, 12, 1),
                   start_date=D(2027, 1, 25))
    wanted = need("N1", "Veiledning av lærlinger", chosen=("C",), earliest_start=None, latest_start=None)
    m = matcher([closed], [wanted])
    result = m.match_need(wanted, AS_OF)
    assert result.matches == [] and result.chosen == ("C",) and not result.unmet
    explanation = m.explain_offer(wanted, "C", AS_OF)
    assert explanation is not None and explanation.deadline_passed
    assert str(reasons_of(explanation)[-1]) == "! Søknadsfristen gikk ut 01.12.2026."
    assert deadline_text(D(2026, 12, 1), AS_OF) == "gikk ut 01.12.2026"
    assert deadline_text(AS_OF, AS_OF) == "11.01.2027" and deadline_text(None, AS_OF) == "ikke oppgitt"
    assert deadline_passed(D(2026, 12, 1)) == "søknadsfristen gikk ut 01.12.2026"


def test_a_need_without_proposals_says_why_the_nearest_offers_were_left_out() -> None:
    closed = offer("C", "Veiledning av studenter i praksis", provider="Nord universitet",
                   application_deadline=D(2026, 12, 1), start_date=D(2027, 1, 25))
    ended = offer("E", "Veiledning av studenter", end_date=D(2026, 12, 20), application_deadline=D(2026, 6, 1))
    other = offer("X", "Sveising", application_deadline=D(2026, 12, 1))
    wanted = need("N1", "Kompetanse i veiledning av studenter og lærlinger", level="bachelor")
    m = matcher([closed, ended, other], [wanted])
    assert m.match_need(wanted, AS_OF).unmet
    left = m.left_out(wanted, AS_OF)
    assert [x.offer_ref for x in left] == ["C", "E"]  # on the subject only, most on it first
    assert why_not_sentence(left[0]) == ("Veiledning av studenter i praksis (Nord universitet): "
                                          "søknadsfristen gikk ut 01.12.2026.")
    assert why_not_sentence(left[1]) == "Veiledning av studenter: kurset var ferdig 20.12.2026."
    assert m.left_out(wanted, D(2026, 5, 1)) == []  # open then: proposed, not left out


def test_topic_words_in_base_form_and_only_the_strong_ones() -> None:
    course = offer("O", "Palliasjon og kreftomsorg", keywords="palliasjon, lindrende behandling",
                   description="Omsorg ved livets slutt på sykehjem.")
    wanted = need("N1", "Lindrende behandling på sykehjemmet",
                  description="Pleierne ønsker mer om omsorg ved livets slutt.")
    terms = matcher([course], [wanted]).match_need(wanted, AS_OF).matches[0].topic_terms
    assert "sykehjemmet" not in terms and "livets" not in terms
    assert terms[0] == "lindrende behandling"


@pytest.mark.parametrize(("written", "shown"), [
    ("sykehjemmet", "sykehjem"), ("produksjonen", "produksjon"), ("opplæringen", "opplæring"),
    ("ledelsen", "ledelse"), ("lederen", "leder"), ("skolen", "skole"), ("hjemmetjenesten", "hjemmetjeneste"),
    ("bedriften", "bedrift"), ("bedriftens", "bedrift"),
    ("helsearbeiderfaget", "helsearbeiderfaget"), ("informasjonssikkerhet", "informasjonssikkerhet"),
    ("eksamen", "eksamen"), ("demens", "demens"), ("HMS", "HMS"), ("lindrende behandling", "lindrende behandling"),
])
def test_base_forms(written: str, shown: str) -> None:
    known = {"skole", "tjeneste", "bedrift"}
    assert base_form(written, lambda text: any(text[i:] in known for i in range(len(text) - 2))) == shown


LEVELS = ("kurs", "fagbrev", "fagskole", "bachelor", "master", None)
FORMATS = ("online", "sessions", "campus", None)


@pytest.mark.parametrize("seed", range(3))
def test_marks_agree_with_the_values_that_rank(seed: int) -> None:
    """A factor marked ! scores below its best; one marked ✓ scores at least what a region scores."""
    rng = random.Random(seed)
    offers = [offer(f"R{k:02d}", "Demensomsorg", level=rng.choice(LEVELS), format=rng.choice(FORMATS),
                    municipality=rng.choice(("1804", "1841", "1833", None)),
                    start_date=rng.choice((D(2026, 12, 1), D(2027, 3, 1), D(2027, 9, 1), None)),
                    seats_max=rng.choice((None, 2, 30))) for k in range(30)]
    m = Matcher(offers, regions=SALTEN)
    for k in range(10):
        wanted = need(f"N{k}", "Demens", level=rng.choice(LEVELS), headcount=rng.randrange(1, 10),
                      formats=tuple(rng.sample(FORMATS[:3], rng.randrange(0, 3))))
        fit = m._fit(wanted, AS_OF)
        for i, o in enumerate(offers):
            value, facts = fit.explain(i, m.names)
            assert 0.0 <= value <= FIT_MAX + 1e-9
            regions = SALTEN.get(o.municipality or "", set())
            parts = [level_fit(wanted.level, o.level)[0], format_fit(frozenset(wanted.formats), o.format)[0],
                     start_fit(wanted.earliest_start, wanted.latest_start, o.start_date, AS_OF)[0],
                     place_fit(wanted.municipality, frozenset(SALTEN[wanted.municipality]), o.format == "online",
                               o.municipality, frozenset(regions), {})[0],
                     seats_fit(wanted.headcount, o.seats_max)[0]]
            assert value == pytest.approx(sum(w * p for w, p in zip(WEIGHTS, parts, strict=True)))
            for fact, part in zip(facts, parts, strict=True):
                if fact.fit is Fit.NO:
                    assert part < 1.0, fact
                if fact.fit is Fit.YES:
                    assert part >= 0.75, fact


@pytest.mark.parametrize("seed", range(3))
def test_the_fast_wording_of_a_run_is_the_explanations(seed: int) -> None:
    """``Match.described`` (what ``kpdesk match --json`` writes, made from each factor's sentence
    remembered per need side and offer value) says exactly what the explanation's ``verdict_of``
    and ``reasons_of`` say, for every pair of random needs and offers, twice (the second time
    from what was remembered), and whether the explanation was read first or not."""
    rng = random.Random(seed)
    offers = [offer(f"R{k:02d}", rng.choice(("Demensomsorg", "Demens og palliasjon", "Palliasjon")),
                    level=rng.choice(LEVELS), format=rng.choice(FORMATS),
                    municipality=rng.choice(("1804", "1841", "1833", None)),
                    start_date=rng.choice((D(2026, 12, 1), D(2027, 3, 1), D(2027, 9, 1), None)),
                    application_deadline=rng.choice((D(2027, 1, 10), D(2027, 4, 15), None)),
                    seats_min=rng.choice((None, 5, 12)), seats_max=rng.choice((None, 2, 30))) for k in range(30)]
    needs = [need(f"N{k}", rng.choice(("Demens", "Palliasjon for helsefagarbeidere", "Demensomsorg")),
                  level=rng.choice(LEVELS), headcount=rng.randrange(1, 10),
                  municipality=rng.choice(("1804", "1841", None)),
                  earliest_start=rng.choice((D(2027, 2, 1), None)), latest_start=rng.choice((D(2027, 6, 1), None)),
                  formats=tuple(rng.sample(FORMATS[:3], rng.randrange(0, 3)))) for k in range(12)]
    m = Matcher(offers, regions=SALTEN)
    for _ in range(2):
        for wanted in needs:
            for i in range(len(offers)):
                explanation = m.explain(wanted, i, AS_OF)
                expected = (verdict_of(explanation), [str(r) for r in reasons_of(explanation)])
                assert m.described(wanted, i, AS_OF) == expected
    results = m.match_all(needs, AS_OF)
    assert any(result.matches for result in results)
    for result in results:
        for match in result.matches:
            assert match.described() == (match.verdict, match.reasons)  # the second read from the explanation


def test_verdict_of_a_hand_made_explanation_names_each_misfit_once() -> None:
    match = matcher([offer("O", "Demensomsorg", keywords="demens", format="campus", municipality="1833", seats_max=2,
                           start_date=D(2028, 3, 1))]).match_need(need("N1", "Demens", headcount=5), AS_OF).matches[0]
    assert match.explanation is not None
    assert verdict_of(match.explanation) == ("Passer dårlig: campus, ikke nettbasert; starter senere enn ønsket; "
                                             "lang reisevei (Rana); for få plasser")


# ---------------------------------------------------------------- decisions

def test_rejected_offers_are_never_proposed_and_chosen_ones_travel_with_the_result() -> None:
    a = offer("A", "Demensomsorg", keywords="demens")
    b = offer("B", "Demensomsorg", keywords="demens", format="sessions", municipality="1804")
    m = matcher([a, b])
    plain = need("N1", "Demens")
    assert [x.offer_ref for x in m.match_need(plain, AS_OF).matches] == ["A", "B"]
    decided = dataclasses.replace(plain, rejected=("A",), chosen=("B",))
    result = m.match_need(decided, AS_OF)
    assert [x.offer_ref for x in result.matches] == ["B"] and result.chosen == ("B",)


def test_decided_needs_count_toward_their_offer_only_in_demand_groups() -> None:
    """The T0017/T0018 case: a need chosen for the small course is not interest in the big one."""
    big = offer("BIG", "Digital transformasjon", keywords="digitalisering", level="kurs", seats_min=15)
    small = offer("SMALL", "Digitalisering i praksis", keywords="digitalisering", level="kurs",
                  format="campus", municipality="1804", seats_min=4)
    closed = offer("CLOSED", "Veiledning av studenter", keywords="veiledning", level="kurs",
                   application_deadline=D(2026, 12, 1))
    needs = [
        need("N1", "Digitalisering av tjenester", level="kurs", headcount=5),
        need("N2", "Digitalisering av tjenester", level="kurs", headcount=7),
        need("N3", "Digitalisering av tjenester", level="kurs", headcount=3, chosen=("SMALL",)),
        need("N4", "Veiledning av lærlinger", level="kurs", headcount=6, chosen=("CLOSED",)),
        need("N5", "Veiledning av lærlinger", level="kurs", headcount=2),
        need("N6", "Veiledning av lærlinger", level="kurs", headcount=4, chosen=("CLOSED",)),
    ]
    offers = [big, small, closed]
    m = matcher(offers, needs)
    groups = aggregate(needs, m.match_all(needs, AS_OF), offers, SALTEN, matcher=m)
    by_need = {ref: g for g in groups for ref in g.need_refs}
    assert "N3" not in by_need and "N4" not in by_need and "N6" not in by_need  # decided: not demand
    assert by_need["N1"].offer_ref == "BIG" and by_need["N1"].headcount == 12 and by_need["N1"].committed == 0
    assert by_need["N1"].seats_text == "12 av 15 plasser"
    assert [g.need_refs for g in courses_to_order(groups)] == [("N5",)]  # still a course to order
    found = {c.offer_ref: c for c in commitments(needs, offers)}
    assert set(found) == {"SMALL", "CLOSED"}
    assert (found["CLOSED"].need_refs, found["CLOSED"].headcount) == (("N4", "N6"), 10)
    assert found["CLOSED"].application_deadline == D(2026, 12, 1)
    persons = sum(g.headcount for g in groups) + sum(c.headcount for c in found.values())
    assert persons == sum(n.headcount for n in needs)  # demand and commitments partition the open needs


def test_a_demand_group_counts_the_persons_already_in_for_its_offer() -> None:
    small = offer("SMALL", "Digitalisering i praksis", keywords="digitalisering", level="kurs", seats_min=6)
    needs = [need("N1", "Digitalisering av tjenester", level="kurs", headcount=2),
             need("N2", "Digitalisering av tjenester", level="kurs", headcount=3, chosen=("SMALL",))]
    m = matcher([small], needs)
    (group,) = aggregate(needs, m.match_all(needs, AS_OF), [small], SALTEN, matcher=m)
    assert (group.need_refs, group.headcount, group.committed, group.seats_gap) == (("N1",), 2, 3, 1)
    assert group.seats_text == "5 av 6 plasser, 3 av dem allerede valgt"
    enough = dataclasses.replace(group, headcount=4)
    assert enough.seats_text == "7 personer, minst 6 trengs: nok til oppstart, 3 av dem allerede valgt"


def test_groups_with_the_same_words_in_another_order_are_one_and_labels_read_the_same() -> None:
    needs = [need("N1", "Helsenorsk og norskopplæring", level="kurs", headcount=4,
                  description="Vikarene trenger norskopplæring."),
             need("N2", "Norskopplæring og helsenorsk", level="kurs", headcount=5, municipality="1841",
                  description="Helsenorsk for nye vikarer fra utlandet."),
             need("N3", "Lindrende behandling på sykehjemmet", level="kurs", headcount=2),
             need("N4", "Sykehjemmet", level="kurs", headcount=2)]
    m = matcher([offer("X", "Sveising")], needs)
    groups = aggregate(needs, m.match_all(needs, AS_OF), [offer("X", "Sveising")], SALTEN, matcher=m)
    norsk = [g for g in groups if "helsenorsk" in g.topic]
    assert len(norsk) == 1 and norsk[0].need_refs == ("N1", "N2") and norsk[0].headcount == 9
    assert norsk[0].topic in ("helsenorsk, norskopplæring", "norskopplæring, helsenorsk")
    assert [g.topic for g in groups if g.need_refs == ("N3",)] == ["lindrende behandling"]  # not where
    assert [g.topic for g in groups if g.need_refs == ("N4",)] == ["sykehjem"]  # base form, not "sykehjemmet"
    assert not any("sykehjemmet" in g.topic for g in groups)


def test_why_not_names_the_rule_that_kept_each_offer_out() -> None:
    best = offer("B", "Veiledning av lærlinger", provider="Nord universitet")
    bachelor = offer("L", "Veiledning av lærlinger og studenter", level="bachelor", provider="Nord universitet")
    passing = offer("P", "Personalledelse", description="Personalledelse og budsjett for ledere med lærlinger.")
    closed = offer("C", "Veiledning av lærlinger i praksis", application_deadline=D(2026, 12, 1))
    ended = offer("E", "Veiledning av lærlinger, høst", end_date=D(2026, 12, 20), application_deadline=D(2026, 6, 1))
    other = offer("X", "Sveising", provider="Fagskolen i Nordland")
    rejected = offer("R", "Lærlingveiledning for instruktører")
    wanted = need("N1", "Veiledning av lærlinger", rejected=("R",))
    m = Matcher([best, bachelor, passing, closed, ended, other, rejected], regions=SALTEN, max_matches=1,
                vocabulary_texts=[wanted.title, wanted.description])
    assert [x.offer_ref for x in m.match_need(wanted, AS_OF).matches] == ["B"]
    kinds = {ref: m.why_not(wanted, ref, AS_OF) for ref in "BLPCEXR"}
    assert {ref: why.kind for ref, why in kinds.items() if why} == {
        "B": "proposed", "L": "ranked", "P": "passing", "C": "deadline", "E": "ended", "X": "topic", "R": "rejected"}
    assert why_not_sentence(kinds["B"]) == "Veiledning av lærlinger (Nord universitet): er foreslått som nr. 1."
    assert why_not_sentence(kinds["C"]) == "Veiledning av lærlinger i praksis: søknadsfristen gikk ut 01.12.2026."
    assert why_not_sentence(kinds["E"]) == "Veiledning av lærlinger, høst: kurset var ferdig 20.12.2026."
    assert why_not_sentence(kinds["X"]) == ("Sveising (Fagskolen i Nordland): handler om noe annet; tilbudet og "
                                            "behovet har ingen fagord felles.")
    assert why_not_sentence(kinds["R"]).endswith("studiesenteret har avvist tilbudet for dette behovet.")
    ranked = why_not_sentence(kinds["L"])
    assert ranked.startswith("Veiledning av lærlinger og studenter (Nord universitet): handler om ")
    assert "de foreslåtte tilbudene passer bedre: bachelornivå, ikke fagskolenivå" in ranked
    assert why_not_sentence(kinds["P"]) == ("Personalledelse: handler bare i liten grad om temaet (lærlinger); andre "
                                            "tilbud handler mer om det.")
    assert m.why_not(wanted, "UKJENT", AS_OF) is None
    # an offer about something else is that first, even when its deadline has passed too
    closed_other = offer("Y", "Sveising for viderekomne", application_deadline=D(2026, 12, 1))
    m = Matcher([best, closed_other], regions=SALTEN, vocabulary_texts=[wanted.title])
    assert m.why_not(wanted, "Y", AS_OF).kind == "topic"


def test_a_run_finds_an_offer_by_reference_or_a_unique_part_of_its_title() -> None:
    from kpdesk.common.errors import UserError
    from kpdesk.matching.run import match_inputs

    offers = [offer("T0001", "Veiledning av lærlinger"), offer("T0002", "Veiledning av studenter"),
              offer("T0003", "Sveising")]
    wanted = need("N1", "Veiledning av lærlinger")
    run = match_inputs([wanted], offers, SALTEN, matcher(offers, [wanted]), AS_OF)
    assert run.find_offer("t0003").ref == "T0003"
    assert run.find_offer("T0002 Veiledning av studenter – Nord universitet").ref == "T0002"
    assert run.find_offer("sveis").ref == "T0003"
    with pytest.raises(UserError, match="«Veiledning» passer 2 tilbud; skriv referansen, for eksempel T0001"):
        run.find_offer("Veiledning")
    with pytest.raises(UserError, match="Skriv referansen eller navnet"):
        run.find_offer("  ")
    assert run.why_not("N1", "sveising").endswith("handler om noe annet; tilbudet og behovet har ingen fagord felles.")
    with pytest.raises(UserError, match="Behovet N9 er ikke med i matchingen"):
        run.why_not("N9", "T0001")
