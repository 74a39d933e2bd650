"""Sikkerhetskopier: the copies beside the database, a new copy now, and restoring one."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_datetime, format_decimal
from kpdesk.ui import alerts
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view


def size_text(size: int) -> str:
    return f"{format_decimal(size / 1_000_000, 1)} MB" if size >= 100_000 else f"{max(1, size // 1000)} kB"


class BackupsDialog(QDialog):
    """Lists backups; restoring asks the main window to close and reopen the database."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.context = window.context
        self.setWindowTitle(self.tr("Sikkerhetskopier"))
        self.resize(640, 420)
        from kpdesk.db.backup import backup_folder

        self.info = QLabel(self.tr("Kopiene ligger i {folder}. kpdesk tar en kopi hver dag databasen åpnes, "
                                   "før oppgraderinger og før hver import.").format(
                                       folder=backup_folder(window.db_path)))
        self.info.setWordWrap(True)
        self.model = RowTableModel([
            Column("created", self.tr("Tidspunkt"), lambda b: format_datetime(b.created),
                   sort_value=lambda b: b.created),
            Column("reason", self.tr("Årsak"), lambda b: b.reason_label, stretch=True),
            Column("size", self.tr("Størrelse"), lambda b: size_text(b.size), sort_value=lambda b: b.size,
                   align_right=True),
        ], self)
        self.view = row_table_view(self.model, "backupsView")
        self.view.setSortingEnabled(True)
        self.backup_button = QPushButton(self.tr("Ta sikkerhetskopi nå"))
        self.backup_button.setObjectName("backupButton")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(self.tr("Gjenopprett valgt …"))
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(self.tr("Gjenopprett fra fil …"))
        self.restore_file_button.clicked.connect(self.restore_from_file)
        close = QPushButton(self.tr("Lukk"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        read_only = getattr(self.context.store, "read_only", False)
        self.restore_button.setEnabled(not read_only)
        self.restore_file_button.setEnabled(not read_only)
        self.refresh()

    def refresh(self) -> None:
        from kpdesk.db.backup import list_backups

        path = self.window_.db_path
        self.context.runner.submit(lambda _task: list_backups(path), self._show)

    def _show(self, backups: list[Any]) -> None:
        self.model.set_rows(backups)
        self.view.sortByColumn(0, self.view.horizontalHeader().sortIndicatorOrder())

    def backup_now(self) -> None:
        from kpdesk.db.backup import create_backup

        path = self.window_.db_path
        self.backup_button.setEnabled(False)

        def done(info: Any) -> None:
            self.backup_button.setEnabled(True)
            self.context.status_message.emit(self.tr("Sikkerhetskopi tatt: {name}").format(name=info.path.name))
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.backup_button.setEnabled(True)
            alerts.show_exception(self, exc)

        self.context.runner.submit(lambda _task: create_backup(path, "manual"), done, failed)

    def restore_selected(self) -> None:
        index = self.view.selectionModel().currentIndex()
        if index.isValid():
            self._restore(self.model.row_at(index.row()).path)

    def restore_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Gjenopprett fra fil"), "",
                                              self.tr("kpdesk-databaser (*.sqlite *.db);;Alle filer (*)"))
        if path:
            from pathlib import Path

            self._restore(Path(path))

    def _restore(self, source: Any) -> None:
        text = self.tr("Erstatte databasen med kopien «{name}»?\nDet som er i databasen nå, lagres først som en "
                       "egen sikkerhetskopi, så du kan gå tilbake.").format(name=source.name)
        if not alerts.question(self, self.tr("Gjenopprett"), text, self.tr("Gjenopprett")):
            return
        self.window_.restore_database(source, on_done=self.refresh)


class ServerBackupDialog(QDialog):
    """Sikkerhetskopier for a region's register on a server: the server keeps its own backups; a copy
    to a file is made with the server's pg_dump (``db/server_dump.py``, as ``kpdesk backup --out``)."""

    def __init__(self, context: Any, address: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.address = context, address
        self.setWindowTitle(self.tr("Sikkerhetskopier"))
        self.info = QLabel(self.tr(
            "Regionens register ligger på databaseserveren {name}. Sikkerhetskopiene av den tas på serveren "
            "(spør den som drifter serveren), ikke i en mappe ved siden av en fil, og kpdesk tar ingen daglig kopi "
            "her.\n\nDu kan lagre en kopi i en fil selv: kpdesk kjører serverens pg_dump (PostgreSQL-klienten må "
            "være installert), i pg_dumps eget format. En slik kopi legges tilbake med «kpdesk restore --db "
            "{name} --from FIL»; personer som er slettet etter at kopien ble tatt, slettes da på nytt.").format(
                name=address.shown))
        self.info.setWordWrap(True)
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.dump_button = QPushButton(self.tr("Lagre en kopi i fil …"))
        self.dump_button.setObjectName("dumpButton")
        self.dump_button.clicked.connect(self.ask_dump)
        close = QPushButton(self.tr("Lukk"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dump_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def ask_dump(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Lagre en kopi av registeret"), "kpdesk-region.dump",
                                              self.tr("pg_dump-kopier (*.dump);;Alle filer (*)"))
        if name:
            from pathlib import Path

            self.dump(Path(name))

    def dump(self, out: Any) -> None:
        """pg_dump to ``out`` on the compute thread (a program of its own: the database thread stays free)."""
        from kpdesk.db.server_dump import dump_server

        address = self.address
        self.dump_button.setEnabled(False)
        self.outcome.setText(self.tr("Lagrer kopien …"))

        def done(path: Any) -> None:
            self.dump_button.setEnabled(True)
            said = self.tr("Kopien er lagret i {path}.").format(path=path)
            self.outcome.setText(said)
            self.context.status_message.emit(said)

        def failed(exc: BaseException) -> None:
            self.dump_button.setEnabled(True)
            self.outcome.setText("")
            alerts.show_exception(self, exc)

        self.context.compute(lambda _task: dump_server(address, out), done, failed)
