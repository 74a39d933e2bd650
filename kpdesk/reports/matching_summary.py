"""Matching summary for one employer: its open needs, the best course offers for each, and why.

``load`` reads everything from the database into plain data (``MatchingSummaryData``), matching
the employer's open needs the way the Matching page does (the same inputs and engine, or the
page's latest run when it is for the same date). ``build`` turns that data into PDF bytes and
touches neither the database nor Qt, so the GUI can run both on its worker thread.

For each need the report lists the offers the coordinator has chosen first, then the engine's
proposals (rejected ones left out), at most ``MAX_OFFERS`` in all, each with provider, credits
and their system, level, format and place, session dates, deadline (marked when it has passed),
price, seats, a verdict ("Passer delvis: nettbasert, ikke samlingsbasert") and the reasons as the
engine's explanation gives them (``kpdesk.matching.engine.explain``: ✓ fits, ! does not, ?
not stated), with the start condition counted against the persons already in. A need no offer
fits says so, and why the nearest offers on its subject were left out (a passed deadline). The
summary goes to the employer itself, so it names the employer; it holds no contact persons and
no notes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, Table

from kpdesk.common.codes import CLOSED_NEED_STATUSES, FORMATS, NEED_STATUSES
from kpdesk.common.norsk import format_date, format_org_number, group_thousands, plural
from kpdesk.matching.engine import Match, Matcher, NeedInput
from kpdesk.matching.engine.explain import (
    SOME_OTHERS,
    Explanation,
    Fit,
    Reason,
    deadline_text,
    reasons_of,
    verdict_of,
    why_not_sentence,
)
from kpdesk.matching.engine.explain import seats as seats_text
from kpdesk.reports import charts, style
from kpdesk.reports.facts import (
    OfferFacts,
    deadline_soon,
    deadline_step,
    level_text,
    load_letterhead,
    load_offer_facts,
    offer_labels,
)
from kpdesk.reports.owners import EVERY_KIND
from kpdesk.reports.style import Letterhead, ReportInfo
from kpdesk.reports.suppression import Share

MAX_OFFERS = 3
NO_OFFER = "Ingen tilbud passer ennå; studiesenteret kan bestille et kurs."
LEGEND = "✓ passer  ·  ! passer ikke  ·  ? ikke oppgitt av tilbyderen"
MARK_INK = {Fit.YES: colors.HexColor("#2e7d32"), Fit.NO: colors.HexColor("#b3261e"), Fit.UNKNOWN: style.MUTED}


@dataclass(frozen=True)
class OfferLine:
    facts: OfferFacts
    accepted: bool  # the coordinator has chosen this offer for the need
    score: float | None
    verdict: str  # 'Passer godt', 'Passer delvis: …'
    reasons: tuple[Reason, ...]  # marked sentences, the start condition among them
    committed: int | None = None  # persons already in that may be printed (see ``InClass``)
    others_hidden: bool = False  # others are in too, too few to print their number


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
    left_out: tuple[str, ...] = ()  # without offers: why the nearest offers on the subject were left out

    @property
    def unmet(self) -> bool:
        return not self.offers

    @property
    def chosen(self) -> bool:
        return any(line.accepted for line in self.offers)

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

    @property
    def offer_labels(self) -> dict[str, str]:
        """Offer ref → its name on this paper, twins told apart among all the offers it shows."""
        return offer_labels(list({line.facts.ref: line.facts for need in self.needs for line in need.offers}.values()))


def load(session: Any, org_number: str, as_of: dt.date, run: Any = None) -> MatchingSummaryData:
    """Everything the summary prints for the employer with this organisation number (or name).

    ``run`` is a ``MatchingRun`` to reuse (the GUI's latest); it is used only if it is for ``as_of``.
    """
    from kpdesk.matching.persistence import committed_needs
    from kpdesk.register import service as register

    digits = register.find_employer_org(session, org_number)
    employer_id = register.employer_id_for_org(session, digits)
    employer = register.get_employer(session, employer_id)
    needs = [n for n in register.list_needs(session, employer_id) if n.status not in CLOSED_NEED_STATUSES]
    matching = _Matching.load(session, digits, needs, as_of, run)
    accepted, rejected = _decisions(session, [n.id for n in needs])
    chosen = {need.ref: _chosen_lines(need, matching, accepted.get(need.id, []), rejected.get(need.id, set()))
              for need in needs}
    refs = {ref for lines in chosen.values() for ref, *_ in lines}
    facts = load_offer_facts(session, refs)
    committed = {ref: InClass.of(pairs, digits) for ref, pairs in committed_needs(session, refs).items()}
    summaries = tuple(
        NeedSummary(need.ref, need.title, need.headcount, need.level, need.formats, need.earliest_start,
                    need.latest_start, need.status,
                    tuple(_settled(_offer_line(facts[ref], ok, score, explanation, committed.get(ref, InClass())),
                                   need.status)
                          for ref, ok, score, explanation in chosen[need.ref] if ref in facts),
                    () if chosen[need.ref] else matching.left_out(need.ref))
        for need in needs
    )
    return MatchingSummaryData(load_letterhead(session), as_of, employer.name, digits, employer.municipality_name,
                               summaries)


_Chosen = tuple[str, bool, float | None, Explanation | None]  # offer ref, accepted, score, explanation


def _chosen_lines(need: Any, matching: _Matching, accepted: list[str], rejected: set[str]) -> list[_Chosen]:
    """The offers to print for a need: the ones the centre has chosen for it, if any (the need
    counts toward them only), else the proposals not rejected; at most MAX_OFFERS."""
    matches = {m.offer_ref: m for m in matching.results.get(need.ref, [])}
    lines: list[_Chosen] = []
    if accepted:
        for ref in sorted(accepted)[:MAX_OFFERS]:
            match = matches.get(ref)
            explanation = match.explanation if match else matching.explain(need.ref, ref)
            lines.append((ref, True, match.score if match else None, explanation))
        return lines
    lines.extend((ref, False, match.score, match.explanation) for ref, match in matches.items() if ref not in rejected)
    return lines[:MAX_OFFERS]


SETTLED = {"running": "Kurset er i gang"}  # need status → the chosen offer's verdict


def _settled(line: OfferLine, status: str) -> OfferLine:
    """A chosen offer for a need already ordered or under way: no verdict or warnings (it has
    started, its deadline has passed: of course), just what it is."""
    if line.accepted and status in SETTLED:
        return dataclasses.replace(line, verdict=SETTLED[status], reasons=())
    return line


@dataclass(frozen=True)
class InClass:
    """Who is in an offer's class already, as this employer's paper may say it: the persons of the
    others (employers, private persons and communities) are printed only when they pass disclosure
    control (3 or more contributors, none above 80 %; ``kpdesk.reports.suppression``), else
    "noen andre" (``explain.SOME_OTHERS``), whoever they are."""

    own: int = 0  # this employer's persons in needs the offer is chosen for
    others: int = 0
    others_hidden: bool = False

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, int]], employer: str) -> InClass:
        others = [(org, persons) for org, persons in pairs if org != employer]
        share = Share.of(others)
        return cls(sum(p for org, p in pairs if org == employer), share.person_count,
                   bool(others) and share.sensitive)

    @property
    def printable(self) -> int | None:
        """The persons in, when that figure may be printed; else the own persons only."""
        return self.own if self.others_hidden else self.own + self.others


def _offer_line(facts: OfferFacts, accepted: bool, score: float | None, explanation: Explanation | None,
                in_class: InClass) -> OfferLine:
    committed, hidden = in_class.printable, in_class.others_hidden
    if explanation is None:
        return OfferLine(facts, accepted, score, "", (), committed, hidden)
    return OfferLine(facts, accepted, score, verdict_of(explanation),
                     tuple(reasons_of(explanation, committed, others_hidden=hidden, counted=accepted)),
                     committed, hidden)


def _decisions(session: Any, need_ids: list[int]) -> tuple[dict[int, list[str]], dict[int, set[str]]]:
    """(need id → offers accepted for it, need id → offers rejected for it), read afresh (a reused
    run may be older than the last decision)."""
    from sqlalchemy import select

    from kpdesk.db.models import MatchDecision, Offer

    accepted: dict[int, list[str]] = {}
    rejected: dict[int, set[str]] = {}
    stmt = (select(MatchDecision.need_id, Offer.ref, MatchDecision.decision)
            .join(Offer, Offer.id == MatchDecision.offer_id).where(MatchDecision.need_id.in_(need_ids)))
    for need_id, offer_ref, decision in session.execute(stmt):
        if decision == "accepted":
            accepted.setdefault(need_id, []).append(offer_ref)
        else:
            rejected.setdefault(need_id, set()).add(offer_ref)
    return accepted, rejected


class _Matching:
    """The engine's view of the employer's needs: proposals, explanations, offers left out."""

    def __init__(self, matcher: Matcher | None, inputs: Mapping[str, NeedInput],
                 results: Mapping[str, list[Match]], as_of: dt.date) -> None:
        self.matcher, self.inputs, self.results, self.as_of = matcher, inputs, results, as_of

    @classmethod
    def load(cls, session: Any, org: str, needs: Sequence[Any], as_of: dt.date, run: Any) -> _Matching:
        """From ``run`` when it is for ``as_of`` and holds every need, else a fresh match of this
        employer's needs with the engine a whole run would use."""
        if run is not None and run.as_of == as_of:
            found = {n.ref: run.result_for(n.ref) for n in needs}
            inputs = {n.ref: run.need(n.ref) for n in needs}
            if all(r is not None for r in found.values()) and all(i is not None for i in inputs.values()):
                return cls(run.matcher, inputs, {ref: list(r.matches) for ref, r in found.items()}, as_of)
        from kpdesk.matching.persistence import load_engine, load_needs

        if not needs:
            return cls(None, {}, {}, as_of)
        matcher = load_engine(session)
        mine = load_needs(session, org_number=org)
        results = {r.need_ref: list(r.matches) for r in matcher.match_all(mine, as_of)}
        return cls(matcher, {n.ref: n for n in mine}, results, as_of)

    def explain(self, need_ref: str, offer_ref: str) -> Explanation | None:
        need = self.inputs.get(need_ref)
        if need is None or self.matcher is None:
            return None
        return self.matcher.explain_offer(need, offer_ref, self.as_of)

    def left_out(self, need_ref: str) -> tuple[str, ...]:
        need = self.inputs.get(need_ref)
        if need is None or self.matcher is None:
            return ()
        return tuple(why_not_sentence(left) for left in self.matcher.left_out(need, self.as_of))


# ---------------------------------------------------------------- the PDF

def info(data: MatchingSummaryData, printed_at: dt.datetime | None = None) -> ReportInfo:
    return ReportInfo(title=f"Kurstilbud for {data.employer_name}",
                      subtitle=f"Matchingoppsummering · org.nr. {format_org_number(data.org_number)}"
                               + (f" · {data.municipality}" if data.municipality else ""),
                      date=data.as_of, printed_at=style.printed_time(printed_at))


def _reasons_table(reasons: Sequence[Reason], width: float) -> Table:
    """The reasons as a mark column (✓ green, ! red, ? grey, bold) and wrapped sentences."""
    mark_width = 11.0
    room = width - mark_width - 0.5
    rows = [[reason.fit.value, "\n".join(style.wrap(reason.text, style.FONT, style.CELL_SIZE, room))]
            for reason in reasons]
    table = Table(rows, colWidths=[mark_width, width - mark_width], hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), style.FONT),
        ("FONTNAME", (0, 0), (0, -1), style.FONT_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), style.CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), style.CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), style.INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    commands.extend(("TEXTCOLOR", (0, row), (0, row), MARK_INK[reason.fit]) for row, reason in enumerate(reasons))
    table.setStyle(style.table_style(commands))
    return table


