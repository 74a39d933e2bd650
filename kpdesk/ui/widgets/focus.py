"""Keyboard focus: a Tab order that follows the layout, and a focus ring you can see.

The ring is one ``QFocusFrame`` that follows the focus through the window and its dialogs and draws
a 2 px accent border around the focused field, list or button. It replaces a style sheet rule
(``:focus { border: 2px … }``), which would restyle every field (a combo box loses its native
arrow) and costs a style sheet's time on the window's first paint.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFocusFrame,
    QLayout,
    QLineEdit,
    QMenu,
    QMenuBar,
    QScrollArea,
    QSplitter,
    QWidget,
)
from shiboken6 import isValid

ACCENT = QColor("#1560bd")
"""The ring's colour: a clear blue, darker than the selection's, readable on white and grey."""
RING_WIDTH = 2.0


# ------------------------------------------------------------ Tab order


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def focus_chain(item: QWidget | QLayout | None) -> list[QWidget]:
    """The widgets under ``item`` that Tab should reach, in layout order (top to bottom, left to
    right as they were added). Containers are entered; fields, lists and buttons are collected."""
    found: list[QWidget] = []

    def visit_layout(layout: QLayout) -> None:
        for number in range(layout.count()):
            entry = layout.itemAt(number)
            if entry is None:
                continue
            widget, inner = entry.widget(), entry.layout()
            if widget is not None:
                visit(widget)
            elif inner is not None:
                visit_layout(inner)

    def visit(widget: QWidget) -> None:
        if isinstance(widget, QScrollArea):
            content = widget.widget()
            if content is not None:
                visit(content)
            return
        if isinstance(widget, QSplitter):
            for number in range(widget.count()):
                part = widget.widget(number)
                if part is not None:
                    visit(part)
            return
        if isinstance(widget, (QAbstractScrollArea, QComboBox, QAbstractSpinBox, QLineEdit, QAbstractButton)):
            if isinstance(widget, QAbstractButton) and not _takes_tab(widget):
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # macOS leaves buttons out of Tab
            if _takes_tab(widget):
                found.append(widget)
            return
        layout = widget.layout()
        if layout is not None:
            visit_layout(layout)
        elif _takes_tab(widget):
            found.append(widget)

    if isinstance(item, QLayout):
        visit_layout(item)
    elif item is not None:
        visit(item)
    return found


def set_tab_order(widgets: Sequence[QWidget]) -> None:
    """Tab from each widget to the next (Shift+Tab back)."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


# ------------------------------------------------------------ the ring


class FocusRing(QFocusFrame):
    """A 2 px accent border around the widget it follows; clicks go through it."""

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(ACCENT, RING_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = RING_WIDTH / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), 3, 3)
        painter.end()


def wants_ring(widget: QWidget | None) -> bool:
    """Fields, lists and buttons get the ring; menus and pop-up lists do not."""
    if widget is None or isinstance(widget, (QMenu, QMenuBar)):
        return False
    if widget.window().windowFlags() & Qt.WindowType.Popup == Qt.WindowType.Popup:
        return False
    return isinstance(widget, (QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView, QAbstractScrollArea,
                               QAbstractButton))


class FocusRingKeeper(QObject):
    """Moves one ring to whichever widget of ``window`` (or of a dialog over it) has the focus."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.ring: FocusRing | None = None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        self._focus_changed(None, QApplication.focusWidget())

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self.ring is not None and not isValid(self.ring):
            self.ring = None  # it went with the dialog it was in
        if not wants_ring(new):
            if self.ring is not None:
                self.ring.setWidget(None)  # pyright: ignore[reportArgumentType]  # the stub wants a widget
            return
        assert new is not None
        if isinstance(new.parentWidget(), QSplitter):  # the splitter would make the ring a pane
            if self.ring is not None:
                self.ring.setWidget(None)  # pyright: ignore[reportArgumentType]
            return
        if self.ring is None:
            self.ring = FocusRing(self.window)
        self.ring.setWidget(new)

    def ringed(self) -> QWidget | None:
        """The widget the ring is around now (tests)."""
        if self.ring is None or not isValid(self.ring):
            return None
        return self.ring.widget()


def install_focus_ring(window: QWidget) -> FocusRingKeeper:
    return FocusRingKeeper(window)
