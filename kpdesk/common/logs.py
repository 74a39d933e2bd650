"""kpdesk's own log (the standard ``logging`` module, a rotating file in the log folder) and the
native-crash trace: ``faulthandler`` writes every thread's stack to ``native-crash-<pid>.log`` if
the process dies in C code, and the next start says so once.

A running window keeps a marker, ``running-<pid>.pid``, in the user's log folder
(``paths.log_dir``); a clean exit removes it, and its crash file if that is empty. A marker of this
user whose process no longer runs means that window stopped unexpectedly. Another user's marker, or
that of a window still running (a second kpdesk on another file), says nothing.

Only events and counts are logged (started, store opened, migrations, imports, backups, errors),
never values from the register: contact persons are personal data.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import IO

from kpdesk.common.crashlog import crash_log_dir

LOG_NAME = "kpdesk.log"
NATIVE_CRASH = "native-crash-{pid}.log"
MARKER = "running-{pid}.pid"  # present while a kpdesk window runs; left behind when it stopped unexpectedly
_MARKERS = "running*.pid"  # with the one ``running.pid`` older versions kept
_STILL_ACTIVE = 259  # Windows: GetExitCodeProcess of a process that runs
_state: dict[str, IO[str]] = {}


def setup_logging(level: int = logging.INFO) -> Path:
    """Send kpdesk's log records to a rotating file (1 MB × 3, owner-only); returns its path."""
    path = crash_log_dir() / LOG_NAME
    root = logging.getLogger("kpdesk")
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) and h.baseFilename == str(path.resolve())
               for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(level)
        os.chmod(path, 0o600)
    return path


def native_crash_file(pid: int) -> Path:
    """Where ``faulthandler`` of the window with this process id writes."""
    return crash_log_dir() / NATIVE_CRASH.format(pid=pid)


def previous_stop_notice() -> str | None:
    """A bokmål notice if a kpdesk window of this user stopped unexpectedly since it last started
    (its marker is left behind and its process is gone), else None. Said once: the markers read
    are removed, and their crash files too if those are empty."""
    traces: list[Path] = []
    stopped = False
    for marker in sorted(crash_log_dir().glob(_MARKERS)):
        pid = _marker_pid(marker)
        if pid is None or pid == os.getpid() or process_running(pid):
            continue
        stopped = True
        crash_file = native_crash_file(pid)
        if _size(crash_file):
            traces.append(crash_file)
        else:
            crash_file.unlink(missing_ok=True)
        marker.unlink(missing_ok=True)
    if not stopped:
        return None
    logging.getLogger(__name__).warning("the previous window stopped unexpectedly")
    if not traces:  # stopped from outside, or the machine went off: there is no trace to point at
        return ("kpdesk ble ikke avsluttet som vanlig forrige gang (kanskje ble maskinen slått av, eller "
                "programmet ble stoppet utenfra). Det du lagret før det, er i behold.")
    return (f"kpdesk stoppet uventet forrige gang. Det du lagret før det, er i behold. "
            f"Detaljer til den som hjelper deg: {', '.join(str(path) for path in traces)}.")


def enable_native_crash_trace() -> str | None:
    """Start ``faulthandler`` into this process's crash file and leave its marker; returns
    ``previous_stop_notice()``, read before."""
    notice = previous_stop_notice()
    crash_file = native_crash_file(os.getpid())
    handle = crash_file.open("a", encoding="utf-8")
    os.chmod(crash_file, 0o600)
    _state["crash"] = handle
    faulthandler.enable(handle, all_threads=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(_own_marker(), flags, 0o600), "w", encoding="ascii") as marker:
        marker.write(str(os.getpid()))
    return notice


def clean_exit() -> None:
    """The window closed normally: no notice at the next start, and no empty crash file left."""
    handle = _state.pop("crash", None)
    if handle is not None:
        faulthandler.disable()
        handle.close()
    crash_file = native_crash_file(os.getpid())
    if crash_file.exists() and not _size(crash_file):
        crash_file.unlink()
    _own_marker().unlink(missing_ok=True)


def process_running(pid: int) -> bool:
    """Whether a process of this user with this id runs now (another user's does not count)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:  # gone, or not ours to look at
            return False
        try:
            code = ctypes.c_ulong()
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == _STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)  # signal 0 sends nothing: only whether the process exists and we may signal it
    except (ProcessLookupError, PermissionError):  # gone, or another user's
        return False
    proc = Path(f"/proc/{pid}")  # root may signal anyone's process: where /proc is, it names the owner
    return not proc.exists() or _owned_by_me(proc)


def _own_marker() -> Path:
    return crash_log_dir() / MARKER.format(pid=os.getpid())


def _marker_pid(marker: Path) -> int | None:
    """The process id in a marker of this user; None for another user's marker, a link or junk."""
    try:
        if marker.is_symlink() or not marker.is_file() or not _owned_by_me(marker):
            return None
        return int(marker.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _owned_by_me(path: Path) -> bool:
    if sys.platform == "win32":  # the log folder is in the user's own profile
        return True
    return path.stat().st_uid == os.getuid()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
