"""The one way kpdesk runs slow work (database queries, imports, matching, PDFs) off the GUI thread.

``BackgroundRunner.submit(work, on_done)`` runs ``work(task)`` on a worker thread; ``on_done``,
``on_error`` and ``on_progress`` are called on the GUI thread. ``work`` must not touch widgets;
it reports progress with ``task.progress(done, total, text)`` and checks ``task.cancelled``.
Database work goes through one runner with a single thread, so writes never race each other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class Cancelled(Exception):
    """Raised inside work when the user cancelled it."""


class Task:
    """What the worker function gets: progress reporting and cancellation."""

    def __init__(self, bridge: _Bridge) -> None:
        self._bridge = bridge
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._bridge.progressed.emit(done, total, text)

    def cancel(self) -> None:
        self._cancel.set()


class _Bridge(QObject):
    """Lives on the GUI thread; its signals carry results back across threads."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Task], Any], task: Task, bridge: _Bridge) -> None:
        super().__init__()
        self._work, self._task, self._bridge = work, task, bridge
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._work(self._task)
        except BaseException as exc:  # every failure reaches the GUI thread, none vanish
            self._bridge.failed.emit(exc)
        else:
            self._bridge.succeeded.emit(result)


class Handle(QObject):
    """A submitted job: cancel it, or wait for ``finished`` (emitted after the callbacks ran)."""

    finished = Signal()

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self.done = False

    def cancel(self) -> None:
        self.task.cancel()


class BackgroundRunner(QObject):
    """Runs jobs on the application's thread pool, one at a time by default (SQLite likes one writer)."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 1) -> None:
        super().__init__(parent)
        # The application-wide pool, not one owned by this object: a pool destroyed with a window
        # waits for its running job while the destroying thread holds Python's GIL, and the job
        # needs the GIL to finish (a deadlock seen when a window closed mid-query).
        self._pool = QThreadPool.globalInstance()
        self._pool.setMaxThreadCount(max_threads)
        self._live: set[Handle] = set()
        self.default_error_handler: Callable[[BaseException], None] | None = None

    def submit(
        self,
        work: Callable[[Task], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Handle:
        bridge = _Bridge()
        task = Task(bridge)
        handle = Handle(task)
        self._live.add(handle)
        if len(self._live) == 1:
            self.busy_changed.emit(True)

        def finish() -> None:
            handle.done = True
            if not shiboken6.isValid(self):  # the window closed while the work ran
                return
            self._live.discard(handle)
            bridge.deleteLater()
            if not self._live:
                self.busy_changed.emit(False)
            handle.finished.emit()

        @Slot(object)
        def succeeded(result: Any) -> None:
            if not shiboken6.isValid(self):
                return
            try:
                if on_done is not None:
                    on_done(result)
            finally:
                finish()

        @Slot(object)
        def failed(exc: BaseException) -> None:
            try:
                if isinstance(exc, Cancelled):
                    return
                handler = on_error or self.default_error_handler
                if handler is None:
                    raise exc
                handler(exc)
            finally:
                finish()

        bridge.succeeded.connect(succeeded)
        bridge.failed.connect(failed)
        if on_progress is not None:
            bridge.progressed.connect(on_progress)
        self._pool.start(_Job(work, task, bridge))
        return handle

    def is_busy(self) -> bool:
        return bool(self._live)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the workers are idle (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)
