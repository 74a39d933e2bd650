"""``kpdesk check``: integrity, schema, schema revision and a one-line summary. Changes nothing.

The file must pass ``PRAGMA integrity_check`` and have exactly the schema kpdesk's migrations
make at its revision (``kpdesk.db.backup.verify_database_file``, the same test a restore puts a
copy through), and its references between tables must hold.
"""

from __future__ import annotations

import argparse

from kpdesk.common.errors import UserError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("check", help="kontroller databasen og vis hva den inneholder")
    add_db_option(parser)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import text

    from kpdesk.admin.database_summary import summarise
    from kpdesk.common.paths import resolve_db_path
    from kpdesk.db.backup import verify_database_file
    from kpdesk.db.inspection import inspect_file
    from kpdesk.db.migrate import head_revision
    from kpdesk.db.store import Store

    path = resolve_db_path(args.db)
    if not path.exists():
        raise UserError(f"{path} finnes ikke.")
    inspect_file(path)  # refuses what kpdesk could not open for writing (a read-only file, say)
    revision = verify_database_file(path)  # integrity and schema, read only
    store = Store.open(path, migrate=False, read_only=True)  # runs beside a window that has it open
    try:
        with store.engine.connect() as conn:
            fk_problems = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
        if fk_problems:
            raise UserError(f"{path} har {len(fk_problems)} brutte referanser mellom tabeller.")
        head = head_revision()
        revision_note = "nyeste" if revision == head else f"eldre; oppgraderes til {head} ved åpning"
        with store.session() as session:
            summary = summarise(session)
    finally:
        store.close()
    print(f"OK: {path.name}, skjema {revision} ({revision_note}): {summary.sentence()}.")
    return 0
