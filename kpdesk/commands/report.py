"""``kpdesk report``: print a matching summary, an offer summary, a meeting handout, a week schedule,
a door sign, an exam's sign-in sheet, the exams' invoice basis or the year's report (with its
figures as CSV, ``--csv``) to a PDF file.

Everything is read and checked before anything is written: an unknown employer, offer,
municipality, region, room, site or week stops the command with a Norwegian sentence on stderr and
exit code 1, and no file is created. The PDF is written to a temporary file in the target folder
and renamed over the target only when it is complete, so an existing file is either replaced
whole or left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from typing import TYPE_CHECKING

from kpdesk.commands import date_option, week_option
from kpdesk.common.errors import UserError

if TYPE_CHECKING:
    from pathlib import Path

    from kpdesk.common.paths import Location

KINDS = ("matching", "offer", "handout", "schedule", "doorsign", "signin", "invoice", "annual")
EXAM_KINDS = frozenset({"signin", "invoice"})  # kpdesk.reports.exam_papers, not the Utskrifter page's reports


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import NorwegianParser, add_db_option

    parser = subparsers.add_parser("report", help="skriv ut matchingoppsummering, tilbudsoppsummering, "
                                                  "møteunderlag, ukeplan, dørskilt, oppmøteliste for eksamen, "
                                                  "fakturagrunnlag for eksamener eller årsrapport som PDF")
    kinds = parser.add_subparsers(dest="report", metavar="RAPPORT", parser_class=NorwegianParser, required=True)

    def common(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = kinds.add_parser(name, help=help_text)
        add_db_option(sub)
        sub.add_argument("--out", metavar="FIL.pdf", required=True, help="PDF-filen som skal skrives")
        return sub

    sub = common("matching", "kurstilbud som passer en arbeidsgivers åpne behov, med begrunnelse")
    sub.add_argument("--employer", metavar="ORGNR", required=True,
                     help="arbeidsgiverens organisasjonsnummer, eller navn (hele navnet eller en entydig del)")
    sub.add_argument("--as-of", metavar="DATO", help="referansedato (standard: i dag)")

    sub = common("offer", "et kurstilbud med arbeidsgiverne og behovene som er interessert")
    sub.add_argument("--offer", metavar="REF", required=True, help="tilbudets referanse, for eksempel T0001")
    sub.add_argument("--as-of", metavar="DATO", help="referansedato (standard: i dag)")

    sub = common("handout", "anonymt møteunderlag for en region eller noen kommuner")
    sub.add_argument("--municipality", metavar="NR", action="append", default=[],
                     help="kommunenummer (eller navn); kan gjentas; uten: alle kommuner")
    sub.add_argument("--region", metavar="NAVN", help="alle kommunene i denne regionen")
    sub.add_argument("--centre", metavar="NAVN", help="bare behovene til dette senteret (standard: hele regionen)")
    sub.add_argument("--as-of", metavar="DATO", help="referansedato (standard: i dag)")

    sub = common("schedule", "ukeplan for alle rom, rommene på ett sted eller ett rom (A4 liggende)")
    sub.add_argument("--week", metavar="ÅÅÅÅ-Wnn", required=True, help="uken, for eksempel 2027-W20")
    sub.add_argument("--room", metavar="NAVN", help="bare dette rommet")
    sub.add_argument("--site", metavar="NAVN", help="bare rommene på dette stedet, for eksempel Mosjøen")
    sub.add_argument("--weekend", action="store_true", help="ta med lørdag og søndag")

    sub = common("doorsign", "dørskilt for ett rom og én dag")
    sub.add_argument("--room", metavar="NAVN", required=True, help="rommet")
    sub.add_argument("--date", metavar="DD.MM.ÅÅÅÅ", required=True, help="dagen")

    sub = common("signin", "oppmøteliste for en eksamen, med instruks for eksamensvaktene")
    sub.add_argument("--exam", metavar="REF", required=True, help="eksamens referanse, for eksempel EKS-2027-01")

    sub = common("invoice", "fakturagrunnlag for eksamener i en periode, per institusjon")
    add_period_options(sub)

    sub = common("annual", "årsrapport: behov, kurs startet og gjennomført, deltakere, studiepoeng, eksamener og "
                           "romtimer i ett år")
    sub.add_argument("--year", metavar="ÅÅÅÅ", required=True, help="året, for eksempel 2027")
    sub.add_argument("--csv", metavar="FIL.csv", help="skriv også tallene til en CSV-fil (figure;value)")


def add_period_options(parser: argparse.ArgumentParser, *, required: bool = True, what: str = "") -> None:
    """``--from``, ``--to`` and ``--institution`` of the exams' invoice basis (report and export)."""
    parser.add_argument("--from", dest="first", metavar="DATO", required=required,
                        help=f"{what}første dag (dd.mm.åååå)")
    parser.add_argument("--to", dest="last", metavar="DATO", required=required, help=f"{what}siste dag (dd.mm.åååå)")
    parser.add_argument("--institution", metavar="NAVN", help=f"{what}bare denne institusjonen")


