"""What every page shares: the open store, the background runner, the undo stack.

Pages never open sessions themselves: ``query`` runs ``work(session)`` in one transaction on the
database thread, ``with_store`` hands the store to work that manages its own transactions (an
import with its backup), ``compute`` runs CPU work on the compute thread, and ``load_then_compute``
chains the two. Results come back to the GUI thread; the GUI thread never waits for them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from kpdesk.ui.operations import COMPUTE, DATABASE, Handle, Runner, Task

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kpdesk.db.store import Store

OnDone = Callable[[Any], None] | None
OnError = Callable[[BaseException], None] | None
OnProgress = Callable[[int, int, str], None] | None


class AppContext(QObject):
    store_ready = Signal()
    """The database is open; pages may load."""
    data_changed = Signal(str)
    """Something of this kind ("employer", "need", "contact", …) was written; lists reload."""
    status_message = Signal(str)
    """A short message for the status bar."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = Runner(self)
        self.undo_stack = QUndoStack(self)
        self.store: Store | None = None
        self.db_path: Path | None = None  # the file being opened, for reads before the store is open

    def set_store(self, store: Store) -> None:
        self.store = store
        self.store_ready.emit()

    def not_open(self) -> Exception:
        """What a read or write says while the store is still opening (the start list can be on
        screen before, read early)."""
        from kpdesk.common.errors import UserError

        return UserError(self.tr("Databasen åpnes fortsatt. Prøv igjen om et øyeblikk."))

    def _open_store(self) -> Store | None:
        return self.store

    def _refuse(self, on_done: OnDone, on_error: OnError) -> Handle:
        """While the store is opening, a job fails the usual way (on_error, on the GUI thread)."""
        error = self.not_open()

        def fail(_task: Task) -> Any:
            raise error

        return self.runner.submit(fail, on_done, on_error, pool=COMPUTE)

    def query(self, work: Callable[[Session], Any], on_done: OnDone = None, on_error: OnError = None,
              on_progress: OnProgress = None) -> Handle:
        """Run ``work(session)`` in one transaction on the database thread (reads and writes alike)."""
        store = self._open_store()
        if store is None:
            return self._refuse(on_done, on_error)

        def run(_task: Task) -> Any:
            with store.session() as session:
                return work(session)

        return self.runner.submit(run, on_done, on_error, on_progress, pool=DATABASE)

    def with_store(self, work: Callable[[Store], Any], on_done: OnDone = None, on_error: OnError = None) -> Handle:
        """Run ``work(store)`` on the database thread, for work that makes its own transactions."""
        store = self._open_store()
        if store is None:
            return self._refuse(on_done, on_error)
        return self.runner.submit(lambda _task: work(store), on_done, on_error, pool=DATABASE)

    def compute(self, work: Callable[[Task], Any], on_done: OnDone = None, on_error: OnError = None,
                on_progress: OnProgress = None) -> Handle:
        """Run CPU work (no database) on the compute thread."""
        return self.runner.submit(work, on_done, on_error, on_progress, pool=COMPUTE)

    def load_then_compute(self, load: Callable[[Session, Task], Any], work: Callable[[Any, Task], Any],
                          on_done: OnDone = None, on_error: OnError = None,
                          on_progress: OnProgress = None) -> Handle:
        """Read with ``load(session, task)`` on the database thread, then ``work(loaded, task)`` on the
        compute thread: one job, one handle, one cancel. The database thread is free meanwhile."""
        store = self._open_store()
        if store is None:
            return self._refuse(on_done, on_error)

        def read(task: Task) -> Any:
            with store.session() as session:
                return load(session, task)

        return self.runner.submit(read, on_done, on_error, on_progress, pool=DATABASE, then=(COMPUTE, work))
