"""Printed schedules of the meeting place: the week (all rooms, one site or one room) and a door sign.

Both are public paper: they hang in a hallway. A booking the coordinator has not marked «vis på
oppslag» (``WeekBooking.public``; meetings and "annet" by default) prints only as «Opptatt» with
the time the room is taken, never its title or organiser: a meeting's title often names an
employer that has not agreed to be named. Busy times that touch or overlap are printed as one,
so the paper does not count the meetings either. The coordinator's week view on screen shows
everything.

- Week schedule, A4 landscape: for all rooms, a table per site (``Room.site``; one table when
  the centre has one site) with the days Monday–Friday (the weekend on demand) as columns and
  the rooms as rows, each cell listing the times and titles; for one room, the days as rows with
  each booking's time, title, kind and attendees. Holidays are named in the day's heading and
  shaded.
- Door sign, A4 portrait, readable from a distance: the room's name, the date and the day's
  times in large type (shrunk to fit one page when the day is full), and nothing a person in
  the hallway does not need: no week number, kind, attendees or the centre's address. On a
  holiday without bookings it says «Stengt – helligdag» and names the holiday.

Cancelled public bookings are shown as "AVLYST" (people coming for them should know); a
cancelled booking that is not public is left out (nobody needs to know about it), and so are
occurrences skipped because of a holiday (the holiday is named instead). Reasons for cancelling
and organisers are never printed: both are free text and may hold personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Paragraph, Table

from kpdesk.booking.holidays import in_words
from kpdesk.booking.week import WeekBooking, WeekDay, WeekRoom, WeekSchedule
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, format_time, plural, sort_key
from kpdesk.reports import style
from kpdesk.reports.facts import load_letterhead
from kpdesk.reports.style import Letterhead, ReportInfo

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
CANCELLED = "AVLYST"
BUSY = "Opptatt"
CLOSED = "Stengt – helligdag"
NO_SITE = "Uten sted"
WEEK_SIZE, WEEK_PADDING = 9, 3  # the week grid's type: large enough for a wall, small enough for a full week
DOOR_SIGN_LARGE = 6  # lines printed one under the other in large type; more: a compact list


def long_date(day: dt.date) -> str:
    """'19. mai 2027'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def time_span(start: dt.datetime, end: dt.datetime, day: dt.date | None = None) -> str:
    """'09.00–11.30'; a span over midnight shows where it starts or ends on another day."""
    first = format_time(start) if day is None or start.date() == day else "før"
    last = format_time(end) if day is None or end.date() == day else "etter"
    if first == "før" and last == "etter":
        return "hele dagen"
    return f"{first}–{last}"


# ---------------------------------------------------------------- what may be printed

@dataclass(frozen=True, slots=True)
class Line:
    """One line of a printed schedule: a public booking, or a time the room is taken («Opptatt»)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    booking: WeekBooking | None = None  # None: «Opptatt», nothing more to say

    @property
    def cancelled(self) -> bool:
        return self.booking is not None and self.booking.state == "cancelled"

    def span(self, day: dt.date | None = None) -> str:
        return time_span(self.starts_at, self.ends_at, day)

    def title(self) -> str:
        return self.booking.title if self.booking is not None else BUSY

    def arrival(self, day: dt.date) -> str:
        """'08.30' when candidates arrive before an exam that starts on ``day``; else ""."""
        b = self.booking
        if b is None or not b.arrival_buffer_minutes or b.starts_at.date() != day:
            return ""
        return format_time(b.blocked_from)


def busy_spans(bookings: Iterable[WeekBooking]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The times taken by active bookings (their arrival time included), touching ones joined."""
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted((b.blocked_from, b.ends_at) for b in bookings if b.active):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def printed_lines(bookings: Sequence[WeekBooking]) -> list[Line]:
    """What a public schedule may say about these bookings (of one room), in time order.

    Public bookings by title (cancelled ones too, to be marked «AVLYST»); the rest only as the
    times they take the room. Skipped occurrences are left out.
    """
    public = [Line(b.starts_at, b.ends_at, b) for b in bookings if b.public and b.state != "skipped"]
    busy = [Line(start, end) for start, end in busy_spans(b for b in bookings if not b.public)]
    return sorted(public + busy, key=lambda line: (line.starts_at, line.booking is None))


