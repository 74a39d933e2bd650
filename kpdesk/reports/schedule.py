"""Printed schedules of the meeting place: the week (all rooms or one) and a door sign for one day.

- Week schedule, A4 landscape: for all rooms, the days Monday–Friday (the weekend on demand) as
  columns and the rooms as rows, each cell listing the bookings with times and titles; for one
  room, the days as rows with each booking's time, title, kind and attendees. Holidays are named
  in the day's heading and shaded.
- Door sign, A4 portrait, readable from a distance: the room's name, the date and week, and the
  day's bookings in large type (shrunk to fit one page when the day is full).

Cancelled bookings are shown as "AVLYST" (people coming for them should know); occurrences
skipped because of a holiday are left out (the holiday is named instead). Reasons for cancelling
and organisers are not printed: both are free text and may hold personal data, and a door sign is
public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Table, TableStyle

from kpdesk.booking.week import WeekBooking, WeekDay, WeekRoom, WeekSchedule
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, format_time, plural
from kpdesk.reports import style
from kpdesk.reports.facts import load_letterhead
from kpdesk.reports.style import Letterhead, ReportInfo

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
CANCELLED = "AVLYST"
DOOR_SIGN_LARGE = 6  # bookings printed one under the other in large type; more: a compact list


def long_date(day: dt.date) -> str:
    """'19. mai 2027'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def time_span(booking: WeekBooking, day: dt.date | None = None) -> str:
    """'09.00–11.30'; a booking over midnight shows where it starts or ends on another day."""
    start = format_time(booking.starts_at) if day is None or booking.starts_at.date() == day else "før"
    end = format_time(booking.ends_at) if day is None or booking.ends_at.date() == day else "etter"
    if start == "før" and end == "etter":
        return "hele dagen"
    return f"{start}–{end}"


def shown(bookings: list[WeekBooking]) -> list[WeekBooking]:
    """Active and cancelled bookings, in time order (skipped ones are not printed)."""
    return [b for b in bookings if b.state != "skipped"]


# ---------------------------------------------------------------- week schedule

@dataclass(frozen=True)
class WeekScheduleData:
    letterhead: Letterhead
    schedule: WeekSchedule
    room: WeekRoom | None  # one room, or None for all rooms


def load_week(session: Any, week: str | tuple[int, int], room: str | None = None,
              include_weekend: bool = False) -> WeekScheduleData:
    """The week ('2027-W20' or (2027, 20)) for all rooms or the room with this name."""
    from kpdesk.booking.rooms import room_id_for_name
    from kpdesk.booking.week import parse_week, week_schedule

    year, number = parse_week(week) if isinstance(week, str) else week
    room_id = room_id_for_name(session, room) if room else None
    schedule = week_schedule(session, year, number, room_id, include_weekend)
    if room_id is None and not schedule.rooms:
        raise UserError("Det er ingen rom ennå; legg inn rommene før du skriver ut ukeplanen.")
    return WeekScheduleData(load_letterhead(session), schedule, schedule.rooms[0] if room_id is not None else None)


def week_info(data: WeekScheduleData, printed_at: dt.datetime | None = None) -> ReportInfo:
    schedule = data.schedule
    if data.room:
        title = f"Ukeplan {data.room.name}"
        subtitle = ", ".join([plural(data.room.capacity, "plass", "plasser"), *data.room.equipment])
    else:
        title = "Ukeplan for rommene"
        subtitle = f"Alle rom ({len(schedule.rooms)})"
    return ReportInfo(title=f"{title}, uke {schedule.iso_week}", subtitle=subtitle,
                      week=(schedule.iso_year, schedule.iso_week), week_dates=schedule.dates, landscape=True,
                      printed_at=style.printed_time(printed_at))


def _day_heading(day: WeekDay) -> str:
    text = f"<b>{style.text(day.weekday.capitalize())}</b><br/>{day.date:%d.%m.}"
    if day.holiday:
        text += f"<br/><font color='{style.HOLIDAY_INK.hexval()}'>{style.text(day.holiday)}</font>"
    return text


def _booking_markup(booking: WeekBooking, day: dt.date) -> str:
    parts = f"<b>{time_span(booking, day)}</b> {style.text(booking.title)}"
    if booking.arrival_buffer_minutes and booking.starts_at.date() == day:
        parts += f" (oppmøte {format_time(booking.blocked_from)})"
    if booking.state == "cancelled":
        return f"<font color='{style.MUTED.hexval()}'><strike>{parts}</strike> {CANCELLED}</font>"
    return parts


