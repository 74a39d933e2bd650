"""The one date field and the one time field of the window, and the calendar they open.

Both are line edits that take what people type and read it with the parsers every form and CSV file
uses (``kpdesk.common.norsk.parse_date`` and ``parse_clock``): "22.4.27", "22/4/2027", "1.2" or
"2027-04-22" for a date; "1000", "930", "10.30" or "10" for a time. Selecting all and typing a new
value just works, because the text is only text until the field is left or Enter is pressed; then
it is written the one way (22.04.2027, 10.00), or the field turns red and its tooltip says why.

A value is announced (``dateChanged`` / ``timeChanged``, with a ``datetime.date`` / ``datetime.time``
or None) when it is committed, and already while typing once the text is complete and
unambiguous (22.04.2027, 2027-04-22, 10.30, 1000), so a dialog can follow without the field being
left. Enter that only tidies the text (or finds it wrong) stays in the field; Enter on a tidy value
goes on to the dialog's default button.

Keys: Up/Down step a day (the date) or a quarter of an hour (the time); Alt+Down or F4 open the
calendar: ISO week numbers, bokmål day and month names whatever the system's language, Monday first,
Sundays and Norwegian holidays in red with the holiday's name as tooltip
(``kpdesk.booking.holidays``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QIcon, QKeyEvent, QPainter, QPen, QPixmap, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.norsk import EARLIEST_YEAR, LATEST_YEAR, format_date, format_time, parse_clock, parse_date

HOLIDAY_COLOR = QColor("#c62828")
ERROR_FIELD_STYLE = "QLineEdit { border: 1px solid #b00020; border-radius: 2px; background: #fff3f4; }"
BOKMAL = "nb_NO"
STEP_MINUTES = 15
EMPTY_TIME_STEP_FROM = dt.time(8)  # Up/Down in an empty time field start from 08.00

_COMPLETE_DATE = re.compile(r"^[0-9]{1,2}([./])[0-9]{1,2}\1[0-9]{4}$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_COMPLETE_TIME = re.compile(r"^[0-9]{1,2}[:.,][0-9]{2}$|^[0-9]{4}$")


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def calendar_icon(color: QColor) -> QIcon:
    """A small calendar sheet drawn in ``color`` (the field's text colour), at 16 and 32 pixels."""
    icon = QIcon()
    for size in (16, 32):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        unit = size / 16
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, 1.2 * unit))
        painter.drawRoundedRect(QRect(round(1.5 * unit), round(2.5 * unit), round(13 * unit), round(12 * unit)),
                                1.5 * unit, 1.5 * unit)
        painter.fillRect(QRect(round(2 * unit), round(3 * unit), round(12 * unit), round(3 * unit)), color)
        for x in (5, 11):
            painter.drawLine(round(x * unit), round(1 * unit), round(x * unit), round(4 * unit))
        for row in (8.5, 11.5):
            for column in (4.5, 8, 11.5):
                painter.fillRect(QRect(round(column * unit - unit), round(row * unit - unit), round(2 * unit),
                                       round(2 * unit)), color)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


# ---------------------------------------------------------------- the calendar

class NorwegianCalendar(QCalendarWidget):
    """A month in bokmål, Monday first, with ISO week numbers; Sundays and holidays in red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar")
        self.setLocale(QLocale(BOKMAL))
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.ISOWeekNumbers)
        self.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)
        self.setGridVisible(True)
        self.setDateRange(QDate(EARLIEST_YEAR, 1, 1), QDate(LATEST_YEAR, 12, 31))
        red = QTextCharFormat()
        red.setForeground(HOLIDAY_COLOR)
        self.setWeekdayTextFormat(Qt.DayOfWeek.Saturday, QTextCharFormat())  # a Norwegian calendar: Sundays red
        self.setWeekdayTextFormat(Qt.DayOfWeek.Sunday, red)
        for name, tip in (("qt_calendar_prevmonth", "Forrige måned (Ctrl+Page Up)"),
                          ("qt_calendar_nextmonth", "Neste måned (Ctrl+Page Down)"),
                          ("qt_calendar_monthbutton", "Velg måned"), ("qt_calendar_yearbutton", "Velg år")):
            button = self.findChild(QToolButton, name)
            if button is not None:
                button.setToolTip(self.tr(tip))
        self._marked_years: set[int] = set()
        self.currentPageChanged.connect(lambda year, _month: self.mark_holidays(year))
        self.mark_holidays(self.yearShown())

    def mark_holidays(self, year: int) -> None:
        """Holidays of ``year`` and the years either side (a page shows days of the next and last month)."""
        from kpdesk.booking.holidays import holidays_between, in_words

        years = [y for y in (year - 1, year, year + 1) if EARLIEST_YEAR <= y <= LATEST_YEAR
                 and y not in self._marked_years]
        if not years:
            return
        for day, name in holidays_between(dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)).items():
            if day.year not in years:
                continue
            marked = QTextCharFormat()
            marked.setForeground(HOLIDAY_COLOR)
            marked.setFontWeight(700)
            marked.setToolTip(in_words(name))
            self.setDateTextFormat(to_qdate(day), marked)
        self._marked_years.update(years)


class CalendarPopup(QFrame):
    """The calendar as a popup under a date field; ``picked`` carries the chosen date."""

    picked = Signal(object)
    """A ``datetime.date``: clicked, or chosen with Enter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("calendarPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = NorwegianCalendar(self)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)
        today = QPushButton(self.tr("I dag"))
        today.setObjectName("todayButton")
        today.setAutoDefault(False)
        today.clicked.connect(lambda: self._pick(QDate.currentDate()))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(today)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.calendar)
        layout.addLayout(row)

    def open_at(self, anchor: QWidget, day: dt.date) -> None:
        """Show under ``anchor`` (above it when there is no room below), on ``day``."""
        self.calendar.setSelectedDate(to_qdate(day))
        self.adjustSize()
        below = anchor.mapToGlobal(QPoint(0, anchor.height()))
        where = QRect(below, self.sizeHint())
        screen = anchor.screen().availableGeometry()
        if where.bottom() > screen.bottom():
            where.moveBottom(anchor.mapToGlobal(QPoint(0, 0)).y() - 1)
        if where.right() > screen.right():
            where.moveRight(screen.right())
        where.moveLeft(max(where.left(), screen.left()))
        where.moveTop(max(where.top(), screen.top()))
        self.setGeometry(where)
        self.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _pick(self, day: QDate) -> None:
        self.hide()
        self.picked.emit(from_qdate(day))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


