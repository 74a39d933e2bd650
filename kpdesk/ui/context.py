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
    bookings_made = Signal(object)
    """New bookings were made (not an edit, undo or redo): their ids, a tuple; the Timeplan goes there."""

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

    def _on_database(self, work: Callable[[Store, Task], Any], on_done: OnDone, on_error: OnError,
                     on_progress: OnProgress = None,
                     then: tuple[str, Callable[[Any, Task], Any]] | None = None, may_retry: bool = True) -> Handle:
        """Queue ``work(store, task)`` on the database thread and return at once.

        While the store is still opening, the job fails the usual way (``on_error``, "Databasen åpnes
        fortsatt"); that refusal runs on the compute thread, so it is not queued behind the opening.
        """
        store = self.store
        if store is None:
            error = self.not_open()

            def refuse(_task: Task) -> Any:
                raise error

            return self.runner.submit(refuse, on_done, on_error, pool=COMPUTE)
        return self.runner.submit(lambda task: work(store, task), on_done, on_error, on_progress, pool=DATABASE,
                                  then=then, may_retry=may_retry)

    def query(self, work: Callable[[Session], Any], on_done: OnDone = None, on_error: OnError = None, *,
              may_retry: bool = True) -> Handle:
        """Run ``work(session)`` in one transaction on the database thread (reads and writes alike).
        ``may_retry=False``: a server that stops answering is not offered «Prøv igjen» for this job (a
        background poll, which simply asks again later)."""
        return self._on_database(lambda store, _task: store.transaction(work), on_done, on_error,
                                 may_retry=may_retry)

    def with_store(self, work: Callable[[Store], Any], on_done: OnDone = None, on_error: OnError = None) -> Handle:
        """Run ``work(store)`` on the database thread, for work that makes its own transactions."""
        return self._on_database(lambda store, _task: work(store), on_done, on_error)

    def compute(self, work: Callable[[Task], Any], on_done: OnDone = None, on_error: OnError = None,
                on_progress: OnProgress = None) -> Handle:
        """Run CPU work (no database) on the compute thread."""
        return self.runner.submit(work, on_done, on_error, on_progress, pool=COMPUTE)

    def load_then_compute(self, load: Callable[[Session, Task], Any], work: Callable[[Any, Task], Any],
                          on_done: OnDone = None, on_error: OnError = None,
                          on_progress: OnProgress = None) -> Handle:
        """Read with ``load(session, task)`` on the database thread, then ``work(loaded, task)`` on the
        compute thread: one job, one handle, one cancel. The database thread is free meanwhile."""
        return self._on_database(lambda store, task: store.transaction(lambda session: load(session, task)),
                                 on_done, on_error, on_progress, then=(COMPUTE, work))
