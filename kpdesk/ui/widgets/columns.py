"""Columns that fit: widths from the text, one column taking what is left, long text elided with a
tooltip, and a header menu to show or hide columns; widths, order and hidden columns are remembered
per list (QSettings group ``lists/<name>``).

A column's hints come from its ``Column`` (``stretch``, ``max_chars``, ``elide_middle``, ``hidden``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
)

from kpdesk.common.list_filter import Column
from kpdesk.ui.widgets.table_model import RowTableModel

DEFAULT_MAX_CHARS = 28
STRETCH_MIN_CHARS = 16
_Index = QModelIndex | QPersistentModelIndex


class ElidingDelegate(QStyledItemDelegate):
    """Cells lose the end of a long text (or its middle, for columns that ask) and show the whole
    text as a tooltip, only when something was left out."""

    def __init__(self, view: QAbstractItemView, middle: Sequence[int] = ()) -> None:
        super().__init__(view)
        self.view = view
        self.middle = set(middle)

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        super().initStyleOption(option, index)
        if index.column() in self.middle:
            option.textElideMode = Qt.TextElideMode.ElideMiddle  # pyright: ignore[reportAttributeAccessIssue]

    def is_elided(self, index: _Index) -> bool:
        """Whether the cell at ``index`` shows less than its whole text."""
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if not text:
            return False
        option = QStyleOptionViewItem()
        option.initFrom(self.view.viewport())  # pyright: ignore[reportAttributeAccessIssue]
        self.initStyleOption(option, index)
        rect = self.view.visualRect(index)
        style = self.view.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view) + 1
        room = rect.width() - 2 * margin
        return option.fontMetrics.horizontalAdvance(text) > room  # pyright: ignore[reportAttributeAccessIssue]

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
                  index: _Index) -> bool:
        if event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        if self.is_elided(index):
            QToolTip.showText(event.globalPos(), str(index.data(Qt.ItemDataRole.DisplayRole)), view.viewport())
        else:
            QToolTip.hideText()
        return True


def char_width(view: QAbstractItemView) -> float:
    """The width of an average letter of Norwegian text in the view's font (the font's own
    average is a narrow letter's in some fonts)."""
    sample = "abcdefghijklmnopqrstuvwxyzæøå ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"
    return view.fontMetrics().horizontalAdvance(sample) / len(sample)


def _split(text: Any) -> list[str]:
    return [part for part in str(text or "").split(",") if part]


