"""The tooltips of the week schedule: a booking's details, a room, a day (rich text)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QCoreApplication

from kpdesk.common.norsk import format_date
from kpdesk.ui.booking.week_layout import span_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("WeekView", text)


def _line(text: str) -> str:
    return html.escape(text)


def booking_tooltip(b: Any) -> str:
    """Title, kind and room, when, whether it is on the printed schedules, arrival time, people, offer,
    series, state and override reason."""
    lines = [f"<b>{_line(b.title)}</b>", _line(f"{b.kind_label} · {b.room_name}"),
             _line(f"{format_date(b.starts_at.date())} kl. {span_text(b.starts_at, b.ends_at)}")]
    if not b.public:
        lines.append("<i>" + _line(_tr("Ikke på oppslag: utskrevne planer og dørskilt viser bare «Opptatt»")) + "</i>")
    if b.arrival_buffer_minutes:
        lines.append(_line(_tr("Oppmøte fra kl. {time} ({minutes} min før start)").format(
            time=b.blocked_from.strftime("%H.%M"), minutes=b.arrival_buffer_minutes)))
    who = []
    if b.organiser:
        who.append(_tr("Arrangør: {name}").format(name=b.organiser))
    if b.attendees:
        who.append(_tr("{n} deltakere").format(n=b.attendees))
    if b.invigilators:
        who.append(_tr("{n} eksamensvakter").format(n=b.invigilators))
    if who:
        lines.append(_line(" · ".join(who)))
    if b.offer_ref:
        lines.append(_line(_tr("Kurstilbud: {ref}").format(ref=b.offer_ref)))
    if b.series_id is not None:
        lines.append(_line(_tr("Del av en serie") + (_tr(" (endret enkeltvis)") if b.is_exception else "")))
    if b.state in ("cancelled", "skipped"):
        word = _tr("Avlyst") if b.state == "cancelled" else _tr("Hoppet over")
        lines.append("<i>" + _line(word + (f": {b.state_reason}" if b.state_reason else "")) + "</i>")
    if b.override_reason:
        lines.append("<span style='color:#b00020'>" + _line(
            _tr("Booket tross konflikt: {reason}").format(reason=b.override_reason)) + "</span>")
    return "<br>".join(lines)


def group_tooltip(bookings: list[Any], limit: int = 12) -> str:
    """Bookings that share one label («3 bookinger»): each on its line, time, title and room."""
    lines = [f"<b>{_line(_tr('{n} bookinger').format(n=len(bookings)))}</b>"]
    for b in bookings[:limit]:
        text = f"{span_text(b.starts_at, b.ends_at)}  {b.title} · {b.room_name}"
        if b.state in ("cancelled", "skipped"):
            text += " (" + (_tr("avlyst") if b.state == "cancelled" else _tr("hoppet over")) + ")"
        lines.append(_line(text))
    if len(bookings) > limit:
        lines.append(_line(_tr("… og {n} til").format(n=len(bookings) - limit)))
    lines.append("<i>" + _line(_tr("Dobbeltklikk for dagsvisning")) + "</i>")
    return "<br>".join(lines)


def room_tooltip(room: Any) -> str:
    lines = [f"<b>{_line(room.name)}</b>",
             _line(_tr("{n} plasser, åpent kl. {opens}–{closes}").format(
                 n=room.capacity, opens=room.opens_at.strftime("%H.%M"), closes=room.closes_at.strftime("%H.%M")))]
    if room.equipment:
        lines.append(_line(", ".join(room.equipment)))
    lines.append("<i>" + _line(_tr("Dobbeltklikk for rommets uke")) + "</i>")
    return "<br>".join(lines)


def day_tooltip(title: str, holiday: str) -> str:
    text = f"<b>{_line(title)}</b>"
    if holiday:
        text += "<br>" + _line(_tr("Helligdag: {name}").format(name=holiday))
    return text + "<br><i>" + _line(_tr("Dobbeltklikk for dagsvisning")) + "</i>"
