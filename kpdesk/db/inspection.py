"""Looking at a file before kpdesk opens it, with the plain ``sqlite3`` module and without changing it.

``inspect_file`` refuses folders, files that are not SQLite, truncated files, other programs'
databases and databases written by a newer kpdesk; ``is_damage`` tells SQLite's "malformed" errors
from the rest.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import struct
from pathlib import Path
from typing import NamedTuple

from kpdesk.common.errors import SQLITE_CORRUPT, SQLITE_NOTADB, UserError, sqlite_code

APPLICATION_ID = 0x4B504453  # "KPDS" in the SQLite header marks a kpdesk file
SQLITE_MAGIC = b"SQLite format 3\x00"

class FileState(NamedTuple):  # not a dataclass: this runs before the window's first paint
    path: Path
    exists: bool  # False: a new database will be created
    revision: str | None  # Alembic revision in the file, None for a new file
    writable: bool


def _sqlite_size_problem(path: Path, header: bytes) -> str | None:
    """Why the file is shorter than its own header says, or None."""
    if len(header) < 100:
        return "filen er avkortet (mindre enn et SQLite-hode)"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    if page_size < 512 or page_size & (page_size - 1):
        return "SQLite-hodet er ødelagt"
    if valid_for == change_counter and pages and path.stat().st_size < pages * page_size:
        return "filen er avkortet (den er kortere enn databasen sier)"
    return None


def is_damage(exc: BaseException | None) -> bool:
    """True for SQLite's "database disk image is malformed" and "file is not a database"."""
    return sqlite_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def damaged_error(path: Path, exc: BaseException) -> UserError:
    return UserError(f"{path} er skadet ({exc}). Gjenopprett fra en sikkerhetskopi.")


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection that cannot write. Without a write-ahead log beside the file it
    is opened immutable, so that looking leaves no -wal/-shm files behind."""
    immutable = "" if path.with_name(path.name + "-wal").exists() else "&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)


def inspect_file(path: Path, *, need_write: bool = True) -> FileState:
    """Check that ``path`` can be opened as a kpdesk database, without changing it."""
    from kpdesk.db.migrate import known_revisions

    if path.is_dir():
        example = path / "kpdesk.sqlite"
        raise UserError(f"{path} er en mappe, ikke en databasefil. Oppgi en fil, for eksempel {example}.")
    if not path.exists() or path.stat().st_size == 0:
        parent = path.parent
        if not parent.is_dir():
            raise UserError(f"Mappen {parent} finnes ikke, så databasen {path.name} kan ikke lages der.")
        if not os.access(parent, os.W_OK):
            raise UserError(f"Kan ikke lage database i {parent}: mappen er skrivebeskyttet.")
        return FileState(path, exists=False, revision=None, writable=True)
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise UserError(f"Kan ikke lese {path}: {exc.strerror}.") from None
    if not header.startswith(SQLITE_MAGIC):
        raise UserError(f"{path} er ikke en kpdesk-database (ikke en SQLite-fil).")
    wal = path.with_name(path.name + "-wal")
    # With a non-empty write-ahead log beside it (another kpdesk has it open, or one stopped in the
    # middle of a checkpoint) the file alone may be shorter than its header says; SQLite recovers.
    problem = None if wal.exists() and wal.stat().st_size else _sqlite_size_problem(path, header)
    if problem:
        raise UserError(f"{path} er skadet: {problem}. Gjenopprett fra en sikkerhetskopi.")
    app_id = struct.unpack(">i", header[68:72])[0] & 0xFFFFFFFF
    if app_id != APPLICATION_ID:
        raise UserError(f"{path} er en SQLite-database, men ikke fra kpdesk.")
    try:
        conn = connect_read_only(path)
        try:
            empty = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            row = None if empty else conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path} er skadet eller uleselig ({exc}). Gjenopprett fra en sikkerhetskopi.") from None
    revision = row[0] if row else None
    if not empty and revision not in known_revisions():
        from kpdesk import __version__

        raise UserError(
            f"{path} er laget av en nyere kpdesk (skjemaversjon {revision}). "
            f"Denne kpdesk ({__version__}) kan ikke åpne den; oppdater kpdesk. Filen er ikke endret."
        )
    mode = path.stat().st_mode
    writable = bool(mode & stat.S_IWUSR) and os.access(path, os.W_OK)
    if need_write and not writable:
        raise UserError(f"{path} er skrivebeskyttet. Gi filen skrivetilgang, eller kopier den til en annen mappe.")
    # Empty: kpdesk made the file but its first migration never finished; it is set up as new.
    return FileState(path, exists=not empty, revision=revision, writable=writable)