def site_groups(rooms: Sequence[WeekRoom]) -> list[tuple[str, list[WeekRoom]]]:
    """(site, rooms) in Norwegian order, rooms without a site last as «Uten sted»; one group
    named "" when no room has a site."""
    groups: dict[str, list[WeekRoom]] = {}
    for room in rooms:
        groups.setdefault(room.site, []).append(room)
    if set(groups) == {""}:
        return [("", list(rooms))]
    named = sorted((site for site in groups if site), key=sort_key)
    result = [(site, groups[site]) for site in named]
    if "" in groups:
        result.append((NO_SITE, groups[""]))
    return result


# ---------------------------------------------------------------- week schedule

@dataclass(frozen=True)
class WeekScheduleData:
    letterhead: Letterhead
    schedule: WeekSchedule
    room: WeekRoom | None  # one room, or None for all rooms (of ``site``)
    site: str | None = None  # the rooms of one site, as stored, or None for every site


def load_week(session: Any, week: str | tuple[int, int], room: str | None = None,
              include_weekend: bool = False, site: str | None = None) -> WeekScheduleData:
    """The week ('2027-W20' or (2027, 20)) for all rooms, the rooms at ``site`` or the room named."""
    from kpdesk.booking.rooms import room_id_for_name, site_for_name
    from kpdesk.booking.week import parse_week, week_schedule

    if room and site:
        raise UserError("Velg enten ett rom eller ett sted, ikke begge.")
    year, number = parse_week(week) if isinstance(week, str) else week
    room_id = room_id_for_name(session, room) if room else None
    stored_site = site_for_name(session, site) if site else None
    schedule = week_schedule(session, year, number, room_id, include_weekend, stored_site)
    if room_id is None and not schedule.rooms:
        raise UserError("Det er ingen rom ennå; legg inn rommene før du skriver ut ukeplanen.")
    return WeekScheduleData(load_letterhead(session), schedule, schedule.rooms[0] if room_id is not None else None,
                            stored_site)


def week_info(data: WeekScheduleData, printed_at: dt.datetime | None = None) -> ReportInfo:
    schedule = data.schedule
    rooms = plural(len(schedule.rooms), "rom", "rom")
    groups = site_groups(schedule.rooms)
    if data.room:
        title = f"Ukeplan {data.room.name}"
        subtitle = ", ".join([plural(data.room.capacity, "plass", "plasser"), *data.room.equipment])
        subtitle = f"Sted: {data.room.site} · {subtitle}" if data.room.site else subtitle
    elif data.site:  # no preposition: it is «i Mosjøen» but «på Fauske»
        title = f"Ukeplan {data.site}"
        subtitle = f"Sted: {data.site} · {rooms}"
    else:
        title = "Ukeplan for rommene"
        subtitle = f"Alle rom ({len(schedule.rooms)})"
        if len(groups) == 1 and groups[0][0]:
            subtitle = f"Sted: {groups[0][0]} · {rooms}"
        elif len(groups) > 1:
            subtitle += " på " + plural(len(groups), "sted", "steder")
    return ReportInfo(title=f"{title}, uke {schedule.iso_week}", subtitle=subtitle,
                      week=(schedule.iso_year, schedule.iso_week), week_dates=schedule.dates, landscape=True,
                      printed_at=style.printed_time(printed_at))


def _day_heading(day: WeekDay, width: float) -> str:
    text = f"<b>{style.text(day.weekday.capitalize())}</b><br/>{day.date:%d.%m.}"
    if day.holiday:
        holiday = style.soft_hyphens(in_words(day.holiday), style.FONT, WEEK_SIZE, width)
        text += f"<br/><font color='{style.HOLIDAY_INK.hexval()}'>{style.text(holiday)}</font>"
    return text