# ---------------------------------------------------------------- the fields

class _TypedField(QLineEdit):
    """What the date and time fields share: commit on leaving or Enter, the error state, stepping."""

    problem_changed = Signal(str)
    """The reason the text is wrong, or "" when it is right again."""

    example = ""
    hint = ""

    def __init__(self, parent: QWidget | None = None, *, optional: bool = False) -> None:
        super().__init__(parent)
        self.optional = optional
        self._value: object = None
        self._problem = ""
        self._plain_tooltip = ""
        self.setPlaceholderText(self.example)
        self.setToolTip(self.hint)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.textEdited.connect(self._typed)

    # ------------------------------------------------------------ parsing (by the subclass)

    def _parse(self, text: str) -> object:
        raise NotImplementedError

    def _format(self, value: object) -> str:
        raise NotImplementedError

    def _complete(self, text: str) -> bool:
        raise NotImplementedError

    def _stepped(self, value: object | None, steps: int) -> object | None:
        raise NotImplementedError

    def _announce(self, value: object) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ state

    def value(self) -> object:
        """The value the text says now, or None when it is empty or wrong."""
        try:
            return self._parse(self.text())
        except ValueError:
            return None

    def problem(self) -> str:
        """Why the text is wrong ("" when it is right, or empty in an optional field)."""
        text = self.text().strip()
        if not text and self.optional:
            return ""
        try:
            self._parse(text)
        except ValueError as exc:
            return str(exc)
        return ""

    def setText(self, text: str) -> None:
        super().setText(text)
        self._settle(show_problem=bool(text.strip()))

    def commit(self) -> None:
        """Write a good value the one way, or show why the text is wrong; announce the value."""
        text = self.text().strip()
        try:
            value = self._parse(text) if text else None
        except ValueError:
            self._settle(show_problem=True)
            return
        tidy = self._format(value) if value is not None else ""
        if tidy != self.text():
            super().setText(tidy)
        self._settle(show_problem=True)

    def _settle(self, *, show_problem: bool) -> None:
        self._show_problem(self.problem() if show_problem else "")
        self._set_value(self.value())

    def _set_value(self, value: object) -> None:
        if value != self._value:
            self._value = value
            self._announce(value)

    def _show_problem(self, problem: str) -> None:
        if problem == self._problem:
            return
        if problem and not self._problem:
            self._plain_tooltip = self.toolTip()  # the hint, or what the page set: back when put right
        self._problem = problem
        self.setProperty("invalid", bool(problem))
        self.setStyleSheet(ERROR_FIELD_STYLE if problem else "")
        self.setToolTip(problem or self._plain_tooltip)
        self.problem_changed.emit(problem)

    def shown_problem(self) -> str:
        """The reason shown in red now ("" when the field is not marked wrong)."""
        return self._problem

    def _typed(self, text: str) -> None:
        """While typing: no red (the user is at it); a complete value is announced at once."""
        self._show_problem("")
        if self._complete(text.strip()):
            with contextlib.suppress(ValueError):
                self._set_value(self._parse(text))

    # ------------------------------------------------------------ keys and focus

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.commit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        plain = not modifiers & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            before = self.text()
            self.commit()
            if self._problem or self.text() != before:
                event.accept()  # Enter tidied the text or found it wrong: stay, let the user see it
                self.editingFinished.emit()  # yet the typing is over: a form may now say why
                return
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and plain and not self.isReadOnly():
            empty = not self.text().strip()  # an empty field steps from its starting point
            if not empty:
                self.commit()
            if empty or not self._problem:
                stepped = self._stepped(self.value(), 1 if key == Qt.Key.Key_Up else -1)
                if stepped is not None:
                    self.setText(self._format(stepped))
                    self.selectAll()
            event.accept()
            return
        super().keyPressEvent(event)


