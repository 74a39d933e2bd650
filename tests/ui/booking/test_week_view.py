"""Timeplan: the painted week on the demo data; keys, mouse, day view, holidays, cancel and undo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from support import idle, open_drained

from kpdesk.ui.main_window import SECTIONS


def section(name: str) -> int:
    return next(i for i, s in enumerate(SECTIONS) if s[2] == name)


@pytest.fixture
def schedule(open_window, demo_db, qtbot):
    window = open_drained(open_window, demo_db, qtbot)
    number = section("SchedulePage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    page.set_week(2027, 20)
    qtbot.waitUntil(page.is_current, timeout=10000)
    return page


def room_id(page, name: str) -> int:
    return next(r.id for r in page.rooms if r.name == name)


def boxes(page) -> list:
    return [box.booking for box in page.view.layout_.boxes]


def capture_dialogs(monkeypatch) -> list:
    from kpdesk.ui.booking.dialog import BookingDialog

    dialogs: list = []
    monkeypatch.setattr(BookingDialog, "exec", lambda self: dialogs.append(self) or 0)
    return dialogs


def test_header_shows_iso_week_dates_and_the_holiday(schedule) -> None:
    assert schedule.week_label.text() == "Uke 20, 2027"
    assert schedule.dates_label.text() == "17.05.2027–21.05.2027"
    assert "Grunnlovsdag" in schedule.holiday_label.text() and "17.05" in schedule.holiday_label.text()
    monday = schedule.view.layout_.headers[0]
    assert monday.day == dt.date(2027, 5, 17)
    assert "Grunnlovsdag" in monday.holiday and "pinsedag" in monday.holiday
    tip = schedule.view.tooltip_at(schedule.view.header_point(dt.date(2027, 5, 17)))
    assert "Helligdag" in tip and "Grunnlovsdag" in tip
    assert [d.weekday for d in schedule.schedule.days] == ["mandag", "tirsdag", "onsdag", "torsdag", "fredag"]


def test_all_rooms_as_rows_with_every_booking_painted(schedule) -> None:
    layout = schedule.view.layout_
    assert layout.orientation == "rows"
    assert len(layout.lanes) == 5 * len(schedule.rooms)
    assert {b.id for b in schedule.schedule.bookings} == {b.id for b in boxes(schedule)}
    assert schedule.window().count_label.text().startswith("11 bookinger")
    image = schedule.view.viewport().grab()  # paints without error
    assert not image.isNull()


def test_skipped_occurrences_show_faintly_with_the_reason(schedule) -> None:
    skipped = [b for b in boxes(schedule) if b.state == "skipped"]
    assert skipped and all(b.starts_at.date() == dt.date(2027, 5, 17) for b in skipped)
    tip = schedule.view.tooltip_at(schedule.view.booking_point(skipped[0].id))
    assert "Hoppet over" in tip and "Helligdag" in tip


def test_exam_has_its_arrival_buffer_before_the_start(schedule) -> None:
    exam = next(box for box in schedule.view.layout_.boxes if box.booking.kind == "exam")
    assert exam.buffer is not None and exam.buffer.right() <= exam.rect.left() + 0.5
    tip = schedule.view.booking_tooltip(exam.booking)
    assert "Oppmøte fra kl. 08.30" in tip


def test_page_down_and_up_change_week_and_ctrl_t_goes_to_today(schedule, qtbot) -> None:
    schedule.view.setFocus()
    qtbot.keyClick(schedule.view, Qt.Key.Key_PageDown)
    assert schedule.week_label.text() == "Uke 21, 2027"
    qtbot.waitUntil(schedule.is_current)
    assert schedule.schedule.days[0].date == dt.date(2027, 5, 24)
    qtbot.keyClick(schedule.view, Qt.Key.Key_PageUp)
    qtbot.keyClick(schedule.view, Qt.Key.Key_PageUp)
    qtbot.waitUntil(schedule.is_current)
    assert schedule.week_label.text() == "Uke 19, 2027"
    assert not schedule.holiday_label.isVisibleTo(schedule)
    qtbot.keyClick(schedule.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    year, week, _ = dt.date.today().isocalendar()
    assert schedule.week_label.text() == f"Uke {week}, {year}"
    qtbot.waitUntil(schedule.is_current)


def test_paging_fast_loads_only_where_it_stops(schedule, qtbot) -> None:
    for _ in range(6):
        schedule.step(1)
    qtbot.waitUntil(schedule.is_current)
    assert schedule.schedule.iso_week == 26
    assert schedule.week_label.text() == "Uke 26, 2027"


@pytest.mark.parametrize(("text", "expected"), [
    ("20", (2027, 20)), ("2027-W20", (2027, 20)), ("uke 20 2027", (2027, 20)), ("Uke 3, 2028", (2028, 3)),
    ("17.05.2027", (2027, 20)), ("2027-01-01", (2026, 53)), ("20/2027", (2027, 20)),
])
def test_go_to_week_understands_what_people_type(text, expected) -> None:
    from kpdesk.ui.pages.schedule import parse_week_text

    assert parse_week_text(text, 2027) == expected


@pytest.mark.parametrize("text", ["", "uke 54 2027", "i morgen", "32.13.2027"])
def test_go_to_week_refuses_nonsense(text) -> None:
    from kpdesk.ui.pages.schedule import parse_week_text

    with pytest.raises(ValueError):
        parse_week_text(text, 2027)


def test_go_to_week_dialog(schedule, qtbot, monkeypatch) -> None:
    from kpdesk.ui.pages.schedule import GoToWeekDialog

    dialog = GoToWeekDialog(schedule, 2027)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.edit, "uke 99")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert dialog.result_week is None and "finnes ikke" in dialog.problem.text()
    dialog.edit.setText("2027-W24")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert dialog.result_week == (2027, 24)

    monkeypatch.setattr(GoToWeekDialog, "ask", classmethod(lambda cls, parent, year: (2027, 24)))
    schedule.goto_button.click()
    qtbot.waitUntil(schedule.is_current)
    assert schedule.week_label.text() == "Uke 24, 2027"


def test_drag_creates_a_booking_and_undo_takes_it_back(schedule, qtbot, monkeypatch) -> None:
    dialogs = capture_dialogs(monkeypatch)
    view = schedule.view
    lundu = room_id(schedule, "Grupperom Lundu")
    start = view.point_for(lundu, dt.datetime(2027, 5, 18, 10, 5))
    end = view.point_for(lundu, dt.datetime(2027, 5, 18, 11, 50))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), pos=start + QPoint(2, 0))
    qtbot.mouseMove(view.viewport(), pos=end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitUntil(lambda: dialog.ready)
    assert dialog.room.currentData() == "Grupperom Lundu"
    assert (dialog.start_moment(), dialog.end_moment()) == (dt.datetime(2027, 5, 18, 10), dt.datetime(2027, 5, 18, 12))
    qtbot.keyClicks(dialog.title, "Veiledning for nettstudenter")
    qtbot.waitUntil(lambda: dialog.previewed)
    assert "ingen kollisjoner" in dialog.summary.text()
    dialog.ok_button.click()
    idle(qtbot)
    assert dialog.write is not None
    qtbot.waitUntil(lambda: schedule.is_current() and any(b.title == "Veiledning for nettstudenter"
                                                          for b in boxes(schedule)))
    schedule.context.undo_stack.undo()
    qtbot.waitUntil(lambda: schedule.is_current() and all(b.title != "Veiledning for nettstudenter"
                                                          for b in boxes(schedule)))
    schedule.context.undo_stack.redo()
    qtbot.waitUntil(lambda: schedule.is_current() and any(b.title == "Veiledning for nettstudenter"
                                                          for b in boxes(schedule)))


def test_double_click_opens_the_booking(schedule, qtbot, monkeypatch) -> None:
    dialogs = capture_dialogs(monkeypatch)
    exam = next(b for b in boxes(schedule) if b.kind == "exam")
    qtbot.mouseDClick(schedule.view.viewport(), Qt.MouseButton.LeftButton, pos=schedule.view.booking_point(exam.id))
    assert [d.booking_id for d in dialogs] == [exam.id]
    qtbot.waitUntil(lambda: dialogs[0].ready)
    assert dialogs[0].title.text() == exam.title
    assert dialogs[0].arrival_buffer.text() == "30"


def test_keyboard_selects_and_opens_bookings(schedule, qtbot, monkeypatch) -> None:
    dialogs = capture_dialogs(monkeypatch)
    schedule.view.setFocus()
    qtbot.keyClick(schedule.view, Qt.Key.Key_Right)
    first = schedule.view.selected_id
    assert first is not None
    qtbot.keyClick(schedule.view, Qt.Key.Key_Right)
    assert schedule.view.selected_id not in (None, first)
    qtbot.keyClick(schedule.view, Qt.Key.Key_Return)
    assert [d.booking_id for d in dialogs] == [schedule.view.selected_id]


def test_day_view_from_the_day_header_and_back(schedule, qtbot) -> None:
    view = schedule.view
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.header_point(dt.date(2027, 5, 19)))
    assert schedule.day == dt.date(2027, 5, 19)
    layout = view.layout_
    assert layout.day_view and layout.orientation == "columns"
    assert [lane.room.name for lane in layout.lanes] == [r.name for r in schedule.rooms]
    assert schedule.dates_label.text() == "onsdag 19.05.2027"
    assert schedule.day_mode.isChecked()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert schedule.day == dt.date(2027, 5, 20)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)  # over the weekend to Monday, week 21
    qtbot.waitUntil(schedule.is_current)
    assert schedule.day == dt.date(2027, 5, 24) and schedule.week_label.text() == "Uke 21, 2027"
    schedule.week_mode.click()
    assert schedule.day is None and view.layout_.orientation == "rows"


def test_one_room_week_and_weekend_on_demand(schedule, qtbot) -> None:
    schedule.room_box.setCurrentIndex(schedule.room_box.findText("Videorom 1"))
    qtbot.waitUntil(schedule.is_current)
    layout = schedule.view.layout_
    assert layout.orientation == "columns" and len(layout.lanes) == 5
    assert {b.room_name for b in boxes(schedule)} == {"Videorom 1"}
    schedule.weekend_check.setChecked(True)
    qtbot.waitUntil(schedule.is_current)
    assert len(schedule.view.layout_.lanes) == 7
    assert schedule.dates_label.text() == "17.05.2027–23.05.2027"


def test_delete_key_cancels_with_reason_and_undo_reopens(schedule, qtbot, monkeypatch) -> None:
    from kpdesk.ui.booking.actions import CancelDialog

    asked: list = []
    monkeypatch.setattr(CancelDialog, "ask", classmethod(
        lambda cls, parent, title, is_series: asked.append((title, is_series)) or ("this", "Foreleser syk")))
    single = next(b for b in boxes(schedule) if b.series_id is None and b.active and b.kind == "meeting")
    schedule.view.booking_point(single.id)
    schedule.view._select(single.id)
    schedule.view.setFocus()
    qtbot.keyClick(schedule.view, Qt.Key.Key_Delete)
    assert asked == [(single.title, False)]

    def state() -> str | None:
        found = schedule.booking(single.id) if schedule.is_current() else None
        return found.state if found else None

    qtbot.waitUntil(lambda: state() == "cancelled")
    assert schedule.booking(single.id).state_reason == "Foreleser syk"
    schedule.context.undo_stack.undo()
    qtbot.waitUntil(lambda: state() == "active")
    schedule.context.undo_stack.redo()
    qtbot.waitUntil(lambda: state() == "cancelled")


def test_a_week_without_rooms_says_so(open_window, db_path, qtbot) -> None:
    window = open_window(db_path)
    number = section("SchedulePage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    qtbot.waitUntil(page.is_current)
    assert page.view.layout_ is None and "Ingen rom" in page.view.message
