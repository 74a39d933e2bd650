"""Booking writes from the window: done at once, undoable, and the questions they need.

Every write is a call into ``kpdesk.booking.service`` that returns a ``BookingWrite``; its
``undo`` snapshot is handed to ``kpdesk.booking.snapshots.undo``. Redo must bring back the very
rows the write made (same ids, so a later edit on the undo stack still finds them): before an
undo runs, the rows it will replace are captured as the snapshot that redo applies in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.undo import undoable_write

Session = Any
THIS, FOLLOWING, SERIES = "this", "following", "series"


def _tr(text: str) -> str:
    return QCoreApplication.translate("BookingActions", text)


def apply_snapshot(session: Session, snapshot: Any) -> Any:
    """Undo the write behind ``snapshot``; returns the snapshot that undoes this undo (for redo)."""
    from kpdesk.booking import snapshots

    series_ids = {s["id"] for s in snapshot.series} | set(snapshot.created_series)
    booking_ids = {b["id"] for b in snapshot.bookings} | set(snapshot.created_bookings)
    series, bookings, links = snapshots.capture(session, series_ids=series_ids, booking_ids=booking_ids)
    inverse = snapshots.BookingSnapshot(
        f"angring av {snapshot.summary}", series, bookings, links,
        created_series=tuple(s["id"] for s in snapshot.series),
        created_bookings=tuple(b["id"] for b in snapshot.bookings))
    snapshots.undo(session, snapshot)
    return inverse


class BookingActions:
    """Runs booking writes for one widget and keeps the undo stack in step."""

    def __init__(self, context: AppContext, widget: QWidget) -> None:
        self.context = context
        self.widget = widget

    def run(self, text: str, work: Callable[[Session], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run a service write on the database thread and make it undoable once it has succeeded
        (a refused write reaches ``on_error`` and nothing is pushed)."""

        def do(s: Session, state: dict[str, Any]) -> Any:
            if "snapshot" in state:  # a redo: put back what the undo took away
                state["snapshot"] = apply_snapshot(s, state["snapshot"])
                return None
            write = work(s)
            state["snapshot"] = write.undo
            return write

        def undo(s: Session, state: dict[str, Any]) -> None:
            state["snapshot"] = apply_snapshot(s, state["snapshot"])

        def after(write: Any) -> None:
            self.context.data_changed.emit("booking")
            if write is not None:
                self.context.status_message.emit(write.summary)
                snapshot = write.undo
                if snapshot.created_bookings and not snapshot.bookings:  # made, not changed
                    self.context.bookings_made.emit(tuple(write.booking_ids))

        undoable_write(self.context, text, do, undo, after, self.widget, on_done=on_done, on_error=on_error)

    # ------------------------------------------------------------ flows started from a week view or a dialog

    def cancel(self, parent: QWidget, booking: Any, on_done: Callable[[], None] | None = None) -> None:
        """Ask what to cancel (one date, this and following, the series) and why; cancel it."""
        from kpdesk.booking import service

        answer = CancelDialog.ask(parent, booking.title, is_series=booking.series_id is not None)
        if answer is None:
            return
        scope, reason = answer
        booking_id, series_id = booking.id, booking.series_id
        if scope == SERIES and series_id is not None:
            work: Callable[[Session], Any] = lambda s: service.cancel_series(s, series_id, reason)  # noqa: E731
        elif scope == FOLLOWING:
            work = lambda s: service.cancel_following(s, booking_id, reason)  # noqa: E731
        else:
            work = lambda s: service.cancel_booking(s, booking_id, reason)  # noqa: E731
        self._attempt(parent, _tr("avlysning av «{title}»").format(title=booking.title), work, on_done)

    def reactivate(self, parent: QWidget, booking: Any, on_done: Callable[[], None] | None = None) -> None:
        """Make a cancelled or skipped date active again; a clash needs a reason."""
        from kpdesk.booking import service
        from kpdesk.booking.conflicts import ConflictError

        booking_id = booking.id
        text = _tr("gjenåpning av «{title}»").format(title=booking.title)

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, ConflictError):
                alerts.show_exception(parent, exc)
                return
            reason = ReasonDialog.ask(parent, exc.conflicts.sentence(), exc.conflicts.problems())
            if reason is not None:
                self._attempt(parent, text, lambda s: service.reactivate_booking(s, booking_id, override_reason=reason),
                              on_done)

        self.run(text, lambda s: service.reactivate_booking(s, booking_id), lambda _w: on_done and on_done(), refused)

    def delete(self, parent: QWidget, booking: Any, on_done: Callable[[], None] | None = None) -> None:
        """Delete a single booking, or a whole series with every date."""
        from kpdesk.booking import service

        if booking.series_id is not None:
            series_id = booking.series_id
            question = _tr("Slette hele serien «{title}» med alle datoene, også de avlyste?\n"
                                 "Vil du bare ta bort én dato, velg «Avlys» i stedet. Du kan angre med Ctrl+Z."
                                 ).format(title=booking.title)
            work: Callable[[Session], Any] = lambda s: service.delete_series(s, series_id)  # noqa: E731
        else:
            booking_id = booking.id
            question = _tr("Slette «{title}»? Du kan angre med Ctrl+Z.").format(title=booking.title)
            work = lambda s: service.delete_booking(s, booking_id)  # noqa: E731
        if not alerts.question(parent, _tr("Slett booking"), question, _tr("Slett")):
            return
        self._attempt(parent, _tr("sletting av «{title}»").format(title=booking.title), work, on_done)

    def _attempt(self, parent: QWidget, text: str, work: Callable[[Session], Any],
                 on_done: Callable[[], None] | None) -> None:
        self.run(text, work, lambda _write: on_done and on_done(), lambda exc: alerts.show_exception(parent, exc))


