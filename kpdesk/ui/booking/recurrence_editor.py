"""The booking's repetition, chosen in words: none, every weekday, weekly or every other week on
chosen days, monthly (on the start's n-th weekday, «andre tirsdag», or on its date, «den 15.»);
ending «til og med» a date or after a number of times.

The rule is built with ``kpdesk.booking.recurrence.build_rule``. The RRULE text itself is shown only
under the collapsed «Avansert» section, where an expert may type one («Egen regel»). Whether the rule
fits the booking's start is the validator's job (``kpdesk.booking.inputs.validate_booking``); the
sentence under the choices (``kpdesk.booking.sentence.series_sentence``) is set by the dialog, which
knows the times.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.ui.widgets.date_field import DateField

NONE, WEEKDAYS, WEEKLY, BIWEEKLY, MONTHLY, CUSTOM = range(6)
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DEFAULT_SPAN = dt.timedelta(weeks=8)  # «til og med» starts this long after the start
BY_WEEKDAY, BY_DATE = 0, 1
_ORDINALS = {1: "første", 2: "andre", 3: "tredje", 4: "fjerde", -1: "siste"}
_DAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def _row(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch(1)
    return row


class RecurrenceEditor(QWidget):
    changed = Signal()
    """The rule (or the end date's text) changed by the user."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start: dt.datetime | None = None
        self._filling = False
        self._until_chosen = False  # «til og med» set by the user: it stays where it is while after the start
        tr = self.tr
        self.mode = QComboBox()
        self.mode.setObjectName("repeatMode")
        for text, mode in ((tr("Ingen gjentakelse"), NONE), (tr("Daglig (hverdager)"), WEEKDAYS),
                           (tr("Ukentlig på valgte dager"), WEEKLY), (tr("Annenhver uke (på valgte dager)"), BIWEEKLY),
                           (tr("Månedlig"), MONTHLY), (tr("Egen regel (se Avansert)"), CUSTOM)):
            self.mode.addItem(text, mode)

        self.days_box = QWidget()
        self.days: list[QCheckBox] = []
        for code, name in zip(DAY_CODES, (tr("man"), tr("tir"), tr("ons"), tr("tor"), tr("fre"), tr("lør"),
                                          tr("søn")), strict=True):
            check = QCheckBox(name)
            check.setObjectName(f"day_{code}")
            check.toggled.connect(self._edited)
            self.days.append(check)
        self.days_box.setLayout(_row(QLabel(tr("på")), *self.days))

        self.monthly_box = QWidget()
        self.monthly = QComboBox()
        self.monthly.setObjectName("repeatMonthly")
        self.monthly.addItem("", BY_WEEKDAY)
        self.monthly.addItem("", BY_DATE)
        self.monthly.currentIndexChanged.connect(self._edited)
        self.monthly_box.setLayout(_row(QLabel(tr("på")), self.monthly))

        self.end_box = QWidget()
        self.until_radio = QRadioButton(tr("til og med"))
        self.until_radio.setObjectName("repeatUntilRadio")
        self.until = DateField()
        self.until.setObjectName("repeatUntil")
        self.until.dateChanged.connect(self._until_edited)
        self.count_radio = QRadioButton(tr("antall ganger"))
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
        end = QVBoxLayout(self.end_box)
        end.setContentsMargins(0, 0, 0, 0)
        end.addLayout(_row(self.until_radio, self.until))
        end.addLayout(_row(self.count_radio, self.count))

        self.words = QLabel()
        self.words.setObjectName("ruleText")
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.advanced = QToolButton()
        self.advanced.setObjectName("repeatAdvanced")
        self.advanced.setText(tr("Avansert"))
        self.advanced.setCheckable(True)
        self.advanced.setAutoRaise(True)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.toggled.connect(self._advanced_toggled)
        self.raw = QLineEdit()
        self.raw.setObjectName("rruleEdit")
        self.raw.setPlaceholderText("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615")
        self.raw.setToolTip(tr("Gjentakelsen som en iCalendar-regel (RFC 5545). Skriver du her, gjelder regelen "
                               "slik den står («Egen regel»)."))
        self.raw.textEdited.connect(self._raw_edited)
        self.raw.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.mode)
        layout.addWidget(self.days_box)
        layout.addWidget(self.monthly_box)
        layout.addWidget(self.end_box)
        layout.addWidget(self.words)
        layout.addWidget(self.advanced, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.raw)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self._mode_changed()
        # As wide as the row of days whatever is chosen (the dialog does not jump between choices), and
        # room for two lines of the sentence (it does not jump as the sentence grows)
        self.setMinimumWidth(self.days_box.sizeHint().width())
        self.words.setMinimumHeight(2 * self.words.fontMetrics().lineSpacing())

    # ------------------------------------------------------------ reading and writing

    def current_mode(self) -> int:
        return int(self.mode.currentData())

    def set_mode(self, mode: int) -> None:
        self.mode.setCurrentIndex(self.mode.findData(mode))

    def rule(self) -> str:
        """The rule as text: '' for none; built from the choices; or as typed under «Avansert»."""
        mode = self.current_mode()
        if mode == NONE:
            return ""
        if mode == CUSTOM:
            return self.raw.text().strip()
        from kpdesk.booking.recurrence import build_rule, nth_weekday

        if self.until_radio.isChecked():
            end: dict[str, object] = {"until": self.until.date()}
        else:
            end = {"count": self.count.value()}
        if mode == WEEKDAYS:
            return build_rule(freq="DAILY", weekdays=range(5), **end)  # type: ignore[arg-type]
        if mode == MONTHLY:
            start = self._start or dt.datetime.combine(dt.date.today(), dt.time(9))
            if self.monthly.currentData() == BY_DATE:
                return build_rule(freq="MONTHLY", monthday=start.day, **end)  # type: ignore[arg-type]
            return build_rule(freq="MONTHLY", weekdays=[start.weekday()], nth=nth_weekday(start.date()),
                              **end)  # type: ignore[arg-type]
        weekdays = [n for n, check in enumerate(self.days) if check.isChecked()]
        return build_rule(weekdays=weekdays, interval=2 if mode == BIWEEKLY else 1, **end)  # type: ignore[arg-type]

    def problem(self) -> str:
        """Why the «til og med» date is wrong, when the repetition uses it; else ""."""
        uses_until = self.current_mode() not in (NONE, CUSTOM) and self.until_radio.isChecked()
        return self.until.problem() if uses_until else ""

    def show_sentence(self, text: str) -> None:
        """The series in one sentence (the dialog knows the times); '' says the rule alone."""
        if not text:
            from kpdesk.booking.recurrence import describe

            rule = self.rule()
            text = describe(rule) if rule else self.tr("Én gang")
            text = text[:1].upper() + text[1:]
        self.words.setText(text)

    def set_rule(self, rule: str, start: dt.datetime | None) -> None:
        """Show a stored rule in the choices when it is one of them, else as «Egen regel»."""
        from kpdesk.booking.recurrence import split_rule, until_of

        self._filling = True
        try:
            self._start = start
            self._until_chosen = False
            if start is not None:
                self.until.setDate(start.date() + DEFAULT_SPAN)
                self._fill_monthly_choices(start)
            self.raw.setText(rule)
            if not rule:
                self.set_mode(NONE)
                return
            try:
                parts = split_rule(rule)
            except ValueError:
                parts = {}
            mode, days = self._simple_mode(parts, start)
            self.set_mode(mode)
            if mode in (WEEKLY, BIWEEKLY):
                for code, check in zip(DAY_CODES, self.days, strict=True):
                    check.setChecked(code in days)
            if mode == MONTHLY:
                self.monthly.setCurrentIndex(self.monthly.findData(BY_DATE if "BYMONTHDAY" in parts else BY_WEEKDAY))
            if mode != CUSTOM:
                until = until_of(rule) if "UNTIL" in parts else None
                if until is not None:
                    self.until_radio.setChecked(True)
                    self.until.setDate(until.date())
                    self._until_chosen = True
                elif parts.get("COUNT", "").isdigit():
                    self.count_radio.setChecked(True)
                    self.count.setValue(int(parts["COUNT"]))
        finally:
            self._filling = False
        self._show_mode()
        self._refresh()

    @staticmethod
    def _simple_mode(parts: dict[str, str], start: dt.datetime | None) -> tuple[int, set[str]]:
        """(mode, day codes) of a stored rule the choices can show; CUSTOM for anything else."""
        from kpdesk.booking.recurrence import nth_weekday

        ends = {"UNTIL", "COUNT"}
        freq, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
        days = [d for d in parts.get("BYDAY", "").split(",") if d]
        if not ends & set(parts) or (ends <= set(parts)):
            return CUSTOM, set()
        if freq == "DAILY" and set(parts) - ends <= {"FREQ", "BYDAY"} and days == list(DAY_CODES[:5]):
            return WEEKDAYS, set()
        if freq == "WEEKLY" and set(parts) - ends <= {"FREQ", "INTERVAL", "BYDAY"} and interval in ("1", "2") \
                and all(d in DAY_CODES for d in days):
            wanted = set(days) or ({DAY_CODES[start.weekday()]} if start else set())
            return (WEEKLY if interval == "1" else BIWEEKLY), wanted
        if freq == "MONTHLY" and start is not None and interval == "1":
            if set(parts) - ends == {"FREQ", "BYMONTHDAY"} and parts["BYMONTHDAY"] == str(start.day):
                return MONTHLY, set()
            nth = f"{nth_weekday(start.date())}{DAY_CODES[start.weekday()]}"
            if set(parts) - ends == {"FREQ", "BYDAY"} and days in ([nth], ["+" + nth]):
                return MONTHLY, set()
        return CUSTOM, set()

    def set_start(self, start: dt.datetime) -> None:
        """The booking's start moved: a weekly rule on the old start's weekday follows it, the monthly
        choices say the new day, and «til og med» stays after the start."""
        old, self._start = self._start, start
        self._filling = True
        try:
            self._fill_monthly_choices(start)
            until = self.until.date()
            if not self._until_chosen or (until is not None and until <= start.date()):
                self.until.setDate(start.date() + DEFAULT_SPAN)
                self._until_chosen = False
            checked = [n for n, check in enumerate(self.days) if check.isChecked()]
            follows = old is not None and checked == [old.weekday()] and start.weekday() != old.weekday()
            if follows and old is not None:
                self.days[old.weekday()].setChecked(False)
                self.days[start.weekday()].setChecked(True)
        finally:
            self._filling = False
        self._refresh()
        if follows and self.current_mode() in (WEEKLY, BIWEEKLY):
            self.changed.emit()

    def _fill_monthly_choices(self, start: dt.datetime) -> None:
        from kpdesk.booking.recurrence import nth_weekday

        nth = nth_weekday(start.date())
        self.monthly.setItemText(BY_WEEKDAY, self.tr("{nth} {day} i måneden").format(
            nth=_ORDINALS[nth], day=_DAY_NAMES[start.weekday()]))
        self.monthly.setItemText(BY_DATE, self.tr("den {day}. i måneden").format(day=start.day))

    # ------------------------------------------------------------ reacting

    def _mode_changed(self, *_args: object) -> None:
        if self._filling:
            return
        self._show_mode()
        self._edited()

    def _show_mode(self) -> None:
        mode = self.current_mode()
        self.days_box.setVisible(mode in (WEEKLY, BIWEEKLY))
        self.monthly_box.setVisible(mode == MONTHLY)
        self.end_box.setVisible(mode not in (NONE, CUSTOM))
        if mode == CUSTOM and not self.advanced.isChecked():
            self.advanced.setChecked(True)  # the rule is the one under «Avansert»: show it
        if mode in (WEEKLY, BIWEEKLY) and not any(c.isChecked() for c in self.days) and self._start is not None:
            self._filling, filling = True, self._filling
            try:
                self.days[self._start.weekday()].setChecked(True)
            finally:
                self._filling = filling

    def _advanced_toggled(self, shown: bool) -> None:
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.raw.setVisible(shown)

    def _raw_edited(self, *_args: object) -> None:
        if self.current_mode() != CUSTOM:
            self._filling = True
            try:
                self.set_mode(CUSTOM)
            finally:
                self._filling = False
            self._mode_changed()
            return
        self._edited()

    def _until_edited(self, *_args: object) -> None:
        if not self._filling:
            self._until_chosen = True
        self._edited()

    def _edited(self, *_args: object) -> None:
        if self._filling:
            return
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        self.until.setEnabled(self.until_radio.isChecked())
        self.count.setEnabled(self.count_radio.isChecked())
        if self.current_mode() != CUSTOM:
            self.raw.setText(self.rule())
        self.show_sentence("")