def _week_story(data: WeekScheduleData) -> list[Flowable]:
    s = style.styles()
    schedule = data.schedule
    cell = ParagraphStyle("week_cell", parent=s.cell, fontSize=8, leading=9.8, spaceAfter=2)
    head = ParagraphStyle("week_head", parent=s.cell, fontSize=8.5, leading=10.5)
    days = schedule.days
    holiday_columns = [i for i, d in enumerate(days) if d.holiday]
    if data.room is None:
        header = [Paragraph("<b>Rom</b>", head), *(Paragraph(_day_heading(d), head) for d in days)]
        rows: list[list[Any]] = [header]
        for room in schedule.rooms:
            row: list[Any] = [Paragraph(f"<b>{style.text(room.name)}</b><br/>"
                                        f"{style.text(plural(room.capacity, 'plass', 'plasser'))}", head)]
            for day in days:
                bookings = shown(schedule.on(day.date, room.id))
                row.append([Paragraph(_booking_markup(b, day.date), cell) for b in bookings] or "")
            rows.append(row)
        first = 0.13
        widths = [first, *([(1 - first) / len(days)] * len(days))]
        total = style.content_width(True)
        table = Table(rows, colWidths=[total * w for w in widths], repeatRows=1, hAlign="LEFT")
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), style.HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, style.ACCENT),
            ("GRID", (0, 1), (-1, -1), 0.25, style.RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for column in holiday_columns:
            commands.append(("BACKGROUND", (column + 1, 1), (column + 1, -1), style.HOLIDAY_FILL))
        table.setStyle(TableStyle(commands))
        flow: list[Flowable] = [table]
    else:
        rows = []
        extra: list[tuple[Any, ...]] = []
        for day in days:
            bookings = shown(schedule.on(day.date, data.room.id))
            label = f"{day.weekday} {format_date(day.date)}"
            first_row = len(rows) + 1
            if day.holiday:
                rows.append([label, "", f"Helligdag: {day.holiday}", "", ""])
            if not bookings and not day.holiday:
                rows.append([label, "", "Ingen bookinger", "", ""])
            for booking in bookings:
                title = booking.title + (f" ({CANCELLED})" if booking.state == "cancelled" else "")
                note = (f"oppmøte {format_time(booking.blocked_from)}" if booking.arrival_buffer_minutes else "")
                attendees = str(booking.attendees) if booking.attendees else ""
                rows.append([label if len(rows) + 1 == first_row else "", time_span(booking, day.date), title,
                             booking.kind_label + (f", {note}" if note else ""), attendees])
            if day.holiday:
                extra.append(("BACKGROUND", (0, first_row), (-1, len(rows)), style.HOLIDAY_FILL))
            extra.append(("LINEABOVE", (0, first_row), (-1, first_row), 0.8, style.INK))
        flow = [style.data_table(["Dag", "Tid", "Hva", "Type", "Deltakere"], rows, [0.17, 0.1, 0.45, 0.18, 0.1],
                                 is_landscape=True, right=(4,), bold_first=True, zebra=False, extra_style=extra)]
    cancelled = sum(1 for b in schedule.bookings if b.state == "cancelled")
    notes = []
    if holiday_columns:
        notes.append("Helligdager er skyggelagt.")
    if cancelled:
        notes.append("Avlyste bookinger er merket «AVLYST».")
    if notes:
        flow.append(style.para(" ".join(notes), s.note))
    return flow


def build_week(data: WeekScheduleData, printed_at: dt.datetime | None = None) -> bytes:
    """The week schedule as PDF bytes, A4 landscape (pure: no database, no Qt)."""
    return style.build_pdf(_week_story(data), week_info(data, printed_at), data.letterhead)


# ---------------------------------------------------------------- door sign

@dataclass(frozen=True)
class DoorSignData:
    letterhead: Letterhead
    room: WeekRoom
    day: WeekDay
    bookings: tuple[WeekBooking, ...]  # active and cancelled, in time order


def load_door_sign(session: Any, room: str, day: dt.date) -> DoorSignData:
    """The room with this name and its bookings on ``day``."""
    from kpdesk.booking.rooms import room_id_for_name
    from kpdesk.booking.week import week_schedule

    room_id = room_id_for_name(session, room)
    year, week, _weekday = day.isocalendar()
    schedule = week_schedule(session, year, week, room_id, include_weekend=True)
    weekday = next(d for d in schedule.days if d.date == day)
    return DoorSignData(load_letterhead(session), schedule.rooms[0], weekday,
                        tuple(shown(schedule.on(day, room_id))))


def door_info(data: DoorSignData, printed_at: dt.datetime | None = None) -> ReportInfo:
    return ReportInfo(title=f"{data.room.name} – {data.day.weekday} {format_date(data.day.date)}",
                      subtitle="Dørskilt", date=data.day.date, title_block=False,
                      printed_at=style.printed_time(printed_at))


def _door_story(data: DoorSignData) -> list[Flowable]:
    s = style.styles()
    room = ParagraphStyle("door_room", parent=s.title, fontSize=46, leading=52, spaceAfter=6)
    day = ParagraphStyle("door_day", parent=s.body, fontSize=22, leading=27, spaceAfter=2)
    week = ParagraphStyle("door_week", parent=s.body, fontSize=14, leading=18, textColor=style.MUTED,
                          spaceAfter=14)
    holiday = ParagraphStyle("door_holiday", parent=s.body, fontName=style.FONT_BOLD, fontSize=22, leading=27,
                             textColor=style.HOLIDAY_INK, spaceAfter=10)
    # A few bookings in large type, one under the other; a full day as a compact two-column list.
    compact = len(data.bookings) > DOOR_SIGN_LARGE
    size = 15 if compact else 22
    when = ParagraphStyle("door_when", parent=s.body, fontName=style.FONT_BOLD, fontSize=size, leading=size * 1.2,
                          spaceAfter=0)
    what = ParagraphStyle("door_what", parent=s.body, fontSize=size - 2, leading=(size - 2) * 1.22, spaceAfter=0)
    more = ParagraphStyle("door_more", parent=s.body, fontSize=12 if compact else 13,
                          leading=15 if compact else 17, textColor=style.MUTED, spaceAfter=0)
    date = data.day.date
    year, number, _ = date.isocalendar()
    flow: list[Flowable] = [
        Paragraph(style.text(data.room.name), room),
        Paragraph(style.text(f"{data.day.weekday.capitalize()} {long_date(date)}"), day),
        Paragraph(style.text(f"Uke {number}, {year} · {format_date(date)}"), week),
    ]
    if data.day.holiday:
        flow.append(Paragraph(style.text(f"Helligdag: {data.day.holiday}"), holiday))
    body: list[Flowable] = []
    if not data.bookings:
        free = "Ingen bookinger i dag." if data.day.holiday else "Ingen bookinger i dag. Rommet er ledig."
        body.append(Paragraph(free, ParagraphStyle("door_free", parent=what, fontSize=20, leading=25)))
    rows = []
    for booking in data.bookings:
        cancelled = booking.state == "cancelled"
        title = style.text(booking.title)
        details = [booking.kind_label]
        if booking.arrival_buffer_minutes and booking.starts_at.date() == date:
            details.append(f"oppmøte fra kl. {format_time(booking.blocked_from)}")
        if cancelled:
            title = f"<strike>{title}</strike> <font color='{style.HOLIDAY_INK.hexval()}'>{CANCELLED}</font>"
        when_text = f"{'' if compact else 'Kl. '}{time_span(booking, date)}"
        text: list[Flowable] = [Paragraph(title, what)]
        if not compact or len(details) > 1:  # a full day leaves out the kind, but never the arrival time
            text.append(Paragraph(style.text(", ".join(details).capitalize()), more))
        rows.append([Paragraph(when_text, when), text] if compact else [[Paragraph(when_text, when), *text]])
    if rows:
        width = style.content_width(False)
        table = Table(rows, colWidths=[width * 0.27, width * 0.73] if compact else [width], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, style.RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 4 if compact else 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5 if compact else 9),
        ]))
        body.append(table)
    width = style.content_width(False)
    used = sum(f.wrap(width, style.content_height(False))[1] + f.getSpaceBefore() + f.getSpaceAfter()
               for f in flow)
    room_left = style.content_height(False) - used - 8 * mm  # the frame's padding and a margin
    flow.append(KeepInFrame(width, room_left, body, mode="shrink"))
    return flow


def build_door_sign(data: DoorSignData, printed_at: dt.datetime | None = None) -> bytes:
    """The door sign as PDF bytes, one A4 page (pure: no database, no Qt)."""
    return style.build_pdf(_door_story(data), door_info(data, printed_at), data.letterhead)
