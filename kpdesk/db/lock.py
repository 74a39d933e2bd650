"""One writer per database: a lock file beside it, held with an OS advisory lock.

``<db>.lock`` is created with ``O_EXCL`` and holds JSON (OS user, host, pid, when it was taken),
so a second kpdesk can say who has the database. The file alone cannot tell a running holder
from one that crashed, so the holder also keeps an advisory lock on it (``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows): the operating system drops that lock when the process dies, and
the next kpdesk that gets it clears the leftover file and takes over.

A lock file written on another host (a shared folder) cannot be judged that way: advisory locks
may not reach across a network file system. It counts as held until its file has not been
touched for ``FOREIGN_MAX_AGE`` (the holder touches it while it writes, see ``DatabaseLock.touch``);
the message says that kpdesk cannot see whether the other machine still runs it.

Within one process the lock is shared and counted: the window and a command running in the same
process are one writer, and SQLite itself orders their transactions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kpdesk.common.errors import UserError, storage_error
from kpdesk.common.os_user import current_user

LOCK_SUFFIX = ".lock"
FOREIGN_MAX_AGE = dt.timedelta(hours=12)
UNREADABLE_MAX_AGE = dt.timedelta(minutes=1)  # a lock file still empty this long after it was made
TOUCH_INTERVAL_S = 60.0
_WINDOWS_LOCK_OFFSET = 1 << 20  # msvcrt locks a byte range; lock one far past the JSON so it stays readable


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a database for writing, as written in its lock file."""

    user: str
    host: str
    pid: int
    started: dt.datetime

    @property
    def on_this_host(self) -> bool:
        return self.host == this_host()

    def describe(self) -> str:
        """«kari» på maskinen «kontor-pc» (prosess 1234) siden 27.11.2026 kl. 16.24"""
        return (f"«{self.user}» på maskinen «{self.host}» (prosess {self.pid}) "
                f"siden {self.started.strftime('%d.%m.%Y kl. %H.%M')}")

    def to_json(self) -> bytes:
        return json.dumps({"user": self.user, "host": self.host, "pid": self.pid,
                           "started": self.started.isoformat(timespec="seconds")}).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> LockHolder | None:
        try:
            raw = json.loads(data.decode("utf-8"))
            return cls(str(raw["user"]), str(raw["host"]), int(raw["pid"]),
                       dt.datetime.fromisoformat(str(raw["started"])))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


class DatabaseLocked(UserError):
    """Another kpdesk holds the database for writing; ``holder`` says who (None: unknown)."""

    def __init__(self, path: Path, holder: LockHolder | None, lock_file: Path) -> None:
        self.path = path
        self.holder = holder
        self.lock_file = lock_file
        who = holder.describe() if holder else "et annet kpdesk-program (ukjent hvem)"
        message = (f"{path} er allerede åpen for skriving hos {who}. Bare én kan skrive i databasen om gangen: "
                   f"åpne den skrivebeskyttet, eller vent til den andre lukker kpdesk.")
        if holder is not None and not holder.on_this_host:
            hours = int(FOREIGN_MAX_AGE.total_seconds() // 3600)
            message += (f" Låsen er satt fra en annen maskin, så kpdesk kan ikke se om programmet fortsatt kjører "
                        f"der. Den regnes som gammel og fjernes når den ikke er brukt på {hours} timer; er du sikker "
                        f"på at kpdesk er lukket på «{holder.host}», kan du slette {lock_file}.")
        super().__init__(message)

    @property
    def foreign(self) -> bool:
        """True when the holder is on another machine (kpdesk cannot check that it still runs)."""
        return self.holder is not None and not self.holder.on_this_host


UNKNOWN_HOLDER = LockHolder("ukjent", "ukjent", 0, dt.datetime(1970, 1, 1))
"""A holder whose lock file cannot be read (it is being written right now)."""


def this_host() -> str:
    return socket.gethostname() or "ukjent"


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def _me() -> LockHolder:
    return LockHolder(current_user(), this_host(), os.getpid(), dt.datetime.now().replace(microsecond=0))


# ---------------------------------------------------------------- the OS advisory lock

_HELD, _BUSY, _UNSUPPORTED = "held", "busy", "unsupported"


def _os_lock(fd: int) -> str:
    """Take the advisory lock without waiting: held, busy (someone else has it) or unsupported."""
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, errno.EDEADLK):
            return _BUSY
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
            return _UNSUPPORTED  # some network file systems: fall back to pid and age
        raise
    return _HELD


def _os_unlock(fd: int) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass  # closing the descriptor releases it anyway


def _read(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 4096)


def _write(fd: int, data: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, data)
    os.fsync(fd)


def _same_file(fd: int, path: Path) -> bool:
    """The descriptor is still the file at ``path`` (a releasing holder may have removed it meanwhile)."""
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        return True  # no cheap check without extra modules: trust the advisory lock and the age
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, another user's
    return True


def _age(fd: int) -> dt.timedelta:
    return dt.timedelta(seconds=max(0.0, time.time() - os.fstat(fd).st_mtime))


def _is_stale(holder: LockHolder | None, os_lock: str, fd: int) -> bool:
    """Whether a lock file we opened (and perhaps got the advisory lock on) was left behind."""
    if holder is None:  # empty or garbled: a holder that crashed before writing, or is writing now
        return os_lock == _HELD or _age(fd) > UNREADABLE_MAX_AGE
    if not holder.on_this_host:
        return _age(fd) > FOREIGN_MAX_AGE
    if os_lock == _HELD:
        return True  # the holder's advisory lock is gone: its process has ended
    return not _pid_alive(holder.pid)


