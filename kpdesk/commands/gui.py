"""``kpdesk [--db PATH|postgresql://…]``: open the main window.

A file is checked with plain sqlite3 before any window appears, so a bad --db gives a message
and exit 1, never a blank window. A server (a region's register) is opened by the window, which
says so and offers «Prøv igjen» when it does not answer. SQLAlchemy and Alembic are imported after the first paint.
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

    location = resolve_location(args.db)
    if not isinstance(location, ServerAddress):  # a server is tried in the window, which offers «Prøv igjen»
        inspect_file(location)
    _check_display()
    from kpdesk.ui.app import run_app

    return run_app(location)
