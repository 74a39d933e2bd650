"""Timeplan: the week schedule of the meeting place, all rooms, one site's or one, and the day view.

Weeks load on the database thread (``kpdesk.booking.week.week_schedule``); at most one load is
in flight, and paging quickly through weeks only loads the week the user stops at. Loaded
weeks are kept until a booking or room changes, so going back and forth is instant.

A week of several rooms is shown as rooms × days or as a calendar (days × hours); the choice,
the site and the room are remembered (QSettings). The page opens on this week if it has
bookings, else on the week of the next one, and goes to a booking just made and selects it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import QSettings, Qt
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

from kpdesk.common.norsk import format_date, group_thousands, iso_week, plural, week_monday
from kpdesk.ui import alerts
from kpdesk.ui.booking.actions import BookingActions
from kpdesk.ui.booking.week_layout import CALENDAR, GRID, holiday_text
from kpdesk.ui.booking.week_widget import KIND_COLOURS, WeekView
from kpdesk.ui.centres import centre_state
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page
from kpdesk.ui.widgets.centre_choice import CentreChoice

# (ISO year, ISO week, room id, weekend shown, site, centre id: None for the whole region)
Key = tuple[int, int, int | None, bool, str | None, int | None]
CACHE_WEEKS = 12
SETTINGS_SITE, SETTINGS_ROOM, SETTINGS_ARRANGEMENT = "schedule/site", "schedule/room", "schedule/arrangement"


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
        settings = QSettings()
        self.site: str | None = str(settings.value(SETTINGS_SITE, "") or "") or None
        try:
            self.room_id: int | None = int(settings.value(SETTINGS_ROOM, 0) or 0) or None  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.room_id = None
        arrangement = str(settings.value(SETTINGS_ARRANGEMENT, GRID) or GRID)
        self._opened = False  # the week to open on has been asked for
        self._navigated = False  # a week was chosen (by the user, a test or a new booking): keep it
        self._select_after: int | None = None  # a booking just made: select it once its week is shown
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
        self.room_box.setToolTip(tr("Vis alle rommene (på stedet), eller ett rom"))
        self.room_box.currentIndexChanged.connect(self._room_chosen)
        self.site_box = QComboBox()
        self.site_box.setObjectName("siteBox")
        self.site_box.addItem(tr("Alle steder"), None)
        self.site_box.setToolTip(tr("Vis bare rommene på ett sted"))
        self.site_box.currentIndexChanged.connect(self._site_chosen)
        self.site_label = QLabel(tr("Sted:"))
        self.site_label.setBuddy(self.site_box)
        for widget in (self.site_box, self.site_label):
            widget.setVisible(False)  # until the rooms are known to be at more than one site
        self.arrangement_box = QComboBox()
        self.arrangement_box.setObjectName("arrangementBox")
        self.arrangement_box.addItem(tr("Rom × dager"), GRID)
        self.arrangement_box.addItem(tr("Kalender"), CALENDAR)
        self.arrangement_box.setItemData(0, tr("Ett rom per rad, dagene side om side"), Qt.ItemDataRole.ToolTipRole)
        self.arrangement_box.setItemData(1, tr("Dagene som kolonner og timene nedover; bookinger som overlapper står "
                                               "side om side. Best for ett eller noen få rom: velg sted eller rom"),
                                         Qt.ItemDataRole.ToolTipRole)
        self.arrangement_box.setToolTip(tr("Hvordan uka vises når flere rom er med"))
        self.arrangement_box.setCurrentIndex(max(self.arrangement_box.findData(arrangement), 0))
        self.arrangement_box.currentIndexChanged.connect(self._arrangement_chosen)
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
        mode_row = QHBoxLayout()
        mode_row.setSpacing(0)
        mode_row.addWidget(self.week_mode)
        mode_row.addWidget(self.day_mode)
        bar.addLayout(mode_row)
        bar.addWidget(self.new_button)
        filters = QHBoxLayout()
        self.centre_box = CentreChoice(centre_state(context))  # shown when the database has several centres
        self.centre_id: int | None = self.centre_box.chosen()  # whose rooms are shown (None: the whole region)
        self.centre_box.centre_changed.connect(self._centre_chosen)
        filters.addWidget(self.centre_box)
        filters.addWidget(self.site_label)
        filters.addWidget(self.site_box)
        filters.addSpacing(6)
        room_label = QLabel(tr("Rom:"))
        room_label.setBuddy(self.room_box)
        filters.addWidget(room_label)
        filters.addWidget(self.room_box)
        filters.addSpacing(6)
        arrangement_label = QLabel(tr("Visning:"))
        arrangement_label.setBuddy(self.arrangement_box)
        filters.addWidget(arrangement_label)
        filters.addWidget(self.arrangement_box)
        filters.addSpacing(6)
        filters.addWidget(self.weekend_check)
        filters.addStretch(1)

        self.view = WeekView()
        self.view.set_arrangement(str(self.arrangement_box.currentData()))
        self.calendar_hint = QLabel(tr("Det er ikke plass til alle bookingene side om side i kalenderen; resten "
                                       "er samlet («12 bookinger»). Velg et rom, eller klikk på en dag, for å se "
                                       "hver av dem."))
        self.calendar_hint.setObjectName("calendarHint")
        self.calendar_hint.setStyleSheet("color: #666;")
        self.calendar_hint.setVisible(False)
        self.view.span_selected.connect(self._span_selected)
        self.view.booking_activated.connect(self.open_booking)
        self.view.booking_menu.connect(self._booking_menu)
        self.view.cancel_requested.connect(lambda booking_id: self.cancel_booking(booking_id))
        self.view.day_activated.connect(self.show_day)
        self.view.room_activated.connect(self.show_room)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.holiday_label)
        layout.addWidget(self.calendar_hint)
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
        context.bookings_made.connect(self._bookings_made)
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
        return self.year, self.week, self.room_id, self.weekend_check.isChecked(), self.site, self.centre_id

    def load(self) -> None:
        if not self._opened and not self._navigated:
            self._opened = True
            self._open_week()
            return
        self._request()

    def _open_week(self) -> None:
        """The first load: this week if it has bookings (in the rooms chosen), else the next one's week."""
        today, room_id, site = dt.date.today(), self.room_id, self.site

        def work(session: Any) -> tuple[int, int]:
            from kpdesk.booking.week import opening_week

            return opening_week(session, today, room_id, site)

        def done(week: tuple[int, int]) -> None:
            if not isValid(self):
                return
            if not self._navigated:
                self.year, self.week = week
            self._request()

        def failed(_exc: BaseException) -> None:
            if isValid(self):
                self._request()  # a room remembered but gone: the load says so and shows all rooms

        self.context.query(work, done, failed)

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
        year, week, room_id, weekend, site, centre_id = key
        generation = self._generation
        self._in_flight = key

        def work(session: Any) -> tuple[Any, tuple[Any, ...]]:
            from kpdesk.booking.week import week_rooms, week_schedule

            return (week_schedule(session, year, week, room_id, weekend, site, centre_id),
                    week_rooms(session, centre_id=centre_id))

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
            self._remember()
            self.room_box.blockSignals(True)
            self.room_box.setCurrentIndex(0)
            self.room_box.blockSignals(False)
            self._request()
            return
        alerts.show_exception(self, exc)

    def _show(self, key: Key, result: tuple[Any, tuple[Any, ...]]) -> None:
        schedule, rooms = result
        from kpdesk.booking.week import week_sites

        if self.site is not None and self.site not in week_sites(rooms):  # no rooms there any more
            self.site = None
            self._remember()
            self._fill_rooms(rooms, force=True)
            self._request()
            return
        self.schedule, self._shown = schedule, key
        self._fill_rooms(rooms)
        if self.day is not None and all(d.date != self.day for d in schedule.days):
            self.day = schedule.days[0].date
        if not schedule.rooms:
            self.view.set_message(self.tr("Ingen rom ennå. Legg inn rommene under «Rom» først."))
        else:
            self.view.set_schedule(schedule, self.day)
        self._after_shown()

    def _after_shown(self) -> None:
        """Labels, the counts in the status bar, and a booking just made selected."""
        if self._select_after is not None and self.view.box_index(self._select_after) is not None:
            self.view.select(self._select_after)
            self._select_after = None
        self._update_labels()
        host = self.host()
        if self._visible_now and host is not None:
            host.update_counts()

    def is_current(self) -> bool:
        """The week on screen is the week asked for (tests wait for this)."""
        return self._shown == self.key() and self.schedule is not None

    def _fill_rooms(self, rooms: tuple[Any, ...], *, force: bool = False) -> None:
        from kpdesk.booking.week import week_sites

        if not force and [(r.id, r.name, r.site) for r in rooms] == [(r.id, r.name, r.site) for r in self.rooms]:
            return
        self.rooms = rooms
        sites = week_sites(rooms)
        self.site_box.blockSignals(True)
        self.site_box.clear()
        self.site_box.addItem(self.tr("Alle steder"), None)
        for site in sites:
            self.site_box.addItem(site, site)
        self.site_box.setCurrentIndex(max(self.site_box.findData(self.site), 0) if self.site else 0)
        self.site_box.blockSignals(False)
        for widget in (self.site_box, self.site_label):
            widget.setVisible(len(sites) > 1)
        self._fill_room_box()

    def _fill_room_box(self) -> None:
        """The rooms at the site chosen (all rooms without one)."""
        self.room_box.blockSignals(True)
        self.room_box.clear()
        self.room_box.addItem(self.tr("Alle rom") if self.site is None else
                              self.tr("Alle rom i {site}").format(site=self.site), None)
        for room in self.rooms:
            if self.site is None or room.site == self.site:
                self.room_box.addItem(room.name, room.id)
        self.room_box.setCurrentIndex(max(self.room_box.findData(self.room_id), 0) if self.room_id else 0)
        self.room_box.blockSignals(False)

    def _remember(self) -> None:
        settings = QSettings()
        settings.setValue(SETTINGS_SITE, self.site or "")
        settings.setValue(SETTINGS_ROOM, self.room_id or 0)
        settings.setValue(SETTINGS_ARRANGEMENT, str(self.arrangement_box.currentData()))

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
        layout = self.view.layout_
        crowded = layout is not None and not layout.day_view and any(g.boxed for g in layout.groups)
        self.calendar_hint.setVisible(crowded)
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
        text = plural(len(shown) - inactive, self.tr("booking"), self.tr("bookinger"))
        if inactive:
            text += self.tr(", {n} avlyst eller hoppet over").format(n=group_thousands(inactive))
        return text

    # ------------------------------------------------------------ navigation

    def set_week(self, year: int, week: int) -> None:
        self._navigated = True
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
        self._navigated = True
        self.day = day
        if day is not None:
            self.year, self.week = iso_week(day)
            if day.weekday() >= 5 and not self.weekend_check.isChecked():
                self.weekend_check.blockSignals(True)
                self.weekend_check.setChecked(True)
                self.weekend_check.blockSignals(False)
        if self.is_current():  # the same week: only the arrangement changes
            self.view.set_schedule(self.schedule, self.day)
            self._after_shown()
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
        self._remember()
        self._request()

    def _centre_chosen(self, centre_id: int | None) -> None:
        """Another centre's rooms: the site and the room start over at all of them."""
        if centre_id == self.centre_id:
            return
        self.centre_id = centre_id
        self.site = self.room_id = None
        self._remember()
        self._request()

    def _site_chosen(self) -> None:
        self.site = self.site_box.currentData()
        if self.room_id is not None and all(r.id != self.room_id or r.site != self.site for r in self.rooms) \
                and self.site is not None:
            self.room_id = None
        self._fill_room_box()
        self._remember()
        self._request()

    def _arrangement_chosen(self) -> None:
        self.view.set_arrangement(str(self.arrangement_box.currentData()))
        self._remember()
        self._update_labels()
        self.view.setFocus()

    # ------------------------------------------------------------ a booking just made

    def _bookings_made(self, booking_ids: tuple[int, ...]) -> None:
        """Go to the week of a booking just made (a series: its first date) and select it."""
        def work(session: Any) -> Any:
            from kpdesk.booking.week import first_booking

            return first_booking(session, booking_ids)

        def failed(exc: BaseException) -> None:
            if isValid(self):
                alerts.show_exception(self, exc)

        self.context.query(work, self._go_to_booking, failed)

    def _go_to_booking(self, place: Any) -> None:
        if place is None or not isValid(self):
            return
        if self.site is not None and place.site != self.site:  # out of the filter: show everything
            self.site = None
        if self.room_id is not None and place.room_id != self.room_id:
            self.room_id = None
        self._remember()
        self.site_box.blockSignals(True)
        self.site_box.setCurrentIndex(max(self.site_box.findData(self.site), 0) if self.site else 0)
        self.site_box.blockSignals(False)
        self._fill_room_box()
        day = place.starts_at.date()
        if day.weekday() >= 5 and not self.weekend_check.isChecked():
            self.weekend_check.blockSignals(True)
            self.weekend_check.setChecked(True)
            self.weekend_check.blockSignals(False)
        self._select_after = place.id
        if self.day is not None:
            self.show_day(day)
        else:
            self.set_week(*iso_week(day))

    # ------------------------------------------------------------ bookings

    def _room_name(self, room_id: int) -> str:
        return next((r.name for r in self.rooms if r.id == room_id), "")

    def _span_selected(self, room_id: int, start: dt.datetime, end: dt.datetime) -> None:
        from kpdesk.ui.booking.dialog import BookingDialog

        prefill: dict[str, Any] = {"start": start, "end": end}
        if room_id:  # a day column of several rooms names none
            prefill["room"] = self._room_name(room_id)
        BookingDialog.open_new(self.context, self, prefill)
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
