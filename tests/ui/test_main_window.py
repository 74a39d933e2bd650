"""The main window: title, sections, shortcuts, status bar, About, remembered geometry."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kpdesk.ui.main_window import section_row
from kpdesk.ui.operations import wait_for_all


def test_window_opens_on_database_and_shows_counts(open_window, seeded_db: Path, qtbot) -> None:
    window = open_window(seeded_db)
    # the file's name only: Qt adds « — kpdesk» from the application's display name, once
    assert window.windowTitle() == seeded_db.name
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles[:5] == ["Oversikt", "Megler", "Arbeidsgivere", "Personer", "Behov"]
    qtbot.waitUntil(lambda: window.navigation.currentRow() == section_row("EmployersPage"))
    employers = window.page(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: employers.model.total_count() == 4, timeout=15000)
    assert window.count_label.text() == "4 arbeidsgivere"


def test_overview_counts_what_the_database_holds(open_window, seeded_db: Path, qtbot) -> None:
    window = open_window(seeded_db)
    window.navigation.setCurrentRow(section_row("OverviewPage"))
    overview = window.page(section_row("OverviewPage"))
    qtbot.waitUntil(lambda: overview.figures["employers"].value.text() == "4")
    assert overview.figures["open_needs"].value.text() == "3"  # one of four is avsluttet


def test_keyboard_shortcuts_switch_sections(open_window, seeded_db: Path, qtbot) -> None:
    window = open_window(seeded_db)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    needs = section_row("NeedsPage")  # the fourth section (Oversikt, Arbeidsgivere, Personer, Behov)
    assert window.navigation.currentRow() == needs
    assert window.stack.currentWidget() is window.page(needs)
    qtbot.waitUntil(lambda: window.page(needs).model.total_count() == 4)
    assert window.count_label.text() == "4 behov"


def test_about_dialog_shows_version(open_window, db_path: Path, qtbot, monkeypatch) -> None:
    from kpdesk import __version__
    from kpdesk.ui.dialogs.about import AboutDialog

    shown: list[str] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self.label.text()) or 0)
    window = open_window(db_path)
    window.about_action.trigger()
    assert shown and f"kpdesk {__version__}" in shown[0]
    assert "SQLAlchemy" in shown[0]


def test_geometry_and_section_remembered_between_runs(open_window, db_path: Path, qtbot) -> None:
    window = open_window(db_path)
    window.resize(780, 560)  # within the offscreen screen (800×600)
    window.navigation.setCurrentRow(section_row("NeedsPage"))
    window.close()
    again = open_window(db_path)
    qtbot.waitUntil(lambda: again.navigation.currentRow() == section_row("NeedsPage"))
    assert again.size().width() == 780
    assert again.size().height() == 560


def test_a_new_database_is_created_and_migrated(open_window, db_path: Path, qtbot) -> None:
    assert not db_path.exists()
    window = open_window(db_path)
    assert db_path.exists()
    assert window.context.store.revision() is not None
    QApplication.processEvents()


def window_with_store_held(qtbot, path: Path, monkeypatch) -> tuple[Any, threading.Event]:  # type: ignore[no-untyped-def]
    """The main window started as ``kpdesk`` starts it, with the store's opening held until the
    returned event is set."""
    from PySide6.QtCore import QSettings

    from kpdesk.db.store import Store
    from kpdesk.ui.app import create_application
    from kpdesk.ui.main_window import MainWindow

    release = threading.Event()
    real_open = Store.open

    def held_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert release.wait(20), "the test never let the store open"
        return real_open(*args, **kwargs)

    monkeypatch.setattr(Store, "open", held_open)
    create_application()
    QSettings().clear()
    window = MainWindow(path)
    qtbot.addWidget(window)
    window.open_store_after_first_paint()
    window.show()
    return window, release


def test_the_start_list_is_on_screen_before_the_database_has_opened(qtbot, seeded_db: Path, monkeypatch,
                                                                    alerts) -> None:
    """The employers list is read with plain sqlite3 while the store (SQLAlchemy) still opens;
    the store's own read follows and shows the same rows."""
    from kpdesk.register.employer_list import read_early
    from kpdesk.ui.main_window import MainWindow

    expected = sorted((r.org_number, r.name, r.needs) for r in read_early(seeded_db))
    window, release = window_with_store_held(qtbot, seeded_db, monkeypatch)
    try:
        page = window.page(MainWindow.DEFAULT_SECTION)
        qtbot.waitUntil(lambda: page.model.rowCount() == len(expected), timeout=10000)
        assert window.context.store is None  # still opening
        shown = sorted((r.org_number, r.name, r.needs) for r in page.model.visible_rows())
        assert shown == expected and len(expected) >= 3
        # saving before the database is open: a plain message, and the typing stays
        qtbot.keyClicks(page.form.editors["org_number"], "974760673")
        qtbot.keyClicks(page.form.editors["name"], "Tidlig AS")
        page.form.save_button.click()
        qtbot.waitUntil(lambda: "Databasen åpnes fortsatt" in alerts.texts())
        assert page.form.editors["name"].text() == "Tidlig AS"
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.context.store is not None, timeout=10000)
    qtbot.waitUntil(lambda: page._from_store, timeout=10000)
    assert sorted((r.org_number, r.name, r.needs) for r in page.model.visible_rows()) == expected
    assert page.form.save_button.isEnabled(), alerts.texts()
    page.form.save_button.click()  # now it is saved
    qtbot.waitUntil(lambda: len(page.model.visible_rows()) == len(expected) + 1, timeout=10000)
    assert "Tidlig AS" in {r.name for r in page.model.visible_rows()}
    wait_for_all()


