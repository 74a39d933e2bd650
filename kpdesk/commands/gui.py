"""``kpdesk [--db PATH]``: open the main window.

The file is checked with plain sqlite3 before any window appears, so a bad --db gives a message
and exit 1, never a blank window. SQLAlchemy and Alembic are imported after the first paint.
"""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from kpdesk.db.store import inspect_file
    from kpdesk.paths import resolve_db_path

    path = resolve_db_path(args.db)
    inspect_file(path)
    from kpdesk.ui.app import run_app

    return run_app(path)