_VALUE_SHARE = 0.8  # the value column of an offer's facts table


def _offer_block(number: int, line: OfferLine, as_of: dt.date, label: str) -> list[Flowable]:
    """The offer's name (kept with what follows) and its facts as one table that is never split."""
    s = style.styles()
    facts = line.facts
    badge = " (valgt av studiesenteret)" if line.accepted else ""
    pairs: list[tuple[str, Any]] = []
    if line.verdict:
        pairs.append(("Vurdering", style.para(line.verdict, s.cell_bold)))
    pairs += [
        ("Studiepoeng", facts.credits_text),
        ("Nivå", facts.level_text),
        ("Format og sted", facts.format_place_text),
        ("Periode", facts.period_text),
        ("Samlinger", facts.sessions_text),
        ("Søknadsfrist", deadline_text(facts.application_deadline, as_of)),
        ("Pris", facts.price_text),
        ("Plasser", facts.seats_text),
        ("Tilbudsnummer", facts.ref),
    ]
    if line.reasons:
        width = style.content_width() * _VALUE_SHARE - 2 * style.CELL_PADDING
        pairs.append(("Hvorfor", _reasons_table(line.reasons, width)))
    return [style.para(f"{number}. {label}{badge}", s.cell_head_keep),
            style.key_value_table(pairs, (1 - _VALUE_SHARE, _VALUE_SHARE))]


