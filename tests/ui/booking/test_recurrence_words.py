"""Issue 15, item 2: the repetition chosen in words in the real booking dialog. Each choice is picked,
dates are typed into the DateFields, the live sentence is checked, the series is booked and its dates
read back through the service; «til og med» follows the start; no message quotes RRULE text."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from support import idle, open_booking_dialog, open_drained, read_db
from support import retype as retype_and_leave

from kpdesk.ui.booking.recurrence_editor import BIWEEKLY, CUSTOM, MONTHLY, NONE, WEEKDAYS, WEEKLY

CTRL = Qt.KeyboardModifier.ControlModifier
START = dt.datetime(2027, 4, 22, 10)  # a Thursday; Kristi himmelfartsdag is Thursday 06.05.2027


@pytest.fixture
def window(open_window, demo_db, qtbot):
    return open_drained(open_window, demo_db, qtbot)


def open_dialog(window, qtbot, start: dt.datetime = START):
    return open_booking_dialog(window, qtbot, start)


def retype(qtbot, field, text: str) -> None:
    """Select all and type, then Tab out, as a person does."""
    retype_and_leave(qtbot, field, text, leave=True)


def pick(dialog, mode: int) -> None:
    combo = dialog.repeat.mode
    combo.setCurrentIndex(combo.findData(mode))


def messages(dialog) -> list[str]:
    """Every text and tooltip the dialog's labels show (the problems, the sentence, the preview)."""
    found = [dialog.preview_list.item(i).text() for i in range(dialog.preview_list.count())]
    for label in dialog.findChildren(QLabel):
        found += [label.text(), label.toolTip()]
    return [text for text in found if text]


def book(window, qtbot, dialog, monkeypatch) -> list[dt.date]:
    """Book (a clash with the demo's bookings is overridden with a reason), and the active dates of what
    was written, read back through the service."""
    from kpdesk.booking.reads import series_bookings
    from kpdesk.ui.booking.actions import ReasonDialog

    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, sentence, problems: "Test"))
    qtbot.waitUntil(lambda: dialog.previewed)
    dialog.ok_button.click()
    idle(qtbot)
    write = dialog.write
    assert write is not None
    if write.series_id is None:
        return [dialog.data.starts_at.date()]
    rows = read_db(window.context, lambda s: series_bookings(s, write.series_id))
    return [r.starts_at.date() for r in rows if r.state == "active"]


D = dt.date
CHOICES = [
    pytest.param(NONE, None, "", "Én gang", [D(2027, 4, 22)], id="ingen"),
    pytest.param(WEEKDAYS, None, "30.4.27", "Hver hverdag kl. 10.00–12.00 fra 22.04.2027 til 30.04.2027: 7 ganger",
                 [D(2027, 4, d) for d in (22, 23, 26, 27, 28, 29, 30)], id="hverdager"),
    pytest.param(WEEKLY, None, "17.6.27", "Hver torsdag kl. 10.00–12.00 fra 22.04.2027 til 17.06.2027: 9 ganger, "
                 "1 hoppes over (Kristi himmelfartsdag)",
                 [D(2027, 4, 22), D(2027, 4, 29), D(2027, 5, 13), D(2027, 5, 20), D(2027, 5, 27), D(2027, 6, 3),
                  D(2027, 6, 10), D(2027, 6, 17)], id="ukentlig"),
    pytest.param(BIWEEKLY, None, "3", "Annenhver torsdag kl. 10.00–12.00 fra 22.04.2027 til 20.05.2027: 3 ganger, "
                 "1 hoppes over (Kristi himmelfartsdag)", [D(2027, 4, 22), D(2027, 5, 20)], id="annenhver"),
    pytest.param(MONTHLY, 0, "3", "Fjerde torsdag i måneden kl. 10.00–12.00 fra 22.04.2027 til 24.06.2027: 3 ganger",
                 [D(2027, 4, 22), D(2027, 5, 27), D(2027, 6, 24)], id="månedlig-ukedag"),
    pytest.param(MONTHLY, 1, "3", "Den 22. hver måned kl. 10.00–12.00 fra 22.04.2027 til 22.06.2027: 3 ganger",
                 [D(2027, 4, 22), D(2027, 5, 22), D(2027, 6, 22)], id="månedlig-dato"),
]


