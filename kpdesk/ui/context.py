"""What every page shares: the open store, the background runner, the undo stack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from kpdesk.ui.operations import BackgroundRunner, Handle, Task

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kpdesk.db.store import Store


class AppContext(QObject):
    store_ready = Signal()
    """The database is open; pages may load."""
    data_changed = Signal(str)
    """Something of this kind ("employer", "need", "contact", …) was written; lists reload."""
    status_message = Signal(str)
    """A short message for the status bar."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = BackgroundRunner(self)
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

    def query(
        self,
        work: Callable[[Session], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Handle:
        """Run ``work(session)`` in one transaction on the database thread."""
        store = self.store
        if store is None:
            raise self.not_open()

        def run(_task: Task) -> Any:
            with store.session() as session:
                return work(session)

        return self.runner.submit(run, on_done, on_error)

    def run_now(self, work: Callable[[Session], Any]) -> Any:
        """Run a small read or write (one record) at once, in one transaction; errors propagate.

        Used by forms and undo commands: a single-row write takes milliseconds, and doing it
        synchronously keeps undo/redo ordered with what is on screen.
        """
        if self.store is None:
            raise self.not_open()
        self.runner.wait()
        with self.store.session() as session:
            return work(session)
