"""Choose rows from a long list by typing: a filter line over a read-only table (``row_table_view``),
alone in a small dialog (``PickDialog``: needs to add to a run, bookings to link) or inside another
(the offer of a course run)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.list_filter import Column
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view


class PickList(QWidget):
    """A filter line and a table; ``chosen()`` is the selected rows (one, or several with ``multi``)."""

    chosen_changed = Signal()

    def __init__(self, columns: Sequence[Column[Any]], name: str, *, multi: bool = False,
                 placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowTableModel(columns, self)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName(f"{name}Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(placeholder or self.tr("Filtrer …"))
        self.filter_edit.textChanged.connect(lambda text: self.model.set_filter(text))
        self.view = row_table_view(self.model, name)
        if multi:
            self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self.chosen_changed.emit())
        self.model.modelReset.connect(self.chosen_changed.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.model.set_rows(rows)

    def chosen(self) -> list[Any]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.row_at(row) for row in rows]

    def choose_where(self, wanted: Any) -> None:
        """Select the rows ``wanted(row)`` keeps (tests, and a dialog that opens on a choice)."""
        self.view.clearSelection()
        for number, row in enumerate(self.model.visible_rows()):
            if wanted(row):
                self.view.selectionModel().select(
                    self.model.index(number, 0),
                    self.view.selectionModel().SelectionFlag.Select | self.view.selectionModel().SelectionFlag.Rows)


class PickDialog(QDialog):
    """«Which of these?»: a sentence, a ``PickList`` and OK (enabled once something is chosen)."""

    def __init__(self, parent: QWidget | None, title: str, text: str, columns: Sequence[Column[Any]],
                 rows: Sequence[Any], name: str, ok: str, *, multi: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(640, 420)
        label = QLabel(text)
        label.setWordWrap(True)
        self.pick = PickList(columns, name, multi=multi)
        self.pick.set_rows(rows)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button.setEnabled(False)
        self.pick.chosen_changed.connect(lambda: self.ok_button.setEnabled(bool(self.pick.chosen())))
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.pick, 1)
        layout.addWidget(buttons)
        self.pick.filter_edit.setFocus()

    def ask(self) -> list[Any]:
        """The rows chosen, or [] when cancelled."""
        return self.pick.chosen() if self.exec() == QDialog.DialogCode.Accepted else []
