"""``kpdesk export employers|needs|providers|offers|runs --out FILE``: write the register (and the
course runs) as CSV.

``kpdesk export ics --out FILE.ics [--room NAME]`` writes the room bookings as iCalendar instead
(kpdesk.booking.ical): series as RRULE with EXDATE, Europe/Oslo times, for Outlook and Google Calendar.

``kpdesk export invoice --from DATE --to DATE --out FILE.csv [--institution NAME] [--pdf FILE.pdf]``
writes the exams' invoice basis (kpdesk.transfer.invoice), and with ``--pdf`` the same per
institution as a PDF (kpdesk.reports.exam_papers); both are checked before either is written.

The file has the columns ``kpdesk import`` reads (``;``, UTF-8 with BOM, dd.mm.yyyy), so it can
be edited in Excel and imported again.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from kpdesk.common.paths import Location

KIND_CHOICES = {"employers": "employers", "arbeidsgivere": "employers", "needs": "needs", "behov": "needs",
                "providers": "providers", "tilbydere": "providers", "offers": "offers", "kurstilbud": "offers",
                "runs": "runs", "gjennomføringer": "runs",
                "ics": "ics", "ical": "ics", "kalender": "ics", "invoice": "invoice", "fakturagrunnlag": "invoice"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option
    from kpdesk.commands.report import add_period_options

    parser = subparsers.add_parser("export", help="eksporter arbeidsgivere, behov, tilbydere, kurstilbud eller "
                                                  "gjennomføringer til en CSV-fil, bookingene til en .ics-fil, "
                                                  "eller fakturagrunnlaget for eksamener")
    parser.add_argument("kind", metavar="HVA", choices=tuple(KIND_CHOICES),
                        help="employers (arbeidsgivere), needs (behov), providers (tilbydere), offers "
                             "(kurstilbud) eller runs (gjennomføringer); ics (bookingene som iCalendar-fil); "
                             "invoice (fakturagrunnlag for eksamener)")
    parser.add_argument("--out", metavar="FIL", required=True, help="CSV-filen (eller .ics-filen) som skal skrives")
    parser.add_argument("--room", metavar="ROM", help="ics: bare bookingene i dette rommet")
    add_period_options(parser, required=False, what="invoice: ")
    parser.add_argument("--pdf", metavar="FIL.pdf", help="invoice: skriv også fakturagrunnlaget per institusjon "
                                                          "som PDF")
    add_db_option(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kpdesk import transfer
    from kpdesk.commands import database
    from kpdesk.common.errors import UserError
    from kpdesk.db.store import Store

    kind = KIND_CHOICES[args.kind]
    path = database(args.db)
    out = Path(args.out).expanduser()
    if kind == "ics":
        return _run_ics(path, out, args.room)
    if args.room:
        raise UserError("--room gjelder bare eksport av bookinger som ics.")
    if kind == "invoice":
        return _run_invoice(args, path, out)
    if args.first or args.last or args.institution or args.pdf:
        raise UserError("--from, --to, --institution og --pdf gjelder bare eksport av fakturagrunnlag (invoice).")
    store = Store.open(path)
    try:
        with store.session() as session:
            count = transfer.export(session, kind, out)
    finally:
        store.close()
    print(f"Eksporterte {transfer.count_words(kind, count)} til {out}.")
    return 0


def _run_ics(path: Location, out: Path, room: str | None) -> int:
    from kpdesk.booking import ical
    from kpdesk.booking.rooms import room_id_for_name
    from kpdesk.db.store import Store

    store = Store.open(path)
    try:
        with store.session() as session:
            room_id = room_id_for_name(session, room) if room else None
            result = ical.export_ics(session, out, room_id)
    finally:
        store.close()
    print(result.sentence(out))
    return 0


def _run_invoice(args: argparse.Namespace, path: Location, out: Path) -> int:
    from kpdesk.commands.report import period_of
    from kpdesk.common.errors import UserError
    from kpdesk.common.norsk import format_date
    from kpdesk.db.store import Store
    from kpdesk.reports import exam_papers
    from kpdesk.reports.style import check_output_path, write_pdf
    from kpdesk.transfer.invoice import write_invoice

    if out.suffix.casefold() == ".pdf":
        raise UserError(f"--out {out.name} er fakturagrunnlaget som CSV; skriv en fil som slutter på .csv, og "
                        "bruk --pdf FIL.pdf (eller kpdesk report invoice) for PDF-en.")
    first, last, institution = period_of(args)
    pdf = check_output_path(args.pdf) if args.pdf else None
    store = Store.open(path)
    try:
        with store.session() as session:
            data = exam_papers.load_invoice(session, first, last, institution)
            paper = exam_papers.build_invoice(data) if pdf is not None else None
            count = write_invoice(session, out, data.lines)
    finally:
        store.close()
    if pdf is not None and paper is not None:
        write_pdf(pdf, paper)
    period = f"{format_date(first)}–{format_date(last)}"
    also = f" og {pdf}" if pdf is not None else ""
    print(f"Eksporterte fakturagrunnlaget for {count} {'eksamen' if count == 1 else 'eksamener'} ({period}) til "
          f"{out}{also}.")
    return 0
