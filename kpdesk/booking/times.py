"""Wall-clock times of the meeting place: parsing what people type, and saying spans in bokmål.

Bookings are stored as naive local times in Europe/Oslo (a lecture at 09:00 is at 09:00 on the
wall clock, summer or winter). Only the iCalendar export attaches the zone (``OSLO``).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from kpdesk.common.fields import FieldError
from kpdesk.common.norsk import format_date, parse_clock, parse_date

OSLO = ZoneInfo("Europe/Oslo")
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
# How the database stores DateTime in SQLite (SQLAlchemy's format); raw SQL compares these strings.
DB_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

_CLOCK_SHAPE = re.compile(r"^(?:kl\.?\s*)?[0-9]{1,2}(?:[:.,][0-9]{2}(?::[0-9]{2})?)?$|^[0-9]{3,4}$", re.IGNORECASE)
# A date (any form ``norsk.parse_date`` reads; it has a separator) and a time, apart by T or spaces.
_DATE_TIME = re.compile(r"^(?P<date>[0-9]{1,4}[./-][0-9./-]*?)(?:(?:T|\s+)(?:kl\.?\s*)?(?P<time>[0-9][0-9:.,]*))?$",
                        re.IGNORECASE)


def clean(text: str | None) -> str:
    return (text or "").replace("\u00a0", " ").strip()


def parse_time(text: str, label: str = "Klokkeslettet") -> dt.time:
    """'09:00', '9.30', 'kl. 9', '13', '1030' -> a time of day (``norsk.parse_clock``); raises FieldError."""
    cleaned = clean(text)
    if not cleaned:
        raise FieldError(f"{label} mangler")
    try:
        return parse_clock(cleaned)
    except ValueError as exc:
        raise FieldError(f"{label} {exc}") from None


def parse_datetime(text: str, label: str = "Tidspunktet") -> dt.datetime:
    """'12.05.2027 09:00', '12.5.27 kl. 9.00', '12.05.2027 1000' or ISO '2027-05-12T09:00' -> a naive local
    datetime; the date and the time are read as the date and time fields read them."""
    cleaned = clean(text)
    if not cleaned:
        raise FieldError(f"{label} mangler")
    match = _DATE_TIME.match(cleaned)
    if match is None:
        raise FieldError(f"{label} «{cleaned}» er ikke et tidspunkt (skriv for eksempel 12.05.2027 09:00 "
                         f"eller 2027-05-12T09:00)")
    if match["time"] is None:
        raise FieldError(f"{label} «{cleaned}» mangler klokkeslett (skriv for eksempel {cleaned} 09:00)")
    try:
        day_value = parse_date(match["date"])
    except ValueError as exc:
        reason = str(exc)
        said = f"datoen {reason}" if reason.startswith("«") else reason[:1].lower() + reason[1:]
        raise FieldError(f"{label} «{cleaned}»: {said}") from None
    try:
        clock = parse_clock(match["time"])
    except ValueError as exc:
        raise FieldError(f"{label} «{cleaned}»: klokkeslettet {exc}") from None
    return dt.datetime.combine(day_value, clock)


def _is_clock(text: str) -> bool:
    """Shaped like a time of day (9, 09.30, kl. 9, 1030), possible or not (25:00)."""
    return _CLOCK_SHAPE.match(text) is not None


def parse_end(text: str, start: dt.datetime | None, label: str = "Slutt") -> dt.datetime:
    """An end as a full moment, or as a bare time on the start's day ('11:00')."""
    cleaned = clean(text)
    if cleaned and start is not None and _is_clock(cleaned):
        return dt.datetime.combine(start.date(), parse_time(cleaned, label))
    return parse_datetime(cleaned, label)


# ---------------------------------------------------------------- saying it

def hm(value: dt.datetime | dt.time) -> str:
    """'09.00' (Språkrådet accepts both 09.00 and 09:00; kpdesk prints the dot)."""
    return value.strftime("%H.%M")


def format_span(start: dt.datetime, end: dt.datetime) -> str:
    """'12.05.2027 kl. 09.00–13.00'; '… kl. 22.00–24.00' to midnight; both dates across midnight."""
    if end.date() == start.date():
        return f"{format_date(start.date())} kl. {hm(start)}–{hm(end)}"
    if end == dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0)):
        return f"{format_date(start.date())} kl. {hm(start)}–24.00"
    return f"{format_date(start.date())} kl. {hm(start)} – {format_date(end.date())} kl. {hm(end)}"


def weekday_name(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def to_db(value: dt.datetime) -> str:
    """A naive datetime as the database stores it (``DB_FORMAT``), for raw SQL comparisons."""
    return value.isoformat(" ", "microseconds")


def from_db(value: str | dt.datetime) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def aware(value: dt.datetime) -> dt.datetime:
    """The wall-clock time in Oslo as an aware datetime (for iCalendar only)."""
    return value.replace(tzinfo=OSLO)
