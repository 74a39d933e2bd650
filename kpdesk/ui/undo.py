"""Undo and redo of record edits in the session.

The first run of an action happens before it is pushed (so a refused save never reaches the
stack); the command then only replays ``undo`` and ``redo``. A replay that fails (say, the
organisation number was taken in the meantime) shows the reason and leaves the data as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from kpdesk.ui import alerts


class ActionCommand(QUndoCommand):
    def __init__(self, text: str, redo: Callable[[], None], undo: Callable[[], None],
                 parent_widget: QWidget | None = None) -> None:
        super().__init__(text)
        self._redo, self._undo = redo, undo
        self._first = True
        self._parent_widget = parent_widget

    def redo(self) -> None:
        if self._first:  # already done by the caller
            self._first = False
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:
            alerts.show_exception(self._parent_widget, exc)
            self.setObsolete(True)