def _line_markup(line: Line, day: dt.date, width: float) -> str:
    """'<b>09.00–11.30</b> Title (oppmøte 08.30)', or '<b>09.00–11.30</b> Opptatt'; words wider
    than ``width`` (the column) get soft hyphens."""
    title = style.soft_hyphens(line.title(), style.FONT, WEEK_SIZE, width)
    parts = f"<b>{line.span(day)}</b> {style.text(title)}"
    if line.arrival(day):
        parts += f" (oppmøte {line.arrival(day)})"
    if line.cancelled:
        return f"<font color='{style.MUTED.hexval()}'><strike>{parts}</strike> {CANCELLED}</font>"
    return parts


def _week_styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    """(cell, heading) of the week grid: large enough to read on a wall, small enough for a full week."""
    s = style.styles()
    cell = ParagraphStyle("week_cell", parent=s.cell, fontSize=WEEK_SIZE, leading=11, spaceAfter=2)
    head = ParagraphStyle("week_head", parent=s.cell, fontSize=WEEK_SIZE, leading=11)
    return cell, head


def _rooms_table(schedule: WeekSchedule, rooms: Sequence[WeekRoom], site: str = "") -> Table:
    """The days as columns, ``rooms`` as rows; holidays shaded. The header row, repeated on every
    page the table runs to, names the site."""
    cell, head = _week_styles()
    days = schedule.days
    first = 0.13
    widths = [first, *([(1 - first) / len(days)] * len(days))]
    total = style.content_width(True)
    text_room = total * widths[1] - 2 * WEEK_PADDING - 0.5  # for the text of a day's cell
    corner = "<b>Rom</b>" + (f"<br/>{style.text(site)}" if site else "")
    rows: list[list[Any]] = [[Paragraph(corner, head), *(Paragraph(_day_heading(d, text_room), head) for d in days)]]
    for room in rooms:
        row: list[Any] = [Paragraph(f"<b>{style.text(room.name)}</b><br/>"
                                    f"{style.text(plural(room.capacity, 'plass', 'plasser'))}", head)]
        for day in days:
            lines = printed_lines(schedule.on(day.date, room.id))
            row.append([Paragraph(_line_markup(line, day.date, text_room), cell) for line in lines] or "")
        rows.append(row)
    table = Table(rows, colWidths=[total * w for w in widths], repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), style.HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, style.ACCENT),
        ("GRID", (0, 1), (-1, -1), 0.25, style.RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), WEEK_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), WEEK_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for column, day in enumerate(days, start=1):
        if day.holiday:
            commands.append(("BACKGROUND", (column, 1), (column, -1), style.HOLIDAY_FILL))
    table.setStyle(style.table_style(commands))
    return table


def _all_rooms_story(data: WeekScheduleData) -> list[Flowable]:
    """One table per site under the site's name, each site from a new page, so the pages of one
    site can go up on its own notice board (one table, unnamed, when there is only one site)."""
    groups = site_groups(data.schedule.rooms)
    if len(groups) == 1:
        return [_rooms_table(data.schedule, groups[0][1])]
    flow: list[Flowable] = []
    for site, rooms in groups:
        if flow:
            flow.append(PageBreak())
        flow.append(style.heading(f"{site} ({plural(len(rooms), 'rom', 'rom')})", 2))
        flow.append(_rooms_table(data.schedule, rooms, site))
    return flow