def test_an_edit_begun_on_the_early_list_survives_the_stores_rows(qtbot, seeded_db: Path, monkeypatch,
                                                                   alerts) -> None:
    """An employer picked and edited before the store is open keeps the edit when the store's
    rows replace the early read's; its contacts come with the store."""
    from kpdesk.ui.main_window import MainWindow

    window, release = window_with_store_held(qtbot, seeded_db, monkeypatch)
    try:
        page = window.page(MainWindow.DEFAULT_SECTION)
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
        page.select_where(lambda r: r.contacts > 0)
        chosen = page.selected_row()
        assert chosen is not None and not page.contacts.isEnabled()  # contacts come with the store
        qtbot.keyClicks(page.form.editors["notes"], "Ringes i januar")
        page.form.save_button.click()
        qtbot.waitUntil(lambda: "Databasen åpnes fortsatt" in alerts.texts())
    finally:
        release.set()
    qtbot.waitUntil(lambda: page._from_store, timeout=10000)
    assert page.selected_row().id == chosen.id
    assert page.form.editors["notes"].toPlainText().endswith("Ringes i januar")  # the edit is still there
    qtbot.waitUntil(lambda: page.contacts.isEnabled() and page.contacts.model.rowCount() == chosen.contacts,
                    timeout=10000)
    page.form.save_button.click()
    qtbot.waitUntil(lambda: page.selected_row() is not None
                    and page.selected_row().notes.endswith("Ringes i januar"), timeout=10000)
    wait_for_all()


def test_no_page_is_built_before_the_first_paint(qtbot, seeded_db: Path) -> None:
    """The window paints first; the start section's page (and only it) is built right after."""
    from PySide6.QtCore import QEvent, QObject, QSettings

    from kpdesk.ui.app import create_application
    from kpdesk.ui.main_window import MainWindow

    class PagesAtFirstPaint(QObject):
        built: int | None = None

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.built is None:
                self.built = len(window.built_pages())
            return False

    create_application()
    QSettings().clear()
    window = MainWindow(seeded_db)
    qtbot.addWidget(window)
    probe = PagesAtFirstPaint(window)
    window.installEventFilter(probe)
    window.open_store_after_first_paint()
    window.show()
    qtbot.waitUntil(lambda: window.context.store is not None, timeout=10000)
    assert probe.built == 0
    assert window.built_pages() == [window.page(MainWindow.DEFAULT_SECTION)]
    assert window.navigation.currentRow() == MainWindow.DEFAULT_SECTION
    wait_for_all()


def test_startup_probe_reports_paint_and_data_then_quits(seeded_db: Path) -> None:
    """What the startup benchmark reads: the window paints, the list fills, the program exits."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "KPDESK_STARTUP_PROBE": "1", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "kpdesk", "--db", str(seeded_db)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    times = json.loads(done.stdout.strip().splitlines()[-1])
    assert 0 < times["first_paint"] <= times["data_shown"]


def test_sidebar_follows_the_3m_work_and_keys_pass_over_headings(open_window, seeded_db: Path, qtbot) -> None:
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window._started, timeout=5000)
    navigation = window.navigation
    titles = [navigation.item(i).text() for i in range(navigation.count())]
    assert titles == ["Oversikt", "Megler", "Arbeidsgivere", "Personer", "Behov", "Tilbydere", "Kurstilbud", "Matching",
                      "Samordning", "Møteplass", "Rom", "Timeplan", "Eksamen", "Motor", "Gjennomføringer",
                      "Regionbilde", "", "Utskrifter", "Endringslogg"]
    headings = [i for i in range(navigation.count()) if not navigation.item(i).flags() & Qt.ItemFlag.ItemIsSelectable]
    assert [titles[i] for i in headings] == ["Megler", "Møteplass", "Motor", ""]
    navigation.setFocus()
    navigation.setCurrentRow(section_row("OverviewPage"))
    qtbot.keyClick(navigation, Qt.Key.Key_Down)
    assert navigation.currentRow() == section_row("EmployersPage")  # over «Megler»
    navigation.setCurrentRow(section_row("RoomsPage"))
    qtbot.keyClick(navigation, Qt.Key.Key_Up)
    assert navigation.currentRow() == section_row("DemandPage")  # over «Møteplass»
    navigation.setCurrentRow(section_row("ExamsPage"))
    qtbot.keyClick(navigation, Qt.Key.Key_Down)
    assert navigation.currentRow() == section_row("RunsPage")  # over «Motor»
    qtbot.keyClick(navigation, Qt.Key.Key_Down)
    assert navigation.currentRow() == section_row("MotorPage")
    qtbot.keyClick(navigation, Qt.Key.Key_Down)
    assert navigation.currentRow() == section_row("ReportsPage")
    assert window.current_page() is window.page(section_row("ReportsPage"))
    # the Vis menu's Ctrl+N counts sections only
    assert [a.text() for a in window.section_actions][:4] == ["Oversikt", "Arbeidsgivere", "Personer", "Behov"]
