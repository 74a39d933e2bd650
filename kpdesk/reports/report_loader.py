"""One entry for every printed report: what was asked for (``ReportRequest``), what can be asked
for (``load_choices``), and loading it (``load_report``).

The command line and the GUI's Utskrifter page both go through ``load_report``: it reads and
checks everything in one session (unknown employers, offers, municipalities, regions, rooms and
weeks raise ``UserError`` here, before any file exists) and returns a ``build`` function that
makes the PDF bytes from plain data, without the database. ReportLab is not thread-safe:
``kpdesk.reports.style.build_pdf`` builds one report at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kpdesk.common.errors import UserError
from kpdesk.common.norsk import file_slug, format_org_number, sort_key

KINDS: tuple[tuple[str, str], ...] = (
    ("matching", "Matchingoppsummering for en arbeidsgiver"),
    ("offer", "Oppsummering for et kurstilbud"),
    ("handout", "Møteunderlag (anonymt) for kommuner eller en region"),
    ("schedule", "Ukeplan for rommene"),
    ("doorsign", "Dørskilt for ett rom og én dag"),
    ("annual", "Årsrapport for ett år"),
)
KIND_KEYS = tuple(key for key, _label in KINDS)
USES_AS_OF = frozenset({"matching", "offer", "handout"})
WHOLE_RUN = frozenset({"offer", "handout"})  # these match every open need: reuse a run when there is one

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReportRequest:
    """What to print. Only the fields of the chosen ``kind`` are read."""

    kind: str
    employer: str = ""  # matching: organisation number
    offer: str = ""  # offer: reference
    municipalities: tuple[str, ...] = ()  # handout: numbers or names; none and no region = all
    region: str = ""  # handout
    centre: str = ""  # handout: only this centre's needs ("" = every centre: the whole region)
    week: str = ""  # schedule: '2027-W20'
    room: str = ""  # schedule (optional), doorsign
    site: str = ""  # schedule (optional): only the rooms at this site
    weekend: bool = False  # schedule
    day: dt.date | None = None  # doorsign
    as_of: dt.date | None = None  # matching, offer, handout (None: today)
    year: int | None = None  # annual

    def __post_init__(self) -> None:
        if self.kind not in KIND_KEYS:
            raise UserError(f"Ukjent utskrift «{self.kind}»; velg blant {', '.join(KIND_KEYS)}.")


@dataclass(frozen=True)
class LoadedReport:
    build: Callable[[], bytes]  # makes the PDF (no database; one at a time)
    description: str  # 'matchingoppsummeringen for Meløy kommune'
    file_name: str  # a suggested file name: 'matching-854604341-2027-01-11.pdf'
    table: tuple[tuple[str, ...], list[tuple[str, str]]] | None = None  # annual: (columns, rows) of its CSV


def load_report(session: Any, request: ReportRequest, progress: Progress | None = None,
                run: Any = None) -> LoadedReport:
    """Read and check everything the report needs; ``progress(done, total)`` during matching.

    ``run`` is a ``MatchingRun`` to reuse instead of matching again (the GUI passes its latest
    run while nothing has changed since); it is used only when it is for the report's date.
    """
    as_of = request.as_of or dt.date.today()
    kind = request.kind
    if kind == "matching":
        from kpdesk.reports import matching_summary

        summary = matching_summary.load(session, request.employer, as_of, run)
        return LoadedReport(lambda: matching_summary.build(summary),
                            f"matchingoppsummeringen for {summary.employer_name}",
                            f"matching-{summary.org_number}-{as_of.isoformat()}.pdf")
    if kind == "offer":
        from kpdesk.reports import offer_summary

        offer = offer_summary.load(session, request.offer, as_of, run, progress)
        return LoadedReport(lambda: offer_summary.build(offer), f"oppsummeringen for kurstilbud {offer.offer.ref}",
                            f"tilbud-{file_slug(offer.offer.ref)}-{as_of.isoformat()}.pdf")
    if kind == "handout":
        from kpdesk.reports import handout

        scope = handout.resolve_scope(session, request.municipalities, request.region or None, request.centre or None)
        figures = handout.load(session, scope, as_of, run, progress)
        return LoadedReport(lambda: handout.build(figures), f"møteunderlaget for {scope.label}",
                            f"moteunderlag-{file_slug(scope.label)}-{as_of.isoformat()}.pdf")
    if kind == "annual":
        from kpdesk.reports import annual

        if request.year is None:
            raise UserError("Oppgi året årsrapporten gjelder, for eksempel 2027.")
        data = annual.load(session, request.year)
        return LoadedReport(lambda: annual.build(data), f"årsrapporten for {data.year}", f"arsrapport-{data.year}.pdf",
                            (annual.CSV_COLUMNS, annual.csv_rows(data)))
    from kpdesk.reports import schedule

    if kind == "schedule":
        if not request.week.strip():
            raise UserError("Oppgi uken, for eksempel 2027-W20.")
        week = schedule.load_week(session, request.week, request.room or None, request.weekend,
                                  request.site or None)
        room = f"-{file_slug(week.room.name)}" if week.room else f"-{file_slug(week.site)}" if week.site else ""
        return LoadedReport(lambda: schedule.build_week(week),
                            f"ukeplanen for uke {week.schedule.iso_week}, {week.schedule.iso_year}",
                            f"ukeplan-{week.schedule.iso_year}-uke{week.schedule.iso_week:02d}{room}.pdf")
    if not request.room.strip():
        raise UserError("Velg rommet dørskiltet gjelder.")
    if request.day is None:
        raise UserError("Oppgi dagen dørskiltet gjelder.")
    sign = schedule.load_door_sign(session, request.room, request.day)
    return LoadedReport(lambda: schedule.build_door_sign(sign), f"dørskiltet for {sign.room.name}",
                        f"dorskilt-{file_slug(sign.room.name)}-{request.day.isoformat()}.pdf")


# ---------------------------------------------------------------- what can be chosen

@dataclass(frozen=True)
class ReportChoices:
    """What the Utskrifter page offers in its pickers (plain data)."""

    employers: tuple[tuple[str, str], ...] = ()  # (label 'Navn (988 077 917)', org number)
    offers: tuple[tuple[str, str], ...] = ()  # (label 'T0001 Tittel – Tilbyder', ref)
    municipalities: tuple[tuple[str, str], ...] = ()  # (label '1824 Vefsn', number): those with employers,
    # private persons or a community's needs
    regions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> municipality numbers
    rooms: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()  # the rooms' sites (Room.site), for a week schedule of one site
    centres: tuple[str, ...] = ()  # the centres' names, for a handout of one centre


def load_choices(session: Any) -> ReportChoices:
    from sqlalchemy import select

    from kpdesk.booking.rooms import list_sites
    from kpdesk.common import reference
    from kpdesk.db.models import Employer, Need, Offer, Person, Provider, Room
    from kpdesk.matching.persistence import load_regions
    from kpdesk.register.centres import list_centres

    employers = sorted(((f"{name} ({format_org_number(org)})", org) for org, name in
                        session.execute(select(Employer.org_number, Employer.name))), key=lambda p: sort_key(p[0]))
    offers = [(f"{ref} {title} – {provider}", ref) for ref, title, provider in
              session.execute(select(Offer.ref, Offer.title, Provider.name)
                              .join(Provider, Offer.provider_id == Provider.id).order_by(Offer.ref))]
    numbers = {n for column in (Employer.municipality, Person.municipality, Need.community)
               for n in session.execute(select(column).distinct()).scalars() if n and n.isdigit()}
    municipalities = []
    for number in numbers:
        found = reference.municipality(number)
        municipalities.append((found.label if found else number, number))
    municipalities.sort(key=lambda p: p[1])
    regions: dict[str, list[str]] = {}
    for number, names in load_regions(session).items():
        for name in names:
            regions.setdefault(name, []).append(number)
    rooms = sorted(session.execute(select(Room.name)).scalars(), key=sort_key)
    sites = list_sites(session)
    centres = tuple(c.name for c in list_centres(session))
    return ReportChoices(tuple(employers), tuple(offers), tuple(municipalities),
                         {name: tuple(sorted(regions[name])) for name in sorted(regions, key=sort_key)}, tuple(rooms),
                         tuple(sites), centres)
