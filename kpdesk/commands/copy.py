"""``kpdesk copy --from DB --to DB``: every row of one kpdesk database into a new or empty one, a file
or a ``postgresql://`` server either way (``kpdesk.db.copy``), each table's row count verified."""

from __future__ import annotations

import argparse

from kpdesk.common.errors import UserError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("copy", help="kopier hele databasen til en ny eller tom database (fil eller "
                                                "PostgreSQL-server)")
    parser.add_argument("--from", dest="source", metavar="DB", required=True,
                        help="databasen det kopieres fra: en fil eller postgresql://bruker@tjener/database")
    parser.add_argument("--to", dest="target", metavar="DB", required=True,
                        help="den nye eller tomme databasen det kopieres til (fil eller server)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kpdesk.commands import database, open_database
    from kpdesk.common.norsk import group_thousands, plural
    from kpdesk.db.copy import copy_database
    from kpdesk.db.store import Store

    source_at, target_at = database(args.source), database(args.target, must_exist=False)
    if str(source_at) == str(target_at):
        raise UserError("--from og --to er samme database; oppgi en ny eller tom database å kopiere til.")
    source = open_database(args.source, daily_backup=False)
    new_file = target_at if isinstance(target_at, Path) and not target_at.exists() else None
    try:
        target = Store.open(target_at, daily_backup=False)
        try:
            result = copy_database(source, target)
        finally:
            target.close()
    except BaseException:
        if new_file is not None:  # a file this command made is not left behind half-made
            for leftover in (new_file, *(new_file.with_name(new_file.name + end) for end in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    tables = plural(len(result.counts), "tabell", "tabeller")
    print(f"Kopierte {group_thousands(result.rows)} rader i {tables} fra {source.name} til {target.name}; "
          "antall rader i hver tabell er kontrollert.")
    return 0
