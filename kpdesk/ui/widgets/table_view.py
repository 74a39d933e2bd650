"""The one look of a read-only list: whole rows selected, one at a time, columns sized to their text."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from kpdesk.ui.widgets.table_model import RowTableModel


def row_table_view(model: RowTableModel, name: str) -> QTableView:
    """A table view over ``model``, named ``name`` (tests and styles find it by that name)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setWordWrap(False)
    return view