def intro(data: MatchingSummaryData) -> str:
    """The opening: what there is to show, or plainly that there is nothing and what to do."""
    when = format_date(data.as_of)
    if not data.needs:
        return (f"Det er ingen åpne kompetansebehov registrert for {data.employer_name} per {when}, så det er "
                "ingenting å vise. Registrer arbeidsgiverens behov (under Behov, eller ved å importere dem), og "
                "skriv ut oppsummeringen på nytt.")
    registered = f"Studiesenteret har registrert {plural(len(data.needs), 'åpent behov', 'åpne behov')} for " \
                 f"{data.employer_name}."
    with_offers = len(data.needs) - len(data.unmet)
    if not with_offers:
        return (f"{registered} Per {when} passer ingen av kurstilbudene studiesenteret kjenner til; under hvert "
                "behov står hvorfor. Studiesenteret kan bestille et kurs fra en tilbyder.")
    text = (f"{registered} Per {when} har {with_offers} av dem kurstilbud som passer; de beste står under hvert "
            "behov, med vurdering og begrunnelse.")
    chosen = sum(1 for n in data.needs if n.chosen)
    if chosen:
        text += f" For {plural(chosen, 'behov', 'behov')} har studiesenteret allerede valgt et tilbud."
    if data.unmet:
        text += f" {plural(len(data.unmet), 'behov', 'behov')} mangler tilbud ennå."
    return text


