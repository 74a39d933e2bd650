"""Bruk av møteplassen: per room and month, hours booked against opening hours and bookings by
kind, for the centre's yearly report (``kpdesk.booking.usage``); exported as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kpdesk.common.codes import BOOKING_KINDS
from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_decimal
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view

MONTHS = ("hele året", "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")


def hours(value: float, grouped: bool = True) -> str:
    return format_decimal(value, 1, grouped)


def share(row: Any) -> str:
    return f"{format_decimal(row.share * 100, 0)} %" if row.open_hours else ""


class UsagePage(Page):
    """The table and its controls; shown in ``UsageDialog`` (and usable as a section)."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        tr = self.tr
        self.title = tr("Bruk av møteplassen")
        self.rows: list[Any] = []
        self.status_label: QLabel | None = None  # the dialog's status line, if it gives the page one
        self.year_box = QSpinBox()
        self.year_box.setObjectName("usageYear")
        self.year_box.setRange(2000, 2100)
        self.year_box.setValue(dt.date.today().year)
        self.year_box.setGroupSeparatorShown(False)
        self.year_box.valueChanged.connect(lambda _v: self.reload())
        self.room_box = QComboBox()
        self.room_box.setObjectName("usageRoom")
        self.room_box.setMinimumContentsLength(16)
        self.room_box.addItem(tr("Alle rom"), None)
        self.room_box.currentIndexChanged.connect(self._filter)
        self.totals_only = QCheckBox(tr("Bare hele året"))
        self.totals_only.setObjectName("usageTotalsOnly")
        self.totals_only.toggled.connect(self._filter)
        self.export_button = QPushButton(tr("Eksporter CSV …"))
        self.export_button.setObjectName("usageExport")
        self.export_button.clicked.connect(self.export)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("År")))
        bar.addWidget(self.year_box)
        bar.addWidget(self.room_box)
        bar.addWidget(self.totals_only)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        columns: list[Column[Any]] = [
            Column("room", tr("Rom"), lambda r: r.room_name, max_chars=24),
            Column("month", tr("Måned"), lambda r: MONTHS[r.month], sort_value=lambda r: r.month),
            Column("open", tr("Åpent (t)"), lambda r: hours(r.open_hours), sort_value=lambda r: r.open_hours,
                   align_right=True),
            Column("booked_open", tr("Booket (t)"), lambda r: hours(r.booked_open_hours),
                   sort_value=lambda r: r.booked_open_hours, align_right=True),
            Column("share", tr("Andel"), share, sort_value=lambda r: r.share, align_right=True),
            Column("booked", tr("I alt (t)"), lambda r: hours(r.booked_hours), sort_value=lambda r: r.booked_hours,
                   align_right=True),
            count_column("bookings", tr("Bookinger"), lambda r: r.bookings),
        ]
        for code in BOOKING_KINDS:
            columns.append(count_column(code.key, code.label, lambda r, k=code.key: r.count(k)))
        self.model = RowTableModel(columns, self)
        self.view = row_table_view(self.model, "usageView")
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.note = QLabel(tr("Åpent: timer i åpningstiden på hverdager som ikke er helligdager. Booket: timer booket "
                              "innenfor åpningstiden (oppmøtetid før eksamen medregnet); andelen er booket delt på "
                              "åpent. I alt: også timer utenfor åpningstiden. Antall bookinger etter type til høyre."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        context.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, kind: str) -> None:
        if kind in ("booking", "room"):
            self.reload()

    def load(self) -> None:
        year = self.year_box.value()

        def work(session: Any) -> list[Any]:
            from kpdesk.booking.usage import room_usage, yearly

            months = room_usage(session, year)
            totals = {row.room_id: row for row in yearly(months)}
            result = []
            for room_id in dict.fromkeys(row.room_id for row in months):
                result.append(totals[room_id])
                result += [row for row in months if row.room_id == room_id]
            return result

        self.context.query(work, self._show)

    def _show(self, rows: list[Any]) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        self.rows = rows
        chosen = self.room_box.currentData()
        self.room_box.blockSignals(True)
        self.room_box.clear()
        self.room_box.addItem(self.tr("Alle rom"), None)
        for room_id, name in dict.fromkeys((r.room_id, r.room_name) for r in rows):
            self.room_box.addItem(name, room_id)
        self.room_box.setCurrentIndex(max(self.room_box.findData(chosen), 0) if chosen is not None else 0)
        self.room_box.blockSignals(False)
        self.model.set_rows(rows)
        self._filter()
        if self.status_label is not None:
            self.status_label.setText(self.status_text())

    def _filter(self) -> None:
        room_id = self.room_box.currentData()
        totals = self.totals_only.isChecked()

        def keep(row: Any) -> bool:
            return (room_id is None or row.room_id == room_id) and (not totals or row.month == 0)

        self.model.set_filter("", keep)

    def visible_rows(self) -> list[Any]:
        return self.model.visible_rows()

    def status_text(self) -> str:
        totals = [r for r in self.rows if r.month == 0]
        if not totals:
            return ""
        booked = sum(r.booked_open_hours for r in totals)
        opened = sum(r.open_hours for r in totals)
        return self.tr("{year}: {n} rom, {share} av åpningstiden booket").format(
            year=self.year_box.value(), n=len(totals),
            share=f"{format_decimal(booked / opened * 100, 0)} %" if opened else "–")

    def export(self) -> None:
        rows = self.visible_rows()
        year = self.year_box.value()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Eksporter bruk av møteplassen"),
                                              f"bruk-av-moteplassen-{year}.csv", self.tr("CSV-filer (*.csv)"))
        if not path:
            return
        header = ["rom", "måned", "åpningstimer", "booket_i_åpningstid", "andel_prosent", "booket_i_alt", "bookinger",
                  *(code.label for code in BOOKING_KINDS)]
        lines = [[r.room_name, MONTHS[r.month], hours(r.open_hours, False), hours(r.booked_open_hours, False),
                  format_decimal(r.share * 100, 1), hours(r.booked_hours, False), r.bookings,
                  *(r.count(code.key) for code in BOOKING_KINDS)] for r in rows]

        def work(_task: Any) -> int:
            from kpdesk.common.csvfile import write

            write(path, header, lines)
            return len(lines)

        def done(count: int) -> None:
            self.context.status_message.emit(self.tr("Eksporterte {n} rader til {path}.").format(n=count, path=path))

        self.context.runner.submit(work, done, lambda exc: alerts.show_exception(self, exc))


class UsageDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Bruk av møteplassen"))
        self.page = UsagePage(context)
        self.page.status_label = status_label = QLabel()
        close = QPushButton(self.tr("Lukk"))
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(status_label, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addLayout(bottom)
        self.resize(1180, 660)
        self.page.activate()

    @classmethod
    def run(cls, context: AppContext, parent: QWidget | None) -> None:
        cls(context, parent).exec()
