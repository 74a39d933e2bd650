"""Matching summary for one employer: its open needs, the best course offers for each, and why.

``load`` reads everything from the database into plain data (``MatchingSummaryData``), matching
the employer's open needs the way the Matching page does (the same inputs and engine, or the
page's latest run when it is for the same date). ``build`` turns that data into PDF bytes and
touches neither the database nor Qt, so the GUI can run both on its worker thread.

For each need the report lists the offers the coordinator has accepted first, then the engine's
proposals (rejected ones left out), at most ``MAX_OFFERS`` in all, each with provider, credits
and their system, level, format and place, session dates, deadline, price, seats and the
engine's reasons. A need no offer fits says so plainly. The summary goes to the employer itself,
so it names the employer; it holds no contact persons and no notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable

from kpdesk.common.codes import CLOSED_NEED_STATUSES, FORMATS, NEED_STATUSES
from kpdesk.common.norsk import format_date, format_org_number, plural
from kpdesk.reports import style
from kpdesk.reports.facts import OfferFacts, level_text, load_letterhead, load_offer_facts
from kpdesk.reports.style import Letterhead, ReportInfo

MAX_OFFERS = 3
NO_OFFER = "Ingen tilbud passer ennå; studiesenteret kan bestille et kurs."


@dataclass(frozen=True)
class OfferLine:
    facts: OfferFacts
    accepted: bool  # the coordinator has accepted this offer for the need
    score: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class NeedSummary:
    ref: str
    title: str
    headcount: int
    level: str | None
    formats: tuple[str, ...]
    earliest_start: dt.date | None
    latest_start: dt.date | None
    status: str
    offers: tuple[OfferLine, ...]

    @property
    def unmet(self) -> bool:
        return not self.offers

    @property
    def wish_text(self) -> str:
        """'fagskole (NKR 5) · nettbasert eller samlingsbasert · oppstart 01.06.2027–31.12.2027'."""
        parts = [f"Nivå: {level_text(self.level)}"]
        if self.formats:
            parts.append("format: " + " eller ".join(FORMATS.label(f) for f in self.formats))
        if self.earliest_start and self.latest_start:
            parts.append(f"oppstart {format_date(self.earliest_start)}–{format_date(self.latest_start)}")
        elif self.earliest_start:
            parts.append(f"oppstart fra {format_date(self.earliest_start)}")
        elif self.latest_start:
            parts.append(f"oppstart senest {format_date(self.latest_start)}")
        parts.append(f"status: {NEED_STATUSES.label(self.status)}")
        return " · ".join(parts)


@dataclass(frozen=True)
class MatchingSummaryData:
    letterhead: Letterhead
    as_of: dt.date
    employer_name: str
    org_number: str
    municipality: str  # official name
    needs: tuple[NeedSummary, ...]

    @property
    def unmet(self) -> list[NeedSummary]:
        return [n for n in self.needs if n.unmet]


def load(session: Any, org_number: str, as_of: dt.date, run: Any = None) -> MatchingSummaryData:
    """Everything the summary prints for the employer with this organisation number (or name).

    ``run`` is a ``MatchingRun`` to reuse (the GUI's latest); it is used only if it is for ``as_of``.
    """
    from sqlalchemy import select

    from kpdesk.db.models import MatchDecision, Offer
    from kpdesk.register import service as register

    digits = register.find_employer_org(session, org_number)
    employer_id = register.employer_id_for_org(session, digits)
    employer = register.get_employer(session, employer_id)
    needs = [n for n in register.list_needs(session, employer_id) if n.status not in CLOSED_NEED_STATUSES]
    results = _results(session, digits, needs, as_of, run)
    accepted: dict[int, list[str]] = {}
    rejected: dict[int, set[str]] = {}
    decisions = (select(MatchDecision.need_id, Offer.ref, MatchDecision.decision)
                 .join(Offer, Offer.id == MatchDecision.offer_id)
                 .where(MatchDecision.need_id.in_([n.id for n in needs])))
    for need_id, offer_ref, decision in session.execute(decisions):
        if decision == "accepted":
            accepted.setdefault(need_id, []).append(offer_ref)
        else:
            rejected.setdefault(need_id, set()).add(offer_ref)
    chosen: dict[int, list[tuple[str, bool, float | None, tuple[str, ...]]]] = {}
    for need in needs:
        lines: list[tuple[str, bool, float | None, tuple[str, ...]]] = []
        matches = {m.offer_ref: m for m in results.get(need.ref, [])}
        for ref in sorted(accepted.get(need.id, []))[:MAX_OFFERS]:
            match = matches.get(ref)
            reasons = tuple(match.reasons) if match else ()
            lines.append((ref, True, match.score if match else None,
                          ("Studiesenteret har valgt dette tilbudet for behovet.", *reasons)))
        for ref, match in matches.items():
            if len(lines) >= MAX_OFFERS:
                break
            if ref in rejected.get(need.id, set()) or any(line[0] == ref for line in lines):
                continue
            lines.append((ref, False, match.score, tuple(match.reasons)))
        chosen[need.id] = lines
    facts = load_offer_facts(session, {ref for lines in chosen.values() for ref, *_ in lines})
    summaries = tuple(
        NeedSummary(need.ref, need.title, need.headcount, need.level, need.formats, need.earliest_start,
                    need.latest_start, need.status,
                    tuple(OfferLine(facts[ref], ok, score, reasons) for ref, ok, score, reasons in chosen[need.id]
                          if ref in facts))
        for need in needs
    )
    return MatchingSummaryData(load_letterhead(session), as_of, employer.name, digits, employer.municipality_name,
                               summaries)


def _results(session: Any, org: str, needs: list[Any], as_of: dt.date, run: Any) -> dict[str, list[Any]]:
    """Need ref → the engine's matches, best first (from ``run`` when it fits, else a fresh match)."""
    if not needs:
        return {}
    if run is not None and run.as_of == as_of:
        found = {}
        for need in needs:
            result = run.result_for(need.ref)
            if result is None:  # registered after the run: match afresh
                break
            found[need.ref] = list(result.matches)
        else:
            return found
    from kpdesk.matching.persistence import load_engine, load_needs

    mine = load_needs(session, org_number=org)
    return {r.need_ref: list(r.matches) for r in load_engine(session).match_all(mine, as_of)}


# ---------------------------------------------------------------- the PDF

def info(data: MatchingSummaryData, printed_at: dt.datetime | None = None) -> ReportInfo:
    return ReportInfo(title=f"Kurstilbud for {data.employer_name}",
                      subtitle=f"Matchingoppsummering · org.nr. {format_org_number(data.org_number)}"
                               + (f" · {data.municipality}" if data.municipality else ""),
                      date=data.as_of, printed_at=style.printed_time(printed_at))


def _offer_block(number: int, line: OfferLine) -> list[Flowable]:
    """The offer's name (kept with what follows) and its facts as one table that is never split."""
    s = style.styles()
    facts = line.facts
    badge = " (valgt av studiesenteret)" if line.accepted else ""
    pairs: list[tuple[str, Any]] = [
        ("Studiepoeng", facts.credits_text),
        ("Nivå", facts.level_text),
        ("Format og sted", facts.format_place_text),
        ("Periode", facts.period_text),
        ("Samlinger", facts.sessions_text),
        ("Søknadsfrist", facts.deadline_text),
        ("Pris", facts.price_text),
        ("Plasser", facts.seats_text),
        ("Tilbudsnummer", facts.ref),
    ]
    if line.reasons:
        pairs.append(("Hvorfor", list(line.reasons)))
    return [style.para(f"{number}. {facts.title} – {facts.provider}{badge}", s.cell_head_keep),
            style.key_value_table(pairs, (0.2, 0.8))]


def story(data: MatchingSummaryData) -> list[Flowable]:
    s = style.styles()
    flow: list[Flowable] = []
    if not data.needs:
        flow.append(style.para(f"Det er ingen åpne kompetansebehov registrert for {data.employer_name} per "
                               f"{format_date(data.as_of)}."))
    else:
        matched = len(data.needs) - len(data.unmet)
        flow.append(style.para(
            f"Studiesenteret har registrert {plural(len(data.needs), 'åpent behov', 'åpne behov')} for "
            f"{data.employer_name}. {plural(matched, 'behov', 'behov')} har kurstilbud som passer per "
            f"{format_date(data.as_of)}; de beste står under hvert behov, med begrunnelse."))
    for need in data.needs:
        flow.append(style.heading(f"{need.ref} · {need.title} ({plural(need.headcount, 'person', 'personer')})", 2))
        flow.append(style.para(need.wish_text, s.small_keep))
        if need.unmet:
            flow.append(style.para(NO_OFFER, s.body))
            continue
        for number, line in enumerate(need.offers, start=1):
            flow.extend(_offer_block(number, line))
    flow.append(style.heading("Neste steg"))
    flow.extend(style.bullets(_next_steps(data)))
    contact = data.letterhead.contact_sentence()
    if contact:
        flow.append(style.para(f"Kontakt: {contact}", s.body))
    return flow


def _next_steps(data: MatchingSummaryData) -> list[str]:
    steps = ["Gi studiesenteret beskjed om hvilke tilbud som er aktuelle, og hvor mange som vil delta."]
    deadlines: dict[tuple[dt.date, str], None] = {}
    for need in data.needs:
        for line in need.offers:
            deadline = line.facts.application_deadline
            if deadline and deadline >= data.as_of:
                deadlines[(deadline, f"{line.facts.title} ({line.facts.provider})")] = None
    for deadline, label in sorted(deadlines)[:6]:
        steps.append(f"Søknadsfrist {format_date(deadline)}: {label}.")
    if data.unmet:
        steps.append(f"{plural(len(data.unmet), 'behov', 'behov')} mangler tilbud. Studiesenteret kan bestille et "
                     "kurs fra en tilbyder; ofte går flere arbeidsgivere sammen for å få nok deltakere.")
    return steps


def build(data: MatchingSummaryData, printed_at: dt.datetime | None = None) -> bytes:
    """The summary as PDF bytes (pure: no database, no Qt)."""
    return style.build_pdf(story(data), info(data, printed_at), data.letterhead)
