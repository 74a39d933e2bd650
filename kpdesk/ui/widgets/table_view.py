"""The one look of a read-only list beside a record: whole rows selected, one at a time, rows of
one height, columns that fit the pane (``ColumnLayout``) and follow what is shown."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView

from kpdesk.ui.widgets.columns import ColumnLayout
from kpdesk.ui.widgets.table_model import RowTableModel


def row_table_view(model: RowTableModel, name: str) -> QTableView:
    """A table view over ``model``, named ``name`` (tests and styles find it by that name; the
    columns' widths are remembered under it)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
    layout = ColumnLayout(view, model.columns, name)
    model.modelReset.connect(lambda: layout.size_to(model.visible_rows()[:200], again=True))
    view.setProperty("columnLayout", layout)
    return view


def column_layout(view: QTableView) -> ColumnLayout:
    """The layout ``row_table_view`` gave ``view``."""
    layout = view.property("columnLayout")
    assert isinstance(layout, ColumnLayout)
    return layout
