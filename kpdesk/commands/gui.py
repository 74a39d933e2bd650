"""``kpdesk [--db PATH]``: open the main window.

The file is checked with plain sqlite3 before any window appears, so a bad --db gives a message
and exit 1, never a blank window. SQLAlchemy and Alembic are imported after the first paint.
"""

from __future__ import annotations

import argparse
import os
import sys

from kpdesk.common.errors import UserError


def _check_display() -> None:
    """Qt aborts the process when it finds no screen; say so in words instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise UserError("Fant ingen skjerm (verken DISPLAY eller WAYLAND_DISPLAY er satt), så vinduet kan ikke "
                        "åpnes. Start kpdesk fra skrivebordet, eller bruk kommandoene (kpdesk --help).")


def run(args: argparse.Namespace) -> int:
    from kpdesk.common.paths import ServerAddress, resolve_location
    from kpdesk.db.inspection import inspect_file

    path = resolve_location(args.db)
    if isinstance(path, ServerAddress):
        raise UserError(f"Vinduet åpner ennå ikke en databaseserver ({path.shown}); kommandoene gjør det "
                        "(kpdesk import, match, report, export, check og demo med --db postgresql://…). Åpne en "
                        "databasefil i vinduet.")
    inspect_file(path)
    _check_display()
    from kpdesk.ui.app import run_app

    return run_app(path)
