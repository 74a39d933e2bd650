"""Synonymliste: add and delete synonyms (undoable); a term that would match everything is refused."""

from __future__ import annotations

from support import idle

from kpdesk.common.norsk import sort_key


def test_add_refuse_delete_and_undo(open_window, db_path, qtbot, alerts, monkeypatch) -> None:
    from kpdesk.ui.dialogs.thesaurus import ThesaurusDialog

    window = open_window(db_path)
    shown: list[ThesaurusDialog] = []
    monkeypatch.setattr(ThesaurusDialog, "exec", lambda self: shown.append(self) or 0)
    window.thesaurus_action.trigger()
    dialog = shown[0]
    qtbot.waitUntil(lambda: dialog.model.total_count() > 50)  # the bundled list is seeded
    before = dialog.model.total_count()
    groups = [dialog.model.index(row, 0).data() for row in range(dialog.model.rowCount())]
    assert groups == sorted(groups, key=sort_key) and groups[0] < groups[-1]  # A→Å, not Z→A

    dialog.group_box.setCurrentText("havbruk")
    dialog.term_edit.setText("merdkant")
    dialog.add_term()
    qtbot.waitUntil(lambda: dialog.model.total_count() == before + 1)

    dialog.term_edit.setText("x")  # one letter would make everything a synonym
    dialog.add_term()
    idle(qtbot)
    assert alerts.shown and alerts.shown[-1][0] == "error"
    assert dialog.model.total_count() == before + 1

    dialog.filter_edit.setText("merdkant")
    dialog.view.selectRow(0)
    dialog.delete_selected()
    qtbot.waitUntil(lambda: dialog.model.total_count() == before)
    window.context.undo_stack.undo()
    qtbot.waitUntil(lambda: dialog.model.total_count() == before + 1)
