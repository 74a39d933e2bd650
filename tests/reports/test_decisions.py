"""Decisions respected everywhere, on the small demo: a need chosen or ordered for an offer counts
toward that offer only (never as a course to order, never as interest in another offer), offers
past their application deadline are marked and never recommended, and the matching summary
explains in plain bokmål with ✓/!, a verdict and the start condition."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from support import with_session

AS_OF = dt.date(2027, 1, 11)  # the small demo's "today"
# (need, the offer the demo has chosen or ordered it for); all four offers' deadlines passed 01.12.2026
DECIDED = {"B0036": "T0005", "B0007": "T0010", "B0073": "T0010", "B0014": "T0019", "B0066": "T0018"}
HEMNES = "1832"
VEFSN_OPPVEKST = "839179774"  # B0066 (chosen T0018), B0067, B0073 (ordered T0010)
YTTEREN = "917931100"  # B0044: veiledning, nothing open on the subject since T0010's deadline passed
MELOY_HELSE = "854604341"




def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def run(demo: Path) -> Any:
    from kpdesk.matching.run import run_matching

    return with_session(demo, lambda s: run_matching(s, AS_OF))


# ---------------------------------------------------------------- what matching hands the reports

def test_the_demo_still_has_the_decisions_this_file_is_about(run: Any) -> None:
    for need_ref, offer_ref in DECIDED.items():
        need = run.need(need_ref)
        assert need is not None and need.chosen == (offer_ref,), need_ref


def test_decided_needs_are_never_courses_to_order(run: Any) -> None:
    from kpdesk.matching.engine import courses_to_order

    to_order = {ref for group in courses_to_order(run.groups) for ref in group.need_refs}
    assert not to_order & DECIDED.keys()
    in_groups = {ref for group in run.groups for ref in group.need_refs}
    assert not in_groups & DECIDED.keys()  # not demand at all: they count toward their offer only
    for need_ref, offer_ref in DECIDED.items():
        commitment = next(c for c in run.commitments if need_ref in c.need_refs)
        assert commitment.offer_ref == offer_ref, need_ref
        result = run.result_for(need_ref)
        assert not result.unmet and result.chosen == (offer_ref,)
    veiledning = next(c for c in run.commitments if c.offer_ref == "T0010")
    assert (veiledning.need_refs, veiledning.headcount) == (("B0007", "B0073"), 10)
    persons = sum(g.headcount for g in run.groups) + sum(c.headcount for c in run.commitments)
    assert persons == sum(n.headcount for n in run.needs if n.counted)  # counted: consent to statistics


def test_decided_needs_stay_out_of_the_handouts_courses_to_order_for_one_municipality(run: Any) -> None:
    """A handout aggregates the needs of its scope again: the decisions travel with them."""
    from kpdesk.matching.engine import courses_to_order

    needs, groups, commitments = run.scoped({HEMNES})
    assert {"B0036", "B0007"} <= {n.ref for n in needs}
    to_order = {ref for group in courses_to_order(groups) for ref in group.need_refs}
    assert not to_order & {"B0036", "B0007"}
    assert {ref for c in commitments for ref in c.need_refs} >= {"B0036", "B0007"}


def test_a_need_chosen_for_t0018_is_not_interest_in_t0017(demo: Path, run: Any) -> None:
    from kpdesk.matching.persistence import offer_interest
    from kpdesk.offers.service import offer_id_for_ref
    from kpdesk.reports import offer_summary

    def work(session: Any) -> tuple[Any, Any]:
        return (offer_interest(session, offer_id_for_ref(session, "T0017"), run.results),
                offer_summary.load(session, "T0017", AS_OF, run))

    interest, data = with_session(demo, work)
    assert "B0066" not in {n.need_ref for n in interest.needs}
    assert interest.headcount == 12 and interest.seats_min == 15 and not interest.reaches_minimum
    assert data.headcount == 12
    assert data.seats_sentence == "12 er med, og minst 15 trengs: det trengs 3 deltakere til for oppstart."
    text = pdf_text(offer_summary.build(data))
    assert "nok til oppstart" not in text and "B0066" not in text
    # the demand for the two twins (which of them a group is offered depends on its needs' fit)
    groups = [g for g in run.groups if g.offer_ref in ("T0017", "T0018")]
    assert groups and all("B0066" not in g.need_refs for g in groups)  # decided: a commitment, not demand
    assert all(g.committed == 0 for g in groups if g.offer_ref != "T0018")  # it counts toward T0018 only


def test_offer_summary_says_when_interest_exceeds_the_seats(demo: Path, run: Any) -> None:
    from kpdesk.reports import offer_summary

    data = with_session(demo, lambda s: offer_summary.load(s, "T0018", AS_OF, run))
    assert data.headcount > 8
    text = pdf_text(offer_summary.build(data))
    assert "Interessen er større enn de 8 plassene." in text
    assert "Det er flere enn" not in text and "står med kommunen sin" not in text


# ---------------------------------------------------------------- passed deadlines

def test_no_offer_past_its_deadline_is_proposed(run: Any) -> None:
    by_ref = {o.ref: o for o in run.offers}
    for result in run.results:
        for match in result.matches:
            deadline = by_ref[match.offer_ref].application_deadline
            assert deadline is None or deadline >= AS_OF, (result.need_ref, match.offer_ref)


def test_offer_summary_marks_a_passed_deadline(demo: Path, run: Any) -> None:
    from kpdesk.reports import offer_summary

    data = with_session(demo, lambda s: offer_summary.load(s, "T0010", AS_OF, run))
    text = pdf_text(offer_summary.build(data))
    assert "Søknadsfrist gikk ut 01.12.2026" in text
    assert "søknadsfristen gikk ut 01.12.2026" in text
    assert data.headcount == 10 and {n.need_ref for n in data.needs} == {"B0007", "B0073"}


def test_matching_summary_marks_a_chosen_offer_past_its_deadline_and_never_recommends_it(demo: Path) -> None:
    from kpdesk.reports import matching_summary

    data = with_session(demo, lambda s: matching_summary.load(s, VEFSN_OPPVEKST, AS_OF))
    ordered = next(n for n in data.needs if n.ref == "B0073")
    assert [(line.facts.ref, line.accepted) for line in ordered.offers] == [("T0010", True)]
    assert "! Søknadsfristen gikk ut 01.12.2026." in [str(r) for r in ordered.offers[0].reasons]
    chosen = next(n for n in data.needs if n.ref == "B0066")  # chosen for T0018: T0017 is not offered beside it
    assert [line.facts.ref for line in chosen.offers] == ["T0018"]
    text = pdf_text(matching_summary.build(data))
    assert "Søknadsfrist gikk ut 01.12.2026" in text
    assert "Søknadsfrist 01.12.2026" not in text  # not among the next steps
    steps = text[text.index("Dette bør skje nå"):text.index("Behovene og tilbudene")]
    assert "Veiledning av studenter i praksis" not in steps


def test_a_need_without_proposals_says_the_nearest_offers_deadline_passed(demo: Path) -> None:
    from kpdesk.reports import matching_summary

    data = with_session(demo, lambda s: matching_summary.load(s, YTTEREN, AS_OF))
    need = next(n for n in data.needs if n.ref == "B0044")
    assert need.unmet
    assert need.left_out == ("Veiledning av studenter i praksis (Nord universitet): "
                             "søknadsfristen gikk ut 01.12.2026.",)
    text = pdf_text(matching_summary.build(data))
    assert "Veiledning av studenter i praksis (Nord universitet): søknadsfristen gikk ut 01.12.2026." in text


# ---------------------------------------------------------------- reasons an employer understands

def test_matching_summary_reasons_are_sentences_with_marks_a_verdict_and_the_start_condition(demo: Path) -> None:
    from kpdesk.reports import matching_summary

    data = with_session(demo, lambda s: matching_summary.load(s, MELOY_HELSE, AS_OF))
    lines = [line for need in data.needs for line in need.offers]
    assert lines and all(line.verdict.startswith("Passer ") for line in lines)
    assert any(line.verdict.startswith("Passer delvis: ") for line in lines)
    reasons = [str(r) for line in lines for r in line.reasons]
    assert all(r[:2] in ("✓ ", "! ", "? ") and r.endswith(".") for r in reasons)
    assert any(r.startswith("✓ Handler om ") for r in reasons) and any(r.startswith("! ") for r in reasons)
    assert any(re.fullmatch(r"[!?] Starter bare hvis minst \d+ melder seg; (\d+ er med nå|ingen er med ennå|deres "
                            r"\d+ og noen andre er med nå)\.", r)
               for r in reasons)
    text = pdf_text(matching_summary.build(data))
    assert "Vurdering Passer" in text and "✓ Er på " in text and "! " in text
    assert "Starter bare hvis minst" in text
    for jargon in ("Tema:", "langt unna", "akseptert format", "livets", "sykehjemmet"):
        assert jargon not in text.replace("Lindrende behandling på sykehjemmet", ""), jargon


def test_the_start_condition_counts_the_persons_already_in(demo: Path) -> None:
    """B0073 is ordered as T0010 with B0007 of another employer: 4 + 6 are in, 13 needed. The other
    employer's 6 are one employer's figure: this employer's paper may not print it (nor 10, which
    gives it away), only that others are in, and not of which kind they are."""
    from kpdesk.reports import matching_summary

    data = with_session(demo, lambda s: matching_summary.load(s, VEFSN_OPPVEKST, AS_OF))
    ordered = next(n for n in data.needs if n.ref == "B0073")
    reasons = [str(r) for r in ordered.offers[0].reasons]
    assert "? Starter bare hvis minst 13 melder seg; deres 4 og noen andre er med nå." in reasons, reasons
    assert not any("10 er med" in r or "6 er med" in r for r in reasons)
    text = pdf_text(matching_summary.build(data))
    assert "10 er med" not in text and "10 av minst 13" not in text


def test_an_empty_matching_summary_says_there_is_nothing_and_what_to_do(demo: Path) -> None:
    from kpdesk.reports import matching_summary

    data = with_session(demo, lambda s: matching_summary.load(s, "980333825", AS_OF))  # Hemnes kommune: none open
    assert not data.needs
    text = pdf_text(matching_summary.build(data))
    assert "så det er ingenting å vise" in text and "Registrer arbeidsgiverens behov" in text
    assert "0 behov" not in text and "de beste står under hvert behov" not in text and "Sammendrag" not in text


def test_matching_json_carries_the_verdict_and_the_decisions(run: Any) -> None:
    data = run.to_json()
    need = next(n for n in data["needs"] if n["ref"] == "B0073")
    assert need["chosen"] == ["T0010"]
    match = next(m for n in data["needs"] for m in n["matches"])
    assert match["verdict"].startswith("Passer") and match["reasons"][0].startswith(("✓ ", "! "))
    assert not any("B0073" in g["needs"] for g in data["groups"])
    commitment = next(c for c in data["commitments"] if "B0073" in c["needs"])
    assert commitment["offer"] == "T0010" and commitment["headcount"] == 10
