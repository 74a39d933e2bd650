"""Offer summary: one course offer, who is interested in it («Meldt av»: employers, private persons
and communities) and their needs, and the headcount against the provider's minimum class.

Interest is what ``kpdesk.matching.persistence.offer_interest`` counts: the needs the coordinator has
chosen the offer for, then the open needs the matching engine proposes it to (pairs the
coordinator rejected, and needs chosen for another offer, are left out: a decided need counts
toward its own offer only). A passed application deadline is marked ("gikk ut 01.12.2026"). The
paper may be shown to the provider, so an employer is named only when it has agreed to be ("kan
navngis"); the others appear as "Arbeidsgiver i <kommune>". A community is named as such («Rødøy
kommune (lokalsamfunn)»). Private persons are gathered into one line, chosen and proposed apart
(«Egne ønsker», «2 privatpersoner», worded by ``kpdesk.reports.owners``), without refs, wishes or
places, and only those with consent to anonymous statistics. No contact persons, e-mails, phone
numbers or notes are printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable

from kpdesk.common import reference
from kpdesk.common.codes import NEED_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, group_thousands, plural
from kpdesk.matching.engine.explain import deadline_passed, deadline_text
from kpdesk.reports import style
from kpdesk.reports.facts import OfferFacts, load_letterhead, load_offer_facts
from kpdesk.reports.owners import kind_count
from kpdesk.reports.style import Letterhead, ReportInfo


@dataclass(frozen=True, slots=True)
class InterestLine:
    need_ref: str
    need_title: str
    employer: str  # the name, or "Arbeidsgiver i Vefsn" when it may not be named
    municipality: str
    headcount: int
    status: str
    accepted: bool  # accepted by the coordinator (else proposed by the engine)
    score: float | None


@dataclass(frozen=True, slots=True)
class EmployerLine:
    """One line of «Meldt av»: an employer, a community, or the private persons together."""

    employer: str
    named: bool
    municipality: str
    headcount: int
    needs: int
    kind: str = "employer"  # employer | person | community


@dataclass(frozen=True)
class OfferSummaryData:
    letterhead: Letterhead
    as_of: dt.date
    offer: OfferFacts
    needs: tuple[InterestLine, ...]
    employers: tuple[EmployerLine, ...]

    @property
    def headcount(self) -> int:
        return sum(n.headcount for n in self.needs)

    @property
    def accepted_headcount(self) -> int:
        return sum(n.headcount for n in self.needs if n.accepted)

    @property
    def proposed_headcount(self) -> int:
        return self.headcount - self.accepted_headcount

    @property
    def seats_gap(self) -> int:
        return max(0, (self.offer.seats_min or 0) - self.headcount)

    @property
    def deadline_passed(self) -> bool:
        deadline = self.offer.application_deadline
        return deadline is not None and deadline < self.as_of

    @property
    def seats_sentence(self) -> str:
        """'12 er med, og minst 15 trengs: det trengs 3 deltakere til for oppstart.' and the like; a passed
        deadline is said too."""
        minimum, maximum = self.offer.seats_min, self.offer.seats_max
        count = plural(self.headcount, "person", "personer")
        if not self.needs:
            text = "Ingen åpne behov er knyttet til tilbudet ennå."
        elif not minimum:
            text = f"{count} er interessert; tilbyderen har ikke oppgitt et minste antall deltakere."
        elif self.headcount < minimum:
            text = (f"{group_thousands(self.headcount)} er med, og minst {group_thousands(minimum)} trengs: det "
                    f"trengs {plural(self.seats_gap, 'deltaker', 'deltakere')} til for oppstart.")
        else:
            text = f"{count} er interessert, minst {group_thousands(minimum)} trengs: nok til oppstart."
        if maximum and self.headcount > maximum:
            text += f" Interessen er større enn de {group_thousands(maximum)} plassene."
        if self.deadline_passed and self.offer.application_deadline is not None:
            text += f" Merk: {deadline_passed(self.offer.application_deadline)}."
        return text


def load(session: Any, ref: str, as_of: dt.date, run: Any = None, progress: Any = None) -> OfferSummaryData:
    """The offer with this ref and who is interested in it per ``as_of`` (``run`` reused if for that date).

    ``progress(done, total)`` is passed on to the matching run when one is needed.
    """
    from sqlalchemy import select

    from kpdesk.db.models import Employer, Offer
    from kpdesk.matching.persistence import offer_interest
    from kpdesk.offers.service import offer_id_for_ref

    cleaned = (ref or "").strip()
    if not cleaned:
        raise UserError("Oppgi referansen til kurstilbudet, for eksempel T0001.")
    offer_id = offer_id_for_ref(session, cleaned)
    stored_ref = session.execute(select(Offer.ref).where(Offer.id == offer_id)).scalar_one()  # "t0010" → T0010
    facts = load_offer_facts(session, [stored_ref])[stored_ref]
    if run is None or run.as_of != as_of:
        from kpdesk.matching.run import run_matching

        run = run_matching(session, as_of, progress)
    interest = offer_interest(session, offer_id, run.results)
    # Persons without consent to statistics are in no printed figure (matching.engine.aggregation).
    interest = dataclasses.replace(interest, needs=tuple(r for r in interest.needs if r.counted))
    nameable = dict(session.execute(select(Employer.id, Employer.may_be_named)).all())
    lines = []
    for row in interest.needs:
        if row.owner_kind == "person":
            continue  # gathered below: a ref, a place and a wish can point out one person
        place = reference.municipality_label(row.municipality) if row.municipality else ""
        lines.append(InterestLine(row.need_ref, row.need_title, _employer_label(row, place, nameable), place,
                                  row.headcount, row.status, row.source == "accepted", row.score))
    employers = []
    for found in interest.employers:
        first = next(r for r in interest.needs if r.need_ref in found.need_refs)
        if first.owner_kind == "person":
            continue
        place = reference.municipality_label(first.municipality) if first.municipality else ""
        employers.append(EmployerLine(_employer_label(first, place, nameable), bool(nameable.get(found.employer_id)),
                                      place, found.headcount, len(found.need_refs), first.owner_kind))
    individuals = [r for r in interest.needs if r.owner_kind == "person"]
    for accepted in (True, False):  # gathered without refs, wishes or places; chosen and proposed apart
        some = [r for r in individuals if (r.source == "accepted") == accepted]
        if some:  # a person with two wishes for the offer is one person
            lines.append(InterestLine("", "Egne ønsker", kind_count("person", len({r.org_number for r in some})),
                                      "", sum(r.headcount for r in some), "", accepted, None))
    if individuals:
        who = kind_count("person", len({r.org_number for r in individuals}))
        employers.append(EmployerLine(who, False, "", sum(r.headcount for r in individuals), len(individuals),
                                      "person"))
    return OfferSummaryData(load_letterhead(session), as_of, facts, tuple(lines), tuple(employers))


def _employer_label(row: Any, place: str, nameable: dict[int, bool]) -> str:
    if row.owner_kind != "employer":
        return row.employer_name  # «Privatperson P00003», «Rødøy kommune (lokalsamfunn)»: never a person's name
    if nameable.get(row.employer_id):
        return row.employer_name
    return f"Arbeidsgiver i {place}" if place else "Arbeidsgiver (ikke navngitt)"


# ---------------------------------------------------------------- the PDF

def info(data: OfferSummaryData, printed_at: dt.datetime | None = None) -> ReportInfo:
    return ReportInfo(title=data.offer.title, subtitle=f"Kurstilbud {data.offer.ref} fra {data.offer.provider}",
                      date=data.as_of, printed_at=style.printed_time(printed_at))


def story(data: OfferSummaryData) -> list[Flowable]:
    s = style.styles()
    offer = data.offer
    flow: list[Flowable] = [style.heading("Tilbudet")]
    pairs: list[tuple[str, Any]] = [
        ("Tilbyder", offer.provider),
        ("Studiepoeng", offer.credits_text),
        ("Nivå", offer.level_text),
        ("Format og sted", offer.format_place_text),
        ("Periode", offer.period_text),
        ("Samlinger", offer.sessions_text),
        ("Søknadsfrist", deadline_text(offer.application_deadline, data.as_of)),
        ("Pris", offer.price_text),
        ("Plasser", offer.seats_text),
    ]
    if offer.description:
        pairs.append(("Beskrivelse", offer.description))
    flow.append(style.key_value_table(pairs, (0.2, 0.8), keep=False))

    flow.append(style.heading("Interesse"))
    flow.append(style.para(data.seats_sentence, s.body))
    if data.needs:
        flow.append(style.para(_source_sentence(data), s.body))
        flow.append(style.heading("Hvem som er interessert", 2))
        rows = [[e.employer, e.municipality, group_thousands(e.needs), group_thousands(e.headcount)]
                for e in data.employers]
        rows.append(["Sum", "", group_thousands(sum(e.needs for e in data.employers)), group_thousands(data.headcount)])
        flow.append(style.data_table(["Meldt av", "Kommune", "Behov", "Personer"], rows, [0.46, 0.3, 0.1, 0.14],
                                     right=(2, 3), total_row=True))
        flow.append(style.heading("Behov", 2))
        rows = [[n.need_ref, n.need_title, n.employer, group_thousands(n.headcount),
                 "valgt" if n.accepted else "foreslått", NEED_STATUSES.label(n.status)] for n in data.needs]
        flow.append(style.data_table(["Ref.", "Behov", "Meldt av", "Personer", "Grunnlag", "Status"], rows,
                                     [0.09, 0.31, 0.24, 0.11, 0.12, 0.13], right=(3,)))
        if any(not e.named and e.kind == "employer" for e in data.employers):
            flow.append(style.para("Arbeidsgivere som ikke har sagt ja til å bli navngitt, er vist med kommunenavnet.",
                                   s.note))
    contact = data.letterhead.contact_sentence()
    if contact:
        flow.append(style.heading("Kontakt"))
        flow.append(style.para(contact, s.body))
    return flow


def _source_sentence(data: OfferSummaryData) -> str:
    accepted = plural(data.accepted_headcount, "person", "personer")
    proposed = plural(data.proposed_headcount, "person", "personer")
    when = f"per {format_date(data.as_of)}"
    if not data.accepted_headcount:
        return (f"Alle er med fordi matchingen foreslår tilbudet for behovene deres ({when}); studiesenteret har "
                "ikke valgt det for noe behov ennå.")
    if not data.proposed_headcount:
        return f"Studiesenteret har valgt tilbudet for alle behovene ({accepted})."
    return (f"Studiesenteret har valgt tilbudet for behov med {accepted}; for behov med {proposed} er det "
            f"foreslått av matchingen ({when}).")


def build(data: OfferSummaryData, printed_at: dt.datetime | None = None) -> bytes:
    """The summary as PDF bytes (pure: no database, no Qt)."""
    return style.build_pdf(story(data), info(data, printed_at), data.letterhead)
