"""Endringslogg in the window, and a second window on a database that is in use."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from kpdesk.ui.main_window import SECTIONS
from kpdesk.ui.operations import wait_for_all


def section(name: str) -> int:
    return next(i for i, s in enumerate(SECTIONS) if s[2] == name)


def test_audit_log_lists_edits_and_exports(open_window, seeded_db: Path, tmp_path: Path, qtbot, monkeypatch) -> None:
    window = open_window(seeded_db)
    number = section("AuditLogPage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    qtbot.waitUntil(lambda: page.model.total_count() > 0)
    rows = page.model.visible_rows()
    assert rows[0].at >= rows[-1].at  # newest first
    page.filter_edit.setText("Åsen Smolt")
    assert page.model.rowCount() >= 1
    out = tmp_path / "logg.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.export_button.click()
    qtbot.waitUntil(out.exists)
    wait_for_all()
    assert "Åsen Smolt AS" in out.read_bytes().decode("utf-8-sig")


def test_a_database_open_in_another_kpdesk_is_offered_read_only(open_window, seeded_db: Path, qtbot,
                                                                  alerts) -> None:
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from kpdesk.db.store import Store; "
         f"s = Store.open({str(seeded_db)!r}); print('open', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        alerts.answer = True  # "Åpne skrivebeskyttet"
        window = open_window(seeded_db)
        assert window.context.store.read_only
        assert "skrivebeskyttet" in window.windowTitle()
        assert any(title == "Databasen er i bruk" for _kind, title, _text in alerts.shown)
        employers = window.page(section("EmployersPage"))
        window.navigation.setCurrentRow(section("EmployersPage"))
        qtbot.waitUntil(lambda: employers.model.total_count() == 4)  # reading works
    finally:
        holder.stdin.close()
        holder.wait(10)
