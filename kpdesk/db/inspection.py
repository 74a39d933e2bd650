"""Looking at a file before kpdesk opens it, with the plain ``sqlite3`` module and without changing it.

``inspect_file`` stats the path first and refuses folders and anything that is not a regular file
(a FIFO, device or socket is never opened: opening one may hang), then files that are not SQLite,
truncated files, other programs' databases and databases written by a newer kpdesk. ``is_damage``
tells SQLite's "malformed" errors from the rest; ``quick_check`` runs SQLite's quick integrity
check (every page and record, but not whether indexes match their tables: about a third of
``integrity_check``'s time).

``schema_differences`` compares a file's ``sqlite_master`` with what kpdesk's own migrations make
at the file's revision, so a file with an extra trigger, table, view or index (or one missing)
is told apart from an untouched kpdesk database. The reference is built once per revision and
process by migrating an in-memory database.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import stat
import struct
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kpdesk.common.errors import SQLITE_CORRUPT, SQLITE_NOTADB, UserError, os_reason, sqlite_code
from kpdesk.common.file_kinds import special_kind
from kpdesk.db.held_files import read_header

APPLICATION_ID = 0x4B504453  # "KPDS" in the SQLite header marks a kpdesk file
SQLITE_MAGIC = b"SQLite format 3\x00"

class FileState(NamedTuple):  # not a dataclass: this runs before the window's first paint
    path: Path
    exists: bool  # False: a new database will be created
    revision: str | None  # Alembic revision in the file, None for a new file
    writable: bool


def _sqlite_size_problem(path: Path, header: bytes, size: int) -> str | None:
    """Why the file is shorter than its own header says, or None."""
    if len(header) < 100:
        return "filen er avkortet (mindre enn et SQLite-hode)"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    if page_size < 512 or page_size & (page_size - 1):
        return "SQLite-hodet er ødelagt"
    if valid_for == change_counter and pages and size < pages * page_size:
        return "filen er avkortet (den er kortere enn databasen sier)"
    return None


def is_damage(exc: BaseException | None) -> bool:
    """True for SQLite's "database disk image is malformed" and "file is not a database"."""
    return sqlite_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection that cannot write. Without a write-ahead log beside the file it
    is opened immutable, so that looking leaves no -wal/-shm files behind."""
    immutable = "" if path.with_name(path.name + "-wal").exists() else "&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)


# ---------------------------------------------------------------- what kind of file

def _file_status(path: Path) -> os.stat_result | None:
    """``os.stat`` (through symlinks) without opening anything; None when there is no file."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(f"Kan ikke lese {path}: {os_reason(exc)}.") from None


def refuse_odd_file(path: Path, status: os.stat_result) -> None:
    """A folder, FIFO, device or socket is refused by its ``stat``; it is never opened."""
    if stat.S_ISDIR(status.st_mode):
        example = path / "kpdesk.sqlite"
        raise UserError(f"{path} er en mappe, ikke en databasefil. Oppgi en fil, for eksempel {example}.")
    kind = special_kind(status.st_mode)
    if kind is None:
        return
    raise UserError(f"{path} er ikke en vanlig fil, men {kind}, så kpdesk åpner den ikke. "
                    f"Oppgi en databasefil, for eksempel {path.parent / 'kpdesk.sqlite'}.")


def inspect_file(path: Path, *, need_write: bool = True) -> FileState:
    """Check that ``path`` can be opened as a kpdesk database, without changing it."""
    from kpdesk.db.migrate import known_revisions

    status = _file_status(path)
    if status is not None:
        refuse_odd_file(path, status)
    if status is None or status.st_size == 0:
        parent = path.parent
        if not parent.is_dir():
            raise UserError(f"Mappen {parent} finnes ikke, så databasen {path.name} kan ikke lages der.")
        if not os.access(parent, os.W_OK):
            raise UserError(f"Kan ikke lage database i {parent}: mappen er skrivebeskyttet.")
        return FileState(path, exists=False, revision=None, writable=True)
    try:
        header = read_header(path)  # never an open()/close() that would drop this process's SQLite locks
    except OSError as exc:
        raise UserError(f"Kan ikke lese {path}: {os_reason(exc)}.") from None
    if not header.startswith(SQLITE_MAGIC):
        raise UserError(f"{path} er ikke en kpdesk-database (ikke en SQLite-fil).")
    wal = path.with_name(path.name + "-wal")
    # With a non-empty write-ahead log beside it (another kpdesk has it open, or one stopped in the
    # middle of a checkpoint) the file alone may be shorter than its header says; SQLite recovers.
    problem = None if wal.exists() and wal.stat().st_size else _sqlite_size_problem(path, header, status.st_size)
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
    writable = bool(status.st_mode & stat.S_IWUSR) and os.access(path, os.W_OK)
    if need_write and not writable:
        raise UserError(f"{path} er skrivebeskyttet. Gi filen skrivetilgang, eller kopier den til en annen mappe.")
    # Empty: kpdesk made the file but its first migration never finished; it is set up as new.
    return FileState(path, exists=not empty, revision=revision, writable=writable)