class DateField(_TypedField):
    """A date typed as people write it, shown as dd.mm.yyyy, with a calendar (Alt+Down, F4)."""

    dateChanged = Signal(object)
    """A ``datetime.date``, or None when the field is emptied or its text is wrong."""

    example = "dd.mm.åååå"
    hint = "Skriv for eksempel 22.4.27, 22.04.2027 eller 1.2 (i år). Alt+Pil ned eller F4 åpner kalenderen."

    def __init__(self, day: dt.date | None = None, parent: QWidget | None = None, *, optional: bool = False) -> None:
        super().__init__(parent, optional=optional)
        self.hint = self.tr(self.hint)
        self.setToolTip(self.hint)
        self._popup: CalendarPopup | None = None
        color = self.palette().color(self.foregroundRole())
        self.calendar_action = self.addAction(calendar_icon(color), QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setObjectName("calendarAction")
        self.calendar_action.setToolTip(self.tr("Velg i kalenderen (Alt+Pil ned)"))
        self.calendar_action.triggered.connect(self.open_calendar)
        metrics = self.fontMetrics()
        self.setFixedWidth(metrics.horizontalAdvance("00.00.00000") + 46)
        if day is not None:
            self.setDate(day)

    def date(self) -> dt.date | None:
        value = self.value()
        return value if isinstance(value, dt.date) else None

    def setDate(self, day: dt.date | None) -> None:
        self.setText(format_date(day))

    def _parse(self, text: str) -> dt.date:
        return parse_date(text)

    def _format(self, value: object) -> str:
        return format_date(value) if isinstance(value, dt.date) else ""

    def _complete(self, text: str) -> bool:
        return _COMPLETE_DATE.match(text) is not None

    def _stepped(self, value: object | None, steps: int) -> dt.date | None:
        day = value if isinstance(value, dt.date) else dt.date.today()
        moved = day + dt.timedelta(days=steps) if isinstance(value, dt.date) else day
        return moved if EARLIEST_YEAR <= moved.year <= LATEST_YEAR else None

    def _announce(self, value: object) -> None:
        self.dateChanged.emit(value)

    # ------------------------------------------------------------ the calendar

    def popup(self) -> CalendarPopup:
        if self._popup is None:
            self._popup = CalendarPopup(self)
            self._popup.picked.connect(self._picked)
        return self._popup

    def open_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        self.commit()
        self.popup().open_at(self, self.date() or dt.date.today())

    def _picked(self, day: dt.date) -> None:
        self.setDate(day)
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        opens = event.key() == Qt.Key.Key_F4 or (
            event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if opens:
            event.accept()
            self.open_calendar()
            return
        super().keyPressEvent(event)


class TimeField(_TypedField):
    """A time of day typed as people write it (1000, 930, 10.30, 10), shown as hh.mm; Up/Down step
    a quarter of an hour."""

    timeChanged = Signal(object)
    """A ``datetime.time``, or None when the field is emptied or its text is wrong."""

    example = "tt.mm"
    hint = "Skriv for eksempel 1000, 930, 10.30 eller 10. Pil opp/ned flytter et kvarter."

    def __init__(self, time: dt.time | None = None, parent: QWidget | None = None, *, optional: bool = False) -> None:
        super().__init__(parent, optional=optional)
        self.hint = self.tr(self.hint)
        self.setToolTip(self.hint)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("00.000") + 22)
        if time is not None:
            self.setTime(time)

    def time(self) -> dt.time | None:
        value = self.value()
        return value if isinstance(value, dt.time) else None

    def setTime(self, time: dt.time | None) -> None:
        self.setText(format_time(time) if time is not None else "")

    def _parse(self, text: str) -> dt.time:
        return parse_clock(text)

    def _format(self, value: object) -> str:
        return format_time(value) if isinstance(value, dt.time) else ""

    def _complete(self, text: str) -> bool:
        return _COMPLETE_TIME.match(text) is not None

    def _stepped(self, value: object | None, steps: int) -> dt.time | None:
        start = value if isinstance(value, dt.time) else EMPTY_TIME_STEP_FROM
        if not isinstance(value, dt.time):
            return start
        minutes = start.hour * 60 + start.minute
        if steps > 0:
            moved = (minutes // STEP_MINUTES + 1) * STEP_MINUTES
        else:
            moved = ((minutes - 1) // STEP_MINUTES) * STEP_MINUTES
        if not 0 <= moved < 24 * 60:
            return None
        return dt.time(moved // 60, moved % 60)

    def _announce(self, value: object) -> None:
        self.timeChanged.emit(value)