def _one_room_story(data: WeekScheduleData, room: WeekRoom) -> list[Flowable]:
    """The days as rows: time, what (title or «Opptatt»), kind and attendees of public bookings."""
    rows: list[list[Any]] = []
    extra: list[tuple[Any, ...]] = []
    for day in data.schedule.days:
        lines = printed_lines(data.schedule.on(day.date, room.id))
        label = f"{day.weekday} {format_date(day.date)}"
        first_row = len(rows) + 1
        if day.holiday:
            rows.append([label, "", f"Helligdag: {in_words(day.holiday)}", "", ""])
        elif not lines:
            rows.append([label, "", "Ingen bookinger", "", ""])
        for line in lines:
            b = line.booking
            title = line.title() + (f" ({CANCELLED})" if line.cancelled else "")
            kind = "" if b is None else b.kind_label + (f", oppmøte {line.arrival(day.date)}"
                                                        if line.arrival(day.date) else "")
            attendees = str(b.attendees) if b is not None and b.attendees else ""
            rows.append([label if len(rows) + 1 == first_row else "", line.span(day.date), title, kind, attendees])
        if day.holiday:
            extra.append(("BACKGROUND", (0, first_row), (-1, len(rows)), style.HOLIDAY_FILL))
        extra.append(("LINEABOVE", (0, first_row), (-1, first_row), 0.8, style.INK))
    return [style.data_table(["Dag", "Tid", "Hva", "Type", "Deltakere"], rows, [0.17, 0.1, 0.45, 0.18, 0.1],
                             is_landscape=True, right=(4,), bold_first=True, zebra=False, extra_style=extra)]


def _notes(data: WeekScheduleData) -> list[Flowable]:
    """What the shading and marks mean, when the page has them."""
    schedule = data.schedule
    notes = []
    if any(d.holiday for d in schedule.days):
        notes.append("Helligdager er skyggelagt.")
    if any(b.state == "cancelled" and b.public for b in schedule.bookings):
        notes.append("Avlyste bookinger er merket «AVLYST».")
    if any(b.active and not b.public for b in schedule.bookings):
        notes.append("«Opptatt»: rommet er booket i dette tidsrommet.")
    return [style.para(" ".join(notes), style.styles().note)] if notes else []


def build_week(data: WeekScheduleData, printed_at: dt.datetime | None = None) -> bytes:
    """The week schedule as PDF bytes, A4 landscape (pure: no database, no Qt)."""
    story = _one_room_story(data, data.room) if data.room else _all_rooms_story(data)
    return style.build_pdf([*story, *_notes(data)], week_info(data, printed_at), data.letterhead)


# ---------------------------------------------------------------- door sign

@dataclass(frozen=True)
class DoorSignData:
    letterhead: Letterhead
    room: WeekRoom
    day: WeekDay
    bookings: tuple[WeekBooking, ...]  # the day's bookings in time order (printed by ``printed_lines``)


def load_door_sign(session: Any, room: str, day: dt.date) -> DoorSignData:
    """The room with this name and its bookings on ``day``."""
    from kpdesk.booking.rooms import room_id_for_name
    from kpdesk.booking.week import week_schedule

    room_id = room_id_for_name(session, room)
    year, week, _weekday = day.isocalendar()
    schedule = week_schedule(session, year, week, room_id, include_weekend=True)
    weekday = next(d for d in schedule.days if d.date == day)
    return DoorSignData(load_letterhead(session), schedule.rooms[0], weekday, tuple(schedule.on(day, room_id)))


def door_info(data: DoorSignData, printed_at: dt.datetime | None = None) -> ReportInfo:
    return ReportInfo(title=f"{data.room.name} – {data.day.weekday} {format_date(data.day.date)}",
                      subtitle="Dørskilt", date=data.day.date, title_block=False, furniture=False,
                      printed_at=style.printed_time(printed_at))


def door_letterhead(letterhead: Letterhead) -> Letterhead:
    """The centre's name and logo only: its address, phone and e-mail are office matters."""
    return Letterhead(name=letterhead.name, logo=letterhead.logo)


@dataclass(frozen=True)
class _DoorStyles:
    room: ParagraphStyle
    day: ParagraphStyle
    closed: ParagraphStyle
    holiday: ParagraphStyle
    when: ParagraphStyle
    what: ParagraphStyle
    more: ParagraphStyle
    free: ParagraphStyle


