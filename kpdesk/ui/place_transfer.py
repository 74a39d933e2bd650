"""The meeting place's files: CSV import of rooms and bookings (the same two steps as
``kpdesk import rooms|bookings``: a checked plan first, then all or nothing), and the iCalendar
export of all rooms or one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kpdesk.listing import Column
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.table_model import RowTableModel
from kpdesk.ui.transfer import ImportDialog
from kpdesk.ui.week_layout import span_text

TITLES = {"rooms": "rom", "bookings": "bookinger"}
CHANGED = {"rooms": "room", "bookings": "booking"}


def _what(row: Any) -> str:
    data = row.data
    return getattr(data, "title", None) or data.name


def _details(row: Any) -> str:
    data = row.data
    if hasattr(data, "capacity"):
        return f"{data.capacity} plasser" + (f", {', '.join(data.equipment)}" if data.equipment else "")
    text = f"{data.room}, {data.starts_at:%d.%m.%Y} kl. {span_text(data.starts_at, data.ends_at)}"
    if data.repeat:
        from kpdesk.booking.recurrence import describe

        text += f", {describe(row.plan.rule or data.repeat)} ({row.plan.active_count} datoer)"
    return text


class PlaceImportDialog(QDialog):
    """Shows what a rooms or bookings file would do; imports only when nothing is wrong."""

    def __init__(self, context: AppContext, kind: str, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.kind, self.path = context, kind, path
        self.plan: Any = None
        self.result: Any = None
        self.setWindowTitle(self.tr("Importer {what}").format(what=TITLES[kind]))
        self.resize(880, 520)
        self.summary = QLabel(self.tr("Leser {path} …").format(path=path))
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        actions = {"create": self.tr("ny"), "update": self.tr("oppdateres")}
        self.rows_model = RowTableModel([
            Column("line", self.tr("Linje"), lambda r: str(r.line), sort_value=lambda r: r.line, align_right=True),
            Column("action", self.tr("Handling"), lambda r: actions.get(r.action, r.action)),
            Column("what", self.tr("Rom / tittel"), _what),
            Column("details", self.tr("Detaljer"), _details),
        ], self)
        self.problems_model = RowTableModel([
            Column("line", self.tr("Linje"), lambda p: str(p.line), sort_value=lambda p: p.line, align_right=True),
            Column("column", self.tr("Kolonne"), lambda p: p.column),
            Column("kind", self.tr("Type"), lambda p: self.tr("advarsel") if p.warning else self.tr("feil")),
            Column("message", self.tr("Problem"), lambda p: p.message),
        ], self)
        self.tabs = QTabWidget()
        self.tabs.addTab(ImportDialog._table(self.rows_model, "previewRows"), self.tr("Rader"))
        self.tabs.addTab(ImportDialog._table(self.problems_model, "previewProblems"), self.tr("Problemer"))
        self.import_button = QPushButton(self.tr("Importer"))
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.apply)
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        def plan(session: Any) -> Any:
            from kpdesk import csvfile
            from kpdesk.booking.imports import plan_bytes

            return plan_bytes(session, kind, csvfile.read_bytes(path), Path(path).name)

        self.context.query(plan, self._planned, self._failed)

    def _planned(self, plan: Any) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        self.plan = plan
        self.rows_model.set_rows(plan.rows)
        self.problems_model.set_rows(plan.problems)
        self.tabs.setTabText(0, self.tr("Rader ({n})").format(n=len(plan.rows)))
        self.tabs.setTabText(1, self.tr("Problemer ({n})").format(n=len(plan.problems)))
        if plan.has_errors:
            self.tabs.setCurrentIndex(1)
        self.summary.setText(plan.sentence())
        self.import_button.setEnabled(not plan.has_errors and bool(plan.rows))

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        self.summary.setText(str(exc))
        alerts.show_exception(self, exc)

    def apply(self) -> None:
        from kpdesk.booking.imports import apply_import

        plan = self.plan
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Importerer …"))
        self.context.query(lambda s: apply_import(s, plan), self._applied, self._failed)

    def _applied(self, result: Any) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        self.result = result
        self.context.data_changed.emit(CHANGED[self.kind])
        self.context.status_message.emit(result.sentence())
        self.accept()


def import_file(context: AppContext, kind: str, parent: QWidget) -> None:
    path, _ = QFileDialog.getOpenFileName(parent, parent.tr("Importer {what}").format(what=TITLES[kind]), "",
                                          parent.tr("CSV-filer (*.csv *.txt);;Alle filer (*)"))
    if path:
        PlaceImportDialog(context, kind, path, parent).exec()


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
    from kpdesk.rooms import list_rooms

    rooms = [(r.id, r.name) for r in context.run_now(list_rooms)]
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
        from kpdesk.ical import export_ics

        return export_ics(session, path, chosen)

    context.query(work, lambda result: context.status_message.emit(result.sentence(path)),
                  lambda exc: alerts.show_exception(parent, exc))
