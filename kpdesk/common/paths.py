"""Where the database lives when no --db is given."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "KPDESK_DB"
DB_FILENAME = "kpdesk.sqlite"


def default_db_path() -> Path:
    """``$KPDESK_DB``, else ``kpdesk.sqlite`` in the user's data folder (Qt's standard paths)."""
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    from PySide6.QtCore import QStandardPaths  # QtCore only: no GUI below kpdesk/ui

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    folder = Path(base) / "kpdesk"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_FILENAME


def resolve_db_path(cli_value: str | None) -> Path:
    """--db wins over $KPDESK_DB, which wins over the data folder."""
    return Path(cli_value).expanduser() if cli_value else default_db_path()
