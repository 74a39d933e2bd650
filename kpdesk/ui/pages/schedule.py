"""Timeplan: the week schedule of the meeting place, all rooms or one, and the day view.

Weeks load on the database thread (``kpdesk.booking.week.week_schedule``); at most one load is
in flight, and paging quickly through weeks only loads the week the user stops at. Loaded
weeks are kept until a booking or room changes, so going back and forth is instant.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kpdesk.common.norsk import format_date, iso_week, week_monday
from kpdesk.ui import alerts
from kpdesk.ui.booking.actions import BookingActions
from kpdesk.ui.booking.week_layout import holiday_text
from kpdesk.ui.booking.week_widget import KIND_COLOURS, WeekView
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page

Key = tuple[int, int, int | None, bool]  # (ISO year, ISO week, room id or None, weekend shown)
CACHE_WEEKS = 12


def parse_week_text(text: str, current_year: int) -> tuple[int, int]:
    """'20' (this year), '2027-W20', 'uke 20 2027', '20/2027' or a date -> (ISO year, ISO week).

    Raises ValueError with a sentence to show."""
    from kpdesk.booking.week import parse_week
    from kpdesk.common.errors import UserError
    from kpdesk.common.norsk import parse_date

    cleaned = " ".join(text.strip().lower().replace(",", " ").split())
    cleaned = re.sub(r"^(uke|veke|week|w)\.?\s*", "", cleaned)
    if not cleaned:
        raise ValueError("Skriv en uke, for eksempel 20, 2027-W20, uke 20 2027 eller en dato.")
    if cleaned.isdigit() and len(cleaned) <= 2:
        cleaned = f"{cleaned} {current_year}"
    if re.match(r"^\d{1,2}\.\d{1,2}\.\d{4}$|^\d{4}-\d{1,2}-\d{1,2}$", cleaned):
        return iso_week(parse_date(cleaned))
    try:
        return parse_week(cleaned)
    except UserError as exc:
        raise ValueError(exc.message) from None


class GoToWeekDialog(QDialog):
    def __init__(self, parent: QWidget | None, current_year: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Gå til uke"))
        self.current_year = current_year
        self.result_week: tuple[int, int] | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName("weekEdit")
        self.edit.setPlaceholderText(self.tr("20, 2027-W20, uke 20 2027 eller 17.05.2027"))
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        ok = QPushButton(self.tr("Gå til"))
        ok.setDefault(True)
        ok.clicked.connect(self._accept)
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Uke eller dato:")))
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.setMinimumWidth(360)

    def _accept(self) -> None:
        try:
            self.result_week = parse_week_text(self.edit.text(), self.current_year)
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, current_year: int) -> tuple[int, int] | None:
        """(ISO year, ISO week), or None when cancelled. Tests patch this."""
        dialog = cls(parent, current_year)
        return dialog.result_week if dialog.exec() == QDialog.DialogCode.Accepted else None


class SchedulePage(Page):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        tr = self.tr
        self.title = tr("Timeplan")
        self.year, self.week = iso_week(dt.date.today())
        self.room_id: int | None = None
        self.day: dt.date | None = None  # the day view's date, or None for the week
        self.schedule: Any = None
        self.rooms: tuple[Any, ...] = ()
        self.booking_actions = BookingActions(context, self)
        self._cache: dict[Key, tuple[Any, tuple[Any, ...]]] = {}
        self._generation = 0
        self._in_flight: Key | None = None
        self._wanted: Key | None = None
        self._shown: Key | None = None

        self.previous_button = QToolButton()
        self.previous_button.setObjectName("previousButton")
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip(tr("Forrige (PageUp)"))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.today_button = QPushButton(tr("I dag"))
        self.today_button.setObjectName("todayButton")
        self.today_button.setToolTip(tr("Uken med dagens dato (Ctrl+T)"))
        self.today_button.clicked.connect(self.go_today)
        self.next_button = QToolButton()
        self.next_button.setObjectName("nextButton")
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip(tr("Neste (PageDown)"))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.week_label = QLabel()
        self.week_label.setObjectName("weekLabel")
        font = self.week_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.week_label.setFont(font)
        self.dates_label = QLabel()
        self.dates_label.setObjectName("datesLabel")
        self.holiday_label = QLabel()
        self.holiday_label.setObjectName("holidayLabel")
        self.holiday_label.setStyleSheet("color: #b00020;")
        self.holiday_label.setVisible(False)
        self.goto_button = QPushButton(tr("Gå til uke …"))
        self.goto_button.setObjectName("gotoButton")
        self.goto_button.setToolTip(tr("Gå til en uke eller dato (Ctrl+G)"))
        self.goto_button.clicked.connect(self.go_to_week)
        self.room_box = QComboBox()
        self.room_box.setObjectName("roomBox")
        self.room_box.setMinimumContentsLength(16)
        self.room_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.room_box.addItem(tr("Alle rom"), None)
        self.room_box.currentIndexChanged.connect(self._room_chosen)
        self.weekend_check = QCheckBox(tr("Helg"))
        self.weekend_check.setObjectName("weekendCheck")
        self.weekend_check.setToolTip(tr("Vis lørdag og søndag"))
        self.weekend_check.toggled.connect(lambda _on: self._request())
        self.week_mode = QPushButton(tr("Uke"))
        self.week_mode.setObjectName("weekModeButton")
        self.day_mode = QPushButton(tr("Dag"))
        self.day_mode.setObjectName("dayModeButton")
        self.day_mode.setToolTip(tr("Én dag, alle rom side om side (eller dobbeltklikk på en dag)"))
        modes = QButtonGroup(self)
        for button in (self.week_mode, self.day_mode):
            button.setCheckable(True)
            modes.addButton(button)
        self.week_mode.setChecked(True)
        self.week_mode.clicked.connect(lambda: self.show_day(None))
        self.day_mode.clicked.connect(lambda: self.show_day(self._default_day()))
        self.new_button = QPushButton(tr("Ny booking …"))
        self.new_button.setObjectName("newBookingButton")
        self.new_button.setToolTip(tr("Book et rom (Ctrl+N); eller dra over en ledig tid i timeplanen"))
        self.new_button.clicked.connect(self.new_booking)

        bar = QHBoxLayout()
        for widget in (self.previous_button, self.today_button, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(10)
        bar.addWidget(self.week_label)
        bar.addSpacing(6)
        bar.addWidget(self.dates_label)
        bar.addStretch(1)
        bar.addWidget(self.goto_button)
        bar.addWidget(self.room_box)
        bar.addWidget(self.weekend_check)
        mode_row = QHBoxLayout()
        mode_row.setSpacing(0)
        mode_row.addWidget(self.week_mode)
        mode_row.addWidget(self.day_mode)
        bar.addLayout(mode_row)
        bar.addWidget(self.new_button)

        self.view = WeekView()
        self.view.span_selected.connect(self._span_selected)
        self.view.booking_activated.connect(self.open_booking)
        self.view.booking_menu.connect(self._booking_menu)
        self.view.cancel_requested.connect(lambda booking_id: self.cancel_booking(booking_id))
        self.view.day_activated.connect(self.show_day)
        self.view.room_activated.connect(self.show_room)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.holiday_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(self._legend())

        for keys, action in ((QKeySequence(Qt.Key.Key_PageDown), lambda: self.step(1)),
                             (QKeySequence(Qt.Key.Key_PageUp), lambda: self.step(-1)),
                             (QKeySequence("Ctrl+T"), self.go_today),
                             (QKeySequence("Ctrl+G"), self.go_to_week),
                             (QKeySequence.StandardKey.New, self.new_booking)):
            shortcut = QShortcut(keys, self, action)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        context.data_changed.connect(self._on_data_changed)
        self._update_labels()

    def _legend(self) -> QHBoxLayout:
        from kpdesk.common.codes import BOOKING_KINDS

        row = QHBoxLayout()
        row.setSpacing(12)
        for code in BOOKING_KINDS:
            border, fill = KIND_COLOURS.get(code.key, KIND_COLOURS["other"])
            swatch = QLabel()
            swatch.setFixedSize(14, 14)
            swatch.setStyleSheet(f"background: {fill}; border: 1px solid {border}; border-left: 3px solid {border};")
            row.addWidget(swatch)
            row.addWidget(QLabel(code.label))
        hints = QLabel(self.tr("Skravert: oppmøte før eksamen · Prikket kant: ikke på oppslag (utskrifter viser "
                               "«Opptatt») · Stiplet og overstreket: avlyst eller hoppet over · "
                               "Rødt «!»: booket tross konflikt · Grått: utenfor åpningstid"))
        hints.setObjectName("legendHints")
        hints.setStyleSheet("color: #666;")
        hints.setWordWrap(True)
        row.addSpacing(12)
        row.addWidget(hints, 1)
        return row

    # ------------------------------------------------------------ state and loading

    def key(self) -> Key:
        return self.year, self.week, self.room_id, self.weekend_check.isChecked()

    def load(self) -> None:
        self._request()

    def _request(self) -> None:
        self._update_labels()
        if self.context.store is None:
            return
        key = self.key()
        cached = self._cache.get(key)
        if cached is not None:
            self._wanted = None
            self._show(key, cached)
            return
        self._wanted = key
        if self._in_flight is None:
            self._start(key)

    def _start(self, key: Key) -> None:
        year, week, room_id, weekend = key
        generation = self._generation
        self._in_flight = key

        def work(session: Any) -> tuple[Any, tuple[Any, ...]]:
            from kpdesk.booking.week import week_rooms, week_schedule

            return week_schedule(session, year, week, room_id, weekend), week_rooms(session)

        self.context.query(work, lambda result: self._arrived(key, generation, result),
                           lambda exc: self._failed(key, exc))

    def _arrived(self, key: Key, generation: int, result: tuple[Any, tuple[Any, ...]]) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        self._in_flight = None
        if generation == self._generation:
            self._cache[key] = result
            while len(self._cache) > CACHE_WEEKS:
                self._cache.pop(next(iter(self._cache)))
        wanted = self._wanted
        if wanted == key and generation == self._generation:
            self._wanted = None
            self._show(key, result)
        elif wanted is not None:
            self._request()

    def _failed(self, key: Key, exc: BaseException) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        self._in_flight = None
        self._wanted = None
        if key[2] is not None:  # the room is gone: show all rooms
            self.room_id = None
            self.room_box.setCurrentIndex(0)
            self._request()
            return
        alerts.show_exception(self, exc)

    def _show(self, key: Key, result: tuple[Any, tuple[Any, ...]]) -> None:
        schedule, rooms = result
        self.schedule, self._shown = schedule, key
        self._fill_rooms(rooms)
        if self.day is not None and all(d.date != self.day for d in schedule.days):
            self.day = schedule.days[0].date
        if not schedule.rooms:
            self.view.set_message(self.tr("Ingen rom ennå. Legg inn rommene under «Rom» først."))
        else:
            self.view.set_schedule(schedule, self.day)
        self._update_labels()
        host = self.host()
        if self._visible_now and host is not None:
            host.update_counts()

    def is_current(self) -> bool:
        """The week on screen is the week asked for (tests wait for this)."""
        return self._shown == self.key() and self.schedule is not None

    def _fill_rooms(self, rooms: tuple[Any, ...]) -> None:
        if [(r.id, r.name) for r in rooms] == [(r.id, r.name) for r in self.rooms]:
            return
        self.rooms = rooms
        self.room_box.blockSignals(True)
        self.room_box.clear()
        self.room_box.addItem(self.tr("Alle rom"), None)
        for room in rooms:
            self.room_box.addItem(room.name, room.id)
        self.room_box.setCurrentIndex(max(self.room_box.findData(self.room_id), 0) if self.room_id else 0)
        self.room_box.blockSignals(False)

    def _on_data_changed(self, kind: str) -> None:
        if kind in ("booking", "room", "offer", "equipment"):
            self._generation += 1
            self._cache.clear()
            self.reload()

    # ------------------------------------------------------------ labels

    def _update_labels(self) -> None:
        monday = week_monday(self.year, self.week)
        last = monday + dt.timedelta(days=6 if self.weekend_check.isChecked() else 4)
        self.week_label.setText(self.tr("Uke {week}, {year}").format(week=self.week, year=self.year))
        if self.day is not None:
            from kpdesk.booking.times import weekday_name

            text = f"{weekday_name(self.day)} {format_date(self.day)}"
        else:
            text = f"{format_date(monday)}–{format_date(last)}"
        self.dates_label.setText(text)
        schedule = self.schedule if self.is_current() else None
        holidays = [f"{d.date:%d.%m} {holiday_text(d.holiday)}" for d in schedule.days
                    if d.holiday and (self.day is None or d.date == self.day)] if schedule is not None else []
        self.holiday_label.setText(self.tr("Helligdag: {days}").format(days="  ·  ".join(holidays)))
        self.holiday_label.setVisible(bool(holidays))
        self.week_mode.setChecked(self.day is None)
        self.day_mode.setChecked(self.day is not None)
        if self.day is not None:
            self.previous_button.setToolTip(self.tr("Forrige dag (PageUp)"))
            self.next_button.setToolTip(self.tr("Neste dag (PageDown)"))
        else:
            self.previous_button.setToolTip(self.tr("Forrige uke (PageUp)"))
            self.next_button.setToolTip(self.tr("Neste uke (PageDown)"))

    def status_text(self) -> str:
        schedule = self.schedule
        if schedule is None:
            return ""
        shown = [b for b in schedule.bookings if self.day is None or b.starts_at.date() == self.day]
        inactive = sum(not b.active for b in shown)
        text = self.tr("{n} bookinger").format(n=len(shown) - inactive)
        if inactive:
            text += self.tr(", {n} avlyst eller hoppet over").format(n=inactive)
        return text

    # ------------------------------------------------------------ navigation

    def set_week(self, year: int, week: int) -> None:
        self.year, self.week = year, week
        if self.day is not None:
            self.day = week_monday(year, week)
        self._request()

    def step(self, direction: int) -> None:
        if self.day is None:
            from kpdesk.booking.week import shift_week

            self.set_week(*shift_week(self.year, self.week, direction))
            return
        day = self.day + dt.timedelta(days=direction)
        while not self.weekend_check.isChecked() and day.weekday() >= 5:
            day += dt.timedelta(days=direction)
        self.show_day(day)

    def go_today(self) -> None:
        today = dt.date.today()
        if self.day is not None:
            if today.weekday() >= 5 and not self.weekend_check.isChecked():
                today += dt.timedelta(days=7 - today.weekday())
            self.show_day(today)
            return
        self.set_week(*iso_week(today))

    def go_to_week(self) -> None:
        found = GoToWeekDialog.ask(self, self.year)
        if found is not None:
            self.set_week(*found)

    def show_day(self, day: dt.date | None) -> None:
        """The day view of ``day`` (all rooms side by side), or the week when None."""
        self.day = day
        if day is not None:
            self.year, self.week = iso_week(day)
            if day.weekday() >= 5 and not self.weekend_check.isChecked():
                self.weekend_check.blockSignals(True)
                self.weekend_check.setChecked(True)
                self.weekend_check.blockSignals(False)
        if self.is_current():  # the same week: only the arrangement changes
            self.view.set_schedule(self.schedule, self.day)
            self._update_labels()
            host = self.host()
            if self._visible_now and host is not None:
                host.update_counts()
        else:
            self._request()
        self.view.setFocus()

    def _default_day(self) -> dt.date:
        today = dt.date.today()
        if iso_week(today) == (self.year, self.week):
            return today
        return week_monday(self.year, self.week)

    def show_room(self, room_id: int) -> None:
        self.room_box.setCurrentIndex(max(self.room_box.findData(room_id), 0))
        self.show_day(None)

    def _room_chosen(self) -> None:
        self.room_id = self.room_box.currentData()
        self._request()

    # ------------------------------------------------------------ bookings

    def _room_name(self, room_id: int) -> str:
        return next((r.name for r in self.rooms if r.id == room_id), "")

    def _span_selected(self, room_id: int, start: dt.datetime, end: dt.datetime) -> None:
        from kpdesk.ui.booking.dialog import BookingDialog

        BookingDialog.open_new(self.context, self, {"room": self._room_name(room_id), "start": start, "end": end})
        self.view.clear_span()

    def new_booking(self) -> None:
        from kpdesk.ui.booking.dialog import BookingDialog

        day = self.day or self._default_day()
        start = dt.datetime.combine(day, dt.time(9))
        prefill: dict[str, Any] = {"start": start, "end": start + dt.timedelta(hours=1)}
        if self.room_id is not None:
            prefill["room"] = self._room_name(self.room_id)
        BookingDialog.open_new(self.context, self, prefill)

    def open_booking(self, booking_id: int) -> None:
        from kpdesk.ui.booking.dialog import BookingDialog

        BookingDialog.open_booking(self.context, self, booking_id)

    def booking(self, booking_id: int) -> Any:
        schedule = self.schedule
        return next((b for b in schedule.bookings if b.id == booking_id), None) if schedule else None

    def cancel_booking(self, booking_id: int) -> None:
        booking = self.booking(booking_id)
        if booking is None:
            return
        if booking.active:
            self.booking_actions.cancel(self, booking)
        else:
            self.booking_actions.reactivate(self, booking)

    def _booking_menu(self, booking_id: int, where: Any) -> None:
        booking = self.booking(booking_id)
        if booking is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Åpne …"), lambda: self.open_booking(booking_id))
        if booking.active:
            menu.addAction(self.tr("Avlys …"), lambda: self.booking_actions.cancel(self, booking))
        else:
            menu.addAction(self.tr("Gjenåpne"), lambda: self.booking_actions.reactivate(self, booking))
        menu.addSeparator()
        menu.addAction(self.tr("Slett hele serien …") if booking.series_id else self.tr("Slett …"),
                       lambda: self.booking_actions.delete(self, booking))
        menu.exec(where)
