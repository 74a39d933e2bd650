"""Runs matching over the whole database off the GUI thread, with progress and cancel, and keeps
the latest run for the pages that show it (Matching, Samordning)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QObject, Signal

from kpdesk.ui.context import AppContext
from kpdesk.ui.operations import Handle, Task


class MatchingRunner(QObject):
    started = Signal()
    progressed = Signal(int, int)
    finished = Signal(object)
    """A kpdesk.matching.run.MatchingRun."""
    stopped = Signal()
    """Cancelled or failed (a failure is shown by the runner's error handler)."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.context = context
        self.latest: Any = None
        self.as_of = dt.date.today()
        """The reference date of the session's runs: today, until the coordinator picks another
        (the Matching page's date field); Samordning runs with it too."""
        self._handle: Handle | None = None

    @classmethod
    def of(cls, context: AppContext) -> MatchingRunner:
        """The one runner of this window (created on first use)."""
        runner = context.findChild(MatchingRunner)
        return runner if runner is not None else cls(context)

    def is_running(self) -> bool:
        return self._handle is not None and not self._handle.done

    def run(self, as_of: dt.date) -> None:
        if self.is_running() or self.context.store is None:
            return
        self.as_of = as_of

        def load(session: Any, _task: Task) -> Any:
            from kpdesk.matching.persistence import load_inputs

            return load_inputs(session)

        def match(inputs: Any, task: Task) -> Any:  # on the compute thread: the database is free meanwhile
            from kpdesk.matching.run import match_inputs

            def checkpoint(done: int, total: int) -> None:
                task.check_cancelled()
                task.progress(done, total)

            return match_inputs(inputs.needs, inputs.offers, inputs.regions, inputs.matcher(), as_of, checkpoint)

        self.started.emit()
        self._handle = self.context.load_then_compute(load, match, self._done, self._failed,
                                                      lambda done, total, _text: self.progressed.emit(done, total))

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self.stopped.emit()

    def _done(self, run: Any) -> None:
        self.latest = run
        self.finished.emit(run)

    def _failed(self, exc: BaseException) -> None:
        from kpdesk.ui import alerts

        self.stopped.emit()
        alerts.show_exception(None, exc)