# ---------------------------------------------------------------- damage

def quick_check(path: Path) -> list[str]:
    """What SQLite's ``PRAGMA quick_check`` finds wrong in ``path`` ([] when nothing), read-only."""
    try:
        conn = connect_read_only(path)
        try:
            found = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return [str(exc)]
        raise UserError(f"Kan ikke kontrollere {path} ({exc}).") from None
    if found == ["ok"]:
        return []
    lines = (line.strip() for row in found for line in row.splitlines())  # one row may hold many findings
    return [line for line in lines if line and not line.startswith("***")]  # "*** in database main ***"


# ---------------------------------------------------------------- the schema

class SchemaObject(NamedTuple):
    type: str  # table, index, trigger or view
    name: str
    table: str
    sql: str | None  # normalised (see _normalised); None for SQLite's own automatic indexes


_KIND_NAMES = {"table": "tabell", "index": "indeks", "trigger": "trigger", "view": "visning"}
_STATISTICS = frozenset({"sqlite_stat1", "sqlite_stat4"})  # ANALYZE's planner statistics, not data
_SCHEMA_QUERY = "SELECT type, name, tbl_name, sql FROM sqlite_master"


def _top_level_items(body: str) -> list[str]:
    """``body`` split at the commas outside parentheses and string literals."""
    items: list[str] = []
    depth, quoted, start = 0, False, 0
    for i, char in enumerate(body):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == ",":
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    return items


def _normalised(sql: str | None) -> str | None:
    """``sql`` without identifier quotes and layout; a table's columns and constraints sorted, since
    Alembic's batch rebuilds write the constraints in an order that varies from run to run."""
    if sql is None:
        return None
    text = re.sub(r"\s*([(),])\s*", r"\1", re.sub(r"\s+", " ", re.sub(r'["`\[\]]', "", sql))).strip()
    if not text.upper().startswith("CREATE TABLE"):
        return text
    opening, closing = text.find("("), text.rfind(")")
    if opening < 0 or closing < opening:
        return text
    return text[:opening + 1] + ",".join(sorted(_top_level_items(text[opening + 1:closing]))) + text[closing:]


def _schema(rows: Iterable[Sequence[Any]]) -> frozenset[SchemaObject]:
    return frozenset(SchemaObject(str(kind), str(name).lower(), str(table).lower(), _normalised(sql))
                     for kind, name, table, sql in rows if str(name).lower() not in _STATISTICS)


@functools.cache
def reference_schema(revision: str) -> frozenset[SchemaObject]:
    """The schema kpdesk's migrations make at ``revision`` (an in-memory database, once per process)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from kpdesk.db.migrate import upgrade

    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        with engine.begin() as conn:
            upgrade(conn, revision)
            return _schema(conn.exec_driver_sql(_SCHEMA_QUERY).all())
    finally:
        engine.dispose()


def _described(objects: Iterable[SchemaObject]) -> str:
    names = sorted(f"{_KIND_NAMES.get(o.type, o.type)} «{o.name}»" + (f" på {o.table}" if o.table != o.name else "")
                   for o in objects)
    shown = names[:5] + ([f"og {len(names) - 5} til"] if len(names) > 5 else [])
    return ", ".join(shown)


def schema_differences(path: Path, revision: str) -> list[str]:
    """How the schema of ``path`` differs from kpdesk's at ``revision``: one line each for what it has in
    addition, lacks, or has changed ([] when they are the same)."""
    conn = connect_read_only(path)
    try:
        actual = _schema(conn.execute(_SCHEMA_QUERY).fetchall())
    finally:
        conn.close()
    expected = reference_schema(revision)
    extra, missing = actual - expected, expected - actual
    changed_keys = {(o.type, o.name) for o in extra} & {(o.type, o.name) for o in missing}
    changed = [o for o in extra if (o.type, o.name) in changed_keys]
    extra = [o for o in extra if (o.type, o.name) not in changed_keys]
    missing = [o for o in missing if (o.type, o.name) not in changed_keys]
    lines = [(label, _described(group)) for label, group in
             (("i tillegg", extra), ("mangler", missing), ("endret", changed)) if group]
    return [f"{label}: {text}" for label, text in lines]
