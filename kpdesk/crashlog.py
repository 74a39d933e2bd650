"""Tracebacks of internal errors go to a file, never to the user's terminal or dialog text."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path

from kpdesk import __version__


def crash_log_dir() -> Path:
    folder = Path(os.environ.get("KPDESK_LOG_DIR") or Path(tempfile.gettempdir()) / "kpdesk-logs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_crash_log(exc: BaseException) -> Path:
    """Write the traceback (no data values, only code locations and the message) to a log file."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = crash_log_dir() / f"kpdesk-crash-{stamp}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(exc))
    path.write_text(f"kpdesk {__version__}\n{text}", encoding="utf-8")
    return path
