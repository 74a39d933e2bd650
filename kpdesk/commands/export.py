"""``kpdesk export employers|needs|providers|offers --out FILE``: write the register as CSV.

``kpdesk export ics --out FILE.ics [--room NAME]`` writes the room bookings as iCalendar instead
(kpdesk.booking.ical): series as RRULE with EXDATE, Europe/Oslo times, for Outlook and Google Calendar.

The file has the columns ``kpdesk import`` reads (``;``, UTF-8 with BOM, dd.mm.yyyy), so it can
be edited in Excel and imported again.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

KIND_CHOICES = {"employers": "employers", "arbeidsgivere": "employers", "needs": "needs", "behov": "needs",
                "providers": "providers", "tilbydere": "providers", "offers": "offers", "kurstilbud": "offers",
                "ics": "ics", "ical": "ics", "kalender": "ics"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("export", help="eksporter arbeidsgivere, behov, tilbydere eller "
                                                  "kurstilbud til en CSV-fil, eller bookingene til en .ics-fil")
    parser.add_argument("kind", metavar="HVA", choices=tuple(KIND_CHOICES),
                        help="employers (arbeidsgivere), needs (behov), providers (tilbydere) eller "
                             "offers (kurstilbud); ics (bookingene som iCalendar-fil)")
    parser.add_argument("--out", metavar="FIL", required=True, help="CSV-filen (eller .ics-filen) som skal skrives")
    parser.add_argument("--room", metavar="ROM", help="ics: bare bookingene i dette rommet")
    add_db_option(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kpdesk import transfer
    from kpdesk.common.errors import UserError
    from kpdesk.common.paths import resolve_db_path
    from kpdesk.db.store import Store

    kind = KIND_CHOICES[args.kind]
    path = resolve_db_path(args.db)
    if not path.exists():
        raise UserError(f"{path} finnes ikke.")
    out = Path(args.out).expanduser()
    if kind == "ics":
        return _run_ics(path, out, args.room)
    if args.room:
        raise UserError("--room gjelder bare eksport av bookinger som ics.")
    store = Store.open(path)
    try:
        with store.session() as session:
            count = transfer.export(session, kind, out)
    finally:
        store.close()
    print(f"Eksporterte {transfer.count_words(kind, count)} til {out}.")
    return 0


def _run_ics(path: Path, out: Path, room: str | None) -> int:
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
