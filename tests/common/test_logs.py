"""The log file and the native-crash trace: a crash leaves its stacks, and the next start says so once."""

from __future__ import annotations

import faulthandler
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpdesk.common import logs

CRASH = """
import faulthandler, sys
from kpdesk.common.logs import enable_native_crash_trace
enable_native_crash_trace()
faulthandler._sigsegv()
"""


def test_a_native_crash_leaves_its_stacks_and_the_next_start_says_so(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPDESK_LOG_DIR", str(tmp_path))
    done = subprocess.run([sys.executable, "-c", CRASH], env=dict(os.environ), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0  # it really crashed
    crash_file = tmp_path / logs.NATIVE_CRASH
    trace = crash_file.read_text(encoding="utf-8")
    assert "Segmentation fault" in trace and 'File "<string>", line 5' in trace
    assert crash_file.stat().st_mode & 0o777 == 0o600
    try:
        notice = logs.enable_native_crash_trace()  # the next start
        assert notice is not None and "kpdesk stoppet uventet" in notice and str(crash_file) in notice
        logs.clean_exit()
        assert logs.enable_native_crash_trace() is None  # said once: after a clean stop, nothing
        logs.clean_exit()
    finally:
        faulthandler.disable()


def test_the_log_file_is_owner_only_and_holds_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPDESK_LOG_DIR", str(tmp_path))
    root = logging.getLogger("kpdesk")
    before = list(root.handlers)
    try:
        path = logs.setup_logging()
        logging.getLogger("kpdesk.db.store").info("store opened")
        for handler in root.handlers:
            handler.flush()
        assert "kpdesk.db.store: store opened" in path.read_text(encoding="utf-8")
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        for handler in root.handlers[len(before):]:
            handler.close()
            root.removeHandler(handler)
