"""Create, update and delete of one record, on the database thread, and pushed on the undo stack.

Pages give the service calls; this module owns the undo bookkeeping so every register screen
(employers, contacts, needs, and later offers and rooms) behaves the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget

from kpdesk.ui.context import AppContext
from kpdesk.ui.undo import Step, undoable_write

Session = Any


def register_call(name: str) -> Callable[..., Any]:
    """``kpdesk.register.service.<name>``, imported on first call: pages are built before the first
    paint, and the register pulls in SQLAlchemy (~0.4 s) which must wait until after it."""

    def call(*args: Any, **kwargs: Any) -> Any:
        from kpdesk.register import service as register

        return getattr(register, name)(*args, **kwargs)

    return call


@dataclass(frozen=True)
class RecordService:
    """The service calls for one kind of record."""

    kind: str  # the data_changed kind: "employer", "contact", "need"
    save: Callable[[Session, Any, int | None], int]  # (session, data, id or None) -> id
    delete: Callable[[Session, int], Any]  # -> snapshot
    restore: Callable[[Session, Any], int]  # (session, snapshot) -> id
    table: str = ""  # the record's table when it has a version (``kpdesk.db.versions``): edits are checked


def checked_save(svc: RecordService, s: Session, data: Any, record_id: int, state: dict[str, Any]) -> int:
    """``svc.save`` of an edit, refused naming who and when if the row is not at ``state["version"]`` (what
    the form loaded, or what this command's last step left); the version after it is kept for the next step
    (undo, redo), so an undo over someone else's change is refused the same way."""
    if not svc.table:
        return svc.save(s, data, record_id)
    from kpdesk.db import versions

    versions.refuse_if_changed(s, svc.table, record_id, state.get("version"))
    saved = svc.save(s, data, record_id)
    state["version"] = versions.current_version(s, svc.table, record_id)
    return saved


class RecordActions:
    """Create, update and delete of one kind of record, each undoable (``undoable_write``).

    Every step returns the id to select afterwards (None after a delete), so one ``after`` serves
    them all: the lists reload and the page selects the record.
    """

    def __init__(self, context: AppContext, service: RecordService, widget: QWidget,
                 on_written: Callable[[int | None], None]) -> None:
        self.context = context
        self.service = service
        self.widget = widget
        self.on_written = on_written  # called with the id to select after every write
        self.versions_written: dict[int, int] = {}  # a record's version after this page's last write to it

    def _after(self, record_id: int | None) -> None:
        self.context.data_changed.emit(self.service.kind)
        self.on_written(record_id)

    def _undoable(self, text: str, do: Step, undo: Step, on_done: Callable[[Any], None] | None,
                  on_error: Callable[[BaseException], None] | None) -> None:
        undoable_write(self.context, text, do, undo, self._after, self.widget, on_done=on_done, on_error=on_error)

    def create(self, data: Any, text: str, on_saved: Callable[[int], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        svc = self.service

        def do(s: Session, state: dict[str, Any]) -> int:
            state["id"] = svc.restore(s, state["snapshot"]) if "snapshot" in state else svc.save(s, data, None)
            return state["id"]

        def undo(s: Session, state: dict[str, Any]) -> None:
            state["snapshot"] = svc.delete(s, state["id"])

        self._undoable(text, do, undo, on_saved, on_error)

    def update(self, record_id: int, old: Any, new: Any, text: str, on_saved: Callable[[int], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None, *, version: int | None = None) -> None:
        """An edit of the record the form loaded at ``version`` (None: not checked), undoable."""
        svc = self.service

        def step(data: Any) -> Callable[[Session, dict[str, Any]], int]:
            def run(s: Session, state: dict[str, Any]) -> int:
                state.setdefault("version", version)
                saved = checked_save(svc, s, data, record_id, state)
                if state["version"] is not None:
                    self.versions_written[record_id] = state["version"]  # read on the GUI thread after it
                return saved

            return run

        self._undoable(text, step(new), step(old), on_saved, on_error)

    def delete(self, record_id: int, text: str, on_deleted: Callable[[], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        svc = self.service

        def do(s: Session, state: dict[str, Any]) -> None:
            state["snapshot"] = svc.delete(s, record_id)

        self._undoable(text, do, lambda s, state: svc.restore(s, state["snapshot"]),
                       None if on_deleted is None else lambda _result: on_deleted(), on_error)
