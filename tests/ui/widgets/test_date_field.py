"""The one date field and time field, driven by the keyboard as people use them: select all and
type, Tab and Enter, Up and Down, Alt+Down and F4 for the calendar (bokmål, ISO weeks, holidays)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget

from kpdesk.ui.widgets.date_field import HOLIDAY_COLOR, DateField, TimeField

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


class Form(QDialog):
    """A field, a line after it (for Tab) and a default button (for Enter)."""

    def __init__(self, field: QLineEdit) -> None:
        super().__init__()
        self.field = field
        self.after = QLineEdit()
        self.after.setObjectName("after")
        self.ok = QPushButton("OK")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        for widget in (field, self.after, self.ok):
            layout.addWidget(widget)


def shown(qtbot, field: QLineEdit) -> Form:
    form = Form(field)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    return form


def retype(qtbot, field: QWidget, text: str) -> None:
    """Select all (Ctrl+A) and type over it, as people do."""
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(field, text)


def recorded(signal) -> list:
    values: list = []
    signal.connect(values.append)
    return values


# ---------------------------------------------------------------- the date field

def test_select_all_and_type_a_date_then_tab(qtbot) -> None:
    field = DateField(dt.date(2027, 4, 7))
    form = shown(qtbot, field)
    changes = recorded(field.dateChanged)
    retype(qtbot, field, "22.04.2027")
    assert changes == [dt.date(2027, 4, 22)]  # complete: announced while typing, not only on leaving
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert form.after.hasFocus()
    assert field.text() == "22.04.2027" and field.date() == dt.date(2027, 4, 22)
    assert changes == [dt.date(2027, 4, 22)]  # and once


@pytest.mark.parametrize(("typed", "shown_as"), [
    ("22.4.27", "22.04.2027"), ("22.4.2027", "22.04.2027"), ("22/4/2027", "22.04.2027"),
    ("2027-04-22", "22.04.2027"), ("1.2", f"01.02.{dt.date.today().year}"), (" 5.6.27 ", "05.06.2027"),
])
def test_what_people_type_is_written_the_one_way_on_enter(qtbot, typed: str, shown_as: str) -> None:
    field = DateField(dt.date(2027, 4, 7))
    form = shown(qtbot, field)
    retype(qtbot, field, typed)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == shown_as and not field.shown_problem()
    assert form.result() != QDialog.DialogCode.Accepted  # Enter that tidied the text stays in the field
    assert field.hasFocus()


def test_half_typed_dates_are_not_announced(qtbot) -> None:
    field = DateField(dt.date(2027, 4, 7))
    _form = shown(qtbot, field)  # kept: the form owns the field
    changes = recorded(field.dateChanged)
    retype(qtbot, field, "22.4")  # could still become 22.4.27
    assert changes == []
    qtbot.keyClicks(field, ".27")
    assert changes == []  # a two-digit year could still be the start of four
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert changes == [dt.date(2027, 4, 22)]


def test_enter_on_a_tidy_date_goes_on_to_the_default_button(qtbot) -> None:
    field = DateField(dt.date(2027, 4, 7))
    form = shown(qtbot, field)
    retype(qtbot, field, "22.4.27")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert form.isVisible()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert form.result() == QDialog.DialogCode.Accepted


def test_a_date_that_does_not_exist_turns_red_and_says_why(qtbot) -> None:
    field = DateField(dt.date(2027, 4, 7))
    form = shown(qtbot, field)
    changes = recorded(field.dateChanged)
    problems = recorded(field.problem_changed)
    retype(qtbot, field, "31.02.2027")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    reason = "«31.02.2027» finnes ikke: februar 2027 har 28 dager"
    assert field.shown_problem() == reason == field.toolTip() and problems == [reason]
    assert "#b00020" in field.styleSheet()
    assert field.text() == "31.02.2027"  # kept, to be corrected
    assert field.date() is None and changes == [None]
    assert form.isVisible()  # Enter on a wrong date books nothing
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert not field.shown_problem() and field.styleSheet() == ""  # no red while the user is at it
    retype(qtbot, field, "28.02.2027")
    assert changes == [None, dt.date(2027, 2, 28)]


@pytest.mark.parametrize(("typed", "reason"), [
    ("1.2.27x", "«1.2.27x» er ikke en dato (skriv for eksempel 22.04.2027, 22.4.27 eller 2027-04-22)"),
    ("15.13.2027", "«15.13.2027» finnes ikke: måneden må være 1–12, ikke 13"),
    ("01.01.9999", "Datoen «01.01.9999» er urimelig; året må være mellom 1900 og 2100"),
])
def test_other_wrong_dates_say_why_when_the_field_is_left(qtbot, typed: str, reason: str) -> None:
    field = DateField(dt.date(2027, 4, 7))
    form = shown(qtbot, field)
    retype(qtbot, field, typed)
    assert not field.shown_problem()
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert form.after.hasFocus() and field.shown_problem() == reason


def test_empty_is_fine_only_in_an_optional_field(qtbot) -> None:
    required = DateField(dt.date(2027, 4, 7))
    _form = shown(qtbot, required)  # kept: the form owns the field
    qtbot.keyClick(required, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(required, Qt.Key.Key_Delete)
    qtbot.keyClick(required, Qt.Key.Key_Return)
    assert required.shown_problem() == "Datoen mangler"
    optional = DateField(dt.date(2027, 4, 7), optional=True)
    _form = shown(qtbot, optional)  # kept: the form owns the field
    changes = recorded(optional.dateChanged)
    qtbot.keyClick(optional, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(optional, Qt.Key.Key_Delete)
    qtbot.keyClick(optional, Qt.Key.Key_Tab)
    assert not optional.shown_problem() and optional.date() is None and changes == [None]


def test_up_and_down_step_a_day(qtbot) -> None:
    field = DateField(dt.date(2027, 2, 28))
    _form = shown(qtbot, field)  # kept: the form owns the field
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "01.03.2027"
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert field.date() == dt.date(2027, 2, 27)
    retype(qtbot, field, "5.6")
    qtbot.keyClick(field, Qt.Key.Key_Up)  # typed text is read first
    assert field.date() == dt.date(dt.date.today().year, 6, 6)


def test_set_date_and_text_announce_and_tidy_like_typing(qtbot) -> None:
    field = DateField()
    changes = recorded(field.dateChanged)
    field.setDate(dt.date(2027, 5, 17))
    assert field.text() == "17.05.2027" and changes == [dt.date(2027, 5, 17)]
    field.setDate(dt.date(2027, 5, 17))
    assert changes == [dt.date(2027, 5, 17)]
    field.setText("")  # a form being cleared: no red before the user has typed
    assert not field.shown_problem() and changes == [dt.date(2027, 5, 17), None]


# ---------------------------------------------------------------- the calendar

def calendar_cells(field: DateField) -> dict[tuple[int, int], dict[str, object]]:
    view = field.popup().calendar.findChild(QTableView)
    model = view.model()
    return {(row, column): {"text": model.data(model.index(row, column)),
                            "tip": model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole),
                            "color": model.data(model.index(row, column), Qt.ItemDataRole.ForegroundRole)}
            for row in range(model.rowCount()) for column in range(model.columnCount())}


def test_alt_down_opens_a_bokmal_calendar_with_week_numbers_and_holidays(qtbot) -> None:
    field = DateField(dt.date(2027, 5, 10))
    _form = shown(qtbot, field)  # kept: the form owns the field
    qtbot.keyClick(field, Qt.Key.Key_Down, ALT)
    popup = field.popup()
    qtbot.waitUntil(popup.isVisible)
    calendar = popup.calendar
    assert calendar.verticalHeaderFormat() == calendar.VerticalHeaderFormat.ISOWeekNumbers
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday
    assert calendar.locale().name() == "nb_NO" and (calendar.yearShown(), calendar.monthShown()) == (2027, 5)
    cells = calendar_cells(field)
    assert [cells[0, column]["text"] for column in range(1, 8)] == ["man.", "tir.", "ons.", "tor.", "fre.", "lør.",
                                                                    "søn."]
    seventeenth = next(key for key, cell in cells.items() if cell["text"] == 17 and key[1] > 0)
    assert cells[seventeenth[0], 0]["text"] == 20  # 17.05.2027 is in ISO week 20, shown beside it
    assert cells[seventeenth]["tip"] == "Andre pinsedag og grunnlovsdagen"
    assert QColor(cells[seventeenth]["color"]) == HOLIDAY_COLOR
    eighteenth = cells[seventeenth[0], seventeenth[1] + 1]
    assert eighteenth["text"] == 18 and not eighteenth["tip"]
    assert QColor(eighteenth["color"]) != HOLIDAY_COLOR
    weeks = [cells[row, 0]["text"] for row in range(1, 7)]
    assert weeks == [17, 18, 19, 20, 21, 22]


def test_holidays_are_marked_on_other_months_and_years_too(qtbot) -> None:
    field = DateField(dt.date(2028, 12, 1))
    field.open_calendar()
    cells = calendar_cells(field)
    assert any(cell["tip"] == "Første juledag" and cell["text"] == 25 for cell in cells.values())
    field.popup().calendar.setCurrentPage(2029, 1)
    assert any(cell["tip"] == "Første nyttårsdag" for cell in calendar_cells(field).values())
    field.popup().hide()


def test_the_calendar_is_driven_by_keys_and_gives_the_date_back(qtbot) -> None:
    field = DateField(dt.date(2027, 5, 10))
    form = shown(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_F4)
    popup = field.popup()
    qtbot.waitUntil(popup.isVisible)
    view = popup.calendar.findChild(QTableView)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert field.date() == dt.date(2027, 5, 18) and field.text() == "18.05.2027"
    assert form.isVisible()
    qtbot.keyClick(field, Qt.Key.Key_F4)
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible() and field.date() == dt.date(2027, 5, 18)


def test_the_calendar_button_and_today(qtbot) -> None:
    field = DateField(dt.date(2027, 5, 10))
    _form = shown(qtbot, field)  # kept: the form owns the field
    field.calendar_action.trigger()
    popup = field.popup()
    assert popup.isVisible()
    popup.findChild(QPushButton, "todayButton").click()
    assert field.date() == dt.date.today() and not popup.isVisible()


# ---------------------------------------------------------------- the time field

@pytest.mark.parametrize(("typed", "shown_as"), [
    ("1000", "10.00"), ("10", "10.00"), ("10.30", "10.30"), ("10:30", "10.30"), ("9", "09.00"), ("930", "09.30"),
    ("0930", "09.30"), ("kl. 14", "14.00"),
])
def test_select_all_and_type_a_time(qtbot, typed: str, shown_as: str) -> None:
    field = TimeField(dt.time(19))
    form = shown(qtbot, field)
    changes = recorded(field.timeChanged)
    retype(qtbot, field, typed)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert form.after.hasFocus()
    assert field.text() == shown_as and field.time() == changes[-1] and not field.shown_problem()
    assert len(changes) == 1


def test_hours_alone_are_not_announced_before_the_field_is_left(qtbot) -> None:
    field = TimeField(dt.time(19))
    _form = shown(qtbot, field)  # kept: the form owns the field
    changes = recorded(field.timeChanged)
    retype(qtbot, field, "10")  # 10 could become 1030
    assert changes == []
    qtbot.keyClicks(field, "00")
    assert changes == [dt.time(10)]


@pytest.mark.parametrize(("typed", "reason"), [
    ("25", "«25» finnes ikke på klokka: timen må være 00–23, ikke 25"),
    ("10.75", "«10.75» finnes ikke på klokka: minuttene må være 00–59"),
    ("ti", "«ti» er ikke et klokkeslett (skriv for eksempel 10.30, 1030 eller 10)"),
])
def test_a_wrong_time_turns_red_and_says_why(qtbot, typed: str, reason: str) -> None:
    field = TimeField(dt.time(9))
    form = shown(qtbot, field)
    retype(qtbot, field, typed)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.shown_problem() == reason and field.time() is None and form.isVisible()


def test_up_and_down_step_a_quarter_of_an_hour(qtbot) -> None:
    field = TimeField(dt.time(10, 7))
    _form = shown(qtbot, field)  # kept: the form owns the field
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "10.15"
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "10.30"
    for _ in range(3):
        qtbot.keyClick(field, Qt.Key.Key_Down)
    assert field.text() == "09.45"
    field.setTime(dt.time(23, 50))
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "23.50"  # not past midnight
    field.setTime(None)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert field.text() == "08.00"  # an empty field starts at eight


def test_a_page_s_own_tooltip_comes_back_when_the_date_is_put_right(qtbot) -> None:
    field = DateField(dt.date(2027, 4, 7))
    field.setToolTip("Referansedato for matchingen")
    _form = shown(qtbot, field)
    retype(qtbot, field, "32.1.27")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.toolTip() == "«32.1.27» finnes ikke: januar 2027 har 31 dager"
    retype(qtbot, field, "31.1.27")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.toolTip() == "Referansedato for matchingen" and field.text() == "31.01.2027"
