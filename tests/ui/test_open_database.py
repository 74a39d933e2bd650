"""Fil › Åpne database … and Fil › Nylig brukte."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from kpdesk.ui.main_window import section_row


def _texts(window) -> list[str]:
    window.update_recent_menu()
    return [a.text() for a in window.recent_menu.actions() if a.text()]


def test_open_database_switches_the_store(open_window, seeded_db: Path, tmp_path: Path, qtbot, monkeypatch) -> None:
    window = open_window(tmp_path / "tom.sqlite")  # a new, empty database
    employers = window.page(section_row("EmployersPage"))
    window.navigation.setCurrentRow(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: employers.model.total_count() == 0)
    old_store = window.context.store
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(seeded_db), "")))
    window.open_action.trigger()
    qtbot.waitUntil(lambda: window.context.store is not None and window.context.store is not old_store,
                    timeout=10000)
    assert window.db_path == seeded_db
    assert seeded_db.name in window.windowTitle()
    assert window.db_label.text() == str(seeded_db)
    again = window.page(section_row("EmployersPage"))
    assert again is not employers  # built again for the other file
    qtbot.waitUntil(lambda: again.model.total_count() == 4, timeout=10000)


def test_the_old_files_matching_run_is_forgotten(open_window, seeded_db: Path, tmp_path: Path, qtbot) -> None:
    import datetime as dt

    window = open_window(seeded_db)
    matching = window.page(section_row("MatchingPage"))
    window.navigation.setCurrentRow(section_row("MatchingPage"))
    matching.matching.run(dt.date(2027, 3, 1))
    qtbot.waitUntil(lambda: matching.matching.latest is not None, timeout=30000)
    store = window.context.store
    window.switch_database(tmp_path / "annen.sqlite")
    qtbot.waitUntil(lambda: window.context.store is not None and window.context.store is not store, timeout=10000)
    assert matching.matching.latest is None
    fresh = window.page(section_row("MatchingPage"))
    assert fresh is not matching and window.stack.currentWidget() is fresh
    assert fresh.model.rowCount() == 0


def test_cancelled_open_keeps_the_database(open_window, seeded_db: Path, qtbot, monkeypatch) -> None:
    window = open_window(seeded_db)
    store = window.context.store
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: ("", "")))
    window.open_action.trigger()
    assert window.context.store is store


def test_a_file_that_cannot_be_opened_leaves_the_window_as_it_was(open_window, seeded_db: Path, tmp_path: Path,
                                                                   qtbot, alerts) -> None:
    window = open_window(seeded_db)
    store = window.context.store
    other = tmp_path / "notes.sqlite"
    other.write_text("not a database", encoding="utf-8")
    window.switch_database(other)
    qtbot.waitUntil(lambda: bool(alerts.shown), timeout=10000)
    assert window.context.store is store
    assert window.db_path == seeded_db


def test_recent_files_list_updates(open_window, seeded_db: Path, tmp_path: Path, qtbot) -> None:
    window = open_window(seeded_db)
    assert _texts(window)[0] == str(seeded_db.absolute())
    copies = []
    for number in range(6):
        copy = tmp_path / f"kopi{number}.sqlite"
        shutil.copy(seeded_db, copy)
        copies.append(copy)
    for copy in copies:
        store = window.context.store
        window.switch_database(copy)
        qtbot.waitUntil(lambda s=store: window.context.store is not None and window.context.store is not s,
                        timeout=10000)
    texts = _texts(window)
    assert texts == [str(c.absolute()) for c in reversed(copies[1:])]  # five, newest first
    copies[3].unlink()
    texts = _texts(window)
    assert f"{copies[3].absolute()} (finnes ikke)" in texts
    gone = next(a for a in window.recent_menu.actions() if a.text().endswith("(finnes ikke)"))
    assert not gone.isEnabled()
    forget = next(a for a in window.recent_menu.actions() if a.text() == "Fjern filer som ikke finnes")
    forget.trigger()
    assert len(_texts(window)) == 4
    # a file from the list opens from the menu
    store = window.context.store
    entry = next(a for a in window.recent_menu.actions() if a.text() == str(copies[2].absolute()))
    entry.trigger()
    qtbot.waitUntil(lambda: window.context.store is not store, timeout=10000)
    qtbot.waitUntil(lambda: window.context.store is not None)
    assert window.db_path == copies[2].absolute()
