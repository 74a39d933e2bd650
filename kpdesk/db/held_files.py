"""Reading a database file's own bytes without dropping the locks SQLite holds on it in this process.

POSIX record locks belong to a process and a file, not to a descriptor: closing *any* descriptor of
the database file drops every lock SQLite holds on it in this process. Another kpdesk (a command
beside the open window) closing its last connection then believes no one else has the file open,
folds the write-ahead log in and deletes the -wal and -shm under the window, whose later writes go
to a log no one else sees. So while a ``Store`` of this process has a file open (``hold`` …
``release``), a descriptor opened here to read its header is kept until the store closes, as SQLite
keeps its own; otherwise it is closed at once, so a process that looks at many files (the tests, the
backups dialog) does not gather descriptors. Windows locks by handle, so there nothing is kept.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

FileKey = tuple[int, int]  # (device, inode)

_guard = threading.Lock()  # a header read and a store's hold never interleave
_holders: dict[FileKey, int] = {}  # files the stores of this process have open: how many stores
_kept: dict[FileKey, list[int]] = {}  # header descriptors of held files, closed with the last store


def hold(path: Path) -> FileKey:
    """Mark ``path`` (an existing file) as open through SQLite in this process, before SQLite opens
    it; give the key back to ``release`` after the store's connections are closed."""
    status = os.stat(path)
    key = (status.st_dev, status.st_ino)
    with _guard:
        _holders[key] = _holders.get(key, 0) + 1
    return key


def release(key: FileKey) -> None:
    """The store that held ``key`` has closed its connections; the last one closes the kept descriptor."""
    with _guard:
        count = _holders.get(key, 0) - 1
        if count > 0:
            _holders[key] = count
            return
        _holders.pop(key, None)
        descriptors = _kept.pop(key, [])
    for fd in descriptors:
        os.close(fd)


def read_header(path: Path, size: int = 100) -> bytes:
    """The first ``size`` bytes of ``path`` (OSError as ``open`` raises it)."""
    if os.name == "nt":
        with path.open("rb") as handle:
            return handle.read(size)
    with _guard:
        status = os.stat(path)
        kept = _kept.get((status.st_dev, status.st_ino))
        if kept:
            return os.pread(kept[0], size, 0)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        status = os.fstat(fd)  # the file as opened, should it have been replaced since
        key = (status.st_dev, status.st_ino)
        try:
            return os.pread(fd, size, 0)
        finally:
            if key in _holders:
                _kept.setdefault(key, []).append(fd)
            else:
                os.close(fd)
