"""``kpdesk check``: integrity, schema, schema revision and a one-line summary. Changes nothing.

The file must pass ``PRAGMA integrity_check`` and have exactly the schema kpdesk's migrations
make at its revision (``kpdesk.db.backup.verify_database_file``, the same test a restore puts a
copy through), and its references between tables must hold. A server (``--db postgresql://…``)
must answer and hold a kpdesk schema (``_check_server``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kpdesk.common.errors import UserError

if TYPE_CHECKING:
    from kpdesk.db.store import Store


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("check", help="kontroller databasen og vis hva den inneholder")
    add_db_option(parser)


def run(args: argparse.Namespace) -> int:
    from kpdesk.admin.database_summary import summarise
    from kpdesk.commands import database
    from kpdesk.common.paths import ServerAddress
    from kpdesk.db.backup import verify_database_file
    from kpdesk.db.inspection import inspect_file
    from kpdesk.db.migrate import head_revision
    from kpdesk.db.store import Store

    path = database(args.db)
    if isinstance(path, ServerAddress):
        store = Store.open(path, migrate=False, read_only=True)
        read_revision = _server_revision
    else:
        inspect_file(path)  # refuses what kpdesk could not open for writing (a read-only file, say)
        revision = verify_database_file(path)  # integrity and schema, read only
        store = Store.open(path, migrate=False, read_only=True)  # runs beside a window that has it open

        def read_revision(store: Store) -> str:
            _refuse_broken_references(store)
            return revision

    try:
        revision = read_revision(store)
        head = head_revision()
        revision_note = "nyeste" if revision == head else f"eldre; oppgraderes til {head} ved åpning"
        with store.session() as session:
            summary = summarise(session)
    finally:
        store.close()
    print(f"OK: {store.name}, skjema {revision} ({revision_note}): {summary.sentence()}.")
    return 0


def _refuse_broken_references(store: Store) -> None:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        fk_problems = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
    if fk_problems:
        raise UserError(f"{store.path} har {len(fk_problems)} brutte referanser mellom tabeller.")


def _server_revision(store: Store) -> str:
    """The schema revision of a region's register on a server; a UserError when it has none yet."""
    from kpdesk.db.server import server_revision

    with store.engine.connect() as conn:
        revision = server_revision(conn)
    if revision is None:
        raise UserError(f"{store.name} svarer, men har ingen kpdesk-database ennå. Den lages når kpdesk "
                        "åpner den for skriving (for eksempel kpdesk import eller kpdesk demo).")
    return revision
