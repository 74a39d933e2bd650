"""Rom: list, form with equipment checkboxes, refused delete, undo; the editable equipment list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from support import idle, open_drained

from kpdesk.ui.main_window import SECTIONS


def section(name: str) -> int:
    return next(i for i, s in enumerate(SECTIONS) if s[2] == name)


@pytest.fixture
def rooms(open_window, demo_db, qtbot):
    window = open_drained(open_window, demo_db, qtbot)
    number = section("RoomsPage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    qtbot.waitUntil(lambda: page.model.total_count() == 5)
    return page


def names(page) -> list[str]:
    return [row.name for row in page.model.visible_rows()]


def equipment_checks(page) -> dict[str, QCheckBox]:
    return {c.text(): c for c in page.form.editors["equipment"].findChildren(QCheckBox)}


def test_list_and_form_show_the_room(rooms) -> None:
    assert names(rooms) == ["Auditoriet", "Eksamensrom", "Grupperom Lundu", "Møterom Tind", "Videorom 1"]
    rooms.select_where(lambda r: r.name == "Eksamensrom")
    form = rooms.form
    assert form.editors["capacity"].text() == "24"
    assert form.editors["opens_at"].text() == "08.00" and form.editors["closes_at"].text() == "16.00"
    checks = equipment_checks(rooms)
    assert {"eksamensrom", "projektor", "videokonferanse"} <= set(checks)
    assert checks["eksamensrom"].isChecked() and not checks["projektor"].isChecked()
    assert rooms.window().count_label.text() == "5 rom"


def test_new_room_validates_as_you_type_and_undo_redo(rooms, qtbot) -> None:
    rooms.new_button.click()
    form = rooms.form
    qtbot.keyClicks(form.editors["name"], "Verkstedet")
    qtbot.keyClicks(form.editors["capacity"], "0")
    assert not form.save_button.isEnabled()
    assert "minst 1" in form.problem_labels["capacity"].text()
    form.editors["capacity"].setText("16")
    form.editors["closes_at"].setText("07.00")
    assert "Stengetiden" in form.problem_labels["closes_at"].text() and not form.save_button.isEnabled()
    form.editors["closes_at"].setText("kl. 22.00")
    equipment_checks(rooms)["projektor"].setChecked(True)
    equipment_checks(rooms)["universell utforming"].setChecked(True)
    assert form.save_button.isEnabled(), [p.message for p in form.problems]
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Verkstedet" in names(rooms))
    row = next(r for r in rooms.model.visible_rows() if r.name == "Verkstedet")
    assert (row.capacity, row.closes_at.hour, row.equipment) == (16, 22, ("projektor", "universell utforming"))
    rooms.context.undo_stack.undo()
    qtbot.waitUntil(lambda: "Verkstedet" not in names(rooms))
    rooms.context.undo_stack.redo()
    qtbot.waitUntil(lambda: "Verkstedet" in names(rooms))


def test_delete_of_a_room_with_bookings_is_refused_with_the_reason(rooms, qtbot, alerts) -> None:
    rooms.select_where(lambda r: r.name == "Eksamensrom")
    rooms.delete_button.click()
    idle(qtbot)
    assert "Eksamensrom" in names(rooms)
    errors = [text for kind, _title, text in alerts.shown if kind == "error"]
    assert errors and "kan ikke slettes" in errors[0] and "bookinger" in errors[0]


def test_delete_an_unused_room_and_undo(rooms, qtbot) -> None:
    rooms.new_button.click()
    qtbot.keyClicks(rooms.form.editors["name"], "Lager")
    qtbot.keyClicks(rooms.form.editors["capacity"], "2")
    rooms.form.save_button.click()
    qtbot.waitUntil(lambda: "Lager" in names(rooms))
    rooms.select_where(lambda r: r.name == "Lager")
    rooms.delete_button.click()
    qtbot.waitUntil(lambda: "Lager" not in names(rooms))
    rooms.context.undo_stack.undo()
    qtbot.waitUntil(lambda: "Lager" in names(rooms))


def test_editing_the_equipment_list_updates_the_checkboxes(rooms, qtbot, monkeypatch, alerts) -> None:
    from kpdesk.ui.pages.rooms import EquipmentDialog

    dialogs: list = []
    monkeypatch.setattr(EquipmentDialog, "exec", lambda self: dialogs.append(self) or 0)
    rooms.equipment_button.click()
    dialog = dialogs[0]
    qtbot.waitUntil(lambda: len(dialog.rows) == 7)
    qtbot.keyClicks(dialog.name, "dokumentkamera")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: "dokumentkamera" in equipment_checks(rooms))
    qtbot.waitUntil(lambda: dialog.selected() is not None and dialog.selected().name == "dokumentkamera")
    dialog.name.setText("Dokumentkamera")
    dialog.rename_button.click()
    qtbot.waitUntil(lambda: "Dokumentkamera" in equipment_checks(rooms))
    dialog.name.setText("projektor")
    dialog.add_button.click()  # already there: refused with the service's sentence
    idle(qtbot)
    assert "står allerede i utstyrslisten" in alerts.texts()

    dialog.list.setCurrentRow(next(n for n, r in enumerate(dialog.rows) if r.name == "teleslynge"))
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: "teleslynge" not in equipment_checks(rooms))
    rooms.context.undo_stack.undo()  # teleslynge back, with the rooms that had it
    qtbot.waitUntil(lambda: "teleslynge" in equipment_checks(rooms))
    qtbot.waitUntil(lambda: "teleslynge" in next(r for r in rooms.model.visible_rows()
                                                 if r.name == "Auditoriet").equipment)
    rooms.context.undo_stack.undo()  # the rename
    qtbot.waitUntil(lambda: "dokumentkamera" in equipment_checks(rooms))
