"""``kpdesk restore --db PATH --from FILE``: put a backup back in place of the database.

FILE must be a kpdesk database at a schema revision this kpdesk knows, whose tables, indexes,
triggers and views are exactly what kpdesk's migrations make at that revision (nothing extra), and
that passes SQLite's ``integrity_check``; otherwise the command says why and exits 1 with the
database unchanged.
What is replaced is first saved in the backups folder, and the swap is one ``os.replace``.
Erasures of personal data recorded in the replaced database since the copy was taken are done
again on it (``kpdesk.admin.erasure.restore_keeping_erasures``).
"""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("restore", help="gjenopprett databasen fra en sikkerhetskopi")
    add_db_option(parser, required="databasen som skal erstattes av sikkerhetskopien")
    parser.add_argument("--from", dest="source", metavar="FIL", required=True,
                        help="sikkerhetskopien som skal tilbake (for eksempel fra backups-mappen)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kpdesk.admin.erasure import restore_keeping_erasures
    from kpdesk.db.migrate import head_revision

    db = Path(args.db).expanduser()
    outcome = restore_keeping_erasures(db, Path(args.source).expanduser())
    result = outcome.result
    text = f"Gjenopprettet {db} fra {result.source} (skjema {result.revision})."
    if result.safety is not None:
        text += f" Databasen som ble erstattet, er lagret som {result.safety.path}."
    if result.revision != head_revision() and not outcome.erased_again:
        text += f" Den oppgraderes til skjema {head_revision()} neste gang den åpnes."
    print(" ".join([text, *outcome.notices]))
    return 0
