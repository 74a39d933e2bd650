"""One writer per database file: a lock file beside it, held with an OS advisory lock.

The lock belongs to the file, not to the name it was opened by. Its identity is the real file:
the path with every symlink resolved, and its device and inode. The lock file sits in the real
file's folder and is named after the inode (``.kpdesk-<inode>.lock``), so every name of the file
finds the same one: a symlink resolves to the real folder, and a hard link (a second name for the
same inode) in that folder gets the same inode number. (The device number is left out of the
name because a network share has a different one on every machine; the folder already fixes the
file system.) Locking the database file itself would also catch hard links in other folders, but
that lock would meet SQLite's own byte-range locks, and on SMB shares a lock on the database file
is mandatory for every reader: the separate lock file keeps the two apart. A file system without
inode numbers (0, as FAT on Windows) gets ``<name>.lock`` beside the real file. A missing
database file is created empty (0600) first, since its lock needs its identity; an empty file is
a new database to kpdesk.

The lock file is created with ``O_EXCL`` and opened with ``O_NOFOLLOW``, and once open it must be
a plain file with one name: a symlink or hard link planted under its name is refused with a
message, and whatever it points at is never written. It holds JSON (OS user, host, pid, when it
was taken), so a second kpdesk can say who has the database. The file alone cannot tell a running
holder from one that crashed, so the holder also keeps an advisory lock on it (``fcntl.flock`` on
POSIX, ``msvcrt.locking`` on Windows): the operating system drops that lock when the process
dies, and the next kpdesk that gets it clears the leftover file and takes over.

A lock file written on another host (a shared folder) cannot be judged that way: advisory locks
may not reach across a network file system. It counts as held until its file has not been
touched for ``FOREIGN_MAX_AGE`` (the holder touches it while it writes, see ``DatabaseLock.touch``);
the message says that kpdesk cannot see whether the other machine still runs it.

Within one process the lock is shared and counted under the same identity (device, inode): the
window and a command running in the same process are one writer, and SQLite itself orders their
transactions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import socket
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kpdesk.common.errors import UserError, os_reason, storage_error
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
                   f"vent til den andre lukker kpdesk (vinduet kan åpne den skrivebeskyttet, og kpdesk check "
                   f"kan kontrollere den imens).")
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


class FileIdentity(NamedTuple):
    """The real file behind a database name: what the lock belongs to."""

    real: Path  # the path with every symlink resolved
    device: int
    inode: int

    @property
    def key(self) -> tuple[int, int]:
        return self.device, self.inode

    @property
    def lock_file(self) -> Path:
        name = f".kpdesk-{self.inode}{LOCK_SUFFIX}" if self.inode else self.real.name + LOCK_SUFFIX
        return self.real.with_name(name)


def identify(db_path: Path) -> FileIdentity | None:
    """The real file behind ``db_path`` (None: there is no file)."""
    real = Path(os.path.realpath(db_path))
    try:
        status = os.stat(real)
    except FileNotFoundError:
        return None
    return FileIdentity(real, status.st_dev, status.st_ino)


def _identify_or_create(db_path: Path) -> FileIdentity:
    """The identity of ``db_path``, creating the file empty (0600, a new database) when it is missing."""
    found = identify(db_path)
    if found is not None:
        return found
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        os.close(os.open(os.path.realpath(db_path), flags, 0o600))  # personal data: owner only
    except OSError as exc:
        raise UserError(f"Kan ikke lage databasen {db_path}: {os_reason(exc)}.") from None
    created = identify(db_path)
    if created is None:
        raise UserError(f"Databasen {db_path} forsvant rett etter at den ble laget. Prøv igjen.")
    return created


def lock_path(db_path: Path) -> Path | None:
    """The lock file of the database at ``db_path`` (None: there is no database file)."""
    found = identify(db_path)
    return None if found is None else found.lock_file


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

    def __init__(self, db_path: Path, identity: FileIdentity, fd: int, holder: LockHolder,
                 cleared: LockHolder | None) -> None:
        self.db_path = db_path
        self.identity = identity
        self.path = identity.lock_file
        self.holder = holder
        self.cleared = cleared  # the crashed holder whose leftover lock was cleared, if any
        self._fd: int | None = fd
        self._count = 1
        self._touched = time.monotonic()

    @property
    def held(self) -> bool:
        return self._fd is not None

    @property
    def shared(self) -> bool:
        """Another holder in this process has it too (a second store, or a restore in progress)."""
        return self._count > 1

    def touch(self, *, force: bool = False) -> None:
        """Mark the lock as in use (at most once a minute), so other hosts do not take it as stale."""
        if self._fd is None or (not force and time.monotonic() - self._touched < TOUCH_INTERVAL_S):
            return
        self._touched = time.monotonic()
        with contextlib.suppress(OSError):
            os.utime(self._fd if os.utime in os.supports_fd else self.path)  # the lock file itself, never a link

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
            if _registry.get(self.identity.key) is self:
                del _registry[self.identity.key]
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


_registry: dict[tuple[int, int], DatabaseLock] = {}
_registry_guard = threading.Lock()
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LOCK_FILE_FLAGS = (os.O_RDWR | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                    | getattr(os, "O_BINARY", 0))


def acquire(db_path: Path) -> DatabaseLock:
    """The write lock on the file at ``db_path`` (created empty if missing); raises ``DatabaseLocked``
    naming the holder if another process has it, whatever name that process opened the file by."""
    for _attempt in range(5):
        identity = _identify_or_create(db_path)
        with _registry_guard:
            held = _registry.get(identity.key)
            if held is not None and held.held:
                return held.share()
            lock = _acquire_file(db_path, identity)
            if identify(db_path) == identity:
                _registry[identity.key] = lock
                return lock
        lock.release()  # the file was replaced (a restore) while its lock was taken: lock the new one
    raise UserError(f"{db_path} byttes ut hele tiden (av et annet program?), så kpdesk fikk ikke låst den. Prøv igjen.")


def _planted(path: Path) -> UserError:
    return UserError(f"Låsefilen {path} er ikke en vanlig fil (kanskje en lenke til en annen fil), så kpdesk "
                     f"skriver ikke i den og åpner ikke databasen for skriving. Slett {path} og prøv igjen.")


def _is_plain(fd: int, path: Path) -> bool:
    """The opened lock file is a regular file with one name, and ``path`` itself is no symlink.
    (Some file systems report no link count at all, 0: that is not a second name.)"""
    here = os.fstat(fd)
    try:
        there = os.lstat(path)
    except OSError:
        return True  # gone meanwhile: the caller sees that it is no longer the same file
    return stat.S_ISREG(here.st_mode) and here.st_nlink <= 1 and not stat.S_ISLNK(there.st_mode)


def _open_existing(path: Path) -> int | None:
    """The existing lock file, never through a symlink (None: it is not there)."""
    try:
        fd = os.open(path, _LOCK_FILE_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a symlink
            raise _planted(path) from None
        raise UserError(f"Kan ikke lese låsefilen {path}: {os_reason(exc)}.") from None
    if not _is_plain(fd, path):
        os.close(fd)
        raise _planted(path)
    return fd


def _open_lock_file(path: Path, db_path: Path) -> tuple[int, bool] | None:
    """(descriptor, created) for the lock file; None when it vanished between two steps."""
    try:
        return os.open(path, _LOCK_FILE_FLAGS | os.O_CREAT | os.O_EXCL, 0o600), True
    except FileExistsError:
        pass  # O_EXCL never follows a symlink: a planted one lands here too
    except PermissionError:
        raise UserError(f"Kan ikke lage låsefilen {path}: mappen {path.parent} er skrivebeskyttet. "
                        f"Kopier {db_path.name} til en mappe du kan skrive i.") from None
    except OSError as exc:
        raise UserError(f"Kan ikke lage låsefilen {path}: {os_reason(exc)}.") from None
    fd = _open_existing(path)
    return None if fd is None else (fd, False)


def _acquire_file(db_path: Path, identity: FileIdentity) -> DatabaseLock:
    path = identity.lock_file
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
                raise (mapped or UserError(f"Kan ikke skrive låsefilen {path}: {os_reason(exc)}.")) from None
            return DatabaseLock(db_path, identity, fd, me, holder)
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
    identity = identify(db_path)
    if identity is None:
        return None
    with _registry_guard:
        held = _registry.get(identity.key)
        if held is not None and held.held:
            return held.holder
    try:
        fd = _open_existing(identity.lock_file)
    except UserError:
        return None  # not a lock file kpdesk would use; opening for writing says so
    if fd is None:
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
    path = lock_path(db_path)
    if path is None:
        return False
    if holder is not None and holder.on_this_host:
        raise DatabaseLocked(db_path, holder, path)
    try:
        path.unlink()  # a symlink is removed itself, never what it points at
    except FileNotFoundError:
        return False
    return True