class ColumnLayout(QObject):
    """Sizes, shows and remembers the columns of one list view."""

    def __init__(self, view: QTableView, columns: Sequence[Column[Any]], name: str) -> None:
        super().__init__(view)
        self.view = view
        self.columns = list(columns)
        self.name = name
        self.keys = [c.key for c in self.columns]
        self._programmatic = False
        self._sized = False
        self.stretch = next((n for n, c in enumerate(self.columns) if c.stretch), None)
        self.delegate = ElidingDelegate(view, [n for n, c in enumerate(self.columns) if c.elide_middle])
        view.setItemDelegate(self.delegate)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._save_later = QTimer(self)
        self._save_later.setSingleShot(True)
        self._save_later.setInterval(400)
        self._save_later.timeout.connect(self.save)
        header = view.horizontalHeader()
        with self._quietly():
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(self.stretch is None)
            header.setSectionsMovable(True)
            header.setMinimumSectionSize(round(char_width(view) * 3))
            header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            header.setToolTip(self.tr("Høyreklikk for å velge kolonner"))
            self._apply_visibility()
            self._apply_order()
            self.size_to([])
        # only the user's own resizing and moving is remembered
        header.customContextMenuRequested.connect(self._show_menu)
        header.sectionResized.connect(self._resized)
        header.sectionMoved.connect(lambda *_a: self._user_changed())
        view.viewport().installEventFilter(self)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Changes made here are the layout's own, not the user's: nothing is remembered for them."""
        before, self._programmatic = self._programmatic, True
        try:
            yield
        finally:
            self._programmatic = before

    # ------------------------------------------------------------ settings

    def _settings(self) -> QSettings:
        settings = QSettings()
        settings.beginGroup(f"lists/{self.name}")
        return settings

    def save(self) -> None:
        self._save_later.stop()
        header = self.view.horizontalHeader()
        settings = self._settings()
        settings.setValue("hidden", ",".join(self.hidden_keys()))
        settings.setValue("order", ",".join(self.keys[header.logicalIndex(v)] for v in range(header.count())))
        widths = [f"{key}={header.sectionSize(n)}" for n, key in enumerate(self.keys)
                  if n != self.stretch and not header.isSectionHidden(n) and header.sectionSize(n) > 0]
        settings.setValue("widths", ",".join(widths))
        settings.endGroup()

    def _remembered(self, key: str) -> Any:
        settings = self._settings()
        value = settings.value(key)
        settings.endGroup()
        return value

    def _remembered_widths(self) -> dict[str, int]:
        widths: dict[str, int] = {}
        for part in _split(self._remembered("widths")):
            key, _, number = part.partition("=")
            if number.isdigit():
                widths[key] = int(number)
        return widths

    def reset(self) -> None:
        """Back to the list's own columns and widths (the column menu's last entry)."""
        settings = QSettings()
        settings.remove(f"lists/{self.name}")
        header = self.view.horizontalHeader()
        with self._quietly():
            for logical in range(len(self.keys)):
                header.moveSection(header.visualIndex(logical), logical)
            self._apply_visibility()
            self._sized = False
            self.size_to(self._sample_rows())

    # ------------------------------------------------------------ showing and hiding

    def hidden_keys(self) -> list[str]:
        header = self.view.horizontalHeader()
        return [key for n, key in enumerate(self.keys) if header.isSectionHidden(n)]

    def visible_keys(self) -> list[str]:
        """The shown columns, in the order they are shown."""
        header = self.view.horizontalHeader()
        logical = [header.logicalIndex(v) for v in range(header.count())]
        return [self.keys[n] for n in logical if not header.isSectionHidden(n)]

    def set_hidden(self, key: str, hidden: bool) -> None:
        number = self.keys.index(key)
        if hidden and len(self.visible_keys()) <= 1:
            return  # the last column stays
        with self._quietly():
            self.view.setColumnHidden(number, hidden)
            if not hidden and self.view.columnWidth(number) < self.view.horizontalHeader().minimumSectionSize():
                self._size_column(number, self._sample_rows())
            self.fit()
        self.save()

    def _apply_visibility(self) -> None:
        remembered = self._remembered("hidden")
        hidden = set(_split(remembered)) if remembered is not None else {c.key for c in self.columns if c.hidden}
        for number, key in enumerate(self.keys):
            self.view.setColumnHidden(number, key in hidden)
        if not self.visible_keys():
            self.view.setColumnHidden(0, False)

    def _apply_order(self) -> None:
        order = [key for key in _split(self._remembered("order")) if key in self.keys]
        if not order:
            return
        header = self.view.horizontalHeader()
        with self._quietly():
            for visual, key in enumerate(order):
                header.moveSection(header.visualIndex(self.keys.index(key)), visual)

    def column_menu(self) -> QMenu:
        """The header's menu: a tick per column, and a way back to the list's own columns."""
        menu = QMenu(self.view)
        visible = self.visible_keys()
        for number, column in enumerate(self.columns):
            action = menu.addAction(column.header)
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(number))
            action.setEnabled(not (len(visible) == 1 and column.key in visible))
            action.toggled.connect(lambda checked, key=column.key: self.set_hidden(key, not checked))
        menu.addSeparator()
        menu.addAction(self.tr("Standard kolonner og bredder"), self.reset)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))
        menu.deleteLater()

    # ------------------------------------------------------------ widths

    def _sample_rows(self) -> list[Any]:
        model = self.view.model()
        return model.visible_rows()[:200] if isinstance(model, RowTableModel) else []

    def _natural_width(self, number: int, rows: Sequence[Any]) -> int:
        column = self.columns[number]
        metrics = self.view.fontMetrics()
        header = metrics.horizontalAdvance(column.header) + 22  # room for the sort arrow
        widest = max((metrics.horizontalAdvance(column.display(r)) for r in rows), default=0) + 14
        cap = round((column.max_chars or DEFAULT_MAX_CHARS) * char_width(self.view))
        return max(header, min(widest, cap))

    def _size_column(self, number: int, rows: Sequence[Any]) -> None:
        with self._quietly():
            self.view.setColumnWidth(number, self._natural_width(number, rows))

    def size_to(self, rows: Sequence[Any], again: bool = False) -> None:
        """Widths from ``rows`` (a sample of what the list shows) unless the user set them; once,
        at the first rows (an empty list sizes to the headers and waits for rows), or ``again`` for
        a small table whose rows are another record's each time."""
        if self._sized and not again:
            return
        self._sized = bool(rows)
        remembered = self._remembered_widths()
        for number, key in enumerate(self.keys):
            if key in remembered and number != self.stretch:
                with self._quietly():
                    self.view.setColumnWidth(number, remembered[key])
            else:
                self._size_column(number, rows)
        self.fit()

    def fit(self) -> None:
        """Give the stretching column the width the others leave (never less than its minimum)."""
        if self.stretch is None or self.view.isColumnHidden(self.stretch):
            return
        header = self.view.horizontalHeader()
        shown = [n for n in range(len(self.keys)) if n != self.stretch and not header.isSectionHidden(n)]
        least = round(char_width(self.view) * STRETCH_MIN_CHARS)
        room = self.view.viewport().width()
        if self.view.isVisible() and sum(header.sectionSize(n) for n in shown) + least > room:
            self._narrow(shown, room - least)  # a narrow pane: the others give way before a scrollbar
        others = sum(header.sectionSize(n) for n in shown)
        width = max(least, room - others)
        if header.sectionSize(self.stretch) != width:
            with self._quietly():
                header.resizeSection(self.stretch, width)

    def _narrow(self, shown: list[int], room: int) -> None:
        """Take the excess from the widest of ``shown`` first, none below its header's width."""
        header = self.view.horizontalHeader()
        metrics = self.view.fontMetrics()
        floor = {n: metrics.horizontalAdvance(self.columns[n].header) + 22 for n in shown}
        widths = {n: header.sectionSize(n) for n in shown}
        excess = sum(widths.values()) - room
        while excess > 0:
            widest = max(shown, key=lambda n: widths[n] - floor[n])
            give = min(excess, widths[widest] - floor[widest], max(1, excess // len(shown)))
            if give <= 0:
                break
            widths[widest] -= give
            excess -= give
        with self._quietly():
            for n, width in widths.items():
                if width != header.sectionSize(n):
                    header.resizeSection(n, width)

    def _resized(self, number: int, _old: int, _new: int) -> None:
        header = self.view.horizontalHeader()
        last = header.logicalIndex(max(v for v in range(header.count()) if not header.isSectionHidden(
            header.logicalIndex(v))))
        if self._programmatic or not self.view.isVisible() or (header.stretchLastSection() and number == last):
            return  # the layout's own change, or Qt giving the last column the room left: not the user's
        if number != self.stretch:
            QTimer.singleShot(0, self.fit)
        self._user_changed()

    def _user_changed(self) -> None:
        if not self._programmatic:
            self._save_later.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        elif event.type() == QEvent.Type.Hide and self._save_later.isActive():
            self.save()
        return False
