"""Finn ledig rom (Ctrl+L), Bruk av møteplassen with its CSV, the iCalendar export and the CSV
import of rooms and bookings from the Møteplass menu."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QCheckBox, QFileDialog
from support import open_drained

from kpdesk.ui.booking.recurrence_editor import WEEKLY
from kpdesk.ui.operations import wait_for_all


@pytest.fixture
def window(open_window, demo_db, qtbot):
    return open_drained(open_window, demo_db, qtbot)


def free_dialog(window, qtbot, start: dt.datetime, end: dt.datetime):
    from kpdesk.ui.booking.free_room import FreeRoomDialog

    dialog = FreeRoomDialog(window.context, window, start=start, end=end)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.searched is not None)
    return dialog


def statuses(dialog) -> dict[str, str]:
    return {o.room.name: dialog.status_text(o) for o in dialog.model.visible_rows()}


def test_ctrl_l_opens_the_dialog(window, monkeypatch) -> None:
    from kpdesk.ui.booking.free_room import FreeRoomDialog

    opened: list = []
    monkeypatch.setattr(FreeRoomDialog, "exec", lambda self: opened.append(self) or 0)
    action = window.place_actions["free_room"]
    assert action.shortcut().toString() == "Ctrl+L" and action.isEnabled()
    action.trigger()
    assert len(opened) == 1


def test_free_rooms_first_and_a_taken_room_gets_its_nearest_free_times(window, qtbot) -> None:
    dialog = free_dialog(window, qtbot, dt.datetime(2027, 5, 19, 10), dt.datetime(2027, 5, 19, 12))
    options = dialog.model.visible_rows()
    assert [o.free for o in options] == [True, True, True, True, False]
    taken = options[-1]
    assert taken.room.name == "Eksamensrom"
    assert statuses(dialog)["Eksamensrom"].startswith("Opptatt: «Eksamen: Spesialpedagogikk 1")
    assert dialog.suggestions_text(taken) == "kl. 14.00–16.00"
    assert "4 av 5 rom passer" in dialog.status.text()
    assert dialog.book_button.text() == "Book …" and dialog.book_button.isDefault()
    dialog.select_room("Eksamensrom")  # taken: booking it needs a reason, and the button says so
    assert dialog.book_button.text() == "Book likevel …" and not dialog.book_button.isDefault()
    assert dialog.nearest_button.isDefault()


def test_attendees_and_equipment_narrow_the_choice(window, qtbot) -> None:
    dialog = free_dialog(window, qtbot, dt.datetime(2027, 6, 2, 9), dt.datetime(2027, 6, 2, 11))
    dialog.attendees.setValue(20)
    next(c for c in dialog.equipment.findChildren(QCheckBox) if c.text() == "videokonferanse").setChecked(True)
    dialog.search()
    qtbot.waitUntil(lambda: dialog.searched is not None and dialog.model.visible_rows()[0].room.name == "Auditoriet")
    assert [o.room.name for o in dialog.model.visible_rows() if o.suitable] == ["Auditoriet"]
    assert "for lite" in statuses(dialog)["Videorom 1"]
    assert "mangler videokonferanse" in statuses(dialog)["Eksamensrom"]


def test_a_series_is_checked_on_every_date(window, qtbot) -> None:
    dialog = free_dialog(window, qtbot, dt.datetime(2027, 5, 19, 10), dt.datetime(2027, 5, 19, 12))
    dialog.repeat.set_mode(WEEKLY)
    dialog.repeat.count_radio.setChecked(True)
    dialog.repeat.count.setValue(5)
    dialog.search()
    qtbot.waitUntil(lambda: dialog.searched is not None and dialog.searched[2] != "")
    assert statuses(dialog)["Eksamensrom"].startswith("Opptatt 4 av datoene")


def test_book_opens_the_booking_dialog_prefilled(window, qtbot, monkeypatch) -> None:
    from kpdesk.ui.booking.dialog import BookingDialog

    dialog = free_dialog(window, qtbot, dt.datetime(2027, 5, 19, 10), dt.datetime(2027, 5, 19, 12))
    asked: list = []
    monkeypatch.setattr(BookingDialog, "open_new", classmethod(
        lambda cls, context, parent, prefill=None: asked.append(prefill)))
    dialog.select_room("Eksamensrom")
    assert dialog.nearest_button.isEnabled()
    dialog.nearest_button.click()
    dialog.select_room("Møterom Tind")
    assert not dialog.nearest_button.isEnabled()
    dialog.book_button.click()
    assert asked[0]["room"] == "Eksamensrom" and asked[0]["start"] == dt.datetime(2027, 5, 19, 14)
    assert asked[1]["room"] == "Møterom Tind" and asked[1]["start"] == dt.datetime(2027, 5, 19, 10)
    assert asked[1]["end"] == dt.datetime(2027, 5, 19, 12) and asked[1]["repeat"] == ""


def test_end_before_start_is_said_plainly(window, qtbot) -> None:
    dialog = free_dialog(window, qtbot, dt.datetime(2027, 5, 19, 10), dt.datetime(2027, 5, 19, 12))
    dialog.end_time.setTime(dt.time(9, 0))
    dialog.search()
    qtbot.waitUntil(lambda: dialog.searched is None)
    assert "Slutt må være etter start" in dialog.status.text() and not dialog.book_button.isEnabled()


# ---------------------------------------------------------------- use of the meeting place

def test_usage_per_room_and_month_and_csv(window, qtbot, tmp_path, monkeypatch) -> None:
    from kpdesk.ui.booking.usage import UsageDialog

    dialog = UsageDialog(window.context, window)
    qtbot.addWidget(dialog)
    page = dialog.page
    page.year_box.setValue(2027)
    qtbot.waitUntil(lambda: any(r.bookings for r in page.rows))
    rows = page.visible_rows()
    assert len(rows) == 5 * 13  # each room: the year, then twelve months
    exam_year = next(r for r in rows if r.room_name == "Eksamensrom" and r.month == 0)
    assert exam_year.count("exam") == 10 and exam_year.open_hours > 0
    page.totals_only.setChecked(True)
    assert len(page.visible_rows()) == 5
    page.room_box.setCurrentIndex(page.room_box.findText("Eksamensrom"))
    assert [r.room_name for r in page.visible_rows()] == ["Eksamensrom"]
    assert "2027: 5 rom" in dialog.page.status_label.text()

    out = tmp_path / "bruk.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.export_button.click()
    qtbot.waitUntil(out.exists)
    wait_for_all()
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("rom;måned;åpningstimer;booket_i_åpningstid;andel_prosent")
    # what is shown: the filtered rows (three decentralised exams hold the room 30 minutes longer for extra time)
    assert lines[1:] == ["Eksamensrom;hele året;2040;236,5;11,6;236,5;38;28;10;0;0;0"]


# ---------------------------------------------------------------- files

def test_icalendar_export_of_one_room(window, qtbot, tmp_path, monkeypatch) -> None:
    from kpdesk.ui.booking.transfer import IcsExportDialog

    asked: list = []

    def ask(cls, parent, rooms, room_id):
        asked.append(rooms)
        return next((rid, name) for rid, name in rooms if name == "Videorom 1")

    monkeypatch.setattr(IcsExportDialog, "ask", classmethod(ask))
    out = tmp_path / "videorom.ics"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.place_actions["export_ics"].trigger()
    qtbot.waitUntil(out.exists)
    wait_for_all()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "TZID:Europe/Oslo" in text and "RRULE:FREQ=WEEKLY" in text
    assert "kpdesk: Videorom 1" in text and "Eksamen: Spesialpedagogikk" not in text
    assert len(asked[0]) == 5


ROOMS_CSV = "name;capacity;equipment;notes\nKantina;40;projektor, kaffemaskin;\nAuditoriet;70;;flere stoler\n"
BOOKINGS_CSV = ("room;title;kind;start;end;repeat;organiser;attendees;offer_ref\n"
                "Kantina;Allmøte;møte;02.06.2027 12:00;02.06.2027 13:00;;Rektor;30;\n"
                "Eksamensrom;Dobbeltbooket;møte;19.05.2027 10:00;19.05.2027 11:00;;;;\n")


def test_rooms_and_bookings_import_with_preview(window, qtbot, tmp_path, monkeypatch) -> None:
    from kpdesk.ui.dialogs.transfer import ImportDialog as PlaceImportDialog

    dialogs: list = []
    monkeypatch.setattr(PlaceImportDialog, "exec", lambda self: dialogs.append(self) or 0)
    rooms_file = tmp_path / "rom.csv"
    rooms_file.write_text(ROOMS_CSV, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(rooms_file), ""))
    window.place_actions["import_rooms"].trigger()
    dialog = dialogs[-1]
    qtbot.waitUntil(lambda: dialog.plan is not None)
    assert sorted((r.line, r.action) for r in dialog.rows_model.visible_rows()) == [(2, "create"), (3, "update")]
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None)

    bookings_file = tmp_path / "bookinger.csv"
    bookings_file.write_text(BOOKINGS_CSV, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bookings_file), ""))
    window.place_actions["import_bookings"].trigger()
    dialog = dialogs[-1]
    qtbot.waitUntil(lambda: dialog.plan is not None)
    assert not dialog.import_button.isEnabled() and dialog.tabs.currentIndex() == 1
    problems = dialog.problems_model.visible_rows()
    assert problems[0].line == 3 and "Eksamen: Spesialpedagogikk 1" in problems[0].message