# ---------------------------------------------------------------- the lock

class DatabaseLock:
    """The write lock on one database, held by this process until ``release``."""

    def __init__(self, db_path: Path, fd: int, holder: LockHolder, cleared: LockHolder | None) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.holder = holder
        self.cleared = cleared  # the crashed holder whose leftover lock was cleared, if any
        self._fd: int | None = fd
        self._count = 1
        self._touched = time.monotonic()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def touch(self, *, force: bool = False) -> None:
        """Mark the lock as in use (at most once a minute), so other hosts do not take it as stale."""
        if self._fd is None or (not force and time.monotonic() - self._touched < TOUCH_INTERVAL_S):
            return
        self._touched = time.monotonic()
        with contextlib.suppress(OSError):
            os.utime(self.path)

    def share(self) -> DatabaseLock:
        """One more holder in this process (a second store on the same file); call with the registry guard."""
        self._count += 1
        return self

    def release(self) -> None:
        """Give the lock back (the last release in this process removes the lock file)."""
        with _registry_guard:
            self._count -= 1
            if self._count > 0 or self._fd is None:
                return
            _registry.pop(_key(self.db_path), None)
            fd, self._fd = self._fd, None
        try:
            if _same_file(fd, self.path):
                if os.name == "nt":  # Windows cannot remove a file that is open
                    _os_unlock(fd)
                    os.close(fd)
                    fd = -1
                self.path.unlink(missing_ok=True)
        finally:
            if fd >= 0:
                _os_unlock(fd)
                os.close(fd)


_registry: dict[str, DatabaseLock] = {}
_registry_guard = threading.Lock()


def _key(db_path: Path) -> str:
    return os.path.normcase(os.path.realpath(db_path))


def acquire(db_path: Path) -> DatabaseLock:
    """The write lock on ``db_path``; raises ``DatabaseLocked`` naming the holder if another has it."""
    with _registry_guard:
        held = _registry.get(_key(db_path))
        if held is not None and held.held:
            return held.share()
        lock = _acquire_file(db_path)
        _registry[_key(db_path)] = lock
        return lock


def _open_lock_file(path: Path, db_path: Path) -> tuple[int, bool] | None:
    """(descriptor, created) for the lock file; None when it vanished between two steps."""
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600), True
    except FileExistsError:
        pass
    except PermissionError:
        raise UserError(f"Kan ikke lage låsefilen {path}: mappen {path.parent} er skrivebeskyttet. "
                        f"Kopier {db_path.name} til en mappe du kan skrive i.") from None
    except OSError as exc:
        raise UserError(f"Kan ikke lage låsefilen {path}: {exc.strerror or exc}.") from None
    try:
        return os.open(path, flags), False
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(f"Kan ikke lese låsefilen {path}: {exc.strerror or exc}.") from None


def _acquire_file(db_path: Path) -> DatabaseLock:
    path = lock_path(db_path)
    for _attempt in range(20):
        opened = _open_lock_file(path, db_path)
        if opened is None:
            continue
        fd, created = opened
        try:
            state = _os_lock(fd)
            holder = None if created else LockHolder.from_json(_read(fd))
            if state == _BUSY:
                raise DatabaseLocked(db_path, holder, path)
            if not _same_file(fd, path):  # removed by its releasing holder meanwhile: start again
                _os_unlock(fd)
                os.close(fd)
                continue
            if not created and not _is_stale(holder, state, fd):
                raise DatabaseLocked(db_path, holder, path)
            me = _me()
            try:
                _write(fd, me.to_json())
            except OSError as exc:
                mapped = storage_error(path, exc, "databasen ble ikke åpnet")
                raise (mapped or UserError(f"Kan ikke skrive låsefilen {path}: {exc.strerror or exc}.")) from None
            return DatabaseLock(db_path, fd, me, holder)
        except BaseException:
            _os_unlock(fd)
            os.close(fd)
            raise
    raise UserError(f"Fikk ikke tak i låsefilen {path}: andre programmer åpner og lukker databasen hele tiden. "
                    f"Prøv igjen.")


def current_holder(db_path: Path) -> LockHolder | None:
    """Who holds ``db_path`` for writing right now (None: nobody, or only a leftover lock file).

    Changes nothing: a leftover file is left for the next writer to clear. It takes the advisory
    lock for a moment to see whether anyone has it, so call it when needed, not in a timer.
    """
    with _registry_guard:
        held = _registry.get(_key(db_path))
        if held is not None and held.held:
            return held.holder
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        state = _os_lock(fd)
        holder = LockHolder.from_json(_read(fd))
        if state == _BUSY:
            return holder or UNKNOWN_HOLDER
        return None if _is_stale(holder, state, fd) else holder or UNKNOWN_HOLDER
    finally:
        _os_unlock(fd)
        os.close(fd)


def remove_foreign_lock(db_path: Path) -> bool:
    """Delete a lock file written on another host, once the user has said kpdesk is closed there.

    For the GUI's "Overta likevel" after a ``DatabaseLocked`` whose ``foreign`` is True. A lock
    held on this host is never removed (it clears itself when its process ends): that raises
    ``DatabaseLocked`` again. Returns whether a file was removed.
    """
    holder = current_holder(db_path)
    if holder is not None and holder.on_this_host:
        raise DatabaseLocked(db_path, holder, lock_path(db_path))
    try:
        lock_path(db_path).unlink()
    except FileNotFoundError:
        return False
    return True
