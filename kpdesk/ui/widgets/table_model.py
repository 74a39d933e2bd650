"""A read-only table model over plain row objects, sorted and filtered in Python.

The model never holds ORM rows: a page loads frozen dataclasses from a service, wraps them in a
``RowIndex`` (on the worker thread), and every keystroke or header click replaces the visible
list of row numbers in one reset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kpdesk.common.list_filter import Column, RowIndex

_Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column[Any]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._index: RowIndex[Any] = RowIndex([], self.columns)
        self._visible: list[int] = []
        self._filter_text = ""
        self._keep: Callable[[Any], bool] | None = None
        self._sort_column: int | None = None
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ------------------------------------------------------------ Qt interface

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(self._index.rows[self._visible[index.row()]])
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        self._visible = self._sorted(self._visible)
        self.layoutChanged.emit()

    # ------------------------------------------------------------ kpdesk interface

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace all rows; the current filter and sort still apply."""
        self.set_index(RowIndex(rows, self.columns))

    def set_index(self, index: RowIndex[Any]) -> None:
        """Replace all rows with a prepared index (built off the GUI thread)."""
        self.beginResetModel()  # before the swap: listeners may still read the old rows
        self._index = index
        self._visible = self._sorted(self._index.filter(self._filter_text, self._keep))
        self.endResetModel()

    def set_filter(self, text: str, keep: Callable[[Any], bool] | None = None) -> None:
        self._filter_text, self._keep = text, keep
        self._refresh()

    def sort_column(self) -> int | None:
        return self._sort_column

    def row_at(self, row: int) -> Any:
        return self._index.rows[self._visible[row]]

    def row_of(self, predicate: Callable[[Any], bool]) -> int:
        """Visible row number of the first row matching ``predicate``, or -1."""
        rows = self._index.rows
        return next((n for n, i in enumerate(self._visible) if predicate(rows[i])), -1)

    def total_count(self) -> int:
        return len(self._index)

    def visible_rows(self) -> list[Any]:
        rows = self._index.rows
        return [rows[i] for i in self._visible]

    def _sorted(self, numbers: list[int]) -> list[int]:
        if self._sort_column is None:
            return numbers
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        return self._index.sort(numbers, self._sort_column, descending)

    def _refresh(self) -> None:
        self.beginResetModel()
        self._visible = self._sorted(self._index.filter(self._filter_text, self._keep))
        self.endResetModel()
