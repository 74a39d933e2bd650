"""The one way kpdesk works off the GUI thread (after Anki's QueryOp/CollectionOp).

Two pools, each with one thread, live as long as the application:

- the **database thread** runs every read and write (``AppContext.query``, ``with_store``), one
  after the other in the order they were asked for, so writes never race and undo steps land in
  order without the GUI thread ever waiting for them;
- the **compute thread** runs CPU work once its inputs are loaded (the matching engine,
  ReportLab builds), so a regional matching run or a PDF preview never holds up a save.

``Runner.submit(work, on_done, on_error, on_progress, pool=…)`` runs ``work(task)`` on a pool;
the callbacks run on the GUI thread. ``work`` never touches widgets: it reports progress with
``task.progress(done, total, text)`` and checks ``task.cancelled``.

A runner's ``retry`` hook (the window's ``server_retry.RetryOffer``) sees a failure before the job's
``on_error``: when it takes it (a database server that stopped answering), the job stays under way
until the hook runs it again on its pool or gives up, and only then reaches ``on_error``.

Why one long-lived dispatcher instead of a QObject per job: a worker thread must never hold the
last reference to a Python wrapper of a QObject. A per-job QObject whose wrapper died on the
worker thread was deleted there while the GUI thread still had its ``deleteLater`` queued, and
QtCore crashed (the import crash). Workers here touch only plain Python objects and emit the
signals of one dispatcher that the application owns.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

DATABASE, COMPUTE = "database", "compute"


class Cancelled(Exception):
    """Raised inside work when the user cancelled it."""


class Task:
    """What the worker function gets: progress reporting and cancellation. Plain Python only."""

    def __init__(self, job_id: int, dispatcher: _Dispatcher) -> None:
        self._job_id = job_id
        self._dispatcher = dispatcher
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._dispatcher.progressed.emit(self._job_id, done, total, text)

    def cancel(self) -> None:
        self._cancel.set()


class RetryHook(Protocol):
    """Decides about a failed job before its ``on_error`` does."""

    def take(self, exc: BaseException, again: Callable[[], None], give_up: Callable[[], None]) -> bool:
        """True: the hook will call ``again()`` (run the job once more) or ``give_up()`` (``on_error``)."""
        ...


class Handle(QObject):
    """A submitted job, on the GUI thread: cancel it, or wait for ``finished`` (after the callbacks ran)."""

    finished = Signal()
    """The job's callbacks have run (or it was cancelled)."""

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self.done = False

    def cancel(self) -> None:
        self.task.cancel()


@dataclass
class _Callbacks:
    runner: Runner
    handle: Handle
    work: Callable[[Task], Any]  # held here too, so its last reference always goes on the GUI thread
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int, str], None] | None
    later: list[tuple[str, Callable[[Any, Task], Any]]]  # stages still to run, each given the last result
    pool: str  # where ``work`` runs
    may_retry: bool  # the runner's retry hook may take its failure


