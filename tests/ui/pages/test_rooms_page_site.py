"""Rom: the site a room is at, in the list and the form, offered from the sites already used."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from support import open_drained

from kpdesk.ui.main_window import SECTIONS


@pytest.fixture
def rooms(open_window, demo_db, qtbot):
    window = open_drained(open_window, demo_db, qtbot)
    number = next(i for i, s in enumerate(SECTIONS) if s[2] == "RoomsPage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    qtbot.waitUntil(lambda: page.model.total_count() == 5)
    return page


def test_site_is_shown_completed_and_saved(rooms, qtbot) -> None:
    rooms.select_where(lambda r: r.name == "Møterom Tind")
    site = rooms.form.editors["site"]
    assert site.text() == "Mo i Rana"
    completer = site.completer()
    assert completer is not None and completer.model().stringList() == ["Mo i Rana"]
    site.clear()
    qtbot.keyClicks(site, "Mosjøen")
    assert rooms.form.save_button.isEnabled()
    qtbot.mouseClick(rooms.form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: next(r.site for r in rooms.model.visible_rows() if r.name == "Møterom Tind") == "Mosjøen")
    qtbot.waitUntil(lambda: completer.model().stringList() == ["Mo i Rana", "Mosjøen"])
    rooms.context.undo_stack.undo()
    qtbot.waitUntil(lambda: next(r.site for r in rooms.model.visible_rows() if r.name == "Møterom Tind")
                    == "Mo i Rana")
