"""Where the database lives (a file, or a PostgreSQL server for a region's shared register) when no
--db is given, and where kpdesk's logs go."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
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


SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """A PostgreSQL database, ``postgresql://user@host:port/dbname``, as --db or $KPDESK_DB give it.

    A password may be in the URL as typed, but kpdesk never prints, logs or stores it: ``shown`` is
    the URL without it. Passwords belong in libpq's own ``~/.pgpass`` or a service file.
    """

    url: str

    @property
    def shown(self) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        user, at, host = parts.netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}@{host}" if at else host
        return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")

    def __str__(self) -> str:
        return self.shown

    @property
    def without_password(self) -> ServerAddress:
        """The same address without a password: what the window remembers and shows."""
        return ServerAddress(self.shown)


Location = Path | ServerAddress


def location_name(location: Location) -> str:
    """A file's name or a server's address (no password): for titles and sentences."""
    return location.shown if isinstance(location, ServerAddress) else location.name


def location_text(location: Location) -> str:
    """A file's whole path or a server's address (no password): for the status bar and lists."""
    return location.shown if isinstance(location, ServerAddress) else str(location)


def same_location(one: Location, other: Location) -> bool:
    """The same file (by absolute path) or the same server database (passwords aside)."""
    if isinstance(one, ServerAddress) or isinstance(other, ServerAddress):
        return isinstance(one, ServerAddress) and isinstance(other, ServerAddress) and one.shown == other.shown
    return one.absolute() == other.absolute()


def read_server_address(text: str) -> ServerAddress:
    """A server address typed in the window («Koble til regionens register …»), on --db or in $KPDESK_DB:
    ``postgresql://bruker@tjener:port/database``, read strictly; a UserError says what is wrong with it.
    No password: libpq reads it from ``~/.pgpass`` or a service file, and kpdesk remembers addresses
    without one."""
    from urllib.parse import urlsplit

    from kpdesk.common.errors import UserError

    example = "postgresql://bruker@tjener:5432/database"
    typed = text.strip()
    if not typed:
        raise UserError(f"Skriv adressen til databaseserveren, for eksempel {example}.")
    if not is_server_address(typed):
        raise UserError(f"Adressen må begynne med postgresql://, for eksempel {example}.")
    try:
        parts = urlsplit(typed)
        port = parts.port
    except ValueError:
        raise UserError(f"Porten i «{ServerAddress(typed).shown}» må være et tall fra 1 til 65535, "
                        f"for eksempel {example}.") from None
    if parts.password is not None:
        raise UserError("Skriv adressen uten passord: legg passordet i ~/.pgpass (Windows: "
                        "%APPDATA%\\postgresql\\pgpass.conf) eller en tjenestefil, så finner kpdesk det der.")
    if not parts.hostname and "host=" not in parts.query and "service=" not in parts.query:
        raise UserError(f"Adressen mangler tjeneren (maskinnavnet eller IP-adressen), for eksempel {example}.")
    if port == 0:
        raise UserError(f"Porten må være et tall fra 1 til 65535, for eksempel {example}.")
    if not parts.path.strip("/"):
        raise UserError(f"Adressen mangler navnet på databasen etter tjeneren, for eksempel {example}.")
    if "/" in parts.path.strip("/"):
        raise UserError(f"Databasenavnet kan ikke inneholde «/», for eksempel {example}.")
    return ServerAddress(typed)


def is_server_address(text: str) -> bool:
    """``postgresql://…`` (or ``postgres://``): a server, not a file name."""
    scheme, sep, _ = text.strip().partition("://")
    return bool(sep) and scheme.lower() in SERVER_SCHEMES


def location_of(text: str) -> Location:
    """A --db value or $KPDESK_DB as a file path or a server address; another kind of database
    address (``mysql://…``) is a UserError rather than a file name."""
    if is_server_address(text):
        return read_server_address(text)  # read as strictly as the window's dialog: port, host, no password
    scheme, sep, _ = text.strip().partition("://")
    if sep and scheme.replace("+", "").isalnum() and len(scheme) > 1:
        from kpdesk.common.errors import UserError

        raise UserError(f"kpdesk kan bruke en databasefil eller en PostgreSQL-server (postgresql://bruker@tjener/"
                        f"database), ikke «{scheme}://…».")
    return Path(text).expanduser()


def resolve_location(cli_value: str | None) -> Location:
    """As ``resolve_db_path``, but a ``postgresql://`` value (on --db or in $KPDESK_DB) is a server."""
    if cli_value:
        return location_of(cli_value)
    from_env = os.environ.get(DB_ENV, "")
    return location_of(from_env) if from_env else default_db_path()


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
