"""Fil › Nylig brukte: the last databases opened, remembered in QSettings (newest first)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "recent/databases"
LIMIT = 5


def remembered() -> list[Path]:
    """The remembered paths, newest first; files that are gone are still listed (shown disabled)."""
    value = QSettings().value(KEY, [])
    if isinstance(value, str):  # QSettings gives a one-item list back as a plain string
        value = [value]
    if not isinstance(value, list):
        return []
    return [Path(str(item)) for item in value if str(item)][:LIMIT]


def remember(path: Path) -> list[Path]:
    """Put ``path`` first (once) and keep the newest ``LIMIT``; return the new list."""
    path = path.absolute()
    paths = [path, *(p for p in remembered() if p != path)][:LIMIT]
    settings = QSettings()
    settings.setValue(KEY, [str(p) for p in paths])
    settings.sync()
    return paths


def forget_missing() -> list[Path]:
    """Drop the paths whose file is gone; return what is left."""
    paths = [p for p in remembered() if p.exists()]
    settings = QSettings()
    settings.setValue(KEY, [str(p) for p in paths])
    settings.sync()
    return paths
