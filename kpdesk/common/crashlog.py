"""Tracebacks of internal errors go to a file, never to the user's terminal or dialog text."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import traceback
from pathlib import Path

from kpdesk import __version__
from kpdesk.common.paths import log_dir

# A PostgreSQL server's error says the row's values on a DETAIL line («Key (org_number)=(988077917)
# already exists», «Failing row contains (…)»); SQLite's never does. They may be personal data.
_SERVER_DETAIL = re.compile(r"^(DETAIL:\s*).*$", re.MULTILINE)


def crash_log_dir() -> Path:
    """The user's log folder (``paths.log_dir``), created owner-only if it is missing."""
    folder = log_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def write_crash_log(exc: BaseException) -> Path:
    """Write the traceback (no data values, only code locations and the message) to a log file."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = _SERVER_DETAIL.sub(r"\1[values left out]", "".join(traceback.format_exception(exc)))
    # A new file each time (two crashes in one second must not overwrite the first), owner only.
    fd, name = tempfile.mkstemp(prefix=f"kpdesk-crash-{stamp}-{os.getpid()}-", suffix=".log", dir=crash_log_dir())
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"kpdesk {__version__}\n{text}")
    return Path(name)