def story(data: MatchingSummaryData) -> list[Flowable]:
    """Page 1: the summary (key figures, what to do now, the offers against their class sizes);
    then each need with its offers."""
    s = style.styles()
    flow: list[Flowable] = []
    if data.needs:
        flow.extend(_summary(data))
        flow.append(style.heading("Behovene og tilbudene"))
    flow.append(style.para(intro(data), s.body))
    if len(data.unmet) < len(data.needs):
        flow.append(style.para(f"Tegnene i begrunnelsene: {LEGEND}.", s.note))
    labels = data.offer_labels
    for need in data.needs:
        flow.append(style.heading(f"{need.ref} · {need.title} ({plural(need.headcount, 'person', 'personer')})", 2))
        flow.append(style.para(need.wish_text, s.small_keep))
        if need.unmet:
            flow.extend(_no_offer(need))
            continue
        for number, line in enumerate(need.offers, start=1):
            flow.extend(_offer_block(number, line, data.as_of, labels[line.facts.ref]))
    if not data.needs:
        contact = data.letterhead.contact_sentence()
        if contact:
            flow.append(style.para(f"Kontakt: {contact}", s.body))
    return flow


CHART_BARS = 8
POOR_FIT = "Passer dårlig"  # such proposals are in the details, not among page 1's next steps


def _summary(data: MatchingSummaryData) -> list[Flowable]:
    s = style.styles()
    chosen = sum(1 for n in data.needs if n.chosen)
    flow: list[Flowable] = [
        style.heading("Sammendrag"),
        style.key_figures([
            (group_thousands(len(data.needs)), "åpne behov"),
            (group_thousands(sum(n.headcount for n in data.needs)), "personer"),
            (group_thousands(len(data.needs) - len(data.unmet)), "behov med tilbud"),
            (group_thousands(chosen), "tilbud valgt"),
            (group_thousands(len(data.unmet)), "behov uten tilbud"),
        ]),
        style.heading("Dette bør skje nå", 2),
    ]
    flow.extend(style.bullets(_next_steps(data)))
    contact = data.letterhead.contact_sentence()
    if contact:
        flow.append(style.para(f"Kontakt: {contact}", s.body))
    bars = _seat_bars(data)
    if bars:
        flow.append(style.heading("Tilbudene og klassestørrelsen", 2))
        flow.append(charts.seat_bars(bars, ("med nå", "deres behov"), style.content_width()))
        flow.append(style.para(f"«Med nå» er behov studiesenteret har valgt tilbudet for, fra alle {EVERY_KIND}; "
                               "«deres behov» er personene i behovene deres som tilbudet er foreslått for. Et tilbud "
                               "starter bare når minste klasse er nådd.", s.note))
    return flow


@dataclass(frozen=True)
class _OfferNow:
    """One offer open to apply for, as page 1 weighs it: who is in, and this employer's persons."""

    line: OfferLine
    label: str  # title and provider, with what tells it from a twin
    mine: int  # this employer's persons in needs the offer is proposed for (not chosen yet)

    @property
    def bar(self) -> charts.Bar:
        facts, committed = self.line.facts, self.line.committed or 0
        text = ""
        if self.line.others_hidden:
            text = f"deres {committed + self.mine} + andre"
            text += f", minst {facts.seats_min}" if facts.seats_min else ""
        elif facts.seats_max and committed + self.mine > facts.seats_max:
            text = f"{committed + self.mine}: fullt ({facts.seats_max} plasser)"
        return charts.Bar(self.label, (committed, self.mine), facts.seats_min, facts.seats_max, text)


