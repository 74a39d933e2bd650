"""Finn ledig rom (Ctrl+L): which rooms are free for a time or a series, hold the attendees and
have the equipment; for a taken room, the nearest free times that day. ``kpdesk.booking.finder``
judges; this dialog asks, lists and opens the booking dialog."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kpdesk.common.list_filter import Column, count_column
from kpdesk.ui.booking.recurrence_editor import RecurrenceEditor
from kpdesk.ui.booking.week_layout import span_text
from kpdesk.ui.context import AppContext
from kpdesk.ui.widgets.date_field import DateField, TimeField
from kpdesk.ui.widgets.forms import ERROR_STYLE
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view

SEARCH_DELAY_MS = 300


class FreeRoomDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 start: dt.datetime | None = None, end: dt.datetime | None = None) -> None:
        super().__init__(parent)
        tr = self.tr
        self.context = context
        self.options: list[Any] = []
        self.searched: tuple[dt.datetime, dt.datetime, str] | None = None
        self._generation = 0
        self.setWindowTitle(tr("Finn ledig rom"))
        self.setObjectName("freeRoomDialog")
        start = start or dt.datetime.combine(dt.date.today() + dt.timedelta(days=1), dt.time(9))
        end = end or start + dt.timedelta(hours=2)

        self.date = DateField(start.date())
        self.date.setObjectName("freeDate")
        self.start_time = TimeField(start.time())
        self.start_time.setObjectName("freeStart")
        self.end_time = TimeField(end.time())
        self.end_time.setObjectName("freeEnd")
        self.attendees = QSpinBox()
        self.attendees.setObjectName("freeAttendees")
        self.attendees.setRange(0, 10_000)
        self.attendees.setSpecialValueText(tr("ikke oppgitt"))
        self.attendees.setMaximumWidth(160)
        self.repeat = RecurrenceEditor()
        self.repeat.set_rule("", start)
        self.equipment = QWidget()
        self.equipment_grid = QGridLayout(self.equipment)
        self.equipment_grid.setContentsMargins(0, 0, 0, 0)

        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addWidget(QLabel(tr("kl.")))
        when.addWidget(self.start_time)
        when.addWidget(QLabel("–"))
        when.addWidget(self.end_time)
        when.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("Tid"), when)
        form.addRow(tr("Gjentas"), self.repeat)
        form.addRow(tr("Deltakere"), self.attendees)
        form.addRow(tr("Utstyr som trengs"), self.equipment)
        criteria = QGroupBox(tr("Hva trengs"))
        criteria.setLayout(form)

        self.status = QLabel()
        self.status.setObjectName("freeStatus")
        self.status.setWordWrap(True)
        self.model = RowTableModel([
            Column("room", tr("Rom"), lambda o: o.room.name, max_chars=26),
            count_column("capacity", tr("Plasser"), lambda o: o.room.capacity, searchable=True),
            Column("status", tr("Status"), self.status_text, stretch=True),
            Column("nearest", tr("Ledig samme dag"), self.suggestions_text, max_chars=20),
            Column("equipment", tr("Utstyr"), lambda o: ", ".join(o.room.equipment)),
        ], self)
        self.view = row_table_view(self.model, "freeRooms")  # a cut status or name: whole as a tooltip
        self.view.doubleClicked.connect(lambda _index: self.book())
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())

        self.book_button = QPushButton(tr("Book …"))
        self.book_button.setObjectName("bookButton")
        self.book_button.setDefault(True)
        self.book_button.clicked.connect(self.book)
        self.nearest_button = QPushButton(tr("Book nærmeste ledige tid …"))
        self.nearest_button.setObjectName("bookNearestButton")
        self.nearest_button.setAutoDefault(False)
        self.nearest_button.clicked.connect(lambda: self.book(nearest=True))
        close = QPushButton(tr("Lukk"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.nearest_button)
        buttons.addWidget(self.book_button)
        layout = QVBoxLayout(self)
        layout.addWidget(criteria)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(900, 620)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        for signal in (self.date.dateChanged, self.start_time.timeChanged, self.end_time.timeChanged,
                       self.attendees.valueChanged, self.repeat.changed):
            signal.connect(self._changed)
        self.date.dateChanged.connect(self._date_moved)
        self._update_buttons()
        from kpdesk.booking.rooms import list_equipment

        self.context.query(lambda s: [e.name for e in list_equipment(s)], self._equipment_loaded)

    # ------------------------------------------------------------ texts

    def status_text(self, option: Any) -> str:
        tr = self.tr
        if option.free:
            text = tr("Ledig")
        elif self.searched and self.searched[2]:
            dates = len({c.start for c in option.clashes})
            text = tr("Opptatt {n} av datoene").format(n=dates)
        else:
            other = option.clashes[0].other
            text = tr("Opptatt: «{title}» kl. {span}").format(title=other.title,
                                                            span=span_text(other.starts_at, other.ends_at))
        if not option.holds_attendees:
            text += tr(", for lite")
        if option.missing_equipment:
            text += tr(", mangler {what}").format(what=", ".join(option.missing_equipment))
        if not option.within_hours:
            text += tr(" (utenfor åpningstiden)")
        return text

    def suggestions_text(self, option: Any) -> str:
        return ", ".join(f"kl. {span_text(a, b)}" for a, b in option.suggestions)

    # ------------------------------------------------------------ searching

    def _equipment_loaded(self, names: list[str]) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        for number, name in enumerate(names):
            check = QCheckBox(name)
            check.setObjectName(f"need_{name}")
            check.setProperty("stored", name)
            check.toggled.connect(self._changed)
            self.equipment_grid.addWidget(check, number // 3, number % 3)
        self.search()

    def start_moment(self) -> dt.datetime | None:
        """The start the fields say, or None while the date or time is wrong."""
        day, time = self.date.date(), self.start_time.time()
        return dt.datetime.combine(day, time) if day is not None and time is not None else None

    def end_moment(self) -> dt.datetime | None:
        day, time = self.date.date(), self.end_time.time()
        return dt.datetime.combine(day, time) if day is not None and time is not None else None

    def field_problem(self) -> str:
        """What the date and time fields (and the repetition's end date) find wrong, or ""."""
        return next((p for p in (self.date.problem(), self.start_time.problem(), self.end_time.problem(),
                                 self.repeat.problem()) if p), "")

    def _date_moved(self, *_args: object) -> None:
        start = self.start_moment()
        if start is not None:
            self.repeat.set_start(start)

    def needed(self) -> list[str]:
        return [str(c.property("stored")) for c in self.equipment.findChildren(QCheckBox) if c.isChecked()]

    def _changed(self, *_args: object) -> None:
        self._generation += 1
        self._timer.start()

    def search(self) -> None:
        from kpdesk.booking.finder import find_rooms

        self._timer.stop()
        start, end, rule = self.start_moment(), self.end_moment(), self.repeat.rule()
        problem = self.field_problem()
        if problem or start is None or end is None:
            self._generation += 1  # an answer on its way is for other fields
            self.searched, self.options = None, []
            self.model.set_rows([])
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(problem)
            self._update_buttons()
            return
        attendees = self.attendees.value() or None
        needed = self.needed()
        generation = self._generation
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Leter …"))
        self.context.query(lambda s: find_rooms(s, start, end, repeat=rule, attendees=attendees, equipment=needed),
                           lambda options: self._found(generation, (start, end, rule), options),
                           lambda exc: self._failed(generation, exc))

    def _found(self, generation: int, searched: tuple[dt.datetime, dt.datetime, str], options: list[Any]) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        if generation != self._generation:
            return
        self.searched, self.options = searched, options
        self.model.set_rows(options)
        suitable = sum(o.suitable for o in options)
        start, end, rule = searched
        when = f"{start:%d.%m.%Y} kl. {span_text(start, end)}"
        if rule:
            from kpdesk.booking.recurrence import describe

            when += f", {describe(rule)}"
        self.status.setText(self.tr("{n} av {total} rom passer for {when}.").format(
            n=suitable, total=len(options), when=when))
        if options:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._update_buttons()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        if generation != self._generation:
            return
        from kpdesk.common.errors import UserError

        if not isinstance(exc, UserError):
            raise exc
        self.searched, self.options = None, []
        self.model.set_rows([])
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(exc.message)
        self._update_buttons()

    def selected(self) -> Any:
        index = self.view.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_room(self, name: str) -> None:
        row = self.model.row_of(lambda o: o.room.name == name)
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _update_buttons(self) -> None:
        option = self.selected()
        self.book_button.setEnabled(option is not None and self.searched is not None)
        self.nearest_button.setEnabled(option is not None and bool(option.suggestions)
                                       and not option.free)
        # A room that does not suit (taken, too small, missing equipment) can still be booked, with
        # a reason in the booking dialog; the button says so, and stops being the default.
        unsuitable = option is not None and not option.suitable
        self.book_button.setText(self.tr("Book likevel …") if unsuitable else self.tr("Book …"))
        self.book_button.setToolTip(self.tr("Rommet passer ikke for tiden eller behovet; bookingen må begrunnes.")
                                    if unsuitable else "")
        self.book_button.setDefault(not unsuitable)
        self.nearest_button.setDefault(unsuitable and self.nearest_button.isEnabled())

    # ------------------------------------------------------------ booking

    def book(self, nearest: bool = False) -> None:
        from kpdesk.ui.booking.dialog import BookingDialog

        option = self.selected()
        if option is None or self.searched is None:
            return
        start, end, rule = self.searched
        if nearest and option.suggestions:
            start, end = option.suggestions[0]
        prefill = {"room": option.room.name, "start": start, "end": end, "repeat": rule,
                   "attendees": self.attendees.value() or None, "equipment": tuple(self.needed())}
        if BookingDialog.open_new(self.context, self, prefill) is not None:
            self.accept()

    @classmethod
    def run(cls, context: AppContext, parent: QWidget | None) -> None:
        cls(context, parent).exec()
