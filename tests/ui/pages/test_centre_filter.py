"""The centre box of the lists (issue 17): «Hele regionen» or one centre, chosen with the keyboard;
the list is fetched for the centre, the «Senter» column shows for the whole region, the centre
chosen is remembered as the coordinator's own, and a new room goes there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from support import open_drained, pdf_pages, sql_rows

from kpdesk.db.store import Store
from kpdesk.register import centres
from kpdesk.ui.main_window import SECTIONS


@pytest.fixture
def two_centres(demo_db: Path) -> Path:
    """The small demo with Vefsn's employers, their needs and one room moved to a new centre, Mosjøen."""
    store = Store.open(demo_db)
    try:
        with store.session() as s:
            mosjoen = centres.create_centre(s, "Mosjøen", "1824")
    finally:
        store.close()
    with sqlite3.connect(demo_db) as conn:
        conn.execute("UPDATE employer SET centre_id = ? WHERE municipality = '1824'", (mosjoen,))
        conn.execute("UPDATE need SET centre_id = ? WHERE employer_id IN (SELECT id FROM employer"
                     " WHERE municipality = '1824')", (mosjoen,))
        conn.execute("UPDATE room SET centre_id = ? WHERE name = 'Møterom Tind'", (mosjoen,))
    return demo_db


def page_of(window, qtbot, name: str):
    number = next(i for i, s in enumerate(SECTIONS) if s[2] == name)
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    qtbot.waitUntil(lambda: page.model.total_count() > 0)
    return page


def choose(qtbot, page, text: str) -> None:
    """Pick ``text`` in the page's centre box with the keyboard, as a coordinator would."""
    box = page.centre_box
    box.setFocus()
    target = box.findText(text)
    assert target >= 0, text
    key = Qt.Key.Key_Down if target > box.currentIndex() else Qt.Key.Key_Up
    while box.currentIndex() != target:
        qtbot.keyClick(box, key)


def test_the_lists_switch_between_a_centre_and_the_whole_region(open_window, two_centres: Path, qtbot) -> None:
    vefsn = sql_rows(two_centres, "SELECT count(*) FROM employer WHERE municipality = '1824'")[0][0]
    everyone = sql_rows(two_centres, "SELECT count(*) FROM employer")[0][0]
    assert 0 < vefsn < everyone
    window = open_drained(open_window, two_centres, qtbot)
    employers = page_of(window, qtbot, "EmployersPage")
    box = employers.centre_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)  # the centres load on the database thread after the store opens
    assert box.focusPolicy() & Qt.FocusPolicy.TabFocus  # reached with Tab, like the other filters
    # no centre of one's own yet: the whole region, with the centre as a column
    qtbot.waitUntil(lambda: employers.model.total_count() == everyone)
    assert box.currentText() == "Hele regionen"
    assert "centre" in employers.column_layout.visible_keys()

    choose(qtbot, employers, "Mosjøen")
    qtbot.waitUntil(lambda: employers.model.total_count() == vefsn)
    assert {r.centre for r in employers.model.visible_rows()} == {"Mosjøen"}
    assert "centre" not in employers.column_layout.visible_keys()
    assert QSettings().value("centre/own") == "Mosjøen"  # remembered as the coordinator's own

    needs = page_of(window, qtbot, "NeedsPage")  # opens on the own centre
    qtbot.waitUntil(lambda: needs.centre_box.currentText() == "Mosjøen")
    mosjoen_needs = sql_rows(two_centres, "SELECT count(*) FROM need n JOIN centre c ON c.id = n.centre_id"
                                          " WHERE c.name = 'Mosjøen'")[0][0]
    qtbot.waitUntil(lambda: needs.model.total_count() == mosjoen_needs)
    choose(qtbot, needs, "Hele regionen")
    all_needs = len(sql_rows(two_centres, "SELECT id FROM need"))
    qtbot.waitUntil(lambda: needs.model.total_count() > mosjoen_needs)
    # the region's rows may arrive in more than one batch: wait for them all, both centres among them
    qtbot.waitUntil(lambda: {"Mosjøen", "Kunnskapsparken Helgeland (DEMO)"}
                    <= {r.centre for r in needs.model.visible_rows()}, timeout=10000)
    assert mosjoen_needs < needs.model.total_count() <= all_needs


def test_a_new_room_goes_to_the_centre_shown(open_window, two_centres: Path, qtbot) -> None:
    window = open_drained(open_window, two_centres, qtbot)
    rooms = page_of(window, qtbot, "RoomsPage")
    choose(qtbot, rooms, "Mosjøen")
    qtbot.waitUntil(lambda: [r.name for r in rooms.model.visible_rows()] == ["Møterom Tind"])
    rooms.new_button.click()
    qtbot.keyClicks(rooms.form.editors["name"], "Grupperom Vefsn")
    qtbot.keyClicks(rooms.form.editors["capacity"], "8")
    rooms.form.save_button.click()
    qtbot.waitUntil(lambda: "Grupperom Vefsn" in [r.name for r in rooms.model.visible_rows()])
    assert sql_rows(two_centres, "SELECT c.name FROM room r JOIN centre c ON c.id = r.centre_id"
                                 " WHERE r.name = 'Grupperom Vefsn'") == [("Mosjøen",)]


def test_one_centre_shows_no_centre_box(open_window, demo_db: Path, qtbot) -> None:
    window = open_drained(open_window, demo_db, qtbot)
    employers = page_of(window, qtbot, "EmployersPage")
    qtbot.waitUntil(lambda: employers.model.total_count() == 38)
    assert employers.centre_box is not None and not employers.centre_box.isVisible()
    assert "centre" not in employers.column_layout.visible_keys()


def test_utskrifter_makes_a_handout_for_one_centre(open_window, two_centres: Path, qtbot) -> None:
    window = open_drained(open_window, two_centres, qtbot)
    number = next(i for i, s in enumerate(SECTIONS) if s[2] == "ReportsPage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    qtbot.waitUntil(lambda: page.choices is not None, timeout=60000)
    page.kind.setCurrentIndex(page.kind.findData("handout"))
    box = page.handout_centre_box
    assert box.isVisible() and box.currentText() == "Hele regionen"
    assert page.request().centre == ""
    box.setCurrentIndex(box.findText("Mosjøen"))
    with qtbot.waitSignal(page.preview_ready, timeout=60000):
        page.preview_button.click()
    assert page.request().centre == "Mosjøen"
    text = "\n".join(pdf_pages(page.preview.path.read_bytes()))
    assert "Kompetansebehov i Mosjøen" in text


def test_the_schedule_offers_the_rooms_of_the_centre_chosen(open_window, two_centres: Path, qtbot) -> None:
    window = open_drained(open_window, two_centres, qtbot)
    number = next(i for i, s in enumerate(SECTIONS) if s[2] == "SchedulePage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    qtbot.waitUntil(lambda: page.is_current() and len(page.schedule.rooms) == 5, timeout=30000)
    assert page.centre_box.isVisible() and page.room_box.count() == 6  # «Alle rom» and five
    page.centre_box.setFocus()
    qtbot.keyClick(page.centre_box, Qt.Key.Key_End)  # Mosjøen comes last
    assert page.centre_box.currentText() == "Mosjøen"
    qtbot.waitUntil(lambda: page.is_current() and [r.name for r in page.schedule.rooms] == ["Møterom Tind"],
                    timeout=30000)
    assert [page.room_box.itemText(i) for i in range(page.room_box.count())] == ["Alle rom", "Møterom Tind"]