def _door_styles(compact: bool) -> _DoorStyles:
    """Large type for a few lines, one under the other; smaller for a full day in two columns."""
    s = style.styles()
    size = 15 if compact else 22
    what = ParagraphStyle("door_what", parent=s.body, fontSize=size - 2, leading=(size - 2) * 1.22, spaceAfter=0)
    return _DoorStyles(
        room=ParagraphStyle("door_room", parent=s.title, fontSize=46, leading=52, spaceAfter=6),
        day=ParagraphStyle("door_day", parent=s.body, fontSize=22, leading=27, spaceAfter=16),
        closed=ParagraphStyle("door_closed", parent=s.body, fontName=style.FONT_BOLD, fontSize=30, leading=36,
                              textColor=style.HOLIDAY_INK, spaceAfter=4),
        holiday=ParagraphStyle("door_holiday", parent=s.body, fontName=style.FONT_BOLD, fontSize=20, leading=25,
                               textColor=style.HOLIDAY_INK, spaceAfter=10),
        when=ParagraphStyle("door_when", parent=s.body, fontName=style.FONT_BOLD, fontSize=size, leading=size * 1.2,
                            spaceAfter=0),
        what=what,
        more=ParagraphStyle("door_more", parent=s.body, fontSize=12 if compact else 14,
                            leading=15 if compact else 18, spaceAfter=0),
        free=ParagraphStyle("door_free", parent=what, fontSize=20, leading=25),
    )


def _door_heading(data: DoorSignData, lines: Sequence[Line], st: _DoorStyles) -> list[Flowable]:
    """The room, the day, and the holiday: «Stengt – helligdag» when nothing is booked."""
    flow: list[Flowable] = [
        Paragraph(style.text(data.room.name), st.room),
        Paragraph(style.text(f"{data.day.weekday.capitalize()} {long_date(data.day.date)}"), st.day),
    ]
    holiday = data.day.holiday
    if holiday and not any(not line.cancelled for line in lines):
        flow += [Paragraph(style.text(CLOSED), st.closed), Paragraph(style.text(in_words(holiday)), st.holiday)]
    elif holiday:
        flow.append(Paragraph(style.text(f"Helligdag: {in_words(holiday)}"), st.holiday))
    return flow


def _door_row(line: Line, date: dt.date, st: _DoorStyles, compact: bool) -> list[Any]:
    title = style.text(line.title())
    if line.cancelled:
        title = f"<strike>{title}</strike> <font color='{style.HOLIDAY_INK.hexval()}'>{CANCELLED}</font>"
    when = Paragraph(f"{'' if compact else 'Kl. '}{line.span(date)}", st.when)
    text: list[Flowable] = [Paragraph(title, st.what)]
    if line.arrival(date):  # a full day leaves out nothing else, but never the arrival time
        text.append(Paragraph(f"Oppmøte fra kl. {line.arrival(date)}", st.more))
    return [when, text] if compact else [[when, *text]]


def _door_table(lines: Sequence[Line], date: dt.date, st: _DoorStyles, compact: bool) -> Table:
    width = style.content_width(False)
    table = Table([_door_row(line, date, st, compact) for line in lines],
                  colWidths=[width * 0.27, width * 0.73] if compact else [width], hAlign="LEFT")
    table.setStyle(style.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, style.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 4 if compact else 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5 if compact else 9),
    ]))
    return table


def _door_story(data: DoorSignData) -> list[Flowable]:
    lines = printed_lines(data.bookings)
    compact = len(lines) > DOOR_SIGN_LARGE
    st = _door_styles(compact)
    flow = _door_heading(data, lines, st)
    body: list[Flowable] = []
    if lines:
        body.append(_door_table(lines, data.day.date, st, compact))
    elif not data.day.holiday:
        body.append(Paragraph("Rommet er ledig hele dagen.", st.free))
    width, height = style.content_width(False), style.content_height(False)
    used = sum(f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flow)
    flow.append(KeepInFrame(width, height - used - 8 * mm, body, mode="shrink"))  # the frame's padding and a margin
    return flow


def build_door_sign(data: DoorSignData, printed_at: dt.datetime | None = None) -> bytes:
    """The door sign as PDF bytes, one A4 page (pure: no database, no Qt)."""
    return style.build_pdf(_door_story(data), door_info(data, printed_at), door_letterhead(data.letterhead))
