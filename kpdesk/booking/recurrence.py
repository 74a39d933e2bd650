"""Recurring bookings as RFC 5545 RRULE text, expanded by python-dateutil.

The rule is expanded from a naive local start, so a series at 09:00 stays at 09:00 on the wall
clock when summer time begins or ends; only the iCalendar export attaches Europe/Oslo.

Rules are stored in one normal form (``parse_rule``): upper case, FREQ first, no "RRULE:" prefix,
and UNTIL as a local moment ``yyyymmddThhmmss``. A bare date ``UNTIL=20270615`` means "to and
including 15 June" (``T235959``): dateutil would otherwise read it as midnight and drop a 09:00
occurrence on the 15th. A UTC ``…Z`` UNTIL (from calendar programs) is turned into Oslo time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from dateutil.rrule import rrule, rrulestr

from kpdesk.booking.times import OSLO, weekday_name
from kpdesk.common.fields import FieldError
from kpdesk.common.norsk import format_date

MAX_OCCURRENCES = 500
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_PARTS = ("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYSETPOS", "WKST",
          "COUNT", "UNTIL")
_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_FREQ_WORDS = {"DAILY": ("dag", "dag"), "WEEKLY": ("uke", "uke"), "MONTHLY": ("måned", "måned"),
               "YEARLY": ("år", "år")}


def _fail(rule: str, why: str) -> FieldError:
    return FieldError(f"Gjentakelsen «{rule}» {why}")


def split_rule(rule: str) -> dict[str, str]:
    """'FREQ=WEEKLY;BYDAY=TU' -> {'FREQ': 'WEEKLY', 'BYDAY': 'TU'} (already normal rules only)."""
    return dict(part.split("=", 1) for part in rule.split(";") if part)


def join_rule(parts: dict[str, str]) -> str:
    ordered = sorted(parts, key=lambda name: _PARTS.index(name) if name in _PARTS else len(_PARTS))
    return ";".join(f"{name}={parts[name]}" for name in ordered)


def _until_local(value: str, rule: str) -> str:
    match = _UNTIL.match(value)
    if match is None:
        raise _fail(rule, f"har en UNTIL som ikke er en dato: «{value}» (skriv UNTIL=ååååmmdd, for eksempel "
                          f"UNTIL=20270615)")
    day, clock, utc = match.groups()
    try:
        moment = dt.datetime.strptime(day + (clock or "235959"), "%Y%m%d%H%M%S")
    except ValueError:
        raise _fail(rule, f"har en UNTIL-dato som ikke finnes: «{value}»") from None
    if utc:
        moment = moment.replace(tzinfo=dt.UTC).astimezone(OSLO).replace(tzinfo=None)
    return moment.strftime("%Y%m%dT%H%M%S")


def _positive(name: str, value: str, rule: str) -> str:
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise _fail(rule, f"har {name}={value}; {name} skal være et helt tall fra 1 og oppover")
    return str(int(value))


def normal_rule(text: str) -> str:
    """The rule in kpdesk's normal form, checked part by part; raises FieldError.

    Does not check that the rule ends or what it gives from a start: see ``parse_rule``.
    """
    shown = " ".join((text or "").split())
    cleaned = shown.upper().removeprefix("RRULE:").strip().strip(";")
    if not cleaned:
        raise FieldError("Gjentakelsen mangler")
    if "\n" in (text or "").strip() or ":" in cleaned:
        raise _fail(shown, "kan ikke leses: skriv bare selve regelen, for eksempel FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615")
    parts: dict[str, str] = {}
    for piece in cleaned.split(";"):
        name, equals, value = piece.strip().partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name or not value:
            raise _fail(shown, f"kan ikke leses: «{piece.strip()}» er ikke NAVN=verdi")
        if name in _TIME_PARTS:
            raise _fail(shown, f"har {name}; klokkeslettet tas fra starttidspunktet, så {name} skal ikke være med")
        if name not in _PARTS:
            raise _fail(shown, f"kan ikke leses: «{name}» er ikke en del av en RRULE (kjente deler: "
                               f"{', '.join(_PARTS)})")
        if name in parts:
            raise _fail(shown, f"har {name} to ganger")
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise _fail(shown, "mangler FREQ (for eksempel FREQ=WEEKLY)")
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise _fail(shown, "gjentar oftere enn én gang om dagen; bruk FREQ=DAILY, WEEKLY, MONTHLY eller YEARLY")
    if freq not in FREQUENCIES:
        raise _fail(shown, f"har ukjent FREQ={freq}; bruk DAILY, WEEKLY, MONTHLY eller YEARLY")
    if "UNTIL" in parts and "COUNT" in parts:
        raise _fail(shown, "har både UNTIL og COUNT; bruk bare én av dem")
    if "UNTIL" not in parts and "COUNT" not in parts:
        raise _fail(shown, "slutter aldri: legg til UNTIL=ååååmmdd (til og med en dato) eller COUNT=n "
                           "(antall ganger)")
    for name in ("INTERVAL", "COUNT"):
        if name in parts:
            parts[name] = _positive(name, parts[name], shown)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_local(parts["UNTIL"], shown)
    if "BYDAY" in parts:
        for day in parts["BYDAY"].split(","):
            if not _BYDAY.match(day.strip()):
                raise _fail(shown, f"har en ukjent dag i BYDAY: «{day}» (bruk {', '.join(DAY_CODES)})")
        parts["BYDAY"] = ",".join(d.strip() for d in parts["BYDAY"].split(","))
    if parts.get("INTERVAL") == "1":
        del parts["INTERVAL"]
    return join_rule(parts)


def _rrule(rule: str, first_start: dt.datetime) -> rrule:
    try:
        return rrulestr(rule, dtstart=first_start)  # type: ignore[return-value]
    except (ValueError, TypeError) as exc:
        raise _fail(rule, f"kan ikke leses ({exc})") from None


@lru_cache(maxsize=256)
def _expanded(rule: str, first_start: dt.datetime, limit: int) -> tuple[dt.datetime, ...]:
    """The expansion, remembered: a booking is checked, planned and saved from the same rule."""
    return tuple(itertools.islice(_rrule(rule, first_start), limit + 1))


def occurrences(rule: str, first_start: dt.datetime, limit: int = MAX_OCCURRENCES) -> list[dt.datetime]:
    """Every start the rule gives from ``first_start`` (naive, local); FieldError past ``limit``."""
    found = list(_expanded(rule, first_start, limit))
    if len(found) > limit:
        raise _fail(rule, f"gir mer enn {limit} datoer; kort den ned med UNTIL eller COUNT")
    return found


def parse_rule(text: str, first_start: dt.datetime) -> str:
    """A rule typed by a person or read from a file, checked against the booking's start.

    Refused: a rule that does not parse, never ends, gives no dates, gives more than
    ``MAX_OCCURRENCES``, or does not give the start itself as its first date (RFC 5545 leaves
    such a set undefined, and a series that silently began on another day would surprise).
    """
    rule = normal_rule(text)
    found = occurrences(rule, first_start)
    if not found:
        until = split_rule(rule).get("UNTIL")
        why = (f"slutter {format_date(dt.datetime.strptime(until, '%Y%m%dT%H%M%S').date())}, før start"
               if until and dt.datetime.strptime(until, "%Y%m%dT%H%M%S") < first_start else "gir ingen datoer")
        raise _fail(rule, f"{why} {format_date(first_start.date())}")
    if found[0] != first_start:
        raise _fail(rule, f"passer ikke med starten {format_date(first_start.date())} ({weekday_name(first_start)}): "
                          f"første dato regelen gir er {format_date(found[0].date())} ({weekday_name(found[0])}). "
                          f"Velg en start som er en av datoene")
    return rule


# ---------------------------------------------------------------- building and changing rules

def build_rule(*, weekdays: Sequence[int] = (), interval: int = 1, until: dt.date | None = None,
               count: int | None = None, freq: str = "WEEKLY") -> str:
    """A rule from a booking dialog: weekly on ``weekdays`` (0 = Monday), every ``interval`` weeks,
    to and including ``until`` or ``count`` times. Check it with ``parse_rule`` like any other."""
    parts = {"FREQ": freq}
    if interval > 1:
        parts["INTERVAL"] = str(interval)
    if count is not None:
        parts["COUNT"] = str(count)
    if until is not None:
        parts["UNTIL"] = f"{until:%Y%m%d}T235959"
    if weekdays:
        parts["BYDAY"] = ",".join(DAY_CODES[d] for d in sorted(set(weekdays)))
    return join_rule(parts)


def until_of(rule: str) -> dt.datetime | None:
    value = split_rule(rule).get("UNTIL")
    return dt.datetime.strptime(value, "%Y%m%dT%H%M%S") if value else None


def ending_at(rule: str, last: dt.datetime) -> str:
    """The same rule ending with the occurrence ``last`` (UNTIL set to it, COUNT removed)."""
    parts = split_rule(rule)
    parts.pop("COUNT", None)
    parts["UNTIL"] = last.strftime("%Y%m%dT%H%M%S")
    return join_rule(parts)


def moved_rule(rule: str, old_start: dt.datetime, new_start: dt.datetime, remaining: int | None = None) -> str:
    """The rule for a series that now begins at ``new_start`` instead of ``old_start``.

    A weekly rule on the start's own weekday follows the start to its new weekday; a COUNT rule
    keeps ``remaining`` occurrences; an UNTIL at the old time of day moves with the time.
    """
    parts = split_rule(rule)
    if parts.get("BYDAY") == DAY_CODES[old_start.weekday()]:
        parts["BYDAY"] = DAY_CODES[new_start.weekday()]
    if "COUNT" in parts and remaining is not None:
        parts["COUNT"] = str(max(1, remaining))
    until = until_of(rule)
    if until is not None and until.time() == old_start.time() and new_start.time() > until.time():
        parts["UNTIL"] = dt.datetime.combine(until.date(), new_start.time()).strftime("%Y%m%dT%H%M%S")
    return join_rule(parts)


# ---------------------------------------------------------------- saying it

_DAY_WORDS: dict[str, str] = dict(zip(DAY_CODES, ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag",
                                                  "søndag"), strict=True))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


def describe(rule: str) -> str:
    """'hver uke på tirsdag, til og med 15.06.2027', 'hver 2. uke på mandag og onsdag, 10 ganger'."""
    parts = split_rule(rule)
    freq = parts.get("FREQ", "")
    if freq not in _FREQ_WORDS:
        return rule
    interval = int(parts.get("INTERVAL", "1"))
    unit = _FREQ_WORDS[freq][0]
    text = f"hver {unit}" if interval == 1 else f"hver {interval}. {unit}"
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    if days and all(d in _DAY_WORDS for d in days):
        text += " på " + _and([_DAY_WORDS[d] for d in days])
    elif days:
        text += f" ({parts['BYDAY']})"
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        text += ", én gang" if count == 1 else f", {count} ganger"
    until = until_of(rule)
    if until is not None:
        text += f", til og med {format_date(until.date())}"
    return text


def iter_rule(rule: str, first_start: dt.datetime) -> Iterator[dt.datetime]:
    """The rule's starts, lazily, with no cap (for callers that stop early themselves)."""
    return iter(_rrule(rule, first_start))
