"""Typing dates and times into the booking dialog and Finn ledig rom as people do (issue 15: Ctrl+A
and "22.04.2027" gave 07.04.2027; "1000" was ignored; "10" in the hour gave 19:00)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from support import open_booking_dialog, open_drained, retype

from kpdesk.ui.booking.recurrence_editor import WEEKLY

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(open_window, demo_db, qtbot):
    return open_drained(open_window, demo_db, qtbot)


def open_dialog(window, qtbot, start: dt.datetime):
    return open_booking_dialog(window, qtbot, start)


def test_ctrl_a_and_a_new_date_and_time_are_what_gets_booked(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, dt.datetime(2027, 4, 7, 19))
    qtbot.keyClicks(dialog.title, "Styremøte")
    retype(qtbot, dialog.date, "22.04.2027")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
    assert dialog.start_time.hasFocus()
    assert dialog.date.text() == "22.04.2027" and dialog.end_date.date() == dt.date(2027, 4, 22)
    retype(qtbot, dialog.start_time, "1000")
    qtbot.keyClick(dialog.start_time, Qt.Key.Key_Tab)
    assert dialog.start_time.text() == "10.00"
    retype(qtbot, dialog.end_time, "12")  # the hour alone
    qtbot.keyClick(dialog.end_time, Qt.Key.Key_Tab)
    assert dialog.end_time.text() == "12.00"
    assert (dialog.start_moment(), dialog.end_moment()) == (dt.datetime(2027, 4, 22, 10), dt.datetime(2027, 4, 22, 12))
    assert dialog.raw()["start"] == "22.04.2027 10:00" and dialog.raw()["end"] == "22.04.2027 12:00"
    assert dialog.data is not None and dialog.data.starts_at == dt.datetime(2027, 4, 22, 10)
    assert dialog.ok_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.previewed)


def test_short_forms_in_the_dialog(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, dt.datetime(2027, 4, 7, 19))
    qtbot.keyClicks(dialog.title, "Styremøte")
    retype(qtbot, dialog.date, "22.4.27")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Return)  # tidies, stays in the field
    assert dialog.date.text() == "22.04.2027" and dialog.isVisible() and dialog.write is None
    retype(qtbot, dialog.start_time, "930")
    qtbot.keyClick(dialog.start_time, Qt.Key.Key_Return)
    assert dialog.start_time.text() == "09.30" and dialog.isVisible()
    assert dialog.data is not None and dialog.data.starts_at == dt.datetime(2027, 4, 22, 9, 30)


def test_a_date_that_does_not_exist_is_said_and_books_nothing(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, dt.datetime(2027, 4, 7, 10))
    qtbot.keyClicks(dialog.title, "Styremøte")
    assert dialog.ok_button.isEnabled()
    retype(qtbot, dialog.date, "31.02.2027")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.write is None
    assert dialog.problem_labels["start"].text() == "«31.02.2027» finnes ikke: februar 2027 har 28 dager"
    assert dialog.problem_labels["start"].isVisibleTo(dialog)
    assert not dialog.problem_labels["end"].isVisibleTo(dialog)  # the end's day is the start's: said once
    assert dialog.date.shown_problem() and not dialog.ok_button.isEnabled() and dialog.data is None
    retype(qtbot, dialog.date, "28.02.2027")
    assert dialog.ok_button.isEnabled() and not dialog.problem_labels["start"].isVisibleTo(dialog)

    retype(qtbot, dialog.end_time, "25")
    qtbot.keyClick(dialog.end_time, Qt.Key.Key_Tab)
    assert dialog.problem_labels["end"].text() == "«25» finnes ikke på klokka: timen må være 00–23, ikke 25"
    assert not dialog.ok_button.isEnabled()


def test_a_wrong_until_date_stops_the_series(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, dt.datetime(2027, 4, 7, 10))
    qtbot.keyClicks(dialog.title, "Kurskveld")
    dialog.repeat.set_mode(WEEKLY)
    retype(qtbot, dialog.repeat.until, "30.6.27")
    qtbot.keyClick(dialog.repeat.until, Qt.Key.Key_Tab)
    assert dialog.repeat.until.text() == "30.06.2027" and "UNTIL=20270630" in dialog.repeat.rule()
    assert dialog.ok_button.isEnabled()
    retype(qtbot, dialog.repeat.until, "31.6.27")
    qtbot.keyClick(dialog.repeat.until, Qt.Key.Key_Tab)
    assert dialog.problem_labels["repeat"].text() == "«31.6.27» finnes ikke: juni 2027 har 30 dager"
    assert not dialog.ok_button.isEnabled()


def test_free_room_finder_reads_typed_times_and_says_what_is_wrong(window, qtbot) -> None:
    from kpdesk.ui.booking.free_room import FreeRoomDialog

    dialog = FreeRoomDialog(window.context, window, start=dt.datetime(2027, 6, 1, 9))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.searched is not None)
    retype(qtbot, dialog.start_time, "1300")
    retype(qtbot, dialog.end_time, "1430")
    qtbot.waitUntil(lambda: dialog.searched is not None and dialog.searched[0].hour == 13)
    assert dialog.searched[:2] == (dt.datetime(2027, 6, 1, 13), dt.datetime(2027, 6, 1, 14, 30))
    retype(qtbot, dialog.date, "31.6.27")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: dialog.searched is None)
    assert dialog.status.text() == "«31.6.27» finnes ikke: juni 2027 har 30 dager"
    assert not dialog.book_button.isEnabled()


def test_a_reason_waits_until_the_user_leaves_the_field_and_goes_as_soon_as_it_is_mended(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, dt.datetime(2027, 4, 7, 10))
    qtbot.keyClicks(dialog.title, "Styremøte")
    retype(qtbot, dialog.title, "x")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Backspace)  # emptied while still in the field
    assert not dialog.ok_button.isEnabled()
    assert not dialog.problem_labels["title"].isVisibleTo(dialog)  # not scolded while typing
    qtbot.keyClick(dialog.title, Qt.Key.Key_Tab)
    assert dialog.problem_labels["title"].isVisibleTo(dialog)  # left empty: now it is said
    dialog.title.setFocus()
    qtbot.waitUntil(dialog.title.hasFocus)
    qtbot.keyClicks(dialog.title, "S")
    assert not dialog.problem_labels["title"].isVisibleTo(dialog) and dialog.ok_button.isEnabled()


def test_escape_asks_before_a_filled_in_booking_is_thrown_away(window, qtbot, alerts) -> None:
    untouched = open_dialog(window, qtbot, dt.datetime(2027, 4, 7, 10))
    qtbot.keyClick(untouched.title, Qt.Key.Key_Escape)  # nothing typed: closes without a question
    assert not untouched.isVisible() and "forkaste" not in alerts.texts()

    dialog = open_dialog(window, qtbot, dt.datetime(2027, 4, 7, 10))
    qtbot.keyClicks(dialog.title, "Styremøte")
    alerts.answer = False  # «Fortsett å redigere»
    qtbot.keyClick(dialog.title, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.title.text() == "Styremøte"
    assert "Vil du forkaste endringene?" in alerts.texts()
    alerts.answer = True  # «Forkast»
    dialog.reject()  # «Avbryt»
    assert not dialog.isVisible() and dialog.write is None


def test_skipping_the_clashing_dates_is_not_offered_when_every_date_clashes(window, qtbot) -> None:
    from support import idle

    def weekly(title: str, start: dt.datetime):
        dialog = open_dialog(window, qtbot, start)
        qtbot.keyClicks(dialog.title, title)
        dialog.repeat.set_mode(WEEKLY)
        retype(qtbot, dialog.repeat.until, "26.5.27", leave=True)
        qtbot.waitUntil(lambda: dialog.previewed, timeout=10_000)
        return dialog

    first = weekly("Kurskveld", dt.datetime(2027, 4, 21, 13))
    first.ok_button.click()
    idle(qtbot)
    assert first.write is not None
    again = weekly("Kurskveld igjen", dt.datetime(2027, 4, 21, 13))  # every date taken by the first
    assert again.blocking() and not again.can_skip() and not again.skip_button.isVisibleTo(again)
    partly = weekly("Kurskveld tidligere", dt.datetime(2027, 4, 14, 13))  # one free date before the first
    assert partly.blocking() and partly.can_skip() and partly.skip_button.isVisibleTo(partly)
