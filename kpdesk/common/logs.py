"""kpdesk's own log (the standard ``logging`` module, a rotating file in the log folder) and the
native-crash trace: ``faulthandler`` writes every thread's stack to ``native-crash.log`` if the
process dies in C code, and the next start says so once.

Only events and counts are logged (started, store opened, migrations, imports, backups, errors),
never values from the register: contact persons are personal data.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
from pathlib import Path
from typing import IO

from kpdesk.common.crashlog import crash_log_dir

LOG_NAME = "kpdesk.log"
NATIVE_CRASH = "native-crash.log"
_RUNNING = "running.pid"  # present while a kpdesk window runs; left behind when it stopped unexpectedly
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


def enable_native_crash_trace() -> str | None:
    """Start ``faulthandler`` into the crash file; returns a bokmål notice if the previous window
    stopped unexpectedly (its marker was left behind), else None."""
    folder = crash_log_dir()
    marker = folder / _RUNNING
    crash_file = folder / NATIVE_CRASH
    notice = None
    if marker.exists():
        notice = (f"kpdesk stoppet uventet forrige gang. Det du lagret før det, er i behold. "
                  f"Detaljer til den som hjelper deg: {crash_file if crash_file.exists() else folder}.")
        logging.getLogger(__name__).warning("the previous window stopped unexpectedly")
    handle = crash_file.open("a", encoding="utf-8")
    os.chmod(crash_file, 0o600)
    _state["crash"] = handle
    faulthandler.enable(handle, all_threads=True)
    marker.write_text(str(os.getpid()))
    return notice


def clean_exit() -> None:
    """The window closed normally: no notice at the next start."""
    (crash_log_dir() / _RUNNING).unlink(missing_ok=True)
