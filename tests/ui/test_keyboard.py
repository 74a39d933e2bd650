"""The keyboard: Tab leaves a list for its form, Ctrl+S saves, Delete asks before it deletes, Escape
asks before typed changes go, the menus show the shortcuts, and the focus has a visible ring."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from kpdesk.ui.main_window import section_row


@pytest.fixture
def window(open_window, seeded_db: Path, qtbot):
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window._started, timeout=5000)  # shortcuts and the focus ring come after the first paint
    window.activateWindow()
    return window


@pytest.fixture
def employers(window, qtbot):
    window.navigation.setCurrentRow(section_row("EmployersPage"))
    page = window.page(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: page.model.total_count() == 4)
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    return page


def tab_from(qtbot, widget, times: int, key=Qt.Key.Key_Tab) -> list:
    """The widgets the focus visits, Tab by Tab, starting at ``widget``."""
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    visited = []
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), key)
        visited.append(QApplication.focusWidget())
    return visited


def test_tab_goes_from_filter_through_buttons_and_list_into_the_form(employers, qtbot) -> None:
    page = employers
    form = page.form
    assert not page.view.tabKeyNavigation()
    visited = tab_from(qtbot, page.filter_edit, 8)
    assert visited[:6] == [*page.menu_boxes, page.new_button, page.delete_button, page.view,
                           form.editors["org_number"]]
    assert visited[6:] == [form.editors["name"], form.editors["parent_org_number"]]
    # from the list, one Tab (not one per cell) reaches the form; Shift+Tab comes back
    assert tab_from(qtbot, page.view, 1) == [form.editors["org_number"]]
    assert tab_from(qtbot, form.editors["org_number"], 1, Qt.Key.Key_Backtab) == [page.view]


def test_tab_reaches_the_form_buttons_and_the_contacts(employers, qtbot) -> None:
    page = employers
    form = page.form
    form.editors["notes"].setPlainText("endret")  # the buttons are enabled only with changes
    visited = tab_from(qtbot, form.editors["notes"], 4)
    assert visited[:3] == [form.revert_button, form.save_button, page.contacts.view]
    assert visited[3] is page.contacts.add_button


def test_ctrl_s_saves_the_form(employers, qtbot) -> None:
    page = employers
    name = page.form.editors["name"]
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Åsen Settefisk AS")
    qtbot.keyClick(name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Åsen Settefisk AS" in [r.name for r in page.model.visible_rows()])
    assert not page.form.is_dirty()

    from kpdesk.register.service import list_employers

    with page.context.store.session() as session:  # in the database, not only on screen
        assert "Åsen Settefisk AS" in [e.name for e in list_employers(session)]


def test_ctrl_s_in_the_list_saves_too_and_says_when_nothing_changed(employers, qtbot) -> None:
    page = employers
    messages: list[str] = []
    page.context.status_message.connect(messages.append)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert messages == ["Ingen endringer å lagre."]
    page.form.editors["notes"].setPlainText("Ringes i mars")
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.selected_row() is not None and page.selected_row().notes == "Ringes i mars")


def test_delete_in_the_list_asks_with_cancel_as_the_safe_answer(employers, qtbot, alerts, monkeypatch) -> None:
    page = employers
    alerts.answer = False  # «Avbryt»
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert alerts.shown[-1][:2] == ("question", "Slett")
    assert "Åsen Smolt AS" in alerts.shown[-1][2]
    assert "Åsen Smolt AS" in [r.name for r in page.model.visible_rows()]

    alerts.answer = True
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "Åsen Smolt AS" not in [r.name for r in page.model.visible_rows()])


def test_delete_in_a_field_deletes_a_letter_not_the_record(employers, qtbot, alerts) -> None:
    page = employers
    name = page.form.editors["name"]
    name.setFocus()
    name.setCursorPosition(0)
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    assert name.text() == "sen Smolt AS"
    assert not [shown for shown in alerts.shown if shown[0] == "question"]


def test_the_real_question_has_avbryt_as_default(monkeypatch) -> None:
    """alerts.question itself (elsewhere the tests answer for it): «Avbryt» is the default and Escape button."""
    from PySide6.QtWidgets import QMessageBox

    from kpdesk.ui.app import create_application

    monkeypatch.undo()  # the real alerts, not the recorder
    from kpdesk.ui import alerts

    create_application()
    seen: dict[str, str] = {}

    def exec_(box: QMessageBox) -> int:
        seen["default"] = box.defaultButton().text()
        seen["escape"] = box.escapeButton().text()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    assert alerts.question(None, "Slett", "Slette «Åsen Smolt AS»?", "Slett") is False
    assert seen == {"default": "Avbryt", "escape": "Avbryt"}


def test_escape_with_typed_changes_asks_before_discarding(employers, qtbot, alerts) -> None:
    page = employers
    name = page.form.editors["name"]
    name.setFocus()
    name.end(False)
    qtbot.keyClicks(name, " (ny)")
    alerts.answer = False  # «Fortsett å redigere»
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert alerts.shown[-1][:2] == ("question", "Forkaste endringene?")
    assert name.text() == "Åsen Smolt AS (ny)"
    alerts.answer = True  # «Forkast»
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert name.text() == "Åsen Smolt AS"
    assert not page.form.is_dirty()
    count = len(alerts.shown)
    qtbot.keyClick(name, Qt.Key.Key_Escape)  # nothing typed: nothing to ask
    assert len(alerts.shown) == count


def test_ctrl_n_starts_a_new_record_in_the_form(employers, qtbot) -> None:
    page = employers
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.current_id is None
    assert page.form_box.title() == "Ny arbeidsgiver"
    assert QApplication.focusWidget() is page.form.editors["org_number"]


def test_ctrl_f_goes_to_the_filter(employers, qtbot) -> None:
    page = employers
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.filter_edit


def test_every_menu_command_with_a_key_shows_it(window) -> None:
    actions = {a.text().replace("&", ""): a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()}
    for text, key in [("Ny", QKeySequence.StandardKey.New), ("Lagre", QKeySequence.StandardKey.Save),
                      ("Slett …", QKeySequence.StandardKey.Delete), ("Filtrer listen", QKeySequence.StandardKey.Find),
                      ("Angre", QKeySequence.StandardKey.Undo), ("Avslutt", QKeySequence.StandardKey.Quit),
                      ("Kjør matching", QKeySequence(Qt.Key.Key_F5))]:
        standard = QKeySequence(key)
        assert actions[text].shortcut() == (standard if not standard.isEmpty() else QKeySequence("Ctrl+Q")), text
        assert actions[text].shortcut().toString(), text  # what the menu writes beside the text


def test_commands_follow_the_page(window, qtbot) -> None:
    window.navigation.setCurrentRow(section_row("OverviewPage"))  # nothing to save
    assert not window.command_actions["save"].isEnabled()
    window.navigation.setCurrentRow(section_row("NeedsPage"))
    assert window.command_actions["save"].isEnabled()
    window.navigation.setCurrentRow(section_row("AuditLogPage"))  # Endringslogg: a list, no form
    assert window.command_actions["find"].isEnabled()
    assert not window.command_actions["delete"].isEnabled()


def test_the_focus_has_a_ring(employers, qtbot) -> None:
    from kpdesk.ui.widgets.focus import RING_WIDTH, FocusRing

    window = employers.window()
    for widget in (employers.view, employers.form.editors["name"], employers.new_button,
                   employers.form.editors["may_be_named"]):
        widget.setFocus()
        qtbot.waitUntil(lambda w=widget: window.focus_ring.ringed() is w)
        ring = window.focus_ring.ring
        assert isinstance(ring, FocusRing) and ring.isVisible()
        assert ring.geometry().contains(widget.geometry())
    assert RING_WIDTH >= 2


def test_f5_runs_the_matching_from_anywhere_and_shows_it(window, qtbot) -> None:
    window.navigation.setCurrentRow(section_row("EmployersPage"))
    matching = window.page(section_row("MatchingPage"))
    qtbot.waitUntil(window.match_action.isEnabled)
    with qtbot.waitSignal(matching.matching.finished, timeout=20_000):
        qtbot.keyClick(window.navigation, Qt.Key.Key_F5)
    assert window.stack.currentWidget() is matching
    qtbot.waitUntil(lambda: matching.model.total_count() > 0)
