"""Sletting etter lagringstid: who is due, nothing deleted without confirmation, then deleted."""

from __future__ import annotations

from pathlib import Path


def test_due_contacts_are_listed_and_deleted_only_on_confirmation(open_window, seeded_db: Path, qtbot, alerts,
                                                                  monkeypatch) -> None:
    from kpdesk.ui.dialogs.retention import RetentionDialog

    window = open_window(seeded_db)
    shown: list[RetentionDialog] = []
    monkeypatch.setattr(RetentionDialog, "exec", lambda self: shown.append(self) or 0)
    window.retention_action.trigger()
    dialog = shown[0]
    qtbot.waitUntil(lambda: dialog.months.value() == 24)
    assert dialog.model.total_count() == 0  # Kari was registered today
    dialog.months.setValue(0)
    dialog.save_months()
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("0"))

    # the rule counts from the last activity: pretend the contact was registered three years ago
    from sqlalchemy import text

    with window.context.store.session() as session:
        session.execute(text("UPDATE contact_person SET registered_on = '2023-01-01'"))
        session.execute(text("UPDATE need SET status = 'closed', status_changed_on = '2023-01-01', "
                             "updated_at = '2023-01-01' WHERE employer_id = "
                             "(SELECT employer_id FROM contact_person LIMIT 1)"))
        session.execute(text("DELETE FROM audit_entry WHERE entity = 'contact_person'"))
    dialog.months.setValue(24)
    dialog.save_months()
    qtbot.waitUntil(lambda: dialog.model.total_count() == 1)
    assert dialog.model.row_at(0).name == "Kari Nordmann"
    from kpdesk.admin.erasure import file_holds
    from kpdesk.db import backup

    copy = backup.create_backup(window.context.store.path, "manual")  # a backup holding Kari
    assert file_holds(copy.path, ["Kari Nordmann"])
    dialog.view.selectRow(0)
    alerts.answer = False
    dialog.delete_selected()
    assert dialog.model.total_count() == 1
    alerts.answer = True  # "Slett for godt", then "Fjern fra sikkerhetskopiene", as from the contact panel
    dialog.delete_selected()
    qtbot.waitUntil(lambda: dialog.model.total_count() == 0)
    assert "kan ikke angres" in alerts.texts()
    qtbot.waitUntil(lambda: not file_holds(copy.path, ["Kari Nordmann"]), timeout=10_000)
    assert copy.path.name in alerts.texts()  # the backup was named before it was purged
