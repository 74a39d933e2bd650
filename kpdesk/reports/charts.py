"""The two charts printed reports draw, with ReportLab's graphics (vector, searchable text, no images).

- ``topic_bars``: demand by topic as horizontal bars split into parts (the handout: "har tilbud"
  and "må bestilles"), each bar labelled with its total at its end;
- ``seat_bars``: for each offer, the persons who are in (split into parts, for example "valgt" and
  "foreslått") against the provider's minimum class (a red line) and largest class (a dashed line),
  labelled "12 av minst 15" so the chart reads without colour too. The class sizes set the scale,
  so a bar far beyond them is drawn to the edge and broken (two white slashes), with its figure.

Charts only draw figures the caller may print: the handout passes figures that passed disclosure
control (``kpdesk.reports.suppression``), and says so under the chart. Both return a ``Drawing``,
which is a flowable; labels longer than their column are shortened with "…".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from kpdesk.common.norsk import group_thousands
from kpdesk.reports import style

PART_COLOURS = (style.ACCENT, colors.HexColor("#d9822b"), colors.HexColor("#8fb3d9"))
MIN_INK, MAX_INK = style.HOLIDAY_INK, style.INK  # the class lines, drawn over the bars
LABEL_SIZE = 9.5
BAR_HEIGHT, BAR_GAP, LABEL_LEADING = 11.0, 6.0, 11.5
LABEL_SHARE = 0.4  # of the width, for the row labels
VALUE_ROOM = 92.0  # points right of the longest bar, for its value label


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[int, ...]  # in the order of the chart's part names
    seats_min: int | None = None
    seats_max: int | None = None
    text: str = ""  # the label at the bar's end, when not the figures themselves ("deres 5 + andre")

    @property
    def total(self) -> int:
        return sum(self.parts)


def topic_bars(bars: Sequence[Bar], part_names: Sequence[str], width: float) -> Drawing:
    """Horizontal bars, one per topic, split into ``part_names``; the total at each bar's end."""
    return _chart(bars, part_names, width, lambda bar: group_thousands(bar.total), seats=False)


def seat_bars(bars: Sequence[Bar], part_names: Sequence[str], width: float) -> Drawing:
    """Horizontal bars, one per offer, against its minimum (red line) and largest class (dashed)."""
    return _chart(bars, part_names, width, _seats_text, seats=True)


def _seats_text(bar: Bar) -> str:
    """'12 av minst 15', or the bar's own text."""
    if bar.text:
        return bar.text
    if bar.seats_min:
        return f"{group_thousands(bar.total)} av minst {group_thousands(bar.seats_min)}"
    return group_thousands(bar.total)


def _chart(bars: Sequence[Bar], part_names: Sequence[str], width: float, value_text: Callable[[Bar], str], *,
           seats: bool) -> Drawing:
    style.register_fonts()
    legend_height = LABEL_SIZE + 8
    label_width = width * LABEL_SHARE
    labels = [_label_lines(bar.label, label_width - 4) for bar in bars]
    rows = [max(BAR_HEIGHT, len(lines) * LABEL_LEADING) for lines in labels]
    height = legend_height + sum(row + BAR_GAP for row in rows) + 2
    drawing = Drawing(width, height, initialFontName=style.FONT)  # else the renderer sets Helvetica, unembedded
    left = label_width + 4
    scale_room = max(1.0, width - left - VALUE_ROOM)
    classes = [c for bar in bars for c in (bar.seats_min, bar.seats_max) if c]
    # the class sizes set the scale of a seat chart; a bar far beyond them is drawn broken
    largest = max(classes) * 1.3 if seats and classes else max((bar.total for bar in bars), default=1) or 1
    scale = scale_room / largest
    _legend(drawing, part_names, height - LABEL_SIZE, left, seats)
    top = height - legend_height
    for bar, lines, row in zip(bars, labels, rows, strict=True):
        y = top - (row + BAR_HEIGHT) / 2  # the bar in the middle of its row
        for number, line in enumerate(lines):
            drawing.add(String(0, top - (number + 1) * LABEL_LEADING + 2.5, line, fontName=style.FONT,
                               fontSize=LABEL_SIZE, fillColor=style.INK))
        x = left
        for index, value in enumerate(bar.parts):
            length = min(value * scale, left + scale_room - x)
            if length > 0:
                drawing.add(_box(x, y, length, BAR_HEIGHT, PART_COLOURS[index % len(PART_COLOURS)]))
                x += length
        end = x
        if bar.total > largest:  # broken bar: two white slashes near its end say "longer than drawn"
            for offset in (-14, -9):
                drawing.add(Line(x + offset, y - 1, x + offset + 4, y + BAR_HEIGHT + 1, strokeColor=colors.white,
                                 strokeWidth=2))
        if seats:
            if bar.seats_max:
                mark = left + bar.seats_max * scale
                drawing.add(Line(mark, y - 2, mark, y + BAR_HEIGHT + 2, strokeColor=MAX_INK, strokeWidth=1.2,
                                 strokeDashArray=[2, 1.5]))
                end = max(end, mark)
            if bar.seats_min:
                mark = left + bar.seats_min * scale
                drawing.add(Line(mark, y - 3, mark, y + BAR_HEIGHT + 3, strokeColor=MIN_INK, strokeWidth=2))
                end = max(end, mark)
        drawing.add(String(end + 4, y + 2, value_text(bar), fontName=style.FONT, fontSize=LABEL_SIZE,
                           fillColor=style.INK))
        top -= row + BAR_GAP
    return drawing


def _box(x: float, y: float, width: float, height: float, colour: colors.Color) -> Rect:
    """A filled rectangle without an outline."""
    box = Rect(x, y, width, height)
    box.fillColor, box.strokeColor = colour, None
    return box


def _label_lines(label: str, room: float) -> list[str]:
    """A bar's label on at most two lines, the second shortened with '…' if need be."""
    lines = style.wrap(label, style.FONT, LABEL_SIZE, room)
    if len(lines) <= 2:
        return lines
    return [lines[0], style.fit_text(" ".join(lines[1:]), style.FONT, LABEL_SIZE, room)]


def _legend(drawing: Drawing, part_names: Sequence[str], y: float, x: float, seats: bool) -> None:
    """Colour swatches with the part names, and for seat charts the two class lines."""
    for index, name in enumerate(part_names):
        drawing.add(_box(x, y, 9, 8, PART_COLOURS[index % len(PART_COLOURS)]))
        drawing.add(String(x + 12, y, name, fontName=style.FONT, fontSize=LABEL_SIZE - 1, fillColor=style.INK))
        x += 12 + pdfmetrics.stringWidth(name, style.FONT, LABEL_SIZE - 1) + 14
    if seats:
        drawing.add(Line(x + 4, y - 2, x + 4, y + 9, strokeColor=MIN_INK, strokeWidth=2))
        drawing.add(String(x + 9, y, "minste klasse", fontName=style.FONT, fontSize=LABEL_SIZE - 1,
                           fillColor=style.INK))
        x += 9 + pdfmetrics.stringWidth("minste klasse", style.FONT, LABEL_SIZE - 1) + 14
        drawing.add(Line(x + 4, y - 2, x + 4, y + 9, strokeColor=MAX_INK, strokeWidth=1.2, strokeDashArray=[2, 1.5]))
        drawing.add(String(x + 9, y, "største klasse", fontName=style.FONT, fontSize=LABEL_SIZE - 1,
                           fillColor=style.INK))


__all__ = ["Bar", "seat_bars", "topic_bars"]