# ---------------------------------------------------------------- questions

class ScopeDialog(QDialog):
    """Which dates an edit of one date of a series is for."""

    def __init__(self, parent: QWidget | None, title: str, text: str, allow_this: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.choice: str | None = None
        label = QLabel(text)
        label.setWordWrap(True)
        buttons = QHBoxLayout()
        for scope, caption, name in ((THIS, self.tr("Bare denne"), "scopeThis"),
                                     (FOLLOWING, self.tr("Denne og alle senere"), "scopeFollowing"),
                                     (SERIES, self.tr("Hele serien"), "scopeSeries")):
            button = QPushButton(caption)
            button.setObjectName(name)
            button.setEnabled(scope != THIS or allow_this)
            button.clicked.connect(lambda _c=False, s=scope: self._choose(s))
            buttons.addWidget(button)
            if scope == THIS and allow_this:
                button.setDefault(True)
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(buttons)

    def _choose(self, scope: str) -> None:
        self.choice = scope
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, *, allow_this: bool = True) -> str | None:
        """"this", "following", "series", or None when cancelled. Tests patch this."""
        dialog = cls(parent, title, text, allow_this)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None


class ReasonDialog(QDialog):
    """Why book despite a conflict: required, stored on the booking and shown in the week."""

    def __init__(self, parent: QWidget | None, sentence: str, problems: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Book likevel"))
        self.setMinimumWidth(480)
        head = QLabel(sentence)
        head.setWordWrap(True)
        details = QLabel("\n".join(problems[:8]) + (f"\n… (+{len(problems) - 8})" if len(problems) > 8 else ""))
        details.setWordWrap(True)
        details.setStyleSheet("color: #b00020;")
        self.reason = QLineEdit()
        self.reason.setObjectName("reasonEdit")
        self.reason.setPlaceholderText(self.tr("for eksempel: avtalt med Kari, møtet flyttes til kantina"))
        self.ok = QPushButton(self.tr("Book likevel"))
        self.ok.setObjectName("reasonOk")
        self.ok.setDefault(True)
        self.ok.setEnabled(False)
        self.ok.clicked.connect(self.accept)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(details)
        layout.addWidget(QLabel(self.tr("Begrunnelse (lagres og vises på bookingen):")))
        layout.addWidget(self.reason)
        layout.addLayout(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, sentence: str, problems: list[str]) -> str | None:
        """The reason, or None when cancelled. Tests patch this."""
        dialog = cls(parent, sentence, problems)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.reason.text().strip() or None


class CancelDialog(QDialog):
    """Cancel one date, this and all following, or the whole series; with an optional reason."""

    def __init__(self, parent: QWidget | None, title: str, is_series: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Avlys booking"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        label = QLabel(self.tr("Avlyse «{title}»? Avlyste datoer vises overstreket i timeplanen, og du kan angre "
                               "med Ctrl+Z.").format(title=title))
        label.setWordWrap(True)
        layout.addWidget(label)
        self.group = QButtonGroup(self)
        for number, (scope, caption) in enumerate(((THIS, self.tr("Bare denne datoen")),
                                                   (FOLLOWING, self.tr("Denne og alle senere")),
                                                   (SERIES, self.tr("Hele serien")))):
            button = QRadioButton(caption)
            button.setObjectName(f"cancel_{scope}")
            button.setProperty("scope", scope)
            button.setChecked(number == 0)
            self.group.addButton(button)
            button.setVisible(is_series)
            layout.addWidget(button)
        self.reason = QLineEdit()
        self.reason.setObjectName("cancelReason")
        self.reason.setPlaceholderText(self.tr("grunn (valgfritt), for eksempel: foreleser syk"))
        layout.addWidget(self.reason)
        ok = QPushButton(self.tr("Avlys"))
        ok.setDefault(True)
        ok.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("Ikke avlys"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(ok)
        layout.addLayout(buttons)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, *, is_series: bool) -> tuple[str, str] | None:
        """(scope, reason), or None when the user keeps the booking. Tests patch this."""
        dialog = cls(parent, title, is_series)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        checked = dialog.group.checkedButton()
        return str(checked.property("scope")) if checked else THIS, dialog.reason.text().strip()
