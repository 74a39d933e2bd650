"""The background-work model under load: GUI imports of every kind, page switches and matching runs
in between, and the database thread free while the compute thread works."""

from __future__ import annotations

import datetime as dt
import random
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QFileDialog
from support import idle

from kpdesk.common.resources import resource_path

KINDS = ("rooms", "bookings", "employers", "needs", "providers", "offers")


def test_fifty_gui_imports_with_page_switches_and_matching(open_window: Any, demo_db: Path, qtbot: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from kpdesk.ui import operations
    from kpdesk.ui.dialogs.transfer import ImportDialog
    from kpdesk.ui.main_window import section_rows
    from kpdesk.ui.matching_runner import MatchingRunner

    window = open_window(demo_db)
    window.resize(1366, 768)
    gui_thread = QThread.currentThread()
    off_thread: list[str] = []
    original = operations.Handle.__init__

    def watched(self: Any, task: Any) -> None:  # every job's handle must die on the GUI thread
        original(self, task)
        self.destroyed.connect(lambda *_: off_thread.append("handle") if QThread.currentThread() != gui_thread
                               else None)

    monkeypatch.setattr(operations.Handle, "__init__", watched)
    picked = {"path": ""}
    dialogs: list[Any] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (picked["path"], "")))
    monkeypatch.setattr(ImportDialog, "exec", lambda self: dialogs.append(self) or 0)
    rng = random.Random(11)
    imports = 0
    for round_ in range(9):
        for kind in KINDS:
            picked["path"] = str(resource_path("samples", f"{kind}.csv"))
            actions = window.place_actions if kind in ("rooms", "bookings") else window.transfer_actions
            before = len(dialogs)
            actions[f"import_{kind}"].trigger()
            dialog = dialogs[before]
            qtbot.waitUntil(lambda d=dialog: d.plan is not None, timeout=20000)
            if dialog.import_button.isEnabled():
                dialog.import_button.click()
                if rng.random() < 0.5:  # half the time, move on at once
                    qtbot.waitUntil(lambda d=dialog: d.result is not None, timeout=20000)
            imports += 1
            window.navigation.setCurrentRow(rng.choice(section_rows()))
        if round_ % 3 == 0:
            MatchingRunner.of(window.context).run(dt.date(2027, 3, 1))
    idle(qtbot, timeout=60000)
    assert imports >= 50
    applied = [d for d in dialogs if d.plan is not None and not d.plan.has_errors and d.plan.rows]
    assert applied and all(d.result is not None for d in applied)  # every started import landed
    assert not off_thread, f"{len(off_thread)} job handles were destroyed off the GUI thread"
    assert window.isVisible()


def test_a_query_finishes_while_the_compute_thread_is_busy(open_window: Any, demo_db: Path, qtbot: Any) -> None:
    """A save during a long matching run or PDF build is not held up: the threads are separate."""
    window = open_window(demo_db)
    context = window.context
    release = threading.Event()
    computed: list[str] = []
    queried: list[int] = []
    context.compute(lambda _task: release.wait(20) and "built", computed.append)
    from sqlalchemy import text

    context.query(lambda s: s.execute(text("SELECT count(*) FROM employer")).scalar_one(), queried.append)
    qtbot.waitUntil(lambda: bool(queried), timeout=5000)
    assert queried[0] > 0 and not computed  # the query landed while the compute job still ran
    release.set()
    qtbot.waitUntil(lambda: computed == ["built"], timeout=5000)


def test_closing_does_not_wait_and_lets_the_database_go(open_window: Any, demo_db: Path, qtbot: Any) -> None:
    """Closing during long compute work: the window goes at once; the store closes on the database
    thread (its lock released) without waiting for the compute work."""
    from kpdesk.db.store import Store

    window = open_window(demo_db)
    release, ended = threading.Event(), threading.Event()
    window.context.compute(lambda _task: (release.wait(20), ended.set()))
    window.close()
    assert not ended.is_set(), "closing waited for the compute work"
    assert not window.isVisible() and window.context.store is None
    try:
        def reopens() -> bool:
            try:
                Store.open(demo_db).close()
            except Exception:
                return False
            return True

        qtbot.waitUntil(reopens, timeout=10000)  # the lock is free while the compute work still runs
    finally:
        release.set()
