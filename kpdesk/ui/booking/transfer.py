"""The meeting place's files: CSV import of rooms and bookings (the same two steps as
``kpdesk import rooms|bookings``: a checked plan first, then all or nothing), and the iCalendar
export of all rooms or one."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext


def import_file(context: AppContext, kind: str, parent: QWidget) -> None:
    """Rooms or bookings from CSV, through the one import dialog (preview first, backup, all or nothing)."""
    from kpdesk.ui.dialogs import transfer

    transfer.import_file(context, kind, parent)


class IcsExportDialog(QDialog):
    """Which rooms the calendar file holds: all, or one."""

    def __init__(self, parent: QWidget | None, rooms: list[tuple[int, str]], room_id: int | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Eksporter kalender (iCalendar)"))
        self.room_box = QComboBox()
        self.room_box.setObjectName("icsRoom")
        self.room_box.addItem(self.tr("Alle rom"), None)
        for rid, name in rooms:
            self.room_box.addItem(name, rid)
        self.room_box.setCurrentIndex(max(self.room_box.findData(room_id), 0) if room_id is not None else 0)
        text = QLabel(self.tr("Bookingene lagres som en .ics-fil som Outlook og Google Kalender kan importere. "
                              "Serier beholdes som serier, og avlyste datoer er tatt ut."))
        text.setWordWrap(True)
        ok = QPushButton(self.tr("Velg fil …"))
        ok.setDefault(True)
        ok.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Rom:")))
        row.addWidget(self.room_box, 1)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)

    @classmethod
    def ask(cls, parent: QWidget | None, rooms: list[tuple[int, str]],
            room_id: int | None) -> tuple[int | None, str] | None:
        """(room id or None for all rooms, its name), or None when cancelled. Tests patch this."""
        dialog = cls(parent, rooms, room_id)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.room_box.currentData(), dialog.room_box.currentText()


def export_calendar(context: AppContext, parent: QWidget, room_id: int | None = None) -> None:
    """Ask for all rooms or one, and a file; write the .ics on the database thread."""
    from kpdesk.booking.rooms import list_rooms

    context.query(lambda s: [(r.id, r.name) for r in list_rooms(s)],
                  lambda rooms: _ask_and_export(context, parent, rooms, room_id),
                  lambda exc: alerts.show_exception(parent, exc))


def _ask_and_export(context: AppContext, parent: QWidget, rooms: list[tuple[int, str]], room_id: int | None) -> None:
    answer = IcsExportDialog.ask(parent, rooms, room_id)
    if answer is None:
        return
    chosen, name = answer
    suggested = "kpdesk-alle-rom.ics" if chosen is None else f"kpdesk-{name.lower().replace(' ', '-')}.ics"
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("Eksporter kalender"), suggested,
                                          parent.tr("iCalendar-filer (*.ics)"))
    if not path:
        return

    def work(session: Any) -> Any:
        from kpdesk.booking.ical import export_ics

        return export_ics(session, path, chosen)

    context.query(work, lambda result: context.status_message.emit(result.sentence(path)),
                  lambda exc: alerts.show_exception(parent, exc))
