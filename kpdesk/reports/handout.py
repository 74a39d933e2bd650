"""Meeting handout for a region or some municipalities: anonymous, aggregated, ready for a public table.

Contents (domain brief §1.4): the open needs counted by municipality and industry (SN2007
section), the course offers that fit the pooled demand, the demand groups with their headcount
against each offer's minimum class, the groups no offer fits ("Kurs å bestille"), next steps with
the centre's own contact, and a privacy note.

Needs come from employers, private persons (their own wishes, counted only with consent to
anonymous statistics: ``NeedInput.counted``) and communities (a municipality, or a region as a
whole). Each is one contributor («Meldt av»), keyed with its kind (``contribution``). The needs
table has a column for the persons' and one for the communities' needs beside the SN2007 sections
(they have no industry) and a row for a region's own needs, so its grand total is every need the
handout counts.

It is anonymous (domain brief §4):
- no contact persons, e-mails, phone numbers, need descriptions or notes are read into the
  data at all, so the PDF cannot print them, and a private person is never named;
- every figure passes ``kpdesk.reports.suppression`` (its docstring has the rules): the needs by
  municipality and industry with their totals, the persons and contributors of each demand group
  (with and without an offer: the groups split the needs, so their persons add up to the total
  the summary states), and the summary's totals. A hidden figure prints as ":", explained right
  under each table; hidden groups come last, by region, topic and level, so their place says
  nothing about their size;
- who is behind a number of contributors is told by kind («4 arbeidsgivere og 3 privatpersoner»)
  only when each kind behind it has 3 or more and none of them dominates (suppression rule 6);
  else the number is printed whole («7 til sammen», in the summary «i alt 7 arbeidsgivere,
  privatpersoner og lokalsamfunn»), and a hidden one is worded the same whoever is
  behind it, so «1 privatperson» is never printed and a lone person's wish is never told apart;
- an employer is named only where its "kan navngis" flag (``may_be_named``) is set, and only
  beside a shown number of employers ("5 arbeidsgivere, blant dem A og B");
- figures that would add up to the same totals another way are left out: offers are listed
  without their own headcount (the groups carry it), and the summary does not split the needs
  into "with an offer" and "without" (only the groups are counted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import CondPageBreak, Flowable

from kpdesk.common import reference
from kpdesk.common.codes import LEVEL_RANK, LEVELS
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, group_thousands, plural, sort_key
from kpdesk.register.centres import WHOLE_REGION
from kpdesk.reports import charts, style
from kpdesk.reports.facts import (
    SOON_DAYS,
    OfferFacts,
    deadline_soon,
    deadline_step,
    join_names,
    level_text,
    load_letterhead,
    load_offer_facts,
    offer_labels,
)
from kpdesk.reports.owners import EVERY_KIND, TOGETHER, contributors_cell, contributors_label, contributors_phrase
from kpdesk.reports.style import Letterhead, ReportInfo
from kpdesk.reports.suppression import HIDDEN_TEXT, LEGEND, CrossTable, Owner, Partition, Share

MAX_SECTION_COLUMNS = 9
OTHER_SECTIONS, NO_SECTION = "Andre", "?"
# Needs that have no industry: a person's own wish, a community's need (columns after the sections).
KIND_COLUMNS = {"person": "Privat-\npersoner", "community": "Lokal-\nsamfunn"}
TOGETHER_NOTE = (f"«{TOGETHER}» = {EVERY_KIND} samlet; hvor mange det er av hvert slag, vises bare når hvert slag har "
                 "minst 3 og ingen av dem står for mer enn 80\u00a0%.")


@dataclass(frozen=True)
class Scope:
    """Which municipalities the handout covers (none: the whole database), and whose needs: one
    centre's (``centre_id``) or every centre's."""

    municipalities: tuple[str, ...] = ()  # four-digit numbers
    region: str = ""  # the region's name, when chosen by region
    centre: str = ""  # the centre's name, when only its needs are counted
    centre_id: int | None = None
    several_centres: bool = False  # the database has more than one: «hele regionen» says all of them

    @property
    def whole_regions(self) -> bool:
        """Whether the handout covers whole regions (all municipalities, or a region chosen by name)."""
        return not self.municipalities or bool(self.region)

    @property
    def label(self) -> str:
        place = self._place
        if self.centre:
            return self.centre if place == "alle kommuner" else f"{place} ({self.centre})"
        if self.several_centres and place == "alle kommuner":
            return WHOLE_REGION.lower()
        return place

    @property
    def _place(self) -> str:
        if self.region:
            return self.region
        if not self.municipalities:
            return "alle kommuner"
        names = [reference.municipality_label(m) for m in self.municipalities]
        if len(names) <= 4:
            return join_names(names)
        return f"{len(names)} kommuner"


@dataclass(frozen=True)
class GroupLine:
    topic: str
    level: str | None
    region: str
    persons: str  # suppressed text
    contributors: str  # «Meldt av», suppressed: '4 arbeidsgivere og 3 privatpersoner, blant dem A', '7 til sammen', ':'
    offer_title: str
    offer_provider: str
    seats_min: int | None
    offer_ref: str = ""
    person_count: int | None = None  # the persons where they may be printed (charts, summary); None: hidden

    def label(self, with_region: bool = True) -> str:
        """'helsefag (fagbrev, Helgeland)': the group in a sentence; without the region on a handout
        for some of its municipalities (there the figure is theirs, not the region's)."""
        level = LEVELS.label(self.level) if self.level and self.level != "open" else ""
        where = ", ".join(filter(None, (level, self.region if with_region else "")))
        return f"{self.topic} ({where})" if where else self.topic


@dataclass(frozen=True)
class HandoutData:
    letterhead: Letterhead
    as_of: dt.date
    scope: Scope
    needs_table: CrossTable  # rows: municipalities (and regions' own needs), columns: SN2007 sections and kinds
    sections: tuple[tuple[str, str], ...]  # (column label, section name) of the section columns, in column order
    persons: Partition  # persons and contributors per demand group (the groups partition the needs)
    groups: tuple[GroupLine, ...]  # with an offer; shown ones by size, then hidden ones by region and topic
    to_order: tuple[GroupLine, ...]  # no offer fits: courses to order; in the same order
    offers: tuple[OfferFacts, ...]

    @property
    def empty(self) -> bool:
        return self.needs_table.grand_value == 0


def resolve_scope(session: Any, municipalities: Iterable[str] = (), region: str | None = None,
                  centre: str | None = None) -> Scope:
    """The scope from municipality numbers or names and/or a region name, and a centre's name (None:
    every centre); UserError for unknown ones."""
    from kpdesk.matching.persistence import load_regions
    from kpdesk.register.centres import find_centre, list_centres

    numbers: list[str] = []
    for text in municipalities:
        found = reference.find_municipality(str(text))
        if found is None:
            raise UserError(f"Kommunen «{str(text).strip()}» finnes ikke; bruk kommunenummeret, for eksempel 1824.")
        if found.number not in numbers:
            numbers.append(found.number)
    explicit = bool(numbers)
    region_name = ""
    if region:
        regions: dict[str, set[str]] = {}
        for number, names in load_regions(session).items():
            for name in names:
                regions.setdefault(name, set()).add(number)
        match = next((name for name in regions if name.casefold() == region.strip().casefold()), None)
        if match is None:
            known = ", ".join(sorted(regions, key=sort_key)) or "ingen ennå"
            raise UserError(f"Regionen «{region.strip()}» finnes ikke. Regionene er: {known}.")
        region_name = match
        numbers.extend(n for n in sorted(regions[match]) if n not in numbers)
    chosen = find_centre(session, centre) if centre and centre.strip() else None
    return Scope(tuple(numbers), "" if explicit else region_name, chosen.name if chosen else "",
                 chosen.id if chosen else None, len(list_centres(session)) > 1)


def load(session: Any, scope: Scope, as_of: dt.date, run: Any = None, progress: Any = None) -> HandoutData:
    """The handout's figures for ``scope`` per ``as_of`` (``run``: a MatchingRun to reuse if for that date).

    ``progress(done, total)`` is passed on to the matching run when one is needed.
    """
    from sqlalchemy import select

    from kpdesk.db.models import Employer, Need

    wanted = set(scope.municipalities)
    regions = (scope.region,) if scope.region else ()  # a region's own needs, when chosen by region
    centre_refs: set[str] | None = None
    if scope.centre_id is not None:  # one centre's needs only: matched afresh, as a run holds them all
        centre_refs = set(session.execute(select(Need.ref).where(Need.centre_id == scope.centre_id)).scalars())
        run = None
    if run is not None and run.as_of == as_of:
        needs, groups, commits = run.scoped(wanted, regions)
    else:  # match the needs in scope only, with the same engine inputs as a full run
        from kpdesk.matching.persistence import load_inputs
        from kpdesk.matching.run import in_scope, match_inputs

        inputs = load_inputs(session)
        scoped = [n for n in inputs.needs if in_scope(n, wanted, regions)
                  and (centre_refs is None or n.ref in centre_refs)]
        run = match_inputs(scoped, inputs.offers, inputs.regions, inputs.matcher(), as_of, progress)
        needs, groups, commits = run.needs, run.groups, run.commitments

    # Persons without consent to statistics are in no printed figure (matching.engine.aggregation).
    needs = [n for n in needs if n.counted]
    employer_rows = session.execute(select(Employer.org_number, Employer.name, Employer.may_be_named,
                                           Employer.industry)).all()
    nameable = {org: name for org, name, may, _industry in employer_rows if may}
    industry = {org: code for org, _name, _may, code in employer_rows}

    table, sections = _needs_table(needs, industry, scope)
    by_need = {n.ref: n for n in needs}
    # The needs already chosen for an offer are not in any group but are in the totals: parts never printed.
    persons = Partition.of(Share.of(contribution(by_need[ref]) for ref in part.need_refs if ref in by_need)
                           for part in (*groups, *commits))
    offer_by_ref = {o.ref: o for o in run.offers}
    lines = [_group_line(group, index, persons, offer_by_ref.get(group.offer_ref or ""), nameable)
             for index, group in sorted(enumerate(groups), key=lambda p: _line_order(p[1], persons.is_hidden(p[0])))]
    offer_refs = {g.offer_ref for g in groups if g.offer_ref}
    facts = load_offer_facts(session, offer_refs)
    offers = tuple(sorted(facts.values(), key=lambda o: (sort_key(o.title), sort_key(o.provider), o.ref)))
    return HandoutData(load_letterhead(session), as_of, scope, table, sections, persons,
                       tuple(line for line in lines if line.offer_title),
                       tuple(line for line in lines if not line.offer_title), offers)


def contribution(need: Any) -> tuple[Owner, int]:
    """(contributor, persons) of one need: its owner with its kind, keyed as the demand groups key it
    (an organisation number, a person's ref, a municipality's number or a region's name)."""
    return Owner(need.owner_kind, need.employer_ref or need.employer_name), need.headcount


def _line_order(group: Any, hidden: bool) -> tuple[Any, ...]:
    """Shown groups first, in the engine's order (largest first); hidden ones after, by region, topic
    and level, so that where a hidden group stands says nothing about its size."""
    if not hidden:
        return (0,)
    return 1, sort_key(group.region), sort_key(group.topic), LEVEL_RANK.get(group.level or "", 0)


def _group_line(group: Any, index: int, persons: Partition, offer: Any, nameable: dict[str, str]) -> GroupLine:
    who = contributors_cell(persons.kinds(index), persons.names(index, nameable.get))
    return GroupLine(group.topic, group.level, group.region, persons.text(index), who, offer.title if offer else "",
                     offer.provider if offer else "", group.seats_min, offer.ref if offer else "",
                     persons.shown(index))


def _needs_table(needs: Sequence[Any], industry: dict[str, str | None], scope: Scope
                 ) -> tuple[CrossTable, tuple[tuple[str, str], ...]]:
    """Open needs by municipality (rows) and SN2007 section (columns, at most 9 + 'Andre'), then a
    column each for private persons' and communities' needs (no industry), when there are any.

    A region's own needs (a community with no one municipality) get a row of their own after the
    municipalities, so every need in scope is in the table once."""
    column_of: dict[str, str] = {}
    names: dict[str, str] = {NO_SECTION: "Næring ikke oppgitt", OTHER_SECTIONS: "Andre næringer"}
    for need in needs:
        if need.owner_kind in KIND_COLUMNS:
            column_of[need.ref] = KIND_COLUMNS[need.owner_kind]
            continue
        found = reference.industry_section(industry.get(need.employer_ref))
        column_of[need.ref] = found.code if found else NO_SECTION
        if found:
            names[found.code] = found.name
    totals: dict[str, int] = {}
    for key in column_of.values():
        totals[key] = totals.get(key, 0) + 1
    kinds = [c for c in KIND_COLUMNS.values() if c in totals]
    letters = sorted((k for k in totals if k != NO_SECTION and k not in kinds), key=lambda k: (-totals[k], k))
    kept = set(letters if len(letters) <= MAX_SECTION_COLUMNS + 1 else letters[:MAX_SECTION_COLUMNS])
    sections = sorted(kept)
    if len(kept) < len(letters):
        sections.append(OTHER_SECTIONS)
    if NO_SECTION in totals:
        sections.append(NO_SECTION)
    columns = [*sections, *kinds]
    rows = sorted({_row_of(n) for n in needs} | {(0, m) for m in scope.municipalities}, key=_row_order)
    if scope.municipalities:  # a need outside the municipalities chosen (none are loaded) has no row
        rows = [r for r in rows if r[0] != 2]
    row_of = {key: i for i, key in enumerate(rows)}
    col_of = {c: i for i, c in enumerate(columns)}
    cells: dict[tuple[int, int], list[tuple[Owner, int]]] = {}
    for need in needs:
        key = column_of[need.ref]
        column = col_of.get(key, col_of.get(OTHER_SECTIONS))
        row = row_of.get(_row_of(need))
        if row is None or column is None:
            continue
        cells.setdefault((row, column), []).append(contribution(need))
    legend = tuple((c, names[c]) for c in sections)
    return CrossTable.of([_row_label(r) for r in rows], columns, {key: Share.of(c) for key, c in cells.items()}), legend


REGION_ROW = "(regionen)"  # after the name of a region: the needs the region has for itself
Row = tuple[int, str]  # (0, a municipality's number), (1, a region's name) or (2, "") for no municipality


def _row_of(need: Any) -> Row:
    if need.municipality:
        return 0, need.municipality
    if need.owner_kind == "community" and need.employer_ref:
        return 1, need.employer_ref  # a region's own need (matching.engine.aggregation keys it so)
    return 2, ""


def _row_order(row: Row) -> tuple[int, str]:
    kind, key = row
    return kind, sort_key(reference.municipality_label(key) if kind == 0 else key)


def _row_label(row: Row) -> str:
    kind, key = row
    if kind == 0:
        return reference.municipality_label(key)
    return f"{key} {REGION_ROW}" if kind == 1 else "Kommune ikke oppgitt"


# ---------------------------------------------------------------- the PDF

def info(data: HandoutData, printed_at: dt.datetime | None = None) -> ReportInfo:
    return ReportInfo(title=f"Kompetansebehov i {data.scope.label}",
                      subtitle="Møteunderlag: behov, tilbud og kurs å bestille (anonymisert)", date=data.as_of,
                      printed_at=style.printed_time(printed_at))


def _count_phrase(text: str, one: str, many: str) -> str:
    """'12 personer'; a hidden figure (':') → 'et skjult antall personer'."""
    if text == HIDDEN_TEXT:
        return f"et skjult antall {many}"
    return f"{text} {one if text == '1' else many}"


def story(data: HandoutData) -> list[Flowable]:
    """Page 1: the summary (key figures, what should happen now, the charts); then the details."""
    s = style.styles()
    flow: list[Flowable] = []
    if data.empty:
        flow.append(style.para(
            f"Det er ingen åpne kompetansebehov registrert i {data.scope.label} per {format_date(data.as_of)}, så "
            "møteunderlaget har ingenting å vise. Registrer behovene til arbeidsgivere, privatpersoner og "
            "lokalsamfunn (under Behov, eller ved å importere dem), eller velg andre kommuner, og skriv ut på nytt.",
            s.body))
    else:
        flow.extend(_summary(data))
        flow.append(CondPageBreak(style.content_height() / 3))  # details on a new page unless a third is free
        flow.extend(_needs_section(data))
        flow.extend(_groups_section(data))
        flow.extend(_to_order_section(data))
        flow.extend(_offers_section(data))
    flow.append(style.heading("Personvern", 2))
    flow.append(style.para(PRIVACY_NOTE, s.note))
    return flow


PRIVACY_NOTE = (
    "Dokumentet er anonymisert. Det inneholder ingen kontaktpersoner, e-postadresser, telefonnumre eller notater, "
    "og ingen privatpersoner er navngitt. Behovene er meldt av arbeidsgivere, privatpersoner (egne ønsker om "
    "utdanning) og lokalsamfunn (en kommune eller en region); hver av dem teller som én. Privatpersoner er bare "
    "med i tallene når de har samtykket til anonym statistikk. Et tall vises bare når minst 3 står bak det og ingen "
    "av dem står for mer enn 80\u00a0% av det; ellers vises «:». Hvor mange som er arbeidsgivere, privatpersoner og "
    "lokalsamfunn, vises bare når hvert slag oppfyller den samme regelen; ellers står de samlet («til sammen»). Der "
    "et skjult tall ellers kunne regnes ut fra summene, er også andre tall skjult, slik SSB gjør. Skjulte grupper "
    "står til slutt i tabellene, etter region og tema. Bare arbeidsgivere som har sagt ja til det, er navngitt, og "
    "bare ved tall som vises («blant dem …»); listen er ikke nødvendigvis fullstendig.")
NEAR_MINIMUM = 0.5  # a group with at least half its offer's minimum class is "close"
TOPIC_BARS, OFFER_BARS = 8, 12
CLASSES_SHOWN = 2  # the seat chart shows offers whose interest is at most two classes


def _summary(data: HandoutData) -> list[Flowable]:
    s = style.styles()
    table = data.needs_table
    kinds = data.persons.total_kinds
    flow: list[Flowable] = [
        style.heading("Sammendrag"),
        style.key_figures([
            (table.grand_total, "åpne behov"),
            (kinds.total_text, contributors_label(kinds)),
            (data.persons.total_text, "personer"),
            (group_thousands(len(data.groups)), "grupper med tilbud"),
            (group_thousands(len(data.to_order)), "grupper uten tilbud"),
        ]),
        style.para(
            f"Studiesenteret har registrert {_count_phrase(table.grand_total, 'åpent behov', 'åpne behov')} fra "
            f"{contributors_phrase(kinds)} i {data.scope.label}, til sammen "
            f"{_count_phrase(data.persons.total_text, 'person', 'personer')}. Behov om samme tema, på samme nivå og i "
            f"samme region er lagt sammen til grupper på tvers av {EVERY_KIND}; en gruppe starter som klasse når den "
            "når tilbyderens minste klasse.", s.body),
        style.heading("Dette bør skje nå", 2),
    ]
    flow.extend(style.bullets(_now_steps(data)))
    contact = data.letterhead.contact_sentence()
    if contact:
        flow.append(style.para(f"Arbeidsgivere, lokalsamfunn og enkeltpersoner som vil være med, melder fra til "
                               f"studiesenteret: {contact}.", s.body))
    flow.extend(_charts(data))
    return flow


def _now_steps(data: HandoutData) -> list[str]:
    """The largest demand no offer meets, deadlines in the next 60 days and groups close to their minimum."""
    steps: list[str] = []
    whole = data.scope.whole_regions
    unmet = sorted((g for g in data.to_order if g.person_count), key=lambda g: -(g.person_count or 0))
    if unmet:
        largest = "; ".join(f"{g.label(whole)}: {plural(g.person_count or 0, 'person', 'personer')}" for g in unmet[:3])
        steps.append(f"Størst behov uten tilbud: {largest}. For kurs som må bestilles, tar studiesenteret kontakt "
                     "med tilbydere når nok deltakere er med.")
    elif data.to_order:
        steps.append(f"{plural(len(data.to_order), 'gruppe', 'grupper')} mangler tilbud, men så få står bak "
                     "at tallene ikke kan vises; se «Kurs å bestille».")
    else:
        steps.append("Alle behovene har et tilbud som passer.")
    labels = offer_labels(data.offers)
    soon = sorted({(o.application_deadline, labels[o.ref]) for o in data.offers
                   if o.application_deadline and deadline_soon(o.application_deadline, data.as_of)})
    steps.extend(deadline_step(deadline, data.as_of, label) for deadline, label in soon[:5])
    if len(soon) > 5:
        steps.append(f"… og {plural(len(soon) - 5, 'frist', 'frister')} til de neste {SOON_DAYS} dagene; se "
                     "«Tilbud som passer».")
    if not soon:
        steps.append(f"Ingen søknadsfrister de neste {SOON_DAYS} dagene.")
    close = sorted((g for g in data.groups if g.person_count and g.seats_min
                    and NEAR_MINIMUM * g.seats_min <= g.person_count < g.seats_min),
                   key=lambda g: ((g.seats_min or 0) - (g.person_count or 0), sort_key(g.label())))
    for g in close[:4]:
        missing = (g.seats_min or 0) - (g.person_count or 0)
        steps.append(f"Nær minste klasse: {g.label(whole)} har {g.person_count} av minst {g.seats_min} til "
                     f"«{g.offer_title}»; {plural(missing, 'deltaker', 'deltakere')} til, så kan klassen starte.")
    return steps


def _start_order(interest: int, offer: OfferFacts) -> tuple[int, int, str]:
    """Offers below their minimum class first, the closest first; then the rest, the largest first."""
    if offer.seats_min and interest < offer.seats_min:
        return 0, offer.seats_min - interest, sort_key(offer.title)
    return 1, -interest, sort_key(offer.title)


def _charts(data: HandoutData) -> list[Flowable]:
    """Demand by topic (with an offer, to order) and interest against class sizes, from shown groups only."""
    s = style.styles()
    flow: list[Flowable] = []
    by_topic: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for part, lines in ((0, data.groups), (1, data.to_order)):
        for g in lines:
            if g.person_count:
                key = sort_key(g.topic)
                labels.setdefault(key, g.topic)
                by_topic.setdefault(key, [0, 0])[part] += g.person_count
    hidden = sum(1 for g in (*data.groups, *data.to_order) if g.person_count is None)
    left_out = (f" {plural(hidden, 'gruppe', 'grupper')} med skjulte tall er ikke med." if hidden else "")
    width = style.content_width()
    if by_topic:
        top = sorted(by_topic, key=lambda k: (-sum(by_topic[k]), k))[:TOPIC_BARS]
        flow.append(style.heading("Etterspørsel etter tema", 2))
        flow.append(charts.topic_bars([charts.Bar(labels[k], tuple(by_topic[k])) for k in top],
                                      ("har tilbud", "må bestilles"), width))
        flow.append(style.para(f"Personer i gruppene, de {len(top)} største temaene.{left_out}", s.note))
    seats = {o.ref: o for o in data.offers}
    interest: dict[str, int] = {}
    for g in data.groups:
        if g.person_count and g.offer_ref in seats:
            interest[g.offer_ref] = interest.get(g.offer_ref, 0) + g.person_count
    # Only where the class size matters: interest within a couple of classes (else every bar runs off the scale).
    near = {r: n for r, n in interest.items() if n <= CLASSES_SHOWN * (seats[r].seats_max or 2 * (seats[r].seats_min
                                                                                                    or n))}
    labels = offer_labels(data.offers)  # the same names as in the tables
    if near:
        top = sorted(near, key=lambda r: _start_order(near[r], seats[r]))[:OFFER_BARS]
        bars = [charts.Bar(labels[r], (near[r],), seats[r].seats_min, seats[r].seats_max) for r in top]
        flow.append(style.heading("Interesse og klassestørrelse", 2))
        flow.append(charts.seat_bars(bars, ("personer i gruppene",), width))
        flow.append(style.para(f"Tilbudene der interessen er på størrelse med én eller to klasser, de som er nærmest "
                               f"å kunne starte først; {len(top)} av {len(interest)} tilbud.{left_out}", s.note))
    if len(near) < len(interest):
        flow.append(style.para(f"For {plural(len(interest) - len(near), 'tilbud', 'tilbud')} er interessen større "
                               "enn to klasser; tallene står i tabellen «Samlet etterspørsel med tilbud».", s.note))
    return flow


def _needs_section(data: HandoutData) -> list[Flowable]:
    s = style.styles()
    table = data.needs_table
    header = ["Kommune", *table.columns, "Sum"]
    rows: list[list[Any]] = []
    for r, label in enumerate(table.rows):
        rows.append([label, *(table.cell(r, c) for c in range(len(table.columns))), table.row_total(r)])
    rows.append(["Sum", *(table.column_total(c) for c in range(len(table.columns))), table.grand_total])
    columns = len(table.columns)
    widths = [_number_width([header[c], rows[-1][c]], [row[c] for row in rows[:-1]]) for c in range(1, columns + 2)]
    widths.insert(0, 1.0 - sum(widths))  # the municipalities take what the counts leave
    flow: list[Flowable] = [style.heading("Behov etter kommune og næring")]
    flow.append(style.para(_needs_intro(table), s.small_keep))
    flow.append(style.data_table(header, rows, widths, right=range(1, columns + 2), bold_first=False,
                                 total_row=True))
    flow.append(style.para(LEGEND, s.note))
    flow.append(style.para(" · ".join(f"{code}: {name}" for code, name in data.sections), s.note))
    return flow


def _needs_intro(table: CrossTable) -> str:
    kinds = {"Privatpersoner": KIND_COLUMNS["person"] in table.columns,
             "Lokalsamfunn": KIND_COLUMNS["community"] in table.columns}
    shown = [f"«{name}»" for name, present in kinds.items() if present]
    text = ("Antall åpne behov. Kolonnene er arbeidsgivernes næringer (SN2007-hovedområder, forklart under "
            "tabellen)")
    if shown:
        text += f"; {join_names(shown)} er egne behov som ikke hører til en næring"
    if any(label.endswith(REGION_ROW) for label in table.rows):
        text += (f". «{REGION_ROW}» etter navnet på en region er behov regionen har meldt for seg selv, ikke for "
                 "én kommune")
    return text + "."


MIN_COUNT_WIDTH = 26.0  # points: a column of single figures still reads as columns


def _number_width(bold: Sequence[str], plain: Sequence[str]) -> float:
    """The share of the page a column of counts needs: its widest text (the header and the sum row
    are bold, the counts not), padded, and never narrower than ``MIN_COUNT_WIDTH``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    style.register_fonts()
    text = max([stringWidth(line, style.FONT_BOLD, style.CELL_SIZE) for t in bold for line in t.split("\n")]
               + [stringWidth(t, style.FONT, style.CELL_SIZE) for t in plain])
    return max(text + 2 * style.CELL_PADDING + 1, MIN_COUNT_WIDTH) / style.content_width()


def _group_rows(lines: Sequence[GroupLine], with_offer: bool, labels: dict[str, str] | None = None
                ) -> list[list[Any]]:
    labels = labels or {}
    rows = []
    for g in lines:
        row: list[Any] = [g.topic, level_text(g.level), g.region, g.persons, g.contributors]
        if with_offer:
            row += [labels.get(g.offer_ref, g.offer_title), str(g.seats_min) if g.seats_min else "–"]
        rows.append(row)
    return rows


def _groups_section(data: HandoutData) -> list[Flowable]:
    if not data.groups:
        return []
    s = style.styles()
    return [
        style.heading("Samlet etterspørsel med tilbud"),
        style.para(f"Behov om samme tema, på samme nivå og i samme region er lagt sammen på tvers av {EVERY_KIND}. "
                   "«Minste klasse» er antall deltakere tilbyderen trenger for å starte.", s.small_keep),
        style.data_table(["Tema", "Nivå", "Region", "Personer", "Meldt av", "Tilbud", "Minste klasse"],
                         _group_rows(data.groups, True, offer_labels(data.offers)),
                         [0.17, 0.11, 0.11, 0.11, 0.19, 0.22, 0.09],
                         right=(3, 6), extra_style=[("RIGHTPADDING", (3, 0), (3, -1), 7)]),
        style.para(_group_legend(data.groups), s.note),
    ]


def _group_legend(lines: Sequence[GroupLine]) -> str:
    """The legend, and what «til sammen» means where a line says it."""
    together = any(g.contributors.endswith(TOGETHER) for g in lines)
    return f"{LEGEND} {TOGETHER_NOTE}" if together else LEGEND


def _to_order_section(data: HandoutData) -> list[Flowable]:
    if data.empty:  # no needs: nothing to order, and nothing that "has an offer" either
        return []
    s = style.styles()
    flow: list[Flowable] = [style.heading("Kurs å bestille")]
    if not data.to_order:
        flow.append(style.para("Alle behovene har et tilbud som passer.", s.body))
        return flow
    flow.append(style.para("Ingen tilbud passer disse behovene ennå. Studiesenteret kan bestille kurs fra en "
                           "tilbyder når nok deltakere går sammen.", s.small_keep))
    flow.append(style.data_table(["Tema", "Nivå", "Region", "Personer", "Meldt av"],
                                 _group_rows(data.to_order, False), [0.3, 0.16, 0.14, 0.11, 0.29], right=(3,),
                                 extra_style=[("RIGHTPADDING", (3, 0), (3, -1), 7)]))
    flow.append(style.para(_group_legend(data.to_order), s.note))
    return flow


def _offers_section(data: HandoutData) -> list[Flowable]:
    if not data.offers:
        return []
    s = style.styles()
    rows = [[o.title, f"{o.provider}\n{o.credits_text}, {o.level_text}", f"{o.format_place_text}\n{o.period_text}",
             o.sessions_text, f"Frist {o.deadline_text}\n{o.price_text}"] for o in data.offers]
    return [
        style.heading("Tilbud som passer"),
        style.para("Kurstilbudene som gruppene over er koblet til.", s.small_keep),
        style.data_table(["Tilbud", "Tilbyder og studiepoeng", "Format, sted og periode", "Samlinger",
                          "Søknad og pris"], rows, [0.2, 0.21, 0.22, 0.19, 0.18], bold_first=True),
    ]


def build(data: HandoutData, printed_at: dt.datetime | None = None) -> bytes:
    """The handout as PDF bytes (pure: no database, no Qt)."""
    return style.build_pdf(story(data), info(data, printed_at), data.letterhead)


__all__ = ["HandoutData", "Scope", "build", "load", "resolve_scope"]