class _Dispatcher(QObject):
    """Lives on the GUI thread for the application's life; carries results back from the workers."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, int, int, str)

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.jobs: dict[int, _Callbacks] = {}
        self.succeeded.connect(self._succeeded)
        self.failed.connect(self._failed)
        self.progressed.connect(self._progressed)

    @Slot(int, object)
    def _succeeded(self, job_id: int, result: Any) -> None:
        callbacks = self.jobs.get(job_id)
        if callbacks is None:
            return
        if callbacks.later and not callbacks.handle.task.cancelled:
            pool, stage = callbacks.later.pop(0)
            callbacks.work = lambda task: stage(result, task)
            callbacks.pool = pool
            pools().pools[pool].start(_Job(job_id, callbacks.work, callbacks.handle.task, self))
            return
        del self.jobs[job_id]
        if callbacks.handle.task.cancelled:
            callbacks.runner.finished(callbacks.handle)
            return
        try:
            if callbacks.runner.alive() and callbacks.on_done is not None:
                callbacks.on_done(result)
        finally:
            callbacks.runner.finished(callbacks.handle)

    @Slot(int, object)
    def _failed(self, job_id: int, exc: BaseException) -> None:
        callbacks = self.jobs.pop(job_id, None)
        if callbacks is None:
            return
        runner = callbacks.runner
        if isinstance(exc, Cancelled) or not runner.alive():
            runner.finished(callbacks.handle)
            return
        hook = runner.retry if callbacks.may_retry else None
        if hook is not None and hook.take(exc, lambda: self._again(job_id, callbacks),
                                          lambda: self._give_up(callbacks, exc)):
            return  # still under way: the hook runs it again or gives up
        self._give_up(callbacks, exc)

    def _again(self, job_id: int, callbacks: _Callbacks) -> None:
        """Run a failed job (its current stage) once more, with the same handle and callbacks."""
        if callbacks.handle.task.cancelled or not callbacks.runner.alive():
            callbacks.runner.finished(callbacks.handle)
            return
        self.jobs[job_id] = callbacks
        pools().pools[callbacks.pool].start(_Job(job_id, callbacks.work, callbacks.handle.task, self))

    def _give_up(self, callbacks: _Callbacks, exc: BaseException) -> None:
        try:
            if not callbacks.runner.alive():
                return
            handler = callbacks.on_error or callbacks.runner.default_error_handler
            if handler is None:
                raise exc
            handler(exc)
        finally:
            callbacks.runner.finished(callbacks.handle)

    @Slot(int, int, int, str)
    def _progressed(self, job_id: int, done: int, total: int, text: str) -> None:
        callbacks = self.jobs.get(job_id)
        if callbacks is not None and callbacks.on_progress is not None and callbacks.runner.alive():
            callbacks.on_progress(done, total, text)


class _Job(QRunnable):
    def __init__(self, job_id: int, work: Callable[[Task], Any], task: Task, dispatcher: _Dispatcher) -> None:
        super().__init__()
        self._job_id, self._task, self._dispatcher = job_id, task, dispatcher
        self._work: Callable[[Task], Any] | None = work
        self.setAutoDelete(True)

    def run(self) -> None:
        work, self._work = self._work, None
        try:
            if work is None:  # run twice: fails like any job, on the GUI thread
                raise RuntimeError("a job runs only once")
            result = work(self._task)
        except BaseException as exc:  # every failure reaches the GUI thread, none vanish
            del work  # before the emit: the GUI thread's record still holds the closure
            self._dispatcher.failed.emit(self._job_id, exc)
        else:
            del work
            self._dispatcher.succeeded.emit(self._job_id, result)


class _Pools:
    """The application's two pools and its dispatcher, made on first use on the GUI thread."""

    def __init__(self) -> None:
        app = QCoreApplication.instance()
        self.dispatcher = _Dispatcher(app)
        self.pools: dict[str, QThreadPool] = {}
        for name in (DATABASE, COMPUTE):
            pool = QThreadPool(app)
            pool.setObjectName(f"kpdesk-{name}")
            pool.setMaxThreadCount(1)
            pool.setExpiryTimeout(-1)  # the thread stays: SQLite connections and ReportLab's caches stay warm
            self.pools[name] = pool
        self.ids = itertools.count(1)


_shared: _Pools | None = None


def pools() -> _Pools:
    global _shared
    if _shared is None or not shiboken6.isValid(_shared.dispatcher):
        _shared = _Pools()
    return _shared


def wait_for_all(msecs: int = 30000) -> bool:
    """Block until both pools are idle (shutdown and tests; never during normal work)."""
    if _shared is None:
        return True
    return all(pool.waitForDone(msecs) for pool in _shared.pools.values())


class Runner(QObject):
    """A window's view of the pools: its jobs, whether any is running, and its default error handler."""

    busy_changed = Signal(bool)
    """True when the first of this runner's jobs starts, False when the last one has finished."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._live: set[Handle] = set()
        self.default_error_handler: Callable[[BaseException], None] | None = None
        self.retry: RetryHook | None = None

    def alive(self) -> bool:
        return shiboken6.isValid(self)

    def submit(
        self,
        work: Callable[[Task], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        *,
        pool: str = DATABASE,
        then: tuple[str, Callable[[Any, Task], Any]] | None = None,
        may_retry: bool = True,
    ) -> Handle:
        """Run ``work(task)`` on ``pool``; with ``then=(pool, stage)``, ``stage(result, task)`` runs
        next on that pool (the same job: one handle, one cancel) and its result reaches ``on_done``.
        ``may_retry=False``: a failure goes straight to ``on_error`` (opening a database has its own offer)."""
        shared = pools()
        job_id = next(shared.ids)
        task = Task(job_id, shared.dispatcher)
        handle = Handle(task)
        shared.dispatcher.jobs[job_id] = _Callbacks(self, handle, work, on_done, on_error, on_progress,
                                                    [then] if then else [], pool, may_retry)
        self._live.add(handle)
        if len(self._live) == 1:
            self.busy_changed.emit(True)
        shared.pools[pool].start(_Job(job_id, work, task, shared.dispatcher))
        return handle

    def finished(self, handle: Handle) -> None:
        handle.done = True
        if not self.alive():
            return
        self._live.discard(handle)
        if not self._live:
            self.busy_changed.emit(False)
        handle.finished.emit()

    def cancel_all(self) -> None:
        """Ask every running job of this runner to stop (work that checks ``task.cancelled`` does)."""
        for handle in self._live:
            handle.cancel()

    def is_busy(self) -> bool:
        return bool(self._live)

