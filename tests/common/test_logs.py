"""The log file and the native-crash trace: a crash leaves its stacks, and the next start says so
once; a window still running, another user's marker or a clean exit says nothing."""

from __future__ import annotations

import faulthandler
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpdesk.common import logs

CRASH = """
import faulthandler, sys
from kpdesk.common.logs import enable_native_crash_trace
enable_native_crash_trace()
print("started", flush=True)
if sys.argv[1] == "segfault":
    faulthandler._sigsegv()
sys.stdin.read()  # runs until its stdin closes, or it is killed
"""


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("KPDESK_LOG_DIR", str(tmp_path))
    yield tmp_path
    if "crash" in logs._state:  # a test that started the trace in this process
        logs.clean_exit()
    faulthandler.disable()


def window_process(how: str) -> subprocess.Popen[str]:
    """A process that starts the trace as a kpdesk window does, then crashes (``segfault``) or waits."""
    process = subprocess.Popen([sys.executable, "-c", CRASH, how], env=dict(os.environ), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "started\n"
    return process


def test_a_native_crash_leaves_its_stacks_and_the_next_start_says_so(log_dir: Path) -> None:
    process = window_process("segfault")
    assert process.wait(timeout=60) != 0  # it really crashed
    crash_file = log_dir / logs.NATIVE_CRASH.format(pid=process.pid)
    trace = crash_file.read_text(encoding="utf-8")
    assert "Segmentation fault" in trace and 'File "<string>", line 7' in trace
    assert crash_file.stat().st_mode & 0o777 == 0o600
    notice = logs.enable_native_crash_trace()  # the next start
    assert notice is not None and "kpdesk stoppet uventet" in notice and str(crash_file) in notice
    logs.clean_exit()
    assert logs.enable_native_crash_trace() is None  # said once: after a clean stop, nothing
    logs.clean_exit()
    assert crash_file.exists()  # the trace is kept for the one who helps
    assert not list(log_dir.glob("running*.pid"))
    assert not (log_dir / logs.NATIVE_CRASH.format(pid=os.getpid())).exists()  # the clean run's, empty


def test_a_window_still_running_is_not_said_to_have_stopped(log_dir: Path) -> None:
    """A second kpdesk (on another file) starts while the first still runs: no notice."""
    first = window_process("wait")
    try:
        assert (log_dir / logs.MARKER.format(pid=first.pid)).exists()
        assert logs.previous_stop_notice() is None
        assert (log_dir / logs.MARKER.format(pid=first.pid)).exists()  # still the first window's
    finally:
        if first.stdin is not None:
            first.stdin.close()
        first.wait(timeout=30)


def test_a_window_stopped_from_outside_is_told_without_an_empty_crash_file(log_dir: Path) -> None:
    """Killed (or the machine went off): no trace was written, so the notice names no crash file."""
    process = window_process("wait")
    process.kill()
    process.wait(timeout=30)
    crash_file = log_dir / logs.NATIVE_CRASH.format(pid=process.pid)
    assert crash_file.exists() and crash_file.stat().st_size == 0
    notice = logs.previous_stop_notice()
    assert notice is not None and "ikke avsluttet som vanlig" in notice
    assert "native-crash" not in notice and str(log_dir) not in notice
    assert not crash_file.exists()  # nothing to show: gone with its marker
    assert logs.previous_stop_notice() is None


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to leave another user's file")
def test_another_users_marker_says_nothing(log_dir: Path) -> None:
    marker = log_dir / "running.pid"  # the one marker of older versions, left by another user
    marker.write_text("999999999", encoding="ascii")
    os.chown(marker, 4321, 4321)
    assert logs.previous_stop_notice() is None
    assert marker.exists()  # not ours to remove


def test_a_process_that_ended_is_not_running() -> None:
    assert logs.process_running(os.getpid())
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    assert not logs.process_running(int(done.stdout))  # ended (its id is not reused this quickly)
    assert not logs.process_running(0) and not logs.process_running(-1)


def test_the_log_folder_is_the_users_own_not_a_shared_temp_folder(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Without KPDESK_LOG_DIR, each user (each HOME) has a folder of their own, owner-only."""
    from kpdesk.common.crashlog import crash_log_dir

    monkeypatch.delenv("KPDESK_LOG_DIR", raising=False)
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    folders = []
    for user in ("kari", "ola"):
        monkeypatch.setenv("HOME", str(tmp_path / user))
        monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / user / "AppData" / "Local"))
        folder = crash_log_dir()
        assert folder.is_relative_to(tmp_path / user)
        assert folder.stat().st_mode & 0o777 == 0o700
        folders.append(folder)
    assert folders[0] != folders[1]
    if sys.platform.startswith("linux"):
        assert folders[1] == tmp_path / "ola" / ".local" / "state" / "kpdesk" / "logs"
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
        assert crash_log_dir() == tmp_path / "state" / "kpdesk" / "logs"
    monkeypatch.setenv("KPDESK_LOG_DIR", str(tmp_path / "chosen"))
    assert crash_log_dir() == tmp_path / "chosen"  # the variable still decides


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


def test_a_crash_log_leaves_out_the_values_a_servers_error_names() -> None:
    """PostgreSQL's errors carry the row's values on a DETAIL line (SQLite's do not): never in a log."""
    from kpdesk.common.crashlog import write_crash_log

    error = RuntimeError('duplicate key value violates unique constraint "uq_employer_org_number"\n'
                         "DETAIL:  Key (org_number)=(988077917) already exists.\n"
                         "[SQL: INSERT INTO employer (org_number, name) VALUES (%(org_number)s, %(name)s)]")
    log = write_crash_log(error).read_text(encoding="utf-8")
    assert 'violates unique constraint "uq_employer_org_number"' in log and "[SQL: INSERT INTO employer" in log
    assert "988077917" not in log and "DETAIL:  [values left out]" in log
