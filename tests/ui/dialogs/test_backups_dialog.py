"""Sikkerhetskopier in the window: take a copy, change data, restore the copy, the change is gone."""

from __future__ import annotations

from pathlib import Path

from kpdesk.ui.main_window import section_row


def test_backup_then_restore_brings_back_the_old_data(open_window, seeded_db: Path, qtbot, alerts,
                                                      monkeypatch) -> None:
    from kpdesk.ui.dialogs.backups import BackupsDialog

    window = open_window(seeded_db)
    shown: list[BackupsDialog] = []
    monkeypatch.setattr(BackupsDialog, "exec", lambda self: shown.append(self) or 0)
    window.backups_action.trigger()
    dialog = shown[0]
    qtbot.waitUntil(lambda: dialog.model.total_count() >= 1)  # the daily copy made when it opened
    before = dialog.model.total_count()
    dialog.backup_now()
    qtbot.waitUntil(lambda: dialog.model.total_count() == before + 1)
    manual = next(b for b in dialog.model.visible_rows() if b.reason == "manual")

    window.navigation.setCurrentRow(section_row("EmployersPage"))
    employers = window.page(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: employers.model.total_count() == 4)
    employers.select_where(lambda r: r.name == "Åsen Smolt AS")
    alerts.answer = True
    employers.delete_button.click()
    qtbot.waitUntil(lambda: employers.model.total_count() == 3)

    dialog.view.selectRow(next(i for i in range(dialog.model.rowCount())
                               if dialog.model.row_at(i).path == manual.path))
    dialog.restore_selected()
    qtbot.waitUntil(lambda: window.context.store is not None and employers.model.total_count() == 4, timeout=15000)
    assert "Åsen Smolt AS" in [r.name for r in employers.model.visible_rows()]
    assert "Gjenopprettet" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: any(b.reason == "before-restore" for b in dialog.model.visible_rows()))
