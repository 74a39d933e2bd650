"""Undo and redo of writes, on the database thread.

``undoable_write`` runs a write once; only when it has succeeded is a command pushed (a refused
save never reaches the stack). The command then replays ``undo`` and ``do`` on the same thread, one
after the other in the order they were asked for, so the GUI thread never waits and the steps
still land in order. What one step hands the next (a new id, a deleted row's snapshot) is kept in
``state`` by the steps themselves, on that thread. A replay that fails (say, the organisation
number was taken in the meantime) shows the reason, and the command is dropped from the stack.
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

Step = Callable[["Session", dict[str, Any]], Any]


class ActionCommand(QUndoCommand):
    """A step already done once: pushing it does not run it again; undo and redo replay it."""

    def __init__(self, text: str, redo: Callable[[], None], undo: Callable[[], None]) -> None:
        super().__init__(text)
        self._redo, self._undo = redo, undo
        self._first = True

    def redo(self) -> None:
        if self._first:  # already done by the caller
            self._first = False
        elif not self.isObsolete():
            self._redo()

    def undo(self) -> None:
        if not self.isObsolete():
            self._undo()


def undoable_write(context: AppContext, text: str, do: Step, undo: Step, after: Callable[[Any], None],
                   widget: QWidget | None = None, *, on_done: Callable[[Any], None] | None = None,
                   on_error: Callable[[BaseException], None] | None = None) -> None:
    """Run ``do(session, state)`` on the database thread and make it undoable.

    ``after(result)`` runs on the GUI thread after the first run and every replay (a replay then says
    in the status bar what was undone or done again: «Angret: endring av «G0001».»); ``on_done(result)``
    after the first run only; ``on_error`` when the first run is refused (default: the error dialog).
    """
    state: dict[str, Any] = {}
    commands: list[ActionCommand] = []

    def replay_failed(exc: BaseException) -> None:
        alerts.show_exception(widget, exc)
        for command in commands:
            command.setObsolete(True)  # its data is not what the step expects any more

    def replay(step: Step, said: str) -> Callable[[], None]:
        def done(result: Any) -> None:
            after(result)
            context.status_message.emit(said)

        def run() -> None:
            context.query(lambda s: step(s, state), done, replay_failed)

        return run

    def first_done(result: Any) -> None:
        tr = context.tr
        commands.append(ActionCommand(text, replay(do, tr("Gjort om: {what}.").format(what=text)),
                                      replay(undo, tr("Angret: {what}.").format(what=text))))
        context.undo_stack.push(commands[0])
        after(result)
        if on_done is not None:
            on_done(result)

    context.query(lambda s: do(s, state), first_done,
                  on_error or (lambda exc: alerts.show_exception(widget, exc)))
