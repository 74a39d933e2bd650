"""A friendly editor for a booking's RRULE: none, or weekly on chosen days, every N weeks, until a
date or N times; and a raw rule field for anything else. The rule is built with
``kpdesk.booking.recurrence.build_rule`` and said in words with ``describe``; whether it fits the
booking's start is the validator's job (``kpdesk.booking.inputs.validate_booking``)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kpdesk.ui.widgets.date_field import DateField

NONE, WEEKLY, CUSTOM = 0, 1, 2
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SIMPLE_PARTS = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}


class RecurrenceEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start: dt.datetime | None = None
        self._filling = False
        self.mode = QComboBox()
        self.mode.setObjectName("repeatMode")
        self.mode.addItem(self.tr("Gjentas ikke"), NONE)
        self.mode.addItem(self.tr("Ukentlig"), WEEKLY)
        self.mode.addItem(self.tr("Egen regel (RRULE)"), CUSTOM)

        self.weekly = QWidget()
        days_row = QHBoxLayout()
        days_row.setContentsMargins(0, 0, 0, 0)
        days_row.addWidget(QLabel(self.tr("på")))
        self.days: list[QCheckBox] = []
        for code, name in zip(DAY_CODES, (self.tr("man"), self.tr("tir"), self.tr("ons"), self.tr("tor"),
                                          self.tr("fre"), self.tr("lør"), self.tr("søn")), strict=True):
            check = QCheckBox(name)
            check.setObjectName(f"day_{code}")
            check.toggled.connect(self._edited)
            self.days.append(check)
            days_row.addWidget(check)
        days_row.addStretch(1)
        every_row = QHBoxLayout()
        every_row.setContentsMargins(0, 0, 0, 0)
        every_row.addWidget(QLabel(self.tr("hver")))
        self.interval = QSpinBox()
        self.interval.setObjectName("repeatInterval")
        self.interval.setRange(1, 52)
        self.interval.setSuffix(self.tr(". uke"))
        self.interval.setSpecialValueText(self.tr("uke"))  # «hver uke», «hver 2. uke»
        self.interval.valueChanged.connect(self._edited)
        every_row.addWidget(self.interval)
        every_row.addStretch(1)
        end_row = QHBoxLayout()
        end_row.setContentsMargins(0, 0, 0, 0)
        self.until_radio = QRadioButton(self.tr("til og med"))
        self.until_radio.setObjectName("repeatUntilRadio")
        self.until = DateField()
        self.until.setObjectName("repeatUntil")
        self.until.dateChanged.connect(self._edited)
        self.count_radio = QRadioButton(self.tr("antall ganger"))
        self.count_radio.setObjectName("repeatCountRadio")
        self.count = QSpinBox()
        self.count.setObjectName("repeatCount")
        self.count.setRange(1, 500)
        self.count.setValue(10)
        self.count.valueChanged.connect(self._edited)
        group = QButtonGroup(self)
        group.addButton(self.until_radio)
        group.addButton(self.count_radio)
        self.until_radio.setChecked(True)
        self.until_radio.toggled.connect(self._edited)
        for widget in (self.until_radio, self.until, self.count_radio, self.count):
            end_row.addWidget(widget)
        end_row.addStretch(1)
        weekly_layout = QVBoxLayout(self.weekly)
        weekly_layout.setContentsMargins(0, 0, 0, 0)
        weekly_layout.addLayout(days_row)
        weekly_layout.addLayout(every_row)
        weekly_layout.addLayout(end_row)

        self.raw = QLineEdit()
        self.raw.setObjectName("rruleEdit")
        self.raw.setPlaceholderText("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615")
        self.raw.setToolTip(self.tr("Gjentakelsen som en iCalendar-regel (RFC 5545). Velg «Egen regel» for å "
                                    "skrive den selv."))
        self.raw.textEdited.connect(self._edited)
        self.words = QLabel()
        self.words.setObjectName("ruleText")
        self.words.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.mode)
        layout.addWidget(self.weekly)
        layout.addWidget(self.raw)
        layout.addWidget(self.words)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self._mode_changed()

    # ------------------------------------------------------------ reading and writing

    def current_mode(self) -> int:
        return int(self.mode.currentData())

    def rule(self) -> str:
        """The rule as text: '' for none; built from the choices; or as typed."""
        mode = self.current_mode()
        if mode == NONE:
            return ""
        if mode == CUSTOM:
            return self.raw.text().strip()
        from kpdesk.booking.recurrence import build_rule

        weekdays = [n for n, check in enumerate(self.days) if check.isChecked()]
        if self.until_radio.isChecked():
            return build_rule(weekdays=weekdays, interval=self.interval.value(), until=self.until.date())
        return build_rule(weekdays=weekdays, interval=self.interval.value(), count=self.count.value())

    def problem(self) -> str:
        """Why the «til og med» date is wrong, when the repetition uses it; else ""."""
        uses_until = self.current_mode() == WEEKLY and self.until_radio.isChecked()
        return self.until.problem() if uses_until else ""

    def set_rule(self, rule: str, start: dt.datetime | None) -> None:
        """Show a stored rule: in the weekly choices when it is that simple, else as a raw rule."""
        from kpdesk.booking.recurrence import split_rule, until_of

        self._filling = True
        try:
            self._start = start
            if start is not None:
                self.until.setDate(start.date() + dt.timedelta(weeks=12))
            if not rule:
                self.mode.setCurrentIndex(NONE)
                self.raw.clear()
                return
            try:
                parts = split_rule(rule)
            except ValueError:
                parts = {}
            days = [d for d in parts.get("BYDAY", "").split(",") if d]
            simple = (parts.get("FREQ") == "WEEKLY" and set(parts) <= _SIMPLE_PARTS
                      and all(d in DAY_CODES for d in days))
            if simple:
                self.mode.setCurrentIndex(WEEKLY)
                wanted = set(days) or ({DAY_CODES[start.weekday()]} if start else set())
                for code, check in zip(DAY_CODES, self.days, strict=True):
                    check.setChecked(code in wanted)
                self.interval.setValue(int(parts.get("INTERVAL", "1")))
                until = until_of(rule)
                if until is not None:
                    self.until_radio.setChecked(True)
                    self.until.setDate(until.date())
                else:
                    self.count_radio.setChecked(True)
                    self.count.setValue(int(parts.get("COUNT", "10")))
            else:
                self.mode.setCurrentIndex(CUSTOM)
            self.raw.setText(rule)
        finally:
            self._filling = False
        self._refresh()

    def set_start(self, start: dt.datetime) -> None:
        """The booking's start moved: a weekly rule on the old start's weekday follows it."""
        old, self._start = self._start, start
        if self.current_mode() != WEEKLY or old is None:
            return
        checked = [n for n, check in enumerate(self.days) if check.isChecked()]
        if checked == [old.weekday()] and start.weekday() != old.weekday():
            self._filling = True
            try:
                self.days[old.weekday()].setChecked(False)
                self.days[start.weekday()].setChecked(True)
            finally:
                self._filling = False
            self._refresh()
            self.changed.emit()

    # ------------------------------------------------------------ reacting

    def _mode_changed(self) -> None:
        mode = self.current_mode()
        self.weekly.setVisible(mode == WEEKLY)
        self.raw.setReadOnly(mode != CUSTOM)
        self.raw.setVisible(mode != NONE)
        if mode == WEEKLY and not any(check.isChecked() for check in self.days) and self._start is not None:
            self._filling = True
            try:
                self.days[self._start.weekday()].setChecked(True)
            finally:
                self._filling = False
        self._edited()

    def _edited(self, *_args: object) -> None:
        if self._filling:
            return
        self.until.setEnabled(self.until_radio.isChecked())
        self.count.setEnabled(self.count_radio.isChecked())
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        from kpdesk.booking.recurrence import describe

        mode = self.current_mode()
        rule = self.rule()
        if mode == WEEKLY:
            self.raw.setText(rule)
        self.until.setEnabled(self.until_radio.isChecked())
        self.count.setEnabled(self.count_radio.isChecked())
        try:
            self.words.setText(describe(rule).capitalize() if rule else self.tr("Én gang"))
        except (ValueError, KeyError):
            self.words.setText("")
