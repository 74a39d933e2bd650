"""``kpdesk report``: print a matching summary, an offer summary, a meeting handout, a week schedule
or a door sign to a PDF file.

Everything is read and checked before anything is written: an unknown employer, offer,
municipality, region, room, site or week stops the command with a Norwegian sentence on stderr and
exit code 1, and no file is created. The PDF is written to a temporary file in the target folder
and renamed over the target only when it is complete, so an existing file is either replaced
whole or left as it was.
"""

from __future__ import annotations

import argparse
import re

from kpdesk.commands import date_option, week_option
from kpdesk.common.errors import UserError

KINDS = ("matching", "offer", "handout", "schedule", "doorsign")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import NorwegianParser, add_db_option

    parser = subparsers.add_parser("report", help="skriv ut matchingoppsummering, tilbudsoppsummering, "
                                                  "møteunderlag, ukeplan eller dørskilt som PDF")
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
    sub.add_argument("--as-of", metavar="DATO", help="referansedato (standard: i dag)")

    sub = common("schedule", "ukeplan for alle rom, rommene på ett sted eller ett rom (A4 liggende)")
    sub.add_argument("--week", metavar="ÅÅÅÅ-Wnn", required=True, help="uken, for eksempel 2027-W20")
    sub.add_argument("--room", metavar="NAVN", help="bare dette rommet")
    sub.add_argument("--site", metavar="NAVN", help="bare rommene på dette stedet, for eksempel Mosjøen")
    sub.add_argument("--weekend", action="store_true", help="ta med lørdag og søndag")

    sub = common("doorsign", "dørskilt for ett rom og én dag")
    sub.add_argument("--room", metavar="NAVN", required=True, help="rommet")
    sub.add_argument("--date", metavar="DD.MM.ÅÅÅÅ", required=True, help="dagen")


def _week(args: argparse.Namespace) -> str:
    """``--week`` of ``report schedule``, checked here and handed on as '2027-W20'; "" for other kinds."""
    if args.report != "schedule":
        return ""
    year, week = week_option(args.week, "--week")
    return f"{year}-W{week:02d}"


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", data))


def run(args: argparse.Namespace) -> int:
    from kpdesk.commands.match import parse_as_of
    from kpdesk.common.paths import resolve_db_path
    from kpdesk.db.store import Store
    from kpdesk.reports.report_loader import ReportRequest, load_report
    from kpdesk.reports.style import check_output_path, write_pdf

    path = resolve_db_path(args.db)
    if not path.exists():
        raise UserError(f"{path} finnes ikke.")
    out = check_output_path(args.out)
    kind = args.report
    request = ReportRequest(
        kind,
        employer=getattr(args, "employer", "") or "",
        offer=getattr(args, "offer", "") or "",
        municipalities=tuple(getattr(args, "municipality", ()) or ()),
        region=getattr(args, "region", "") or "",
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
    data = loaded.build()
    write_pdf(out, data)
    pages = _pages(data)
    print(f"Lagret {loaded.description} i {out} ({pages} {'side' if pages == 1 else 'sider'}).")
    return 0
