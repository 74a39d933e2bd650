"""``kpdesk export employers|needs --out FILE``: write the broker register as CSV.

The file has the columns ``kpdesk import`` reads (``;``, UTF-8 with BOM, dd.mm.yyyy), so it can
be edited in Excel and imported again.
"""

from __future__ import annotations

import argparse

KIND_CHOICES = {"employers": "employers", "arbeidsgivere": "employers", "needs": "needs", "behov": "needs"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("export", help="eksporter arbeidsgivere eller behov til en CSV-fil")
    parser.add_argument("kind", metavar="HVA", choices=tuple(KIND_CHOICES),
                        help="employers (arbeidsgivere) eller needs (behov)")
    parser.add_argument("--out", metavar="FIL", required=True, help="CSV-filen som skal skrives")
    add_db_option(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kpdesk import transfer
    from kpdesk.db.store import Store
    from kpdesk.errors import UserError
    from kpdesk.paths import resolve_db_path

    kind = KIND_CHOICES[args.kind]
    path = resolve_db_path(args.db)
    if not path.exists():
        raise UserError(f"{path} finnes ikke.")
    out = Path(args.out).expanduser()
    store = Store.open(path)
    try:
        with store.session() as session:
            count = transfer.export(session, kind, out)
    finally:
        store.close()
    print(f"Eksporterte {transfer.count_words(kind, count)} til {out}.")
    return 0
