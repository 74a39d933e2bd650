"""The booking dialog: validation as you type, the live conflict check, override with a reason,
skipping clashing dates of a series, editing one date of a series, undo and redo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import idle, open_booking_dialog, open_drained, read_db

from kpdesk.ui.booking.recurrence_editor import CUSTOM, WEEKLY
from kpdesk.ui.main_window import SECTIONS


def section(name: str) -> int:
    return next(i for i, s in enumerate(SECTIONS) if s[2] == name)


def read(window, work):
    return read_db(window.context, work)


def bookings_in(window, room: str, day: dt.date) -> list:
    from kpdesk.booking.rooms import room_id_for_name
    from kpdesk.booking.week import bookings_between

    start = dt.datetime.combine(day, dt.time(0))
    return read(window, lambda s: bookings_between(s, start, start + dt.timedelta(days=1),
                                                   [room_id_for_name(s, room)]))


def open_dialog(window, qtbot, **kwargs):
    return open_booking_dialog(window, qtbot, shown=False, **kwargs)


@pytest.fixture
def window(open_window, demo_db, qtbot):
    return open_drained(open_window, demo_db, qtbot)


def prefill(room: str, start: dt.datetime, hours: float = 2) -> dict:
    return {"room": room, "start": start, "end": start + dt.timedelta(hours=hours)}


def test_validation_as_you_type(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, prefill=prefill("Møterom Tind", dt.datetime(2027, 6, 1, 10)))
    assert not dialog.ok_button.isEnabled()  # no title yet
    assert not dialog.problem_labels["title"].isVisibleTo(dialog)  # not shouted before the user typed
    qtbot.keyClicks(dialog.title, "Styremøte")
    assert dialog.ok_button.isEnabled()
    dialog.end_time.setTime(dt.time(9, 0))
    assert not dialog.ok_button.isEnabled()
    assert "før start" in dialog.problem_labels["end"].text()
    dialog.end_time.setTime(dt.time(11, 0))
    qtbot.keyClicks(dialog.attendees, "mange")
    assert "helt tall" in dialog.problem_labels["attendees"].text() and not dialog.ok_button.isEnabled()
    dialog.attendees.setText("8")
    dialog.title.clear()
    assert "Tittelen mangler" in dialog.problem_labels["title"].text()
    assert not dialog.ok_button.isEnabled()


def test_exam_fields_only_for_exams_with_a_default_buffer(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, prefill=prefill("Eksamensrom", dt.datetime(2027, 6, 2, 9)))
    assert not dialog.buffer_row.isVisibleTo(dialog) and not dialog.invigilators_row.isVisibleTo(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("exam"))
    assert dialog.buffer_row.isVisibleTo(dialog) and dialog.invigilators_row.isVisibleTo(dialog)
    assert dialog.arrival_buffer.text() == "30"
    qtbot.keyClicks(dialog.title, "Eksamen SYK2001")
    qtbot.keyClicks(dialog.invigilators, "2")
    assert dialog.data.arrival_buffer_minutes == 30 and dialog.data.invigilators == 2


def test_recurrence_editor_builds_and_describes_the_rule(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, prefill=prefill("Videorom 1", dt.datetime(2027, 8, 24, 9)))  # a Tuesday
    editor = dialog.repeat
    editor.set_mode(WEEKLY)
    assert editor.days[1].isChecked()  # the start's weekday
    editor.days[3].setChecked(True)
    editor.count_radio.setChecked(True)
    editor.count.setValue(6)
    assert editor.raw.text() == "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6"
    assert not editor.raw.isVisibleTo(dialog)  # under the collapsed «Avansert»
    assert editor.words.text() == "Hver tirsdag og torsdag kl. 09.00–11.00 fra 24.08.2027 til 09.09.2027: 6 ganger"
    editor.days[1].setChecked(False)  # the start is a Tuesday: the rule must give it
    qtbot.keyClicks(dialog.title, "Nettforelesning")
    assert "passer ikke med starten" in dialog.problem_labels["repeat"].text()
    assert "FREQ=" not in dialog.problem_labels["repeat"].text()
    assert not dialog.ok_button.isEnabled()
    editor.advanced.click()
    assert editor.raw.isVisibleTo(dialog)
    editor.raw.clear()
    qtbot.keyClicks(editor.raw, "FREQ=WEEKLY;BYDAY=TU")
    assert editor.current_mode() == CUSTOM  # typing a rule makes it «Egen regel»
    assert "slutter aldri" in dialog.problem_labels["repeat"].text()
    assert "FREQ=" not in dialog.problem_labels["repeat"].text()
    editor.raw.setText("FREQ=WEEKLY;BYDAY=TU;UNTIL=20271026")
    editor.raw.textEdited.emit(editor.raw.text())
    assert dialog.ok_button.isEnabled()
    assert dialog.data.repeat == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271026T235959"


def test_conflict_is_shown_and_override_with_reason_stores_it(window, qtbot, monkeypatch) -> None:
    from kpdesk.ui.booking.actions import ReasonDialog

    dialog = open_dialog(window, qtbot, prefill=prefill("Eksamensrom", dt.datetime(2027, 5, 19, 10)))
    qtbot.keyClicks(dialog.title, "Møte om eksamensavvikling")
    qtbot.waitUntil(lambda: dialog.previewed)
    assert "kolliderer" in dialog.summary.text()
    assert "Eksamen: Spesialpedagogikk 1" in dialog.preview_list.item(0).text()
    assert dialog.ok_button.text() == "Book likevel med begrunnelse …"
    assert not dialog.skip_button.isVisible()  # one date: nothing to skip

    asked: list = []
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, sentence, problems: asked.append(
        sentence) or None))
    dialog.ok_button.click()
    assert asked and dialog.write is None  # cancelled: nothing written
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, p, s, problems: "Avtalt med eksamensansvarlig"))
    dialog.ok_button.click()
    idle(qtbot)
    assert dialog.write is not None
    stored = [b for b in bookings_in(window, "Eksamensrom", dt.date(2027, 5, 19)) if b.title.startswith("Møte om")]
    assert [b.override_reason for b in stored] == ["Avtalt med eksamensansvarlig"]
    window.context.undo_stack.undo()
    assert not [b for b in bookings_in(window, "Eksamensrom", dt.date(2027, 5, 19)) if b.title.startswith("Møte")]


def test_too_many_attendees_is_a_conflict_too(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, prefill=prefill("Grupperom Lundu", dt.datetime(2027, 6, 3, 10)))
    qtbot.keyClicks(dialog.title, "Stort møte")
    qtbot.keyClicks(dialog.attendees, "30")
    qtbot.waitUntil(lambda: dialog.previewed)
    assert "plass til 8" in dialog.preview_list.item(0).text()
    assert dialog.blocking()


def test_series_can_skip_the_clashing_dates(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, prefill=prefill("Eksamensrom", dt.datetime(2027, 5, 19, 10)))
    qtbot.keyClicks(dialog.title, "Kollokviegruppe")
    dialog.repeat.set_mode(WEEKLY)
    dialog.repeat.until.setDate(dt.date(2027, 6, 16))
    qtbot.waitUntil(lambda: dialog.previewed)
    assert "av 5 datoer kolliderer" in dialog.summary.text()
    assert dialog.skip_button.isVisibleTo(dialog)
    dialog.skip_button.click()
    idle(qtbot)
    write = dialog.write
    assert write is not None and len(write.skipped) == 4
    from kpdesk.booking.reads import series_bookings

    rows = read(window, lambda s: series_bookings(s, write.series_id))
    assert [r.state for r in rows] == ["skipped", "skipped", "active", "skipped", "skipped"]
    assert rows[0].state_reason.startswith("Kollisjon med «Eksamen: Spesialpedagogikk 1")


def test_holidays_of_a_new_series_are_skipped_and_listed(window, qtbot) -> None:
    dialog = open_dialog(window, qtbot, prefill=prefill("Møterom Tind", dt.datetime(2027, 5, 3, 12)))
    qtbot.keyClicks(dialog.title, "Lunsjmøte")
    dialog.repeat.set_mode(WEEKLY)
    dialog.repeat.count_radio.setChecked(True)
    dialog.repeat.count.setValue(4)
    qtbot.waitUntil(lambda: dialog.previewed)
    texts = [dialog.preview_list.item(i).text() for i in range(dialog.preview_list.count())]
    assert any("17.05.2027" in t and "Grunnlovsdag" in t for t in texts)
    assert "hoppes over" in dialog.summary.text()


def first_series_occurrence(window, day: dt.date):
    return next(b for b in bookings_in(window, "Videorom 1", day) if b.series_id is not None)


def test_edit_one_date_of_a_series_leaves_the_rest_and_undo_redo(window, qtbot, monkeypatch) -> None:
    from kpdesk.ui.booking.actions import ScopeDialog

    tuesday = first_series_occurrence(window, dt.date(2027, 5, 18))
    dialog = open_dialog(window, qtbot, booking_id=tuesday.id)
    assert "Del av serien" in dialog.banner.text()
    assert dialog.repeat.raw.text().startswith("FREQ=WEEKLY;BYDAY=TU")
    dialog.start_time.setTime(dt.time(10, 0))
    dialog.end_time.setTime(dt.time(12, 30))
    asked: list = []
    monkeypatch.setattr(ScopeDialog, "ask", classmethod(
        lambda cls, parent, title, text, allow_this=True: asked.append(allow_this) or "this"))
    dialog.ok_button.click()
    idle(qtbot)
    assert asked == [True] and dialog.write is not None
    moved = first_series_occurrence(window, dt.date(2027, 5, 18))
    assert moved.id == tuesday.id and moved.starts_at.hour == 10 and moved.is_exception
    assert first_series_occurrence(window, dt.date(2027, 5, 25)).starts_at.hour == 9  # the rest as it was
    window.context.undo_stack.undo()
    assert first_series_occurrence(window, dt.date(2027, 5, 18)).starts_at.hour == 9
    window.context.undo_stack.redo()
    assert first_series_occurrence(window, dt.date(2027, 5, 18)).starts_at.hour == 10


def test_edit_this_and_following_and_the_whole_series(window, qtbot, monkeypatch) -> None:
    from kpdesk.booking.reads import series_bookings
    from kpdesk.ui.booking.actions import ScopeDialog

    tuesday = first_series_occurrence(window, dt.date(2027, 5, 18))
    series_id = tuesday.series_id
    dialog = open_dialog(window, qtbot, booking_id=tuesday.id)
    dialog.title.setText("Nettforelesning: Barnehagepedagogikk (nytt rom)")
    monkeypatch.setattr(ScopeDialog, "ask", classmethod(lambda cls, p, t, x, allow_this=True: "following"))
    dialog.ok_button.click()
    idle(qtbot)
    assert dialog.write is not None
    before = [r.title for r in read(window, lambda s: series_bookings(s, series_id))]
    assert before and all(not t.endswith("(nytt rom)") for t in before)
    after = first_series_occurrence(window, dt.date(2027, 6, 1))
    assert after.title.endswith("(nytt rom)") and after.series_id != series_id

    window.context.undo_stack.undo()
    dialog = open_dialog(window, qtbot, booking_id=tuesday.id)
    dialog.start_time.setTime(dt.time(9, 30))
    dialog.end_time.setTime(dt.time(12, 0))
    monkeypatch.setattr(ScopeDialog, "ask", classmethod(lambda cls, p, t, x, allow_this=True: "series"))
    dialog.ok_button.click()
    idle(qtbot)
    assert dialog.write is not None
    rows = read(window, lambda s: series_bookings(s, series_id))
    assert {(r.starts_at.hour, r.starts_at.minute) for r in rows if not r.is_exception} == {(9, 30)}


def test_cancel_from_the_dialog_asks_for_scope(window, qtbot, monkeypatch) -> None:
    from kpdesk.booking.reads import series_bookings
    from kpdesk.ui.booking.actions import CancelDialog

    tuesday = first_series_occurrence(window, dt.date(2027, 5, 18))
    earlier = [(r.id, r.state) for r in read(window, lambda s: series_bookings(s, tuesday.series_id))
               if r.starts_at < tuesday.starts_at]
    dialog = open_dialog(window, qtbot, booking_id=tuesday.id)
    monkeypatch.setattr(CancelDialog, "ask", classmethod(lambda cls, p, title, is_series: ("following", "")))
    dialog.cancel_booking_button.click()
    idle(qtbot)
    rows = read(window, lambda s: series_bookings(s, tuesday.series_id))
    assert [(r.id, r.state) for r in rows] == earlier  # the earlier dates stay as they were
    assert first_series_occurrence(window, dt.date(2027, 6, 1)).state == "cancelled"
    window.context.undo_stack.undo()
    idle(qtbot)
    assert first_series_occurrence(window, dt.date(2027, 6, 1)).state == "active"


# ---------------------------------------------------------------- small hand-made data

@pytest.fixture
def small_db(db_path: Path) -> Path:
    from kpdesk.booking.inputs import validate_booking
    from kpdesk.booking.rooms import add_equipment, save_room, validate_room
    from kpdesk.booking.service import create_booking
    from kpdesk.db.store import Store

    store = Store.open(db_path)
    with store.session() as session:
        add_equipment(session, "projektor")
        for raw in ({"name": "Læringsrom Ø", "capacity": "12", "equipment": "projektor"},
                    {"name": "Lille møterom", "capacity": "4", "opens_at": "07.30", "closes_at": "20.00"}):
            data, problems = validate_room(raw)
            assert data is not None, problems
            save_room(session, data)
        data, problems = validate_booking({"room": "Læringsrom Ø", "title": "Kurs i Excel", "kind": "samling",
                                           "start": "02.11.2027 09:00", "end": "02.11.2027 15:00"})
        assert data is not None, problems
        create_booking(session, data)
    store.close()
    return db_path


def test_new_booking_needs_equipment_the_room_has(open_window, small_db, qtbot) -> None:
    window = open_drained(open_window, small_db, qtbot)
    dialog = open_dialog(window, qtbot, prefill=prefill("Lille møterom", dt.datetime(2027, 11, 2, 10)))
    qtbot.keyClicks(dialog.title, "Presentasjon")
    dialog.equipment.findChildren(type(dialog.overnight))[0].setChecked(True)  # projektor
    qtbot.waitUntil(lambda: dialog.previewed)
    assert "mangler projektor" in dialog.preview_list.item(0).text()
    dialog.room.setCurrentIndex(dialog.room.findData("Læringsrom Ø"))
    qtbot.waitUntil(lambda: dialog.previewed)
    assert "Kurs i Excel" in dialog.summary.text() or "Kurs i Excel" in dialog.preview_list.item(0).text()
    dialog.start_time.setTime(dt.time(15, 0))
    dialog.end_time.setTime(dt.time(16, 0))
    qtbot.waitUntil(lambda: dialog.previewed)
    assert not dialog.blocking() and dialog.ok_button.text() == "Book"
    dialog.ok_button.click()
    idle(qtbot)
    assert dialog.write is not None and "Presentasjon" in dialog.write.summary


def test_keyboard_enter_books_escape_closes_and_tab_goes_down_the_form(window, qtbot) -> None:
    from PySide6.QtCore import Qt

    dialog = open_dialog(window, qtbot, prefill=prefill("Møterom Tind", dt.datetime(2027, 6, 7, 12)))
    dialog.show()
    qtbot.waitExposed(dialog)
    chain, widget = [], dialog.room
    while len(chain) < 10:  # what Tab visits: focusable, shown widgets
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(dialog) \
                and not widget.objectName().startswith("qt_"):  # not the line edit inside a date field
            chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain == [dialog.room, dialog.title, dialog.kind, dialog.public, dialog.date, dialog.start_time,
                     dialog.end_time, dialog.overnight, dialog.organiser, dialog.attendees]
    qtbot.keyClicks(dialog.title, "Lunsj med praksisveiledere")
    qtbot.waitUntil(lambda: dialog.previewed)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    idle(qtbot)
    assert dialog.write is not None and dialog.result() == dialog.DialogCode.Accepted

    other = open_dialog(window, qtbot, prefill=prefill("Møterom Tind", dt.datetime(2027, 6, 7, 14)))
    other.show()
    qtbot.waitExposed(other)
    qtbot.keyClick(other.title, Qt.Key.Key_Escape)
    assert not other.isVisible() and other.write is None


def test_ctrl_b_and_ctrl_n_open_a_new_booking(window, qtbot, monkeypatch) -> None:
    from kpdesk.ui.booking.dialog import BookingDialog

    opened: list = []
    monkeypatch.setattr(BookingDialog, "exec", lambda self: opened.append(self) or 0)
    assert window.place_actions["new_booking"].shortcut().toString() == "Ctrl+B"
    window.place_actions["new_booking"].trigger()
    number = section("SchedulePage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    page.set_week(2027, 23)
    qtbot.waitUntil(page.is_current)
    page.room_box.setCurrentIndex(page.room_box.findText("Videorom 1"))
    qtbot.waitUntil(page.is_current)
    page.new_button.click()
    assert len(opened) == 2 and opened[1].prefill["room"] == "Videorom 1"
    assert opened[1].prefill["start"] == dt.datetime(2027, 6, 7, 9)
