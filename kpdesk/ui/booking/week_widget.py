"""The week schedule widget: painted with QPainter, scrolled by QAbstractScrollArea.

Thirty rooms and over a thousand bookings a week are too many for one widget each; this is one
widget that paints what is visible (``paintEvent``) from a precomputed ``WeekLayout``, with
headers that stay in place while the body scrolls. It formats and forwards: selecting a time
span, double-clicking a booking or a header, the context menu and the keyboard all become
signals that the page acts on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QToolTip, QWidget

from kpdesk.ui.booking import week_tooltips
from kpdesk.ui.booking.week_layout import GRID as ROOMS_BY_DAYS
from kpdesk.ui.booking.week_layout import ROWS, WeekLayout, span_text

# (border and text accent, fill) per booking kind; the legend uses the same.
KIND_COLOURS: dict[str, tuple[str, str]] = {
    "session": ("#2e7d32", "#cfe8cf"),
    "exam": ("#b23a2a", "#f6d3cb"),
    "video_lecture": ("#1f5f99", "#cde0f2"),
    "meeting": ("#6a4c9c", "#e1d8ef"),
    "other": ("#6d6658", "#e6e1d6"),
}
INK = QColor("#1b1b1b")
FAINT_INK = QColor("#8a8a8a")
GRID = QColor("#d9dce1")
DAY_LINE = QColor("#9aa1ab")
HEADER_BG = QColor("#eef0f3")
TODAY_BG = QColor("#fff4c2")
HOLIDAY_INK = QColor("#b00020")
HOLIDAY_TINT = QColor(214, 60, 60, 22)
CLOSED = QColor("#eceef1")
ROW_ALT = QColor("#f8f9fb")
SPAN = QColor(30, 100, 200, 60)
SELECTED = QColor("#111111")
GROUP_FILL = QColor("#eef0f3")
OVERRIDE = QColor("#d32f2f")


def _kind(kind: str) -> tuple[QColor, QColor]:
    border, fill = KIND_COLOURS.get(kind, KIND_COLOURS["other"])
    return QColor(border), QColor(fill)


class WeekView(QAbstractScrollArea):
    span_selected = Signal(int, object, object)
    """(room id, start, end): the user selected a free time span with the mouse."""
    booking_activated = Signal(int)
    """A booking was double-clicked (or Enter pressed on it)."""
    booking_menu = Signal(int, QPoint)
    """Context menu for a booking, at a global position."""
    cancel_requested = Signal(int)
    """Delete pressed on the selected booking."""
    day_activated = Signal(object)
    """A day header was double-clicked (a date)."""
    room_activated = Signal(int)
    """A room name was double-clicked."""
    selection_changed = Signal(object)
    """The selected booking's id, or None."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekView")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(False)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.schedule: Any = None
        self.day: dt.date | None = None
        self.layout_: WeekLayout | None = None
        self.message = ""
        self.zoom = 1.0
        self.arrangement = ROOMS_BY_DAYS  # a week of several rooms: GRID (rooms × days) or CALENDAR (days × hours)
        self.selected_id: int | None = None
        self.span: tuple[int, dt.datetime, dt.datetime] | None = None  # (lane, start, end)
        self._drag: tuple[int, dt.datetime, QPointF] | None = None  # (lane, anchor, press point)
        self._dragged = False
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._struck = QFont(self.font())
        self._struck.setStrikeOut(True)
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7.0))
        self._centred = QTextOption(Qt.AlignmentFlag.AlignHCenter)
        self._centred.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._hatch: dict[str, QBrush] = {}
        for kind, (border, _fill) in KIND_COLOURS.items():
            colour = QColor(border)
            colour.setAlpha(110)
            self._hatch[kind] = QBrush(colour, Qt.BrushStyle.BDiagPattern)

    # ------------------------------------------------------------ data

    def set_schedule(self, schedule: Any, day: dt.date | None = None) -> None:
        """Show ``schedule`` (a WeekSchedule): the week, or the day view of ``day``."""
        self.schedule, self.day = schedule, day
        self.span = None
        self.message = ""
        self.relayout()
        if self.selected_id is not None and self.box_index(self.selected_id) is None:
            self.selected_id = None
            self.selection_changed.emit(None)

    def set_arrangement(self, arrangement: str) -> None:
        """GRID or CALENDAR, for a week of several rooms (one room's week and a day are columns)."""
        if arrangement != self.arrangement:
            self.arrangement = arrangement
            self.relayout()

    def select(self, booking_id: int | None) -> None:
        """Select a booking and scroll it into view (after it was made, say)."""
        self._select(booking_id)
        if booking_id is not None:
            self.booking_point(booking_id)

    def set_message(self, text: str) -> None:
        """A line shown instead of the schedule (no rooms yet, or a load failed)."""
        self.message = text
        self.schedule, self.layout_ = None, None
        self.viewport().update()

    def relayout(self) -> None:
        if self.schedule is None or not self.schedule.rooms:
            self.layout_ = None
        else:
            size = self.viewport().size()
            self.layout_ = WeekLayout(self.schedule, size.width(), size.height(), self.fontMetrics(), day=self.day,
                                      zoom=self.zoom, places=self.tr("{n} plasser"), arrangement=self.arrangement,
                                      many=self.tr("{n} bookinger"))
        self._update_scrollbars()
        self.viewport().update()

    def _update_scrollbars(self) -> None:
        layout = self.layout_
        size = self.viewport().size()
        width = int(layout.width) if layout else 0
        height = int(layout.height) if layout else 0
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setRange(0, max(0, width - size.width()))
        h.setPageStep(max(size.width() - int(layout.gutter if layout else 0), 10))
        h.setSingleStep(20)
        v.setRange(0, max(0, height - size.height()))
        v.setPageStep(max(size.height() - int(layout.header if layout else 0), 10))
        v.setSingleStep(20)

    def content_size(self) -> tuple[int, int]:
        layout = self.layout_
        return (int(layout.width) + 1, int(layout.height) + 1) if layout else (0, 0)

    def box_index(self, booking_id: int) -> int | None:
        layout = self.layout_
        if layout is None:
            return None
        return next((i for i, b in enumerate(layout.boxes) if b.booking.id == booking_id), None)

    def booking(self, booking_id: int) -> Any:
        index = self.box_index(booking_id)
        return self.layout_.boxes[index].booking if index is not None and self.layout_ else None

    def clear_span(self) -> None:
        self.span = None
        self.viewport().update()

    # ------------------------------------------------------------ coordinates

    def _offset(self) -> QPointF:
        return QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())

    def to_content(self, pos: QPointF | QPoint) -> QPointF:
        return QPointF(pos) + self._offset()

    def to_viewport(self, point: QPointF) -> QPoint:
        return (point - self._offset()).toPoint()

    def point_for(self, room_id: int, when: dt.datetime) -> QPoint | None:
        """Viewport position of ``when`` in the room's lane, scrolled into view (tests, keyboard)."""
        layout = self.layout_
        point = layout.point_for(room_id, when) if layout else None
        if point is None:
            return None
        self._ensure_visible(QRectF(point.x() - 2, point.y() - 2, 4, 4))
        return self.to_viewport(point)

    def booking_point(self, booking_id: int) -> QPoint | None:
        """Viewport position of the middle of a booking's box, scrolled into view."""
        index = self.box_index(booking_id)
        if index is None or self.layout_ is None:
            return None
        rect = self.layout_.boxes[index].rect
        self._ensure_visible(rect)
        return self.to_viewport(rect.center())

    def header_point(self, date: dt.date) -> QPoint | None:
        layout = self.layout_
        if layout is None:
            return None
        cell = next((h for h in layout.headers if h.day == date), None)
        if cell is None:
            return None
        self._ensure_visible(QRectF(cell.rect.center().x() - 2, layout.header + 1, 4, 4))
        return QPoint(int(cell.rect.center().x() - self.horizontalScrollBar().value()), int(cell.rect.center().y()))

    def _ensure_visible(self, rect: QRectF) -> None:
        layout = self.layout_
        if layout is None:
            return
        size = self.viewport().size()
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        body_w, body_h = size.width() - layout.gutter, size.height() - layout.header
        if rect.left() - layout.gutter < h.value():
            h.setValue(int(rect.left() - layout.gutter))
        elif rect.right() - layout.gutter > h.value() + body_w:
            h.setValue(int(rect.right() - layout.gutter - body_w) + 1)
        if rect.top() - layout.header < v.value():
            v.setValue(int(rect.top() - layout.header))
        elif rect.bottom() - layout.header > v.value() + body_h:
            v.setValue(int(rect.bottom() - layout.header - body_h) + 1)

    # ------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        size = self.viewport().size()
        painter.fillRect(QRect(QPoint(0, 0), size), QColor("#ffffff"))
        layout = self.layout_
        if layout is None:
            painter.setPen(FAINT_INK)
            painter.drawText(QRect(QPoint(0, 0), size), Qt.AlignmentFlag.AlignCenter, self.message)
            return
        dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        g, h = int(layout.gutter), int(layout.header)
        w, hh = size.width(), size.height()

        painter.save()
        painter.setClipRect(QRect(g, h, w - g, hh - h))
        painter.translate(-dx, -dy)
        visible = QRectF(dx + g, dy + h, w - g, hh - h)
        self._paint_lanes(painter, layout, visible)
        self._paint_boxes(painter, layout, visible)
        if self.span is not None:
            lane, start, end = self.span
            rect = layout.span_rect(layout.lanes[lane], start, end)
            painter.fillRect(rect, SPAN)
            painter.setPen(QPen(QColor(30, 100, 200), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.drawText(rect.adjusted(3, 1, -2, -1), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             span_text(start, end))
        painter.restore()

        painter.save()
        painter.setClipRect(QRect(g, 0, w - g, h))
        painter.translate(-dx, 0)
        self._paint_header(painter, layout)
        painter.restore()

        painter.save()
        painter.setClipRect(QRect(0, h, g, hh - h))
        painter.translate(0, -dy)
        self._paint_gutter(painter, layout)
        painter.restore()

        painter.fillRect(QRect(0, 0, g, h), HEADER_BG)
        painter.setPen(GRID)
        painter.drawLine(0, h - 1, w, h - 1)
        painter.drawLine(g - 1, 0, g - 1, hh)

    def _paint_lanes(self, painter: QPainter, layout: WeekLayout, visible: QRectF) -> None:
        rows = layout.orientation == ROWS
        for lane in layout.lanes:
            rect = lane.rect
            if not rect.intersects(visible):
                continue
            if rows and lane.column % 2:
                painter.fillRect(rect, ROW_ALT)
            for closed in layout.closed_rects(lane):
                painter.fillRect(closed, CLOSED)
            if lane.day.holiday:
                painter.fillRect(rect, HOLIDAY_TINT)
        lines = []
        if rows:
            top, bottom = layout.header, layout.height
            for d in range(len(layout.days)):
                x0 = layout.gutter + d * layout.day_size
                lines += [(x0 + k * layout.hour_px, top, x0 + k * layout.hour_px, bottom)
                          for k in range(1, layout.hour_to - layout.hour_from)]
            lines += [(layout.gutter, top + r * layout.row_size, layout.width, top + r * layout.row_size)
                      for r in range(1, len(layout.rooms) + 1)]
        else:
            left, right = layout.gutter, layout.width
            lines += [(left, layout.header + k * layout.hour_px, right, layout.header + k * layout.hour_px)
                      for k in range(1, layout.hour_to - layout.hour_from)]
            lines += [(lane.rect.left(), layout.header, lane.rect.left(), layout.height) for lane in layout.lanes[1:]]
        painter.setPen(QPen(GRID, 1))
        painter.drawLines([QLineF(*line) for line in lines])
        painter.setPen(QPen(DAY_LINE, 2))
        if rows:
            painter.drawLines([QLineF(layout.gutter + d * layout.day_size, layout.header,
                                      layout.gutter + d * layout.day_size, layout.height)
                               for d in range(1, len(layout.days))])
        elif not layout.day_view:
            painter.drawLines([QLineF(lane.rect.left(), layout.header, lane.rect.left(), layout.height)
                               for lane in layout.lanes[1:]])

    def _paint_boxes(self, painter: QPainter, layout: WeekLayout, visible: QRectF) -> None:
        ascent = self.fontMetrics().ascent()
        line = layout.line_height
        rows = layout.orientation == ROWS
        selected: QRectF | None = None
        for active in (False, True):
            for box in layout.boxes:
                booking = box.booking
                if booking.active != active:
                    continue
                group = layout.groups[box.group] if box.group is not None else None
                if group is not None and group.boxed:
                    if booking.id == self.selected_id:
                        selected = group.rect
                    continue
                rect = box.rect
                if not rect.intersects(visible) and (box.buffer is None or not box.buffer.intersects(visible)) \
                        and (box.text_rect is None or not box.text_rect.intersects(visible)):
                    continue
                border, fill = _kind(booking.kind)
                if box.buffer is not None:
                    painter.fillRect(box.buffer, QColor("#ffffff"))
                    painter.fillRect(box.buffer, self._hatch.get(booking.kind, self._hatch["other"]))
                    painter.setPen(QPen(border, 1, Qt.PenStyle.DotLine))
                    painter.drawRect(box.buffer.adjusted(0, 0, -1, -1))
                if group is not None:  # a bar under its group's label: solid when thin, else as a box
                    if rect.height() <= 8 or not active:
                        painter.fillRect(rect, border if active else FAINT_INK)
                    else:
                        painter.fillRect(rect, fill)
                        painter.setPen(QPen(border, 1))
                        painter.drawRect(rect.adjusted(0, 0, -1, -1))
                        painter.fillRect(QRectF(rect.x(), rect.y(), min(3.0, rect.width()), rect.height()), border)
                    if booking.id == self.selected_id:
                        selected = group.rect.united(rect)
                    continue
                if active:
                    painter.fillRect(rect, fill)
                    painter.setPen(QPen(border, 1))
                else:
                    painter.fillRect(rect, QColor("#f7f7f7"))
                    painter.setPen(QPen(FAINT_INK, 1, Qt.PenStyle.DashLine))
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
                if active:  # the kind's edge; dotted when the booking prints as «Opptatt» (not public)
                    edge = border if booking.public else QBrush(border, Qt.BrushStyle.Dense4Pattern)
                    painter.fillRect(QRectF(rect.x(), rect.y(), 3, rect.height()) if rows else
                                     QRectF(rect.x(), rect.y(), rect.width(), 3), edge)
                if booking.override_reason:
                    self._paint_override(painter, rect)
                if booking.id == self.selected_id:
                    selected = rect
        # labels last: a row's label may run on past its box into free time
        for active in (False, True):
            for box in layout.boxes:
                if box.booking.active != active or not box.lines or box.group is not None \
                        or box.text_rect is None or not box.text_rect.intersects(visible):
                    continue
                painter.setFont(self.font() if active else self._struck)
                painter.setPen(INK if active else FAINT_INK)
                self._paint_lines(painter, box.text_rect, box.lines, ascent, line)
        painter.setFont(self.font())
        for group in layout.groups:
            if not group.rect.intersects(visible):
                continue
            if group.boxed:
                painter.fillRect(group.rect, GROUP_FILL)
                painter.setPen(QPen(DAY_LINE, 1))
                painter.drawRect(group.rect.adjusted(0, 0, -1, -1))
            painter.setPen(INK)
            text_rect = group.rect.adjusted(5, 1, -2, 0)
            self._paint_lines(painter, text_rect, group.lines, ascent, line)
        if selected is not None:
            painter.setPen(QPen(SELECTED, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(selected.adjusted(1, 1, -1, -1))

    @staticmethod
    def _paint_lines(painter: QPainter, rect: QRectF, lines: list[str], ascent: int, line: int) -> None:
        """Lines of text from the top of ``rect``, as many as its height shows (a last one may be clipped)."""
        painter.save()
        painter.setClipRect(rect, Qt.ClipOperation.IntersectClip)
        y = rect.y() + ascent
        for text in lines:
            if y - ascent > rect.bottom():
                break
            painter.drawText(QPointF(rect.x(), y), text)
            y += line
        painter.restore()

    def _paint_override(self, painter: QPainter, rect: QRectF) -> None:
        size = 11.0
        if rect.width() < size + 4 or rect.height() < size:
            return
        mark = QRectF(rect.right() - size - 2, rect.top() + 2, size, size)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(OVERRIDE)
        painter.drawEllipse(mark)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(self._bold)
        painter.drawText(mark, Qt.AlignmentFlag.AlignCenter, "!")
        painter.restore()

    def _paint_header(self, painter: QPainter, layout: WeekLayout) -> None:
        painter.fillRect(QRectF(layout.gutter, 0, layout.width, layout.header), HEADER_BG)
        line = layout.line_height
        for cell in layout.headers:
            rect = cell.rect
            if cell.today:
                painter.fillRect(rect, TODAY_BG)
            painter.setPen(GRID)
            painter.drawLine(QPointF(rect.right(), 0), QPointF(rect.right(), layout.header))
            text_rect = rect.adjusted(4, 3, -4, 0)
            painter.setFont(self._bold)
            painter.setPen(INK)
            metrics = painter.fontMetrics()
            if layout.day_view:  # a room: its name on up to two lines, then its capacity
                name_rect = QRectF(text_rect.x(), text_rect.y(), text_rect.width(), 2 * line)
                painter.save()
                painter.setClipRect(name_rect, Qt.ClipOperation.IntersectClip)
                painter.drawText(name_rect, cell.lines[0], self._centred)
                painter.restore()
                rows = 1 if metrics.horizontalAdvance(cell.lines[0]) <= text_rect.width() else 2
                second, second_top = cell.lines[1], text_rect.y() + rows * line
            else:  # a day: its name, and a holiday's under it
                painter.drawText(QRectF(text_rect.x(), text_rect.y(), text_rect.width(), line),
                                 Qt.AlignmentFlag.AlignHCenter,
                                 metrics.elidedText(cell.lines[0], Qt.TextElideMode.ElideRight,
                                                    int(text_rect.width())))
                second, second_top = cell.holiday, text_rect.y() + line
            if second:
                painter.setFont(self._small if cell.holiday and not layout.day_view else self.font())
                painter.setPen(HOLIDAY_INK if cell.holiday and not layout.day_view else FAINT_INK)
                painter.drawText(QRectF(text_rect.x(), second_top, text_rect.width(), line),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                                 painter.fontMetrics().elidedText(second, Qt.TextElideMode.ElideRight,
                                                                  int(text_rect.width())))
            painter.setFont(self.font())
        if layout.orientation == ROWS:
            painter.setFont(self._small)
            painter.setPen(FAINT_INK)
            top = layout.header - layout.tick_height
            for tick in layout.ticks:
                painter.drawLine(QPointF(tick.pos, layout.header - 4), QPointF(tick.pos, layout.header))
                painter.drawText(QRectF(tick.pos + 2, top, 40, layout.tick_height),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, tick.label)
            painter.setFont(self.font())

    def _paint_gutter(self, painter: QPainter, layout: WeekLayout) -> None:
        painter.fillRect(QRectF(0, layout.header, layout.gutter, layout.height - layout.header), HEADER_BG)
        if layout.orientation == ROWS:
            line = layout.line_height
            for cell in layout.gutter_cells:
                rect = cell.rect.adjusted(6, 2, -4, -2)
                painter.setPen(GRID)
                painter.drawLine(QPointF(0, cell.rect.bottom()), QPointF(layout.gutter, cell.rect.bottom()))
                painter.setPen(INK)
                painter.setFont(self._bold)
                painter.drawText(QRectF(rect.x(), rect.y(), rect.width(), line), Qt.AlignmentFlag.AlignLeft,
                                 painter.fontMetrics().elidedText(cell.lines[0], Qt.TextElideMode.ElideMiddle,
                                                                  int(rect.width())))
                painter.setFont(self.font())
                if rect.height() >= 2 * line:
                    painter.setPen(FAINT_INK)
                    painter.drawText(QRectF(rect.x(), rect.y() + line, rect.width(), line),
                                     Qt.AlignmentFlag.AlignLeft, cell.lines[1])
            return
        painter.setPen(FAINT_INK)
        for tick in layout.ticks:
            painter.drawText(QRectF(0, tick.pos - 1, layout.gutter - 6, layout.line_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, tick.label)

    # ------------------------------------------------------------ mouse

    def _select(self, booking_id: int | None) -> None:
        if booking_id != self.selected_id:
            self.selected_id = booking_id
            self.selection_changed.emit(booking_id)
            self.viewport().update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        layout = self.layout_
        if layout is None or event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return super().mousePressEvent(event)
        point = self.to_content(event.position())
        if event.position().x() < layout.gutter or event.position().y() < layout.header:
            return
        index = layout.box_at(point)
        if index is not None:
            self._select(layout.boxes[index].booking.id)
            return
        self._select(None)
        if layout.group_at(point) is not None:
            return  # a shared label: its tooltip lists them, a double click opens the day
        lane = layout.lane_at(point)
        if lane is not None and event.button() == Qt.MouseButton.LeftButton:
            anchor = layout.time_at(lane, point)
            self._drag, self._dragged = (lane.index, anchor, QPointF(event.position())), False
            self.span = None
            self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        layout = self.layout_
        if self._drag is None or layout is None:
            return super().mouseMoveEvent(event)
        lane_index, anchor, pressed = self._drag
        if (QPointF(event.position()) - pressed).manhattanLength() >= 4:
            self._dragged = True
        if not self._dragged:
            return
        lane = layout.lanes[lane_index]
        point = self.to_content(event.position())
        here = layout.time_at(lane, point, up=True)
        quarter = dt.timedelta(minutes=15)
        if here > anchor:
            self.span = (lane_index, anchor, here)
        else:
            self.span = (lane_index, layout.time_at(lane, point), anchor + quarter)
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            return super().mouseReleaseEvent(event)
        self.mouseMoveEvent(event)
        self._drag = None
        if self._dragged and self.span is not None and self.layout_ is not None:
            lane, start, end = self.span
            room = self.layout_.lanes[lane].room
            self.span_selected.emit(room.id if room is not None else 0, start, end)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        layout = self.layout_
        if layout is None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        offset = self._offset()
        if pos.y() < layout.header and pos.x() >= layout.gutter:
            cell = layout.header_at(pos.x() + offset.x())
            if cell is not None:
                if layout.day_view and cell.room_id is not None:
                    self.room_activated.emit(cell.room_id)
                elif cell.day is not None:
                    self.day_activated.emit(cell.day)
            return
        if pos.x() < layout.gutter and pos.y() >= layout.header:
            cell = layout.gutter_at(pos.y() + offset.y())
            if cell is not None and cell.room_id is not None:
                self.room_activated.emit(cell.room_id)
            return
        point = self.to_content(pos)
        index = layout.box_at(point)
        self._drag = None
        if index is not None:
            booking = layout.boxes[index].booking
            self._select(booking.id)
            self.booking_activated.emit(booking.id)
            return
        group = layout.group_at(point)
        if group is not None:
            lane_ = layout.lanes[layout.groups[group].lane]
            if layout.day_view:
                self.booking_activated.emit(layout.groups[group].bookings[0].id)
            else:
                self.day_activated.emit(lane_.day.date)
            return
        lane = layout.lane_at(point)
        if lane is not None:  # a double click on free time: an hour from there
            start = layout.time_at(lane, point)
            start = start.replace(minute=start.minute - start.minute % 30)
            end = start + dt.timedelta(hours=1)
            self.span = (lane.index, start, end)
            self.viewport().update()
            self.span_selected.emit(lane.room.id if lane.room is not None else 0, start, end)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        layout = self.layout_
        if layout is None:
            return
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            if self.selected_id is not None:
                point = self.booking_point(self.selected_id)
                self.booking_menu.emit(self.selected_id, self.viewport().mapToGlobal(point or QPoint(0, 0)))
            return
        index = layout.box_at(self.to_content(event.pos()))
        if index is not None:
            booking_id = layout.boxes[index].booking.id
            self._select(booking_id)
            self.booking_menu.emit(booking_id, event.globalPos())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self.zoom * (1.25 if event.angleDelta().y() > 0 else 0.8))
            return
        super().wheelEvent(event)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, 1.0), 4.0)
        self.relayout()

    # ------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        layout = self.layout_
        key = event.key()
        if layout is not None and key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Down, Qt.Key.Key_Up) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier and layout.order:
            forward = key in (Qt.Key.Key_Right, Qt.Key.Key_Down)
            current = self.box_index(self.selected_id) if self.selected_id is not None else None
            if current is None:
                position = 0 if forward else len(layout.order) - 1
            else:
                position = layout.order.index(current) + (1 if forward else -1)
                position = min(max(position, 0), len(layout.order) - 1)
            box = layout.boxes[layout.order[position]]
            self._select(box.booking.id)
            self._ensure_visible(box.rect)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_id is not None:
            self.booking_activated.emit(self.selected_id)
            return
        if key == Qt.Key.Key_Delete and self.selected_id is not None:
            self.cancel_requested.emit(self.selected_id)
            return
        if key == Qt.Key.Key_Escape and (self.span is not None or self.selected_id is not None):
            self.span = None
            self._select(None)
            self.viewport().update()
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_zoom(self.zoom * 1.25)
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and key == Qt.Key.Key_Minus:
            self.set_zoom(self.zoom * 0.8)
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ tooltips, resizing

    def viewportEvent(self, event: QEvent) -> bool:
        # PySide6 hands a tooltip event over as the QHelpEvent it is
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip and self.layout_ is not None:
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip (rich text) at a viewport position: a booking, a day or a room."""
        layout = self.layout_
        if layout is None:
            return ""
        offset = self._offset()
        if pos.y() < layout.header and pos.x() >= layout.gutter:
            cell = layout.header_at(pos.x() + offset.x())
            if cell is None:
                return ""
            if layout.day_view and cell.room_id is not None:
                return self._room_tooltip(cell.room_id)
            return week_tooltips.day_tooltip(cell.lines[0], cell.holiday)
        if pos.x() < layout.gutter and pos.y() >= layout.header:
            cell = layout.gutter_at(pos.y() + offset.y())
            return self._room_tooltip(cell.room_id) if cell and cell.room_id is not None else ""
        point = self.to_content(pos)
        index = layout.box_at(point)
        if index is not None:
            return self.booking_tooltip(layout.boxes[index].booking)
        group = layout.group_at(point)
        return week_tooltips.group_tooltip(layout.groups[group].bookings) if group is not None else ""

    def _room_tooltip(self, room_id: int) -> str:
        room = next((r for r in self.schedule.rooms if r.id == room_id), None)
        return week_tooltips.room_tooltip(room) if room is not None else ""

    def booking_tooltip(self, booking: Any) -> str:
        return week_tooltips.booking_tooltip(booking)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.relayout()
