"""Where the parts of the week schedule go: lanes, booking boxes, headers. No painting here.

A *lane* is one room on one day, or (the calendar of several rooms) one day of them all. The
user chooses between two arrangements of a week (``GRID`` and ``CALENDAR``); they are drawn as:

- ``ROWS`` (``GRID``, several rooms): one row per room, the days side by side, time running
  to the right. Thirty rooms read as thirty rows of the same height, and a free room shows as
  an empty stretch of its row.
- ``COLUMNS`` (``CALENDAR``, one room's week, or the day view of all rooms): one column per day
  or per room, time running down, the classic calendar page; in a day column of several rooms,
  bookings that overlap stand side by side.

Every booking gets a label, written across (never turned). In a row a label may run on into the
free time after its booking; bookings too short for their own label share one («3 bookinger»,
a ``Group``) with their thin bars under it. In a column, overlapping bookings beyond what the
width holds are gathered in one box the same way. The tooltip of a group lists its bookings.

Everything is in *content* coordinates (the whole schedule, as if nothing were scrolled); the
widget subtracts the scroll offsets. Sticky headers: the top header scrolls only sideways, the
left gutter only up and down.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetrics

from kpdesk.booking.holidays import in_short

ROWS, COLUMNS = "rows", "columns"
GRID, CALENDAR = "grid", "calendar"  # the week as rooms × days, or as a calendar (days × hours)
SNAP_MINUTES = 15
DEFAULT_FROM, DEFAULT_TO = 7, 22  # the hours always shown; a booking outside them widens the range
MIN_HOUR_PX_ROWS = 12.0
MAX_SIDE_BY_SIDE = 4  # a calendar day shows this many overlapping bookings across; more are gathered


holiday_text = in_short  # 'Andre pinsedag; Grunnlovsdagen' -> 'Andre pinsedag / Grunnlovsdagen'


def span_text(start: dt.datetime, end: dt.datetime) -> str:
    """'09.00–11.30' (the end on another day gets its date)."""
    if end.date() == start.date() or end == dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0)):
        last = "24.00" if end.date() != start.date() else end.strftime("%H.%M")
        return f"{start:%H.%M}–{last}"
    return f"{start:%H.%M}–{end:%d.%m} {end:%H.%M}"


def pack_labels(starts: Sequence[float], stops: Sequence[float], singles: Sequence[float],
                group: Callable[[int], float]) -> list[tuple[int, int]]:
    """Which bookings of one row band carry their own label and which share one.

    ``starts`` are the bookings' left edges in time order, ``stops`` where each one's label has
    to end (the next booking's start, or the end of the day), ``singles`` the least width each
    one's own label needs, and ``group(n)`` what a shared label of ``n`` needs («3 bookinger»).
    Returns runs ``(first, last)`` in order: a run of one is a booking with its own label; a
    longer run shares one label, as short as it can be. Plain numbers; no Qt.
    """
    runs: list[tuple[int, int]] = []
    count = len(starts)
    i = 0
    while i < count:
        if stops[i] - starts[i] >= singles[i]:
            runs.append((i, i))
            i += 1
            continue
        j = i
        while j + 1 < count and (j == i or stops[j] - starts[i] < group(j - i + 1)):
            j += 1
        end = j
        while runs and stops[end] - starts[i] < group(end - i + 1):  # cut short at the end: join the run before
            i = runs.pop()[0]
        runs.append((i, end))
        i = end + 1
    return runs


def wrap_text(text: str, width: float, lines: int, advance: Callable[[str], float],
              elide: Callable[[str, int], str]) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width``, broken between words; the last line (or
    a word wider than a line) ends in «…» only when the rest does not fit."""
    words = text.split()
    out: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if advance(candidate) <= width:
            current = candidate
            continue
        if len(out) == lines - 1:  # the last line: what is left, elided
            out.append(elide(" ".join([*([current] if current else []), *words[index:]]), int(width)))
            return out
        if current:
            out.append(current)
            current = ""
        if advance(word) <= width:
            current = word
        elif len(out) == lines - 1:
            out.append(elide(" ".join(words[index:]), int(width)))
            return out
        else:
            out.append(elide(word, int(width)))
    if current and len(out) < lines:
        out.append(current)
    return out


@dataclass(slots=True)
class Lane:
    index: int
    day: Any  # WeekDay
    room: Any  # WeekRoom, or None: a calendar day column of several rooms
    rect: QRectF
    column: int  # position across the lanes' own axis (room row, or column number)
    rooms: tuple[Any, ...] = ()  # the rooms whose bookings the lane holds


@dataclass(slots=True)
class Box:
    booking: Any  # WeekBooking
    lane: int
    rect: QRectF  # start to end
    buffer: QRectF | None  # the exam's arrival time before the start
    lines: list[str] = field(default_factory=list)  # the label, already wrapped and elided to fit
    text_rect: QRectF | None = None  # where the lines go (in a row, on into the free time after the box)
    group: int | None = None  # index into ``WeekLayout.groups`` when the booking shares a label


@dataclass(slots=True)
class Group:
    """Bookings too short or too many for labels of their own, under one «3 bookinger»."""

    lane: int
    rect: QRectF  # the label's place (ROWS), or the box drawn instead of the bookings (COLUMNS)
    bookings: list[Any]
    lines: list[str]
    boxed: bool  # COLUMNS: the bookings are not drawn, this box is; ROWS: thin bars under the label


@dataclass(slots=True)
class HeaderCell:
    rect: QRectF
    lines: tuple[str, ...]
    holiday: str = ""
    day: dt.date | None = None
    room_id: int | None = None
    today: bool = False


@dataclass(slots=True)
class Tick:
    pos: float  # along the time axis, content coordinates
    label: str


class WeekLayout:
    """Geometry of one schedule for one viewport size; rebuilt on resize, zoom or new data."""

    def __init__(self, schedule: Any, width: int, height: int, metrics: QFontMetrics, *,
                 day: dt.date | None = None, zoom: float = 1.0, today: dt.date | None = None,
                 places: str = "{n} plasser", arrangement: str = GRID,
                 many: str = "{n} bookinger") -> None:
        self.schedule = schedule
        self.days = [d for d in schedule.days if day is None or d.date == day]
        self.rooms = list(schedule.rooms)
        self.day_view = day is not None
        self.arrangement = arrangement
        self.orientation = ROWS if day is None and arrangement == GRID and len(self.rooms) > 1 else COLUMNS
        self.many = many
        self.metrics = metrics
        fh = metrics.height()
        self.line_height = fh
        self._min_column = 12.0 * metrics.averageCharWidth() + 12  # «Nettforelesn…» and «09.00–10.30»
        self._parts = self._all_parts()
        self.hour_from, self.hour_to = self._hours()
        hours = self.hour_to - self.hour_from
        today = today or dt.date.today()
        self.lanes: list[Lane] = []
        self.headers: list[HeaderCell] = []
        self.gutter_cells: list[HeaderCell] = []
        self.ticks: list[Tick] = []

        if self.orientation == ROWS:
            widest = max((metrics.horizontalAdvance(r.name) for r in self.rooms), default=80) * 1.12  # bold
            self.gutter = float(min(max(widest + 18, 110), 220))
            self.tick_height = float(fh + 6)
            self.header = float(2 * fh + 10) + self.tick_height
            fit = (width - self.gutter) / max(len(self.days) * hours, 1)
            self.hour_px = max(MIN_HOUR_PX_ROWS, fit) * zoom
            self.day_size = self.hour_px * hours
            row = (height - self.header) / max(len(self.rooms), 1)
            self.row_size = float(min(max(row, 2.4 * fh + 6), 10 * fh))
            self.width = self.gutter + self.day_size * len(self.days)
            self.height = self.header + self.row_size * len(self.rooms)
            for d_index, day_ in enumerate(self.days):
                x = self.gutter + d_index * self.day_size
                for r_index, room in enumerate(self.rooms):
                    rect = QRectF(x, self.header + r_index * self.row_size, self.day_size, self.row_size)
                    self.lanes.append(Lane(len(self.lanes), day_, room, rect, r_index, (room,)))
                self.headers.append(HeaderCell(QRectF(x, 0, self.day_size, self.header - self.tick_height),
                                               (self._day_title(day_),), holiday_text(day_.holiday), day_.date,
                                               today=day_.date == today))
                step = 1 if self.hour_px >= 30 else 2 if self.hour_px >= 15 else 3
                label_width = metrics.horizontalAdvance("00") + 4
                for hour in range(self.hour_from, self.hour_to, step):
                    pos = x + (hour - self.hour_from) * self.hour_px
                    if pos + label_width < x + self.day_size:  # never into the next day's first label
                        self.ticks.append(Tick(pos, f"{hour:02d}"))
            for r_index, room in enumerate(self.rooms):
                self.gutter_cells.append(HeaderCell(
                    QRectF(0, self.header + r_index * self.row_size, self.gutter, self.row_size),
                    (room.name, places.format(n=room.capacity)), room_id=room.id))
        else:
            self.gutter = float(metrics.horizontalAdvance("00.00") + 16)
            self.tick_height = 0.0
            self.header = float((3 if self.day_view else 2) * fh + 12)
            single = self.rooms[0] if len(self.rooms) == 1 else None
            pairs: list[tuple[Any, Any]] = [(d, r) for r in self.rooms for d in self.days] if self.day_view else \
                [(d, single) for d in self.days]
            lane_min = 13.0 * metrics.averageCharWidth() + 20
            if self.day_view:  # room names wrap in the header, but not inside a word
                words = [word for room in self.rooms for word in room.name.split()]
                lane_min = max(lane_min, max((metrics.horizontalAdvance(w) for w in words), default=0) * 1.12 + 16)
            self.row_size = float(max(lane_min, (width - self.gutter) / max(len(pairs), 1)))
            sizes = [self.row_size] * len(pairs)
            if not self.day_view and single is None:  # a day of several rooms is as wide as its overlaps need
                wanted = [min(self._overlaps(d.date), MAX_SIDE_BY_SIDE) * self._min_column + 2 for d, _r in pairs]
                sizes = [max(size, want) for size, want in zip(sizes, wanted, strict=True)]
                room = width - self.gutter
                if sum(sizes) < room:  # room to spare: share it out
                    spare = (room - sum(sizes)) / len(sizes)
                    sizes = [size + spare for size in sizes]
                elif sum(sizes) > room:  # the whole week on screen: the quiet days give way first
                    floors = [max(lane_min, want) for want in wanted]
                    spare = sum(max(size - floor, 0.0) for size, floor in zip(sizes, floors, strict=True))
                    excess = sum(sizes) - room
                    if spare >= excess:
                        sizes = [size - (size - floor) * excess / spare if size > floor else size
                                 for size, floor in zip(sizes, floors, strict=True)]
                    else:  # the busy days too, each in proportion (the rest is gathered)
                        sizes = [max(lane_min, room * size / sum(sizes)) for size in sizes]
            fit = (height - self.header) / max(hours, 1)
            self.hour_px = float(max(2.2 * fh, fit)) * zoom
            self.day_size = self.hour_px * hours
            self.width = self.gutter + sum(sizes)
            self.height = self.header + self.day_size
            x = self.gutter
            for column, (day_, room) in enumerate(pairs):
                rect = QRectF(x, self.header, sizes[column], self.day_size)
                x += sizes[column]
                self.lanes.append(Lane(len(self.lanes), day_, room, rect, column,
                                       (room,) if room is not None else tuple(self.rooms)))
                head = QRectF(rect.x(), 0, rect.width(), self.header)
                if self.day_view and room is not None:
                    self.headers.append(HeaderCell(head, (room.name, places.format(n=room.capacity)),
                                                   holiday_text(day_.holiday), day_.date, room.id))
                else:
                    self.headers.append(HeaderCell(head, (self._day_title(day_),), holiday_text(day_.holiday),
                                                   day_.date, room.id if room is not None else None,
                                                   today=day_.date == today))
            for hour in range(self.hour_from, self.hour_to + 1):
                self.ticks.append(Tick(self.header + (hour - self.hour_from) * self.hour_px, f"{hour:02d}.00"))
        self._lane_of = {(lane.day.date, room.id): lane.index for lane in self.lanes for room in lane.rooms}
        self.boxes: list[Box] = []
        self.groups: list[Group] = []
        self._place_boxes()
        if self.orientation == ROWS:
            self._label_rows()
        self.order = sorted(range(len(self.boxes)), key=lambda i: (self.boxes[i].booking.starts_at,
                                                                   self.boxes[i].lane))

    # ------------------------------------------------------------ building

    @staticmethod
    def _day_title(day: Any) -> str:
        return f"{day.weekday} {day.date:%d.%m}"

    def _all_parts(self) -> list[tuple[Any, dt.date, float, float, float]]:
        """(booking, date, blocked-from minute, start minute, end minute) for each shown day a
        booking touches (the shown days are consecutive), minutes counted from that day's midnight."""
        days = self.days
        if not days:
            return []
        base = dt.datetime.combine(days[0].date, dt.time(0))
        last = len(days) - 1
        room_ids = {room.id for room in self.rooms}
        parts = []
        for booking in self.schedule.bookings:
            if booking.room_id not in room_ids:
                continue
            blocked = (booking.blocked_from - base).total_seconds() / 60
            start = (booking.starts_at - base).total_seconds() / 60
            end = (booking.ends_at - base).total_seconds() / 60
            for index in range(max(int(blocked // 1440), 0), min(int((end - 0.001) // 1440), last) + 1):
                offset = index * 1440.0
                parts.append((booking, days[index].date, max(blocked - offset, 0.0), max(start - offset, 0.0),
                              min(end - offset, 1440.0)))
        return parts

    def _overlaps(self, date: dt.date) -> int:
        """The most bookings (in the rooms shown) that overlap at one time on ``date``."""
        events = sorted([(blocked, 1) for _b, d, blocked, _s, _e in self._parts if d == date]
                        + [(end, -1) for _b, d, _bl, _s, end in self._parts if d == date])
        most = current = 0
        for _minute, step in events:
            current += step
            most = max(most, current)
        return most

    def _hours(self) -> tuple[int, int]:
        """The rooms' opening hours (07–22 without rooms), widened to every booking shown."""
        if self.rooms:
            low = min(r.opens_at.hour * 60.0 for r in self.rooms)
            high = max(r.closes_at.hour * 60.0 + r.closes_at.minute for r in self.rooms)
        else:
            low, high = DEFAULT_FROM * 60.0, DEFAULT_TO * 60.0
        for _booking, _date, blocked, _start, end in self._parts:
            low, high = min(low, blocked), max(high, end)
        return int(low // 60), int(min(math.ceil(high / 60), 24))

    def _place_boxes(self) -> None:
        per_lane: dict[int, list[tuple[float, float, float, Any]]] = {}
        lane_of = self._lane_of
        for booking, date, blocked, start, end in self._parts:
            lane = lane_of.get((date, booking.room_id))
            if lane is not None:
                per_lane.setdefault(lane, []).append((blocked, start, end, booking))
        for lane_index, entries in per_lane.items():
            entries.sort(key=lambda e: (e[0], not e[3].active, -e[2]))
            self._place_lane(self.lanes[lane_index], entries)

    def _place_lane(self, lane: Lane, entries: list[tuple[float, float, float, Any]]) -> None:
        """Side by side where bookings overlap (an override, or a cancelled date and its replacement)."""
        cluster: list[tuple[int, tuple[float, float, float, Any]]] = []
        column_ends: list[float] = []
        cluster_end = -1.0
        for entry in entries:
            blocked, _start, end, _booking = entry
            if cluster and blocked >= cluster_end:
                self._finish_cluster(lane, cluster, len(column_ends))
                cluster, column_ends = [], []
            column = next((i for i, last in enumerate(column_ends) if last <= blocked), len(column_ends))
            if column == len(column_ends):
                column_ends.append(end)
            else:
                column_ends[column] = end
            cluster.append((column, entry))
            cluster_end = max(cluster_end, end) if len(cluster) > 1 else end
        if cluster:
            self._finish_cluster(lane, cluster, len(column_ends))

    def _finish_cluster(self, lane: Lane, cluster: list[tuple[int, tuple[float, float, float, Any]]],
                        columns: int) -> None:
        rows = self.orientation == ROWS
        across_start = lane.rect.y() if rows else lane.rect.x()
        across = (lane.rect.height() if rows else lane.rect.width()) - 2.0
        shown = columns
        if not rows and columns > 1:  # a column holds as many side by side as stay readable
            shown = min(columns, max(int(across // self._min_column), 1))
        share = across / shown
        hidden: list[tuple[float, float, Any, Box]] = []
        for column, (blocked, start, end, booking) in cluster:
            a = self._axis(lane, start)
            b = max(self._axis(lane, end), a + 3.0)
            slot = min(column, shown - 1)
            c = across_start + 1.0 + slot * share
            size = max(share - 1.0, 2.0)
            rect = QRectF(a, c, b - a, size) if rows else QRectF(c, a, size, b - a)
            buffer = None
            if blocked < start:
                z = self._axis(lane, blocked)
                buffer = QRectF(z, c, a - z, size) if rows else QRectF(c, z, size, a - z)
            box = Box(booking, lane.index, rect, buffer)
            self.boxes.append(box)
            if shown < columns and column >= shown - 1:
                hidden.append((a, b, booking, box))
            elif not rows:
                self._column_texts(box, lane)
        if hidden:
            top, bottom = min(h[0] for h in hidden), max(h[1] for h in hidden)
            c = across_start + 1.0 + (shown - 1) * share
            rect = QRectF(c, top, max(share - 1.0, 2.0), bottom - top)
            index = len(self.groups)
            for _a, _b, _booking, box in hidden:
                box.group = index
            bookings = [h[2] for h in hidden]
            self.groups.append(Group(lane.index, rect, bookings, self._group_lines(bookings, rect.width() - 8,
                                                                                   rect.height() - 3), True))

    # ------------------------------------------------------------ labels

    def _fits(self, height: float) -> int:
        """How many lines of text a box of ``height`` holds."""
        return int((height - 2) // self.line_height)

    def _elide(self, text: str, width: float) -> str:
        return self.metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))

    def _width(self, text: str) -> float:
        return float(self.metrics.horizontalAdvance(text))

    def _column_texts(self, box: Box, lane: Lane) -> None:
        """A box in a column: its title across, wrapped over the lines its height holds, then the
        time (and the room, in a day column of several rooms)."""
        booking = box.booking
        width = box.rect.width() - 8 - (13 if booking.override_reason else 0)
        fits = max(self._fits(box.rect.height()), 1)
        box.text_rect = box.rect.adjusted(5, 1, -2, 0)
        when = span_text(booking.starts_at, booking.ends_at)
        start = f"{booking.starts_at:%H.%M}"
        if fits == 1:
            both = f"{start} {booking.title}"
            box.lines = [both if self._width(both) <= width else self._elide(booking.title, width)]
            return
        extra = [when if self._width(when) <= width else start]
        if lane.room is None and len(lane.rooms) > 1:
            extra.append(self._short_room(booking.room_name))
        title_lines = max(fits - len(extra), 1)
        lines = wrap_text(booking.title, width, title_lines, self._width, self._elide)
        box.lines = lines + [self._elide(text, width) for text in extra][:fits - len(lines)]

    def _short_room(self, name: str) -> str:
        """A room's name without the site all the rooms shown share («Grupperom (Bodø)» -> «Grupperom»)."""
        sites = {room.site for room in self.rooms}
        site = next(iter(sites)) if len(sites) == 1 else ""
        return name.removesuffix(f" ({site})") if site else name

    def _group_lines(self, bookings: list[Any], width: float, height: float) -> list[str]:
        """«3 bookinger» (or «3» where that is all that fits), then their span where it fits."""
        text = self.many.format(n=len(bookings))
        if self._width(text) <= width:
            lines = [text]
        elif self._fits(height) >= 3:  # «12» over «bookinger»
            lines = wrap_text(text, width, 2, self._width, self._elide)
        else:
            lines = [str(len(bookings))]
        if self._fits(height) >= len(lines) + 1:
            start = min(b.starts_at for b in bookings)
            end = max(b.ends_at for b in bookings)
            when = span_text(start, end)
            if self._width(when) <= width:
                lines.append(when)
        return lines

    def _label_rows(self) -> None:
        """Every box in a row gets a label across: its own, running on into free time up to the next
        booking, or one shared with the short bookings beside it (see ``pack_labels``)."""
        per_lane: dict[int, list[Box]] = {}
        for box in self.boxes:
            per_lane.setdefault(box.lane, []).append(box)
        single_min = self._width("Abcd…")
        for lane_index, boxes in per_lane.items():
            lane = self.lanes[lane_index]
            boxes.sort(key=lambda bx: (bx.rect.x(), bx.rect.y()))
            bands: dict[tuple[float, float], list[Box]] = {}
            for box in boxes:
                bands.setdefault((box.rect.y(), box.rect.height()), []).append(box)
            for (top, height), band in bands.items():
                stops = []
                for box in band:
                    others = [o.rect.x() for o in boxes if o is not box and o.rect.x() > box.rect.x() + 0.5
                              and o.rect.y() < top + height and o.rect.bottom() > top]
                    stops.append(min([lane.rect.right() - 1, *others]))
                starts = [box.rect.x() for box in band]
                singles = [min(self._width(box.booking.title), single_min) + 8 for box in band]
                runs = pack_labels(starts, stops, singles,
                                   lambda n: self._width(self.many.format(n=n)) + 8)
                for first, last in runs:
                    if first == last:
                        self._row_texts(band[first], stops[first])
                    else:
                        self._row_group(lane, band[first:last + 1], stops[last])

    def _row_texts(self, box: Box, stop: float) -> None:
        booking = box.booking
        rect = box.rect
        width = stop - rect.x() - 7 - (13 if booking.override_reason and stop - rect.right() < 14 else 0)
        fits = self._fits(rect.height())
        box.text_rect = QRectF(rect.x() + 5, rect.y() + 1, max(width, 0.0), rect.height() - 1)
        if width < self._width("A…") or fits < 1:
            return  # no room at all: the tooltip tells
        when = span_text(booking.starts_at, booking.ends_at)
        start = f"{booking.starts_at:%H.%M}"
        if fits == 1:
            both = f"{start} {booking.title}"
            box.lines = [both if self._width(both) <= width else self._elide(booking.title, width)]
            return
        title_lines = fits - 1
        box.lines = wrap_text(booking.title, width, title_lines, self._width, self._elide)
        if self._width(when) <= width:
            box.lines.append(when)
        elif self._width(start) <= width:
            box.lines.append(start)

    def _row_group(self, lane: Lane, boxes: list[Box], stop: float) -> None:
        """Short bookings side by side in a row: thin bars at the foot of their band, one label above."""
        first = boxes[0].rect
        bar = max(first.height() - 2 * self.line_height - 4, min(6.0, max(first.height() / 4, 3.0)))
        index = len(self.groups)
        for box in boxes:
            box.group = index
            box.rect = QRectF(box.rect.x(), first.bottom() - bar, box.rect.width(), bar)
            if box.buffer is not None:
                box.buffer = QRectF(box.buffer.x(), first.bottom() - bar, box.buffer.width(), bar)
        rect = QRectF(first.x(), first.y(), stop - first.x(), first.height() - bar)
        bookings = [box.booking for box in boxes]
        self.groups.append(Group(lane.index, rect, bookings, self._group_lines(bookings, rect.width() - 7,
                                                                               rect.height()), False))

    # ------------------------------------------------------------ time and position

    def _axis(self, lane: Lane, minute: float) -> float:
        """Content position along the time axis of ``minute`` after midnight."""
        origin = lane.rect.x() if self.orientation == ROWS else lane.rect.y()
        minute = min(max(minute, self.hour_from * 60.0), self.hour_to * 60.0)
        return origin + (minute - self.hour_from * 60.0) * self.hour_px / 60.0

    def position(self, lane: Lane, when: dt.datetime) -> float:
        return self._axis(lane, (when - dt.datetime.combine(lane.day.date, dt.time(0))).total_seconds() / 60)

    def minute_at(self, lane: Lane, point: QPointF) -> float:
        """Minutes after midnight at ``point`` in ``lane`` (not snapped, clamped to the hours shown)."""
        origin = lane.rect.x() if self.orientation == ROWS else lane.rect.y()
        along = point.x() if self.orientation == ROWS else point.y()
        minute = self.hour_from * 60.0 + (along - origin) * 60.0 / self.hour_px
        return min(max(minute, self.hour_from * 60.0), self.hour_to * 60.0)

    def time_at(self, lane: Lane, point: QPointF, *, up: bool = False) -> dt.datetime:
        """The moment at ``point``, snapped down (or ``up``) to a quarter of an hour."""
        minute = self.minute_at(lane, point)
        snapped = (math.ceil if up else math.floor)(minute / SNAP_MINUTES) * SNAP_MINUTES
        return dt.datetime.combine(lane.day.date, dt.time(0)) + dt.timedelta(minutes=snapped)

    def span_rect(self, lane: Lane, start: dt.datetime, end: dt.datetime) -> QRectF:
        a, b = self.position(lane, start), self.position(lane, end)
        r = lane.rect
        return QRectF(a, r.y(), b - a, r.height()) if self.orientation == ROWS else QRectF(r.x(), a, r.width(), b - a)

    def closed_rects(self, lane: Lane) -> list[QRectF]:
        """The parts of the lane outside the room's opening hours."""
        r = lane.rect
        if not lane.rooms:
            return []
        opens_at = min(room.opens_at for room in lane.rooms)
        closes_at = max(room.closes_at for room in lane.rooms)
        opens = self.position(lane, dt.datetime.combine(lane.day.date, opens_at))
        closes = self.position(lane, dt.datetime.combine(lane.day.date, closes_at))
        if self.orientation == ROWS:
            parts = [QRectF(r.x(), r.y(), opens - r.x(), r.height()), QRectF(closes, r.y(), r.right() - closes,
                                                                              r.height())]
        else:
            parts = [QRectF(r.x(), r.y(), r.width(), opens - r.y()), QRectF(r.x(), closes, r.width(),
                                                                             r.bottom() - closes)]
        return [p for p in parts if p.width() > 0 and p.height() > 0]

    # ------------------------------------------------------------ hit tests (content coordinates)

    def lane_at(self, point: QPointF) -> Lane | None:
        if self.orientation == ROWS:
            if point.x() < self.gutter or point.y() < self.header:
                return None
            d = int((point.x() - self.gutter) // self.day_size)
            r = int((point.y() - self.header) // self.row_size)
            if 0 <= d < len(self.days) and 0 <= r < len(self.rooms):
                return self.lanes[d * len(self.rooms) + r]
            return None
        if point.y() < self.header or point.x() < self.gutter:
            return None
        if point.y() >= self.header + self.day_size:
            return None
        return next((lane for lane in self.lanes if lane.rect.left() <= point.x() < lane.rect.right()), None)

    def box_at(self, point: QPointF) -> int | None:
        """Index of the box (its buffer included) under ``point``; not one gathered into a box of
        its group (a column's overflow)."""
        for index in range(len(self.boxes) - 1, -1, -1):
            box = self.boxes[index]
            if box.group is not None and self.groups[box.group].boxed:
                continue
            if box.rect.contains(point) or (box.buffer is not None and box.buffer.contains(point)):
                return index
        return None

    def group_at(self, point: QPointF) -> int | None:
        """Index of the group whose label (or box) is under ``point``."""
        return next((i for i, g in enumerate(self.groups) if g.rect.contains(point)), None)

    def label_of(self, booking_id: int) -> list[str]:
        """The text shown for a booking: its own label, or its group's (tests, accessibility)."""
        box = next((b for b in self.boxes if b.booking.id == booking_id), None)
        if box is None:
            return []
        return self.groups[box.group].lines if box.group is not None else box.lines

    def header_at(self, x: float) -> HeaderCell | None:
        return next((h for h in self.headers if h.rect.left() <= x < h.rect.right()), None)

    def gutter_at(self, y: float) -> HeaderCell | None:
        return next((g for g in self.gutter_cells if g.rect.top() <= y < g.rect.bottom()), None)

    def lane_for(self, room_id: int, date: dt.date) -> Lane | None:
        index = self._lane_of.get((date, room_id))
        return None if index is None else self.lanes[index]

    def point_for(self, room_id: int, when: dt.datetime) -> QPointF | None:
        """The content point of ``when`` in the middle of the room's lane that day."""
        lane = self.lane_for(room_id, when.date())
        if lane is None:
            return None
        along = self.position(lane, when)
        centre = lane.rect.center()
        return QPointF(along, centre.y()) if self.orientation == ROWS else QPointF(centre.x(), along)
