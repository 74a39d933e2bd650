"""Opening a kpdesk database safely.

``inspect_file`` looks at a file with the plain ``sqlite3`` module and never changes it: it
refuses folders, FIFOs, devices and sockets (by their ``stat``, never opened), files that are not
SQLite, truncated files, other programs' databases and databases written by a newer kpdesk.
``Store.open`` then takes the write lock (``kpdesk.db.lock``: one writer per file, whatever name
or link it is opened by) and runs ``PRAGMA quick_check``: a damaged file is refused
(``kpdesk.db.backup.DatabaseDamaged``, naming the newest good copy to restore from) before
anything migrates, copies or writes it. With the lock held it removes what an interrupted restore
or copy left behind and tightens the file, its -wal/-shm and the backups folder to owner-only.
Then it creates or migrates the file (after a copy is saved in the backups folder,
``kpdesk.db.backup``), makes the day's automatic copy and gives sessions with foreign keys on,
WAL and a busy timeout. ``Store.open(path, read_only=True)`` takes no lock and cannot write; a
damaged file opens that way (to rescue what can be read), with a notice saying it is damaged.

``Store.open(ServerAddress(...))`` opens a region's shared register on a PostgreSQL server instead
(``kpdesk.db.server``): no lock file, no copies in a folder (``path`` is None), the same models and
migrations; ``name`` says which database it is either way.

The database and its -wal/-shm files are owner-only (0600): the file is created so, SQLite gives
its side files the database file's permissions, and wider ones are tightened on every write
opening (POSIX). A full or failing disk becomes a UserError ("Disken er full …"); the
transaction is rolled back and what was saved before stays. ``Store.checkpoint`` folds the
write-ahead log into the file and empties it (erasure needs the -wal to forget too).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Generator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from kpdesk.common.errors import (
    SQLITE_BUSY,
    SQLITE_CANTOPEN,
    SQLITE_READONLY,
    UserError,
    os_reason,
    sqlite_code,
    storage_error,
)
from kpdesk.common.paths import ServerAddress
from kpdesk.db import held_files
from kpdesk.db.held_files import FileKey
from kpdesk.db.inspection import APPLICATION_ID, FileState, inspect_file, is_damage, quick_check

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine, ExceptionContext
    from sqlalchemy.orm import Session

    from kpdesk.db.backup import BackupInfo
    from kpdesk.db.lock import DatabaseLock

BUSY_TIMEOUT_MS = 5000

log = logging.getLogger(__name__)
T = TypeVar("T")


def _damaged(path: Path, exc: BaseException) -> UserError:
    from kpdesk.db.backup import damaged_error

    return damaged_error(path, [str(exc)])


def _configure_engine(engine: Engine, path: Path, *, read_only: bool = False) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below own transactions
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if read_only:
                cursor.execute("PRAGMA query_only = ON")
            else:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise _damaged(path, exc) from exc
            mapped = storage_error(path, exc, "databasen kunne ikke åpnes")
            if mapped is not None:
                raise mapped from exc
            if read_only and sqlite_code(exc) == SQLITE_CANTOPEN:  # a WAL file in a folder we cannot write
                raise UserError(f"Kan ikke åpne {path} skrivebeskyttet ({exc}). Kopier filen til en mappe du kan "
                                f"skrive i, og åpne kopien.") from exc
            raise
        finally:
            cursor.close()

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        # A damaged page can surface in any query; it is the user's file, not a bug in kpdesk.
        original = context.original_exception
        if is_damage(original):
            raise _damaged(path, original) from original
        # Locked past the busy timeout, or another process wrote since this transaction read.
        if sqlite_code(original) == SQLITE_BUSY:
            raise UserError(
                f"{path} er i bruk: et annet kpdesk-vindu eller program skriver i databasen akkurat nå. "
                "Prøv igjen om litt."
            ) from original
        full_or_failing = storage_error(path, original)
        if full_or_failing is not None:
            raise full_or_failing from original
        if read_only and sqlite_code(original) == SQLITE_READONLY:
            raise UserError(f"{path} er åpnet skrivebeskyttet, så endringen ble ikke lagret.") from original

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")


def _no_database(target: Path) -> UserError:
    what = "er tom" if target.exists() else "finnes ikke"
    return UserError(f"{target} {what}: det er ingen kpdesk-database der ennå. Filen er ikke endret.")


def _refuse_damage(target: Path) -> None:
    """Refuse a damaged file before anything migrates, copies or writes it (SQLite's quick check).

    About 75 ms for a regional database of 30 MB on a warm cache: less than a tenth of the startup goal.
    """
    problems = quick_check(target)
    if problems:
        from kpdesk.db.backup import damaged_error

        raise damaged_error(target, problems)


def _owner_only(target: Path) -> list[str]:
    """Tighten the database and its -wal/-shm to 0600 where they are wider (POSIX); what could not be."""
    if os.name == "nt":
        return []
    real = target.resolve()
    failed: list[str] = []
    for path in (real, real.with_name(real.name + "-wal"), real.with_name(real.name + "-shm")):
        try:
            status = os.lstat(path)
            if stat.S_ISREG(status.st_mode) and stat.S_IMODE(status.st_mode) & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
        except OSError as exc:
            failed.append(f"Kunne ikke gjøre {path} lesbar bare for deg ({os_reason(exc)}).")
    return failed


def _raise_as_user_error(path: Path, exc: sqlite3.Error) -> NoReturn:
    """A damaged file or a full/failing disk as the user's UserError; anything else as it is."""
    mapped = _damaged(path, exc) if is_damage(exc) else storage_error(path, exc)
    if mapped is None:
        raise exc
    raise mapped from exc


class Store:
    """An open kpdesk database. Create sessions with ``store.session()``.

    ``read_only``: opened with ``Store.open(path, read_only=True)``; every write raises UserError.
    ``lock``: the write lock this store holds (None when read-only).
    ``daily_backup``: the automatic copy made when it was opened (None: there was one today).
    ``notices``: things the user should hear about that did not stop the opening.
    ``origin``: this open store's own mark, written into every audit entry its sessions make
    (``session.info["origin"]``), so a window tells others' changes from its own (``admin/changes.py``).
    """

    def __init__(self, path: Path | None, engine: Engine, *, read_only: bool = False,
                 lock: DatabaseLock | None = None, server: ServerAddress | None = None) -> None:
        self.path = path
        self.server = server
        self.engine = engine
        self.read_only = read_only
        self.lock = lock
        self.daily_backup: BackupInfo | None = None
        self.notices: list[str] = []
        self._closed = False
        self._held: FileKey | None = None  # the file marked open through SQLite here (held_files)
        import secrets

        from sqlalchemy.orm import sessionmaker

        self.origin = secrets.token_hex(8)
        self._sessions = sessionmaker(engine, expire_on_commit=False, info={"origin": self.origin})

    @property
    def name(self) -> str:
        """The file's name, or the server address without a password: for sentences."""
        if self.server is not None:
            return self.server.shown
        assert self.path is not None  # a store is a file or a server
        return self.path.name

    @property
    def file(self) -> Path:
        """The database file; a UserError on a server, which has no file (copies, checkpoints)."""
        if self.path is None:
            raise UserError(f"{self.name} er en databaseserver, ikke en fil: dette gjøres ikke der.")
        return self.path

    @classmethod
    def open(cls, path: str | os.PathLike[str] | ServerAddress, *, migrate: bool = True, read_only: bool = False,
             daily_backup: bool = True) -> Store:
        """Open (creating or upgrading as needed) the database at ``path``, a file or a server.

        Raises ``kpdesk.db.lock.DatabaseLocked`` (a UserError naming the holder) when another
        kpdesk has a file open for writing; ``read_only=True`` then opens it to look at.
        """
        if isinstance(path, ServerAddress):
            return cls._open_server(path, migrate=migrate, read_only=read_only)
        target = Path(path).expanduser()
        if read_only:
            return cls._open_read_only(target, migrate=migrate)
        state = inspect_file(target)
        if not state.exists and not migrate:  # nothing to open unless the tables are made
            raise _no_database(target)
        from kpdesk.db.lock import acquire

        lock = acquire(target)  # creates a missing file (empty, 0600): the lock needs its identity
        held = held_files.hold(target)  # before SQLite takes its locks on the file in this process
        engine = None
        try:
            state = inspect_file(target)  # again: it may have changed before the lock was ours
            if not state.exists and not migrate:
                raise _no_database(target)
            if state.exists:
                _refuse_damage(target)
            notices = _owner_only(target)
            if not lock.shared:  # no restore of this process is under way
                from kpdesk.db.backup import remove_leftovers

                remove_leftovers(target)
            if not state.exists:
                conn = sqlite3.connect(target)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.close()
            from sqlalchemy import URL, create_engine

            # URL.create: a "%" or "?" in the file name must not be read as URL syntax. Parameters are
            # hidden so that error messages (and crash logs) never carry personal data.
            engine = create_engine(URL.create("sqlite", database=str(target)), hide_parameters=True)
            _configure_engine(engine, target)
            store = cls(target, engine, lock=lock)
            store._held, held = held, None
            store.notices.extend(notices)
            if migrate:
                store._migrate(state)
            if daily_backup and state.exists:
                store._make_daily_backup()
            log.info("store opened")
            return store
        except BaseException:
            if engine is not None:
                engine.dispose()
            if held is not None:
                held_files.release(held)
            lock.release()
            raise

    @classmethod
    def _open_read_only(cls, target: Path, *, migrate: bool) -> Store:
        """Open to look only: no lock, no copies, SQLite ``mode=ro`` and ``query_only``."""
        from kpdesk.db.migrate import head_revision

        state = inspect_file(target, need_write=False)
        if not state.exists:
            raise _no_database(target)
        if migrate and state.revision != head_revision():
            raise UserError(f"{target} har skjemaversjon {state.revision} og må oppgraderes før den kan vises. "
                            f"Det gjøres når den åpnes for skriving.")
        uri = f"{target.resolve().as_uri()}?mode=ro"
        timeout = BUSY_TIMEOUT_MS / 1000
        held = held_files.hold(target)
        try:
            store = cls._read_only_store(target, uri, timeout)
        except BaseException:
            held_files.release(held)
            raise
        store._held = held
        return store

    @classmethod
    def _read_only_store(cls, target: Path, uri: str, timeout: float) -> Store:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import QueuePool

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout)

        engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool, hide_parameters=True)
        _configure_engine(engine, target, read_only=True)
        store = cls(target, engine, read_only=True)
        problems = quick_check(target)
        if problems:  # looking at a damaged file to rescue what can be read is allowed; say so
            from kpdesk.db.backup import damaged_error

            store.notices.append(damaged_error(target, problems).message)
        return store

    @classmethod
    def _open_server(cls, address: ServerAddress, *, migrate: bool, read_only: bool) -> Store:
        """A region's shared register on PostgreSQL (``kpdesk.db.server``)."""
        from kpdesk.db import server

        engine = server.create_server_engine(address)
        try:
            if migrate and not read_only:
                server.migrate_server(engine, address)
            if read_only:
                from sqlalchemy import event

                @event.listens_for(engine, "connect")
                def _read_only(dbapi_connection: Any, _record: object) -> None:
                    with dbapi_connection.cursor() as cursor:
                        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                    dbapi_connection.commit()

                engine.dispose()  # the checking connection was made before the rule
        except BaseException:
            engine.dispose()
            raise
        log.info("server store opened")
        return cls(None, engine, read_only=read_only, server=address)

    def _make_daily_backup(self) -> None:
        from kpdesk.db import backup

        try:
            self.daily_backup = backup.daily_backup(self.file)
        except (UserError, OSError, sqlite3.Error) as exc:
            self.notices.append(f"Dagens automatiske sikkerhetskopi ble ikke laget: {exc}")

    def _migrate(self, state: FileState) -> None:
        from kpdesk.db.migrate import head_revision, upgrade

        if state.revision == head_revision():
            return
        if state.exists:
            from kpdesk.db import backup

            try:
                backup.create_backup(self.file, "before-migration")
            except (UserError, OSError, sqlite3.Error) as exc:
                raise UserError(
                    f"Kan ikke lagre en kopi av {self.path} før oppgraderingen ({exc}). Databasen er ikke endret."
                ) from exc
        try:
            with self.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None  # a connection just checked out of the pool is open
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
    def session(self) -> Generator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        if self.lock is not None:
            self.lock.touch()  # tells other hosts the lock is in use (at most once a minute)
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm.exc import StaleDataError

        from kpdesk.db import server

        try:
            with self._sessions() as session, session.begin():
                yield session
        except StaleDataError as exc:  # a write not flushed by ``row_writing.flush_checked``, at commit
            from kpdesk.db.versions import ChangedMeanwhile, stale_sentence

            raise ChangedMeanwhile(stale_sentence(str(exc))) from None
        except DBAPIError as exc:
            if self.server is not None and server.is_server_trouble(exc):
                raise server.server_error(self.server, exc) from None
            raise

    def transaction(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` in one transaction (``session()``), its result returned: the one call a
        background job makes, so that no caller above the store opens sessions itself."""
        with self.session() as session:
            return work(session)

    def checkpoint(self, wait_ms: int = BUSY_TIMEOUT_MS) -> bool:
        """Fold the whole write-ahead log into the database file and truncate the -wal to 0 bytes.

        True when done (SQLite's busy flag 0). False when another connection's open read transaction
        (or a writer) kept it from finishing within ``wait_ms``: the -wal then still holds what was
        not folded in. Connections that are open but not in a transaction do not stop it. Runs on a
        pooled connection outside any transaction. A read-only store cannot checkpoint: False.
        """
        if self.read_only:
            return False
        if self.server is not None:
            return True  # the server's write-ahead log is its own business
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None  # a connection just checked out of the pool is open
            raw.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.Error as exc:
                _raise_as_user_error(self.file, exc)
            finally:
                raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return busy == 0

    def compact(self) -> bool:
        """Rebuild the file without free space (VACUUM), then ``checkpoint``: after an erasure no freed
        page of the file and no old page in the -wal still holds what was deleted. Returns
        ``checkpoint``'s answer; a read-only store does nothing (False)."""
        if self.read_only:
            return False
        if self.server is not None:  # VACUUM frees the deleted rows' space for reuse (autovacuum would, later)
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM")
            return True
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None  # a connection just checked out of the pool is open
            try:
                raw.execute("VACUUM")
            except sqlite3.Error as exc:
                _raise_as_user_error(self.file, exc)
        return self.checkpoint()

    def revision(self) -> str | None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def close(self) -> None:
        """Close the connections and give back the write lock (again: nothing happens)."""
        if self._closed:
            return
        self._closed = True
        try:
            self.engine.dispose()
        finally:
            if self._held is not None:
                held_files.release(self._held)
                self._held = None
            if self.lock is not None:
                self.lock.release()
