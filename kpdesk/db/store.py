"""Opening a kpdesk database safely.

``inspect_file`` looks at a file with the plain ``sqlite3`` module and never changes it: it
refuses folders, files that are not SQLite, truncated files, other programs' databases and
databases written by a newer kpdesk. ``Store.open`` then creates or migrates the file (after a
copy is saved beside it) and gives sessions with foreign keys on, WAL and a busy timeout.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kpdesk.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

APPLICATION_ID = 0x4B504453  # "KPDS" in the SQLite header marks a kpdesk file
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
_SQLITE_BUSY, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 11, 26  # primary result codes kpdesk explains


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


def _sqlite_code(exc: BaseException | None) -> int | None:
    """SQLite's primary result code of a ``sqlite3`` error, else None."""
    code = getattr(exc, "sqlite_errorcode", None) if isinstance(exc, sqlite3.Error) else None
    return None if code is None else code & 0xFF


def _is_damage(exc: BaseException | None) -> bool:
    """True for SQLite's "database disk image is malformed" and "file is not a database"."""
    return _sqlite_code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _damaged(path: Path, exc: BaseException) -> UserError:
    return UserError(f"{path} er skadet ({exc}). Gjenopprett fra en sikkerhetskopi.")


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
        # immutable: without a write-ahead log beside it, looking must not leave -wal/-shm files
        immutable = "" if wal.exists() else "&immutable=1"
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)
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


def backup_copy(source: Path, target: Path) -> None:
    """A consistent copy with SQLite's online backup API (safe while others read)."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _configure_engine(engine: Engine, path: Path) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below own transactions
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise _damaged(path, exc) from exc
            raise
        finally:
            cursor.close()

    @event.listens_for(engine, "handle_error")
    def _on_error(context) -> None:  # type: ignore[no-untyped-def]
        # A damaged page can surface in any query; it is the user's file, not a bug in kpdesk.
        original = context.original_exception
        if _is_damage(original):
            raise _damaged(path, original) from original
        # Locked past the busy timeout, or another process wrote since this transaction read.
        if _sqlite_code(original) == _SQLITE_BUSY:
            raise UserError(
                f"{path} er i bruk: et annet kpdesk-vindu eller program skriver i databasen akkurat nå. "
                "Prøv igjen om litt."
            ) from original

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")


class Store:
    """An open kpdesk database. Create sessions with ``store.session()``."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        from sqlalchemy.orm import sessionmaker

        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, migrate: bool = True) -> Store:
        """Open (creating or upgrading as needed) the database at ``path``."""
        target = Path(path).expanduser()
        state = inspect_file(target)
        if not state.exists and not migrate:  # nothing to open unless the tables are made
            what = "er tom" if target.exists() else "finnes ikke"
            raise UserError(f"{target} {what}: det er ingen kpdesk-database der ennå. Filen er ikke endret.")
        if not state.exists:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)  # personal data: owner only
            os.close(fd)
            conn = sqlite3.connect(target)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.close()
        from sqlalchemy import URL, create_engine

        # URL.create: a "%" or "?" in the file name must not be read as URL syntax. Parameters are
        # hidden so that error messages (and crash logs) never carry personal data.
        engine = create_engine(URL.create("sqlite", database=str(target)), hide_parameters=True)
        _configure_engine(engine, target)
        store = cls(target, engine)
        if migrate:
            store._migrate(state)
        return store

    def _migrate(self, state: FileState) -> None:
        from kpdesk.db.migrate import head_revision, upgrade

        if state.revision == head_revision():
            return
        if state.exists:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            copy = self.path.with_name(f"{self.path.stem}.før-oppgradering-{state.revision}-{stamp}{self.path.suffix}")
            try:
                backup_copy(self.path, copy)
            except (OSError, sqlite3.Error) as exc:
                raise UserError(
                    f"Kan ikke lagre en kopi av {self.path} før oppgraderingen ({exc}). Databasen er ikke endret."
                ) from exc
        try:
            with self.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                # A batch migration rebuilds a table (copy, DROP, rename); with foreign keys on, the
                # DROP would cascade-delete every row referring to it. SQLite ignores this pragma in
                # a transaction, so it is set before BEGIN, and references are checked before COMMIT.
                raw.execute("PRAGMA foreign_keys = OFF")
                try:
                    with conn.begin():
                        before = len(conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
                        upgrade(conn)
                        broken = len(conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()) - before
                        if broken > 0:
                            raise UserError(f"{broken} brutte referanser mellom tabeller etterpå")
                finally:
                    raw.execute("PRAGMA foreign_keys = ON")
        except Exception as exc:
            raise UserError(f"Oppgraderingen av {self.path} mislyktes ({exc}). Databasen er uendret.") from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def revision(self) -> str | None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def close(self) -> None:
        self.engine.dispose()