def _week(args: argparse.Namespace) -> str:
    """``--week`` of ``report schedule``, checked here and handed on as '2027-W20'; "" for other kinds."""
    if args.report != "schedule":
        return ""
    year, week = week_option(args.week, "--week")
    return f"{year}-W{week:02d}"


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", data))


def run(args: argparse.Namespace) -> int:
    from kpdesk.commands import database
    from kpdesk.commands.match import parse_as_of
    from kpdesk.db.store import Store
    from kpdesk.reports.report_loader import ReportRequest, load_report
    from kpdesk.reports.style import check_output_path

    path = database(args.db)
    out = check_output_path(args.out)
    kind = args.report
    if kind in EXAM_KINDS:
        return _run_exam_paper(args, path, out)
    if kind == "annual":
        return _run_annual(args, path, out)
    request = ReportRequest(
        kind,
        employer=getattr(args, "employer", "") or "",
        offer=getattr(args, "offer", "") or "",
        municipalities=tuple(getattr(args, "municipality", ()) or ()),
        region=getattr(args, "region", "") or "",
        centre=getattr(args, "centre", "") or "",
        week=_week(args),
        room=getattr(args, "room", "") or "",
        site=getattr(args, "site", "") or "",
        weekend=bool(getattr(args, "weekend", False)),
        day=date_option(args.date, "--date") if kind == "doorsign" else None,
        as_of=parse_as_of(args.as_of) if kind in ("matching", "offer", "handout") else None,
    )
    store = Store.open(path)
    try:
        with store.session() as session:
            loaded = load_report(session, request)
    finally:
        store.close()
    return _save(out, loaded.build(), loaded.description)


def _save(out: Path, data: bytes, description: str) -> int:
    from kpdesk.reports.style import write_pdf

    write_pdf(out, data)
    pages = _pages(data)
    print(f"Lagret {description} i {out} ({pages} {'side' if pages == 1 else 'sider'}).")
    return 0


def period_of(args: argparse.Namespace) -> tuple[dt.date, dt.date, str | None]:
    """(first day, last day, institution) from ``add_period_options``' options."""
    if args.first is None or args.last is None:
        raise UserError("Oppgi perioden med --from og --to, for eksempel --from 01.05.2027 --to 31.05.2027.")
    return (date_option(args.first, "--from"), date_option(args.last, "--to"),
            (args.institution or "").strip() or None)


def _run_exam_paper(args: argparse.Namespace, path: Location, out: Path) -> int:
    """``report signin`` and ``report invoice``: read in one session, build, write."""
    from kpdesk.db.store import Store
    from kpdesk.reports import exam_papers

    period = period_of(args) if args.report == "invoice" else None
    store = Store.open(path)
    try:
        with store.session() as session:
            if period is None:
                signin = exam_papers.load_signin(session, args.exam)
            else:
                invoice = exam_papers.load_invoice(session, *period)
    finally:
        store.close()
    if period is None:
        return _save(out, exam_papers.build_signin(signin), f"oppmøtelisten for eksamen {signin.detail.sitting.ref}")
    return _save(out, exam_papers.build_invoice(invoice), "fakturagrunnlaget for eksamenene")


def _year(text: str) -> int:
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) == 4 and 1900 < int(cleaned) < 2200):
        raise UserError(f"--year skal være et årstall med fire sifre, for eksempel 2027, ikke «{text}».")
    return int(cleaned)


def _csv_target(text: str | None) -> Path | None:
    from pathlib import Path

    if not text:
        return None
    target = Path(text).expanduser()
    if target.is_dir():
        raise UserError(f"{target} er en mappe; oppgi et filnavn, for eksempel {target / 'årsrapport.csv'}.")
    if target.suffix.casefold() != ".csv":
        raise UserError(f"{target.name} er ikke et CSV-filnavn; bruk et navn som slutter på .csv.")
    if not target.parent.is_dir():
        raise UserError(f"Mappen {target.parent} finnes ikke, så {target.name} kan ikke lagres der.")
    return target


def _run_annual(args: argparse.Namespace, path: Location, out: Path) -> int:
    """``report annual``: read the year in one session, build the PDF (and the CSV), then write them."""
    from kpdesk.common import csvfile
    from kpdesk.db.store import Store
    from kpdesk.reports import annual

    year = _year(args.year)
    csv_path = _csv_target(args.csv)
    store = Store.open(path)
    try:
        with store.session() as session:
            data = annual.load(session, year)
    finally:
        store.close()
    pdf = annual.build(data)
    if csv_path is not None:
        csvfile.write(csv_path, annual.CSV_COLUMNS, annual.csv_rows(data))
        print(f"Lagret tallene for {year} i {csv_path}.")
    return _save(out, pdf, f"årsrapporten for {year}")
