"""Create, update and delete of one record, on the database thread, and pushed on the undo stack.

Pages give the service calls; this module owns the undo bookkeeping so every register screen
(employers, contacts, needs, and later offers and rooms) behaves the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget

from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.undo import ActionCommand

Session = Any


def register_call(name: str) -> Callable[..., Any]:
    """``kpdesk.register.service.<name>``, imported on first call: pages are built before the first
    paint, and the register pulls in SQLAlchemy (~0.4 s) which must wait until after it."""

    def call(*args: Any) -> Any:
        from kpdesk.register import service as register

        return getattr(register, name)(*args)

    return call


@dataclass(frozen=True)
class RecordService:
    """The service calls for one kind of record."""

    kind: str  # the data_changed kind: "employer", "contact", "need"
    save: Callable[[Session, Any, int | None], int]  # (session, data, id or None) -> id
    delete: Callable[[Session, int], Any]  # -> snapshot
    restore: Callable[[Session, Any], int]  # (session, snapshot) -> id


class RecordActions:
    """Writes go to the database thread in the order they are asked for; the GUI thread never waits.

    The first write of an action is pushed on the undo stack only when it has succeeded (a refused
    save never reaches the stack). Undo and redo replay on the same thread, so they land in order;
    what one step hands the next (the new id, the deleted row's snapshot) is kept in ``state`` by
    the work itself, on that thread.
    """

    def __init__(self, context: AppContext, service: RecordService, widget: QWidget,
                 on_written: Callable[[int | None], None]) -> None:
        self.context = context
        self.service = service
        self.widget = widget
        self.on_written = on_written  # called with the id to select after every write

    def _write(self, work: Callable[[Session], Any], then: Callable[[Any], None],
               on_error: Callable[[BaseException], None] | None = None) -> None:
        def done(result: Any) -> None:
            self.context.data_changed.emit(self.service.kind)
            then(result)

        self.context.query(work, done, on_error or self._replay_failed)

    def _replay_failed(self, exc: BaseException) -> None:
        alerts.show_exception(self.widget, exc)

    def create(self, data: Any, text: str, on_saved: Callable[[int], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        svc = self.service
        state: dict[str, Any] = {}

        def first(s: Session) -> int:
            state["id"] = svc.save(s, data, None)
            return state["id"]

        def undo() -> None:
            self._write(lambda s: state.update(snapshot=svc.delete(s, state["id"])), lambda _r: self.on_written(None))

        def redo() -> None:
            def work(s: Session) -> int:
                state["id"] = svc.restore(s, state["snapshot"])
                return state["id"]

            self._write(work, self.on_written)

        def saved(new_id: int) -> None:
            self.context.undo_stack.push(ActionCommand(text, redo, undo, self.widget))
            self.on_written(new_id)
            if on_saved is not None:
                on_saved(new_id)

        self._write(first, saved, on_error)

    def update(self, record_id: int, old: Any, new: Any, text: str, on_saved: Callable[[int], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        svc = self.service

        def undo() -> None:
            self._write(lambda s: svc.save(s, old, record_id), lambda _r: self.on_written(record_id))

        def redo() -> None:
            self._write(lambda s: svc.save(s, new, record_id), lambda _r: self.on_written(record_id))

        def saved(_result: Any) -> None:
            self.context.undo_stack.push(ActionCommand(text, redo, undo, self.widget))
            self.on_written(record_id)
            if on_saved is not None:
                on_saved(record_id)

        self._write(lambda s: svc.save(s, new, record_id), saved, on_error)

    def delete(self, record_id: int, text: str, on_deleted: Callable[[], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        svc = self.service
        state: dict[str, Any] = {}

        def undo() -> None:
            self._write(lambda s: svc.restore(s, state["snapshot"]), self.on_written)

        def redo() -> None:
            self._write(lambda s: state.update(snapshot=svc.delete(s, record_id)), lambda _r: self.on_written(None))

        def deleted(_result: Any) -> None:
            self.context.undo_stack.push(ActionCommand(text, redo, undo, self.widget))
            self.on_written(None)
            if on_deleted is not None:
                on_deleted()

        self._write(lambda s: state.update(snapshot=svc.delete(s, record_id)), deleted, on_error)
