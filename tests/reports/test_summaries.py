"""Page 1 of the handout and of the employer summary: the key figures and what should happen now,
with the charts; and every kind of report prints with embedded fonts only."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from support import pdf_fonts, with_session

from kpdesk.common.norsk import format_date

AS_OF = dt.date(2027, 1, 11)



def pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", page.extract_text().replace("\u00a0", " ")) for page in reader.pages]


@pytest.fixture(scope="module")
def handout_data(demo: Path) -> Any:
    from kpdesk.reports import handout

    return with_session(demo, lambda s: handout.load(s, handout.Scope(), AS_OF))


def _handout_with(data: Any) -> Any:
    """The demo handout with groups and offers whose summary is known in advance."""
    from kpdesk.reports.handout import GroupLine

    base = data.offers[0]
    soon = dataclasses.replace(base, ref="TX1", title="Sveising for viderekomne", seats_min=10, seats_max=20,
                               application_deadline=AS_OF + dt.timedelta(days=20))
    later = dataclasses.replace(base, ref="TX2", title="Kranfører for alle",
                                application_deadline=AS_OF + dt.timedelta(days=90))
    passed = dataclasses.replace(base, ref="TX3", title="Et kurs som har gått ut",
                                 application_deadline=AS_OF - dt.timedelta(days=3))

    def group(topic: str, region: str, persons: int | None, offer: Any = None) -> GroupLine:
        text = str(persons) if persons is not None else ":"
        who = "3 arbeidsgivere" if persons else ":"
        return GroupLine(topic, "kurs", region, text, who, offer.title if offer else "",
                         offer.provider if offer else "", offer.seats_min if offer else None,
                         offer.ref if offer else "", persons)

    groups = (group("sveising", "Helgeland", 8, soon), group("kran", "Salten", 31, later),
              group("hemmelig emne", "Salten", None, soon))
    to_order = (group("lusebehandling", "Salten", 40), group("fiskevelferd", "Helgeland", 12),
                group("skjult tema", "Ofoten", None))
    return dataclasses.replace(data, groups=groups, to_order=to_order, offers=(soon, later, passed))


def test_handout_page_one_says_what_should_happen_now(handout_data: Any) -> None:
    from kpdesk.reports import handout

    data = _handout_with(handout_data)
    text = pages(handout.build(data))
    first = text[0]
    summary = " ".join(text[:text.index(next(t for t in text if "Behov etter kommune og næring" in t))])
    assert first.index("Sammendrag") < first.index("Dette bør skje nå")
    assert "åpne behov" in first and "grupper uten tilbud" in first
    assert ("Størst behov uten tilbud: lusebehandling (kurs, Salten): 40 personer; fiskevelferd (kurs, "
            "Helgeland): 12 personer.") in first
    assert "For kurs som må bestilles, tar studiesenteret kontakt med tilbydere" in first
    deadline = format_date(AS_OF + dt.timedelta(days=20))
    assert f"Søknadsfrist {deadline} (om 20 dager): Sveising for viderekomne – " in first
    assert "Kranfører for alle (" not in first.split("Dette bør skje nå")[1].split("Etterspørsel")[0]  # 90 days
    assert "Et kurs som har gått ut" not in summary  # a passed deadline is never a next step
    assert ("Nær minste klasse: sveising (kurs, Helgeland) har 8 av minst 10 til «Sveising for viderekomne»; "
            "2 deltakere til, så kan klassen starte.") in first
    # the charts draw the shown groups only, and say how many were left out
    assert "Etterspørsel etter tema" in summary and "har tilbud" in summary and "må bestilles" in summary
    assert "8 av minst 10" in summary and "31 av minst" in summary
    assert "hemmelig emne" not in summary and "skjult tema" not in summary
    assert "2 grupper med skjulte tall er ikke med." in summary


def test_handout_without_unmet_demand_or_deadlines_says_so(handout_data: Any) -> None:
    from kpdesk.reports import handout

    data = _handout_with(handout_data)
    data = dataclasses.replace(data, to_order=(), offers=data.offers[1:])
    first = pages(handout.build(data))[0]
    assert "Alle behovene har et tilbud som passer." in first
    assert "Ingen søknadsfrister de neste 60 dagene." in first


def test_empty_handout_says_there_is_nothing_and_what_to_do(handout_data: Any) -> None:
    from kpdesk.reports import handout
    from kpdesk.reports.suppression import CrossTable, Partition

    empty = dataclasses.replace(handout_data, needs_table=CrossTable.of([], [], {}), persons=Partition.of([]),
                                groups=(), to_order=(), offers=())
    text = " ".join(pages(handout.build(empty)))
    assert "møteunderlaget har ingenting å vise" in text
    assert "Registrer behovene til arbeidsgivere, privatpersoner og lokalsamfunn" in text
    assert "Sammendrag" not in text and "Kurs å bestille" not in text


def test_employer_summary_page_one_has_deadlines_the_start_condition_and_the_largest_unmet_need(demo: Path) -> None:
    from kpdesk.reports import matching_summary
    from kpdesk.reports.facts import load_offer_facts
    from kpdesk.reports.matching_summary import MatchingSummaryData, NeedSummary, OfferLine

    letterhead, facts = with_session(demo, lambda s: (matching_summary.load_letterhead(s),
                                                      next(iter(load_offer_facts(s, ["T0001"]).values()))))
    offer = dataclasses.replace(facts, title="Fagbrev i logistikk", seats_min=13, seats_max=20,
                                application_deadline=AS_OF + dt.timedelta(days=30))
    with_offer = NeedSummary("B0001", "Logistikk for lagerarbeidere", 5, "kurs", (), None, None, "open",
                             (OfferLine(offer, False, 0.8, "Passer godt", (), committed=4),))
    unmet = NeedSummary("B0002", "Snøskuterføring i skredterreng", 9, "kurs", (), None, None, "open", ())
    small = NeedSummary("B0003", "Isbryting", 2, "kurs", (), None, None, "open", ())
    data = MatchingSummaryData(letterhead, AS_OF, "Rana Frakt AS", "974760673", "Rana", (with_offer, unmet, small))
    text = pages(matching_summary.build(data))
    first = text[0]
    assert first.index("Sammendrag") < first.index("Dette bør skje nå") < first.index("Behovene og tilbudene")
    assert f"Søknadsfrist {format_date(AS_OF + dt.timedelta(days=30))} (om 30 dager): Fagbrev i logistikk – " in first
    assert ("starter bare hvis minst 13 melder seg; 4 er med nå, og med deres 5 blir det 9. Andre som melder seg, "
            "kan fylle klassen.") in first
    assert "Størst behov uten tilbud: Snøskuterføring i skredterreng (9 personer)." in first
    assert "1 behov til mangler tilbud; se under." in first
    assert "Tilbudene og klassestørrelsen" in first and "9 av minst 13" in first and "deres behov" in first



def test_every_kind_of_report_embeds_every_font_it_names_and_has_an_outline(demo: Path) -> None:
    from kpdesk.reports.report_loader import ReportRequest, load_report

    requests = [ReportRequest("matching", employer="854604341", as_of=AS_OF),
                ReportRequest("offer", offer="T0017", as_of=AS_OF),
                ReportRequest("handout", as_of=AS_OF),
                ReportRequest("schedule", week="2027-W20"),
                ReportRequest("doorsign", room="Auditoriet", day=dt.date(2027, 5, 17))]
    for request in requests:
        loaded = with_session(demo, lambda s, r=request: load_report(s, r))
        data = loaded.build()
        fonts = pdf_fonts(data)
        assert fonts and all(fonts.values()), (request.kind, fonts)
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert reader.metadata.title, request.kind
        if request.kind in ("matching", "offer", "handout"):
            assert reader.outline, f"{request.kind} has no bookmarks"


def test_other_employers_in_a_class_are_counted_only_when_three_or_more_stand_behind_the_figure() -> None:
    from kpdesk.reports.matching_summary import InClass

    alone = InClass.of([("A", 4), ("B", 6)], "A")  # B alone beside us: its 6 would be one employer's figure
    assert (alone.own, alone.others_hidden, alone.printable) == (4, True, 4)
    dominant = InClass.of([("B", 20), ("C", 1), ("D", 1)], "A")  # three, but one holds more than 80 %
    assert dominant.others_hidden and dominant.printable == 0
    many = InClass.of([("A", 2), ("B", 5), ("C", 4), ("D", 3)], "A")
    assert (many.others_hidden, many.printable) == (False, 14)
    assert InClass.of([("A", 5)], "A").printable == 5  # only our own: nothing to hide


def test_a_full_class_is_said_instead_of_enough_seats() -> None:
    from kpdesk.matching.engine.explain import full_class

    assert str(full_class(21, 34, 4, counted=False)) == "! Fullt: har 21 plasser, og 34 er med allerede."
    assert str(full_class(21, 18, 4, counted=False)) == ("! Har 21 plasser, og 18 er med allerede: plass til 3 av "
                                                          "4 personer.")
    assert str(full_class(10, 16, 4, counted=True)) == "! Har 10 plasser, men 16 er med: flere enn det er plass til."
    assert full_class(21, 10, 4, counted=False) is None and full_class(None, 40, 4, counted=False) is None


def test_twin_offers_get_labels_that_tell_them_apart(demo: Path) -> None:
    from kpdesk.reports.facts import load_offer_facts, offer_labels

    base = with_session(demo, lambda s: next(iter(load_offer_facts(s, ["T0001"]).values())))
    here = dataclasses.replace(base, ref="A1", title="Automatisering", provider="Nordland fagskole", place="Rana")
    there = dataclasses.replace(here, ref="A2", place="Vefsn")
    other = dataclasses.replace(here, ref="B1", title="Sveising")
    labels = offer_labels([here, there, other])
    assert labels == {"A1": "Automatisering – Nordland fagskole, Rana",
                      "A2": "Automatisering – Nordland fagskole, Vefsn", "B1": "Sveising – Nordland fagskole"}
    later = dataclasses.replace(here, ref="A3", start_date=here.start_date + dt.timedelta(days=70))
    assert offer_labels([here, later])["A3"].startswith("Automatisering – Nordland fagskole, start ")
    assert offer_labels([here, dataclasses.replace(here, ref="A4")])["A4"] == "Automatisering – Nordland fagskole (A4)"


def test_a_course_under_way_is_not_given_warnings_that_it_has_started(demo: Path) -> None:
    from kpdesk.matching.engine.explain import Fit, Reason
    from kpdesk.reports.facts import load_offer_facts
    from kpdesk.reports.matching_summary import OfferLine, _settled

    facts = with_session(demo, lambda s: next(iter(load_offer_facts(s, ["T0001"]).values())))
    line = OfferLine(facts, True, None, "Passer dårlig: har allerede startet", (Reason(Fit.NO, "Startet allerede."),))
    assert _settled(line, "running").verdict == "Kurset er i gang" and _settled(line, "running").reasons == ()
    assert _settled(line, "matched") is line
    assert _settled(dataclasses.replace(line, accepted=False), "running").reasons  # a proposal: as it is


def test_report_command_takes_an_offer_ref_in_any_case_and_refuses_a_non_pdf_name(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from support import run_cli

    target = tmp_path / "t17.pdf"
    code, out, err = run_cli(capsys, "report", "offer", "--db", demo, "--offer", "t0017", "--as-of", "2027-01-11",
                             "--out", target)
    assert code == 0 and target.exists() and "T0017" in out, err
    code, _out, err = run_cli(capsys, "report", "offer", "--db", demo, "--offer", "T0017", "--out",
                              tmp_path / "møte.txt")
    assert code == 1 and "møte.txt er ikke et PDF-filnavn" in err and "Traceback" not in err
    assert not (tmp_path / "møte.txt").exists()