def _offers_now(data: MatchingSummaryData) -> list[_OfferNow]:
    """The offers page 1 speaks of: chosen ones, and proposals that fit at least partly, still open
    to apply for; the largest first."""
    mine: dict[str, int] = {}
    lines: dict[str, OfferLine] = {}
    for need in data.needs:
        for line in need.offers:
            deadline = line.facts.application_deadline
            if (deadline is not None and deadline < data.as_of) or (
                    not line.accepted and line.verdict.startswith(POOR_FIT)):
                continue
            lines.setdefault(line.facts.ref, line)
            if not line.accepted:
                mine[line.facts.ref] = mine.get(line.facts.ref, 0) + need.headcount
    labels = data.offer_labels
    found = [_OfferNow(line, labels[ref], mine.get(ref, 0)) for ref, line in lines.items()]
    return sorted(found, key=lambda o: (-(o.line.committed or 0) - o.mine, o.label))[:CHART_BARS]


def _seat_bars(data: MatchingSummaryData) -> list[charts.Bar]:
    return [offer.bar for offer in _offers_now(data)]


def _no_offer(need: NeedSummary) -> list[Flowable]:
    s = style.styles()
    flow: list[Flowable] = [style.para(NO_OFFER, s.body)]
    if need.left_out:
        flow.append(style.para("Tilbud om samme tema som ikke kan foreslås:", s.small_keep))
        flow.extend(style.bullets(need.left_out, s.small))
    return flow


def _next_steps(data: MatchingSummaryData) -> list[str]:
    """What to do now: say which offers are wanted, deadlines in the next 60 days, offers that need
    more people to start, the largest need without an offer. Passed deadlines are never a step."""
    steps: list[str] = []
    if any(not line.accepted for need in data.needs for line in need.offers):
        steps.append("Gi studiesenteret beskjed om hvilke tilbud som er aktuelle, og hvor mange som vil delta.")
    deadlines: dict[tuple[dt.date, str], None] = {}
    labels = data.offer_labels
    for need in data.needs:
        for line in need.offers:
            deadline = line.facts.application_deadline
            if deadline and deadline_soon(deadline, data.as_of):
                deadlines[(deadline, labels[line.facts.ref])] = None
    steps.extend(deadline_step(deadline, data.as_of, label) for deadline, label in sorted(deadlines)[:6])
    for offer in _offers_now(data):
        facts, committed, mine = offer.line.facts, offer.line.committed or 0, offer.mine
        if offer.line.others_hidden and facts.seats_min:
            own = f"deres {committed + mine}" if committed + mine else "ingen av deres"
            steps.append(f"{offer.label}: starter bare hvis minst {facts.seats_min} melder seg; {SOME_OTHERS} er "
                         f"med, og {own} kommer i tillegg.")
        elif facts.seats_max and committed + mine > facts.seats_max:
            steps.append(f"{offer.label}: {committed} er med, og tilbudet har {seats_text(facts.seats_max)}; meld "
                         "fra snart om dere vil ha plass.")
        elif facts.seats_min and committed + mine < facts.seats_min:
            now = f"{committed} er med nå" if committed else "ingen er med ennå"
            steps.append(f"{offer.label}: starter bare hvis minst {facts.seats_min} melder seg; {now}, og med "
                         f"deres {mine} blir det {committed + mine}. Andre som melder seg, kan fylle klassen.")
    unmet = sorted(data.unmet, key=lambda n: (-n.headcount, n.ref))
    if unmet:
        largest = unmet[0]
        steps.append(f"Størst behov uten tilbud: {largest.title} ({plural(largest.headcount, 'person', 'personer')}). "
                     "Studiesenteret kan bestille et kurs fra en tilbyder; ofte går flere arbeidsgivere sammen for å "
                     "få nok deltakere.")
        if len(unmet) > 1:
            steps.append(f"{plural(len(unmet) - 1, 'behov', 'behov')} til mangler tilbud; se under.")
    return steps


def build(data: MatchingSummaryData, printed_at: dt.datetime | None = None) -> bytes:
    """The summary as PDF bytes (pure: no database, no Qt)."""
    return style.build_pdf(story(data), info(data, printed_at), data.letterhead)
