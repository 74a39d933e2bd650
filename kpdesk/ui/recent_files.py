"""Fil › Nylig brukte: the last databases opened, files and server addresses, remembered in QSettings
(newest first). A server address is remembered without a password (libpq finds it in ~/.pgpass)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from kpdesk.common.paths import Location, ServerAddress, is_server_address, location_text, same_location

KEY = "recent/databases"
LIMIT = 5


def _read(text: str) -> Location:
    from pathlib import Path

    return ServerAddress(text) if is_server_address(text) else Path(text)


def remembered() -> list[Location]:
    """The remembered files and servers, newest first; files that are gone are still listed (shown
    disabled)."""
    value = QSettings().value(KEY, [])
    if isinstance(value, str):  # QSettings gives a one-item list back as a plain string
        value = [value]
    if not isinstance(value, list):
        return []
    return [_read(str(item)) for item in value if str(item)][:LIMIT]


def _store(locations: list[Location]) -> list[Location]:
    settings = QSettings()
    settings.setValue(KEY, [location_text(location) for location in locations])
    settings.sync()
    return locations


def remember(location: Location) -> list[Location]:
    """Put ``location`` first (once) and keep the newest ``LIMIT``; return the new list."""
    location = location.without_password if isinstance(location, ServerAddress) else location.absolute()
    return _store([location, *(old for old in remembered() if not same_location(old, location))][:LIMIT])


def is_missing(location: Location) -> bool:
    """A remembered file that is gone (a server is never «missing»: it may just not answer now)."""
    return not isinstance(location, ServerAddress) and not location.exists()


def forget_missing() -> list[Location]:
    """Drop the files that are gone; return what is left."""
    return _store([location for location in remembered() if not is_missing(location)])
