"""Undo and redo of record edits in the session.

The first run of an action happens before it is pushed (so a refused save never reaches the
stack); the command then only replays ``undo`` and ``redo``. A replay that fails (say, the
organisation number was taken in the meantime) shows the reason and leaves the data as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from kpdesk.ui import alerts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kpdesk.ui.context import AppContext


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


def undoable_write(context: AppContext, text: str, do: Callable[[Session, dict[str, Any]], Any],
                   undo: Callable[[Session, dict[str, Any]], Any], after: Callable[[Any], None],
                   widget: QWidget | None = None, on_error: Callable[[BaseException], None] | None = None) -> None:
    """Run ``do`` on the database thread; when it has succeeded, push a command that replays
    ``undo``/``do`` there too. ``state`` is shared by the steps and only touched on that thread
    (where they run one after the other, in order); ``after(result)`` runs on the GUI thread after
    every step. The GUI thread never waits.
    """
    state: dict[str, Any] = {}

    def failed(exc: BaseException) -> None:
        alerts.show_exception(widget, exc)

    def replay(step: Callable[[Session, dict[str, Any]], Any]) -> Callable[[], None]:
        return lambda: context.query(lambda s: step(s, state), after, failed)

    def first_done(result: Any) -> None:
        context.undo_stack.push(ActionCommand(text, replay(do), replay(undo), widget))
        after(result)

    context.query(lambda s: do(s, state), first_done, on_error or failed)
