"""Create, update and delete of one record, done at once and pushed on the undo stack.

Pages give the service calls; this module owns the undo bookkeeping so every register screen
(employers, contacts, needs, and later offers and rooms) behaves the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget

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
    def __init__(self, context: AppContext, service: RecordService, widget: QWidget,
                 on_written: Callable[[int | None], None]) -> None:
        self.context = context
        self.service = service
        self.widget = widget
        self.on_written = on_written  # called with the id to select after every write

    def _write(self, work: Callable[[Session], Any]) -> Any:
        result = self.context.run_now(work)
        self.context.data_changed.emit(self.service.kind)
        return result

    def create(self, data: Any, text: str) -> int:
        svc = self.service
        state: dict[str, Any] = {"id": self._write(lambda s: svc.save(s, data, None))}

        def undo() -> None:
            state["snapshot"] = self._write(lambda s: svc.delete(s, state["id"]))
            self.on_written(None)

        def redo() -> None:
            state["id"] = self._write(lambda s: svc.restore(s, state["snapshot"]))
            self.on_written(state["id"])

        self.context.undo_stack.push(ActionCommand(text, redo, undo, self.widget))
        self.on_written(state["id"])
        return state["id"]

    def update(self, record_id: int, old: Any, new: Any, text: str) -> None:
        svc = self.service
        self._write(lambda s: svc.save(s, new, record_id))

        def undo() -> None:
            self._write(lambda s: svc.save(s, old, record_id))
            self.on_written(record_id)

        def redo() -> None:
            self._write(lambda s: svc.save(s, new, record_id))
            self.on_written(record_id)

        self.context.undo_stack.push(ActionCommand(text, redo, undo, self.widget))
        self.on_written(record_id)

    def delete(self, record_id: int, text: str) -> None:
        svc = self.service
        state: dict[str, Any] = {"snapshot": self._write(lambda s: svc.delete(s, record_id))}

        def undo() -> None:
            restored = self._write(lambda s: svc.restore(s, state["snapshot"]))
            self.on_written(restored)

        def redo() -> None:
            state["snapshot"] = self._write(lambda s: svc.delete(s, record_id))
            self.on_written(None)

        self.context.undo_stack.push(ActionCommand(text, redo, undo, self.widget))
        self.on_written(None)
