"""``kpdesk import employers|persons|needs|providers|offers|rooms|bookings|exams|candidates|runs FILE``: read a CSV
file into kpdesk.

All or nothing: if any row is wrong, every problem is listed on stderr ("linje 7, kolonne
headcount: …") and the database is left as it was. (The module has a trailing underscore
because ``import`` is a Python keyword; kpdesk.cli maps the command name to it.)
"""

from __future__ import annotations

import argparse
import sys

KIND_CHOICES = {"employers": "employers", "arbeidsgivere": "employers", "persons": "persons", "personer": "persons",
                "needs": "needs", "behov": "needs",
                "providers": "providers", "tilbydere": "providers", "offers": "offers", "kurstilbud": "offers",
                "rooms": "rooms", "rom": "rooms", "bookings": "bookings", "bookinger": "bookings",
                "exams": "exams", "eksamener": "exams", "candidates": "candidates", "kandidater": "candidates",
                "runs": "runs", "gjennomføringer": "runs"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option
    from kpdesk.commands import add_centre_option

    parser = subparsers.add_parser("import", help="importer arbeidsgivere, personer, behov, tilbydere, kurstilbud, "
                                                  "rom, bookinger, eksamener, eksamenskandidater eller "
                                                  "gjennomføringer fra en CSV-fil")
    parser.add_argument("kind", metavar="HVA", choices=tuple(KIND_CHOICES),
                        help="employers (arbeidsgivere), persons (personer), needs (behov), providers (tilbydere), "
                             "offers (kurstilbud), rooms (rom), bookings (bookinger), exams (eksamener), "
                             "candidates (kandidater) eller runs (gjennomføringer)")
    parser.add_argument("file", metavar="FIL", help="CSV-fil med overskriftsrad (; , eller tabulator)")
    parser.add_argument("--dry-run", action="store_true", help="bare kontroller filen; ingenting lagres")
    add_centre_option(parser, "ditt senter: nye arbeidsgivere, behov og rom uten senter i filen havner der")
    add_db_option(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kpdesk import transfer
    from kpdesk.commands import centre_option, open_database
    from kpdesk.common import csvfile

    kind = KIND_CHOICES[args.kind]
    data = csvfile.read_bytes(args.file)  # a missing or unreadable file fails before the database is touched
    store = open_database(args.db, must_exist=False)  # an import may start a new file
    try:
        with store.session() as session:
            plan = transfer.plan_bytes(session, kind, data, Path(args.file).name, centre_option(args.centre))
            for problem in plan.problems:
                print(problem, file=sys.stderr)
            if plan.has_errors:
                n = len(plan.errors)
                print(f"kpdesk: {plan.source} har {n} feil, så ingenting er importert.", file=sys.stderr)
                return 1
            if args.dry_run:
                print(f"Kontrollert: {plan.sentence()} Ingenting er lagret.")
                return 0
        result = transfer.import_plan(store, plan)  # a backup first, then all rows, then the audit entry
    finally:
        store.close()
    print(result.sentence())
    return 0
