"""Errors a coordinator can act on.

A ``UserError`` carries a complete Norwegian sentence. The command line prints it on stderr and
exits 1; the GUI shows it in a dialog. Anything else is a bug and gets the crash path.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path


class UserError(Exception):
    """A problem with the user's data or files, explained in plain words."""

    said = False
    """Already put to the user (the window's «Prøv igjen» offer): the error dialog does not repeat it."""

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return "\n".join([self.message, *(f"  {line}" for line in self.details)])


# ---------------------------------------------------------------- the disk and SQLite

SQLITE_BUSY, SQLITE_CORRUPT, SQLITE_NOTADB = 5, 11, 26  # primary result codes kpdesk explains
SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 8, 10, 13, 14
_DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_DISK_FAILING_ERRNOS = frozenset({errno.EIO, errno.EROFS})


def sqlite_code(exc: BaseException | None) -> int | None:
    """SQLite's primary result code of a ``sqlite3`` error, else None."""
    code = getattr(exc, "sqlite_errorcode", None) if isinstance(exc, sqlite3.Error) else None
    return None if code is None else code & 0xFF


_OS_REASONS = {
    errno.ENOENT: "finnes ikke", errno.EACCES: "ingen tilgang",
    errno.EPERM: "ikke tillatt (filen eller mappen er låst)",
    errno.EROFS: "disken er skrivebeskyttet", errno.ENOSPC: "disken er full", errno.EISDIR: "det er en mappe",
    errno.ENOTDIR: "en del av stien er ikke en mappe", errno.ENAMETOOLONG: "navnet er for langt",
    errno.EIO: "lese- eller skrivefeil på disken", errno.EBUSY: "filen er i bruk", errno.EEXIST: "finnes allerede",
    errno.EMFILE: "for mange åpne filer", errno.EXDEV: "kan ikke flyttes til en annen disk",
}


def os_reason(exc: BaseException) -> str:
    """Why a file operation failed, in bokmål ('finnes ikke', 'ingen tilgang'): the system's own
    message is English."""
    number = exc.errno if isinstance(exc, OSError) else None
    if number in _OS_REASONS:
        return _OS_REASONS[number]
    return f"systemfeil {number}" if number else str(exc)


def storage_error(path: Path, exc: BaseException | None,
                  outcome: str = "endringen ble ikke lagret") -> UserError | None:
    """A full or failing disk (SQLite's SQLITE_FULL/SQLITE_IOERR, or ENOSPC/EIO) in plain words, else None.

    Both leave what was saved before as it was: SQLite rolls back the transaction, and kpdesk
    writes other files through a temporary file.
    """
    code = sqlite_code(exc)
    number = exc.errno if isinstance(exc, OSError) else None
    if code == SQLITE_FULL or number in _DISK_FULL_ERRNOS:
        return UserError(f"Disken er full, så {outcome}. Det som var lagret fra før, er i behold. "
                         f"Frigjør plass på disken der {path.name} ligger ({path.parent}), og prøv igjen.")
    if code == SQLITE_IOERR or number in _DISK_FAILING_ERRNOS:
        return UserError(f"Lese- eller skrivefeil på disken der {path.name} ligger ({path.parent}: {exc}), så "
                         f"{outcome}. Det som var lagret fra før, er i behold. Sjekk disken, minnepinnen eller "
                         f"nettverksmappen og prøv igjen.")
    return None