@pytest.mark.parametrize(("mode", "monthly", "end", "sentence", "dates"), CHOICES)
def test_each_choice_says_its_series_and_books_those_dates(window, qtbot, monkeypatch, mode, monthly, end,
                                                           sentence, dates) -> None:
    dialog = open_dialog(window, qtbot)
    editor = dialog.repeat
    qtbot.keyClicks(dialog.title, "Forelesning")
    pick(dialog, mode)
    if monthly is not None:
        assert [editor.monthly.itemText(i) for i in range(2)] == ["fjerde torsdag i måneden", "den 22. i måneden"]
        editor.monthly.setCurrentIndex(monthly)
    if end and "." in end:
        retype(qtbot, editor.until, end)
    elif end:
        editor.count_radio.click()
        retype(qtbot, editor.count, end)
    assert editor.words.text() == sentence
    assert not editor.raw.isVisibleTo(dialog)  # the RRULE waits under «Avansert»
    assert not [m for m in messages(dialog) if "FREQ=" in m]
    assert book(window, qtbot, dialog, monkeypatch) == dates


def test_until_defaults_after_the_start_and_follows_it(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot)
    editor = dialog.repeat
    pick(dialog, WEEKLY)
    assert editor.until.text() == "17.06.2027"  # eight weeks after the start, never before it
    retype(qtbot, dialog.date, "6.5.27")
    assert editor.until.text() == "01.07.2027"  # not chosen yet: it follows the start
    assert editor.days[3].isChecked()
    retype(qtbot, editor.until, "30.9.27")
    retype(qtbot, dialog.date, "5.8.27")
    assert editor.until.text() == "30.09.2027"  # chosen, and still after the start: kept
    retype(qtbot, dialog.date, "7.10.27")
    assert editor.until.text() == "02.12.2027"  # the start passed it: moved after the start again
    qtbot.keyClicks(dialog.title, "Kurskveld")
    assert editor.words.text().startswith("Hver torsdag kl. 10.00–12.00 fra 07.10.2027 til 02.12.2027: 9 ganger")
    assert dialog.ok_button.isEnabled()


def test_no_message_quotes_the_rule(window, qtbot, monkeypatch) -> None:
    dialog = open_dialog(window, qtbot)
    editor = dialog.repeat
    qtbot.keyClicks(dialog.title, "Forelesning")
    pick(dialog, WEEKLY)
    editor.days[3].setChecked(False)
    editor.days[2].setChecked(True)  # Wednesdays from a Thursday: refused, in words
    problem = dialog.problem_labels["repeat"].text()
    assert problem.startswith("Gjentakelsen «hver onsdag, til og med 17.06.2027» passer ikke med starten")
    editor.advanced.click()
    for typed in ("FREQ=WEEKLY;BYDAY=TH", "FREQ=WEEKLY;BYDAY=TH;COUNT=3;UNTIL=20270617", "FREQ=FOO;COUNT=2",
                  "FREQ=DAILY;UNTIL=20300101", "tullball"):
        editor.raw.clear()
        qtbot.keyClicks(editor.raw, typed)
        assert editor.current_mode() == CUSTOM
        assert dialog.problem_labels["repeat"].text()
        assert not [m for m in messages(dialog) if "FREQ=" in m], typed
    editor.raw.clear()
    qtbot.keyClicks(editor.raw, "FREQ=WEEKLY;BYDAY=TH;COUNT=2")
    assert editor.words.text() == "Hver torsdag kl. 10.00–12.00 fra 22.04.2027 til 29.04.2027: 2 ganger"
    assert book(window, qtbot, dialog, monkeypatch) == [D(2027, 4, 22), D(2027, 4, 29)]


def test_a_stored_series_comes_back_in_its_words(window, qtbot, monkeypatch) -> None:
    from kpdesk.ui.booking.dialog import BookingDialog

    dialog = open_dialog(window, qtbot)
    qtbot.keyClicks(dialog.title, "Seminar")
    pick(dialog, MONTHLY)
    dialog.repeat.count_radio.click()
    retype(qtbot, dialog.repeat.count, "3")
    book(window, qtbot, dialog, monkeypatch)
    booking_id = dialog.write.booking_ids[0]
    again = BookingDialog(window.context, window, booking_id=booking_id)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.ready)
    assert again.repeat.current_mode() == MONTHLY and again.repeat.count.value() == 3
    assert again.repeat.monthly.currentText() == "fjerde torsdag i måneden"
    assert "FREQ=" not in again.banner.text()
    assert "fjerde torsdag i måneden, 3 ganger" in again.banner.text()
