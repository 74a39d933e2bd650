"""Where the database lives when no --db is given, and where kpdesk's logs go."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_ENV = "KPDESK_DB"
DB_FILENAME = "kpdesk.sqlite"
LOG_ENV = "KPDESK_LOG_DIR"


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


def log_dir() -> Path:
    """``$KPDESK_LOG_DIR``, else the user's own folder for program logs (never one shared by all
    users): ``%LOCALAPPDATA%\\kpdesk\\logs`` on Windows, ``~/Library/Logs/kpdesk`` on macOS,
    ``$XDG_STATE_HOME/kpdesk/logs`` (``~/.local/state/kpdesk/logs``) elsewhere. Not created here."""
    from_env = os.environ.get(LOG_ENV)
    if from_env:
        return Path(from_env).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return (Path(local) if local else Path.home() / "AppData" / "Local") / "kpdesk" / "logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "kpdesk"
    state = os.environ.get("XDG_STATE_HOME", "")  # the XDG rule: a relative path is ignored
    base = Path(state) if state and Path(state).is_absolute() else Path.home() / ".local" / "state"
    return base / "kpdesk" / "logs"
