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
# (unit, «hver», «annenhver»): hver dag, hvert år, annethvert år
_FREQ_WORDS = {"DAILY": ("dag", "hver", "annenhver"), "WEEKLY": ("uke", "hver", "annenhver"),
               "MONTHLY": ("måned", "hver", "annenhver"), "YEARLY": ("år", "hvert", "annethvert")}


def _fail(rule: str, why: str) -> FieldError:
    """An error about ``rule`` that says the rule in words, never as RRULE text."""
    words = _words_or_none(rule)
    return FieldError(f"Gjentakelsen «{words}» {why}" if words else f"Gjentakelsen {why}")


def _words_or_none(rule: str) -> str | None:
    """``describe`` of a rule that may not be in normal form yet, or None when it cannot be said."""
    try:
        parts = split_rule(" ".join((rule or "").split()).upper().removeprefix("RRULE:").strip().strip(";"))
    except ValueError:
        return None
    if parts.get("FREQ") not in _FREQ_WORDS:
        return None
    try:
        return rhythm(join_rule(parts)) and describe(join_rule(parts))
    except (ValueError, KeyError):
        return None


def split_rule(rule: str) -> dict[str, str]:
    """'FREQ=WEEKLY;BYDAY=TU' -> {'FREQ': 'WEEKLY', 'BYDAY': 'TU'} (already normal rules only)."""
    return dict(part.split("=", 1) for part in rule.split(";") if part)


def join_rule(parts: dict[str, str]) -> str:
    ordered = sorted(parts, key=lambda name: _PARTS.index(name) if name in _PARTS else len(_PARTS))
    return ";".join(f"{name}={parts[name]}" for name in ordered)


def _until_local(value: str, rule: str) -> str:
    match = _UNTIL.match(value)
    if match is None:
        raise _fail(rule, f"har en UNTIL som ikke er en dato: «{value}» (skriv datoen som ååååmmdd, for eksempel "
                          f"20270615)")
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
        raise _fail(rule, f"har {name} «{value}»; {name} skal være et helt tall fra 1 og oppover")
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
        raise _fail(shown, "kan ikke leses: skriv bare selve regelen, uten DTSTART og «RRULE:»")
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
        raise _fail(shown, "mangler FREQ (hvor ofte: DAILY, WEEKLY, MONTHLY eller YEARLY)")
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise _fail(shown, "gjentar oftere enn én gang om dagen; velg daglig, ukentlig eller månedlig")
    if freq not in FREQUENCIES:
        raise _fail(shown, f"har en ukjent FREQ «{freq}»; bruk DAILY, WEEKLY, MONTHLY eller YEARLY")
    if "UNTIL" in parts and "COUNT" in parts:
        raise _fail(shown, "har både sluttdato (UNTIL) og antall ganger (COUNT); bruk bare én av dem")
    if "UNTIL" not in parts and "COUNT" not in parts:
        raise _fail(shown, "slutter aldri: gi en sluttdato (UNTIL) eller et antall ganger (COUNT)")
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
    try:
        return tuple(itertools.islice(_rrule(rule, first_start), limit + 1))
    except IndexError:  # dateutil, on an ordinal no month has ("9TU")
        raise _fail(rule, "har et nummer foran en dag i BYDAY som ingen måned har") from None


def occurrences(rule: str, first_start: dt.datetime, limit: int = MAX_OCCURRENCES) -> list[dt.datetime]:
    """Every start the rule gives from ``first_start`` (naive, local); FieldError past ``limit``."""
    found = list(_expanded(rule, first_start, limit))
    if len(found) > limit:
        raise _fail(rule, f"gir mer enn {limit} datoer; velg en tidligere sluttdato eller færre ganger")
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
               count: int | None = None, freq: str = "WEEKLY", nth: int | None = None,
               monthday: int | None = None) -> str:
    """A rule from a booking dialog: ``freq`` on ``weekdays`` (0 = Monday), every ``interval``
    days/weeks/months, to and including ``until`` or ``count`` times. A monthly rule is on the
    ``nth`` of its one weekday (1 to 4, or -1 for the last: «andre tirsdag») or on the ``monthday``
    («den 15.»). Check it with ``parse_rule`` like any other."""
    parts = {"FREQ": freq}
    if interval > 1:
        parts["INTERVAL"] = str(interval)
    if count is not None:
        parts["COUNT"] = str(count)
    if until is not None:
        parts["UNTIL"] = f"{until:%Y%m%d}T235959"
    if weekdays:
        prefix = str(nth) if nth is not None else ""
        parts["BYDAY"] = ",".join(prefix + DAY_CODES[d] for d in sorted(set(weekdays)))
    if monthday is not None:
        parts["BYMONTHDAY"] = str(monthday)
    return join_rule(parts)


def nth_weekday(day: dt.date) -> int:
    """Which of its weekday in the month ``day`` is: 1 to 4, or -1 when it is the last (a fifth one)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


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
_ORDINALS = {1: "første", 2: "andre", 3: "tredje", 4: "fjerde", 5: "femte", -1: "siste", -2: "nest siste"}
_WORKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


def _day_words(days: list[str]) -> str | None:
    """'MO,WE' -> 'mandag og onsdag'; '2TU' -> 'andre tirsdag'; None for what cannot be said."""
    words = []
    for day in days:
        match = _BYDAY.match(day)
        if match is None:
            return None
        number, code = match.groups()
        if number is None:
            words.append(_DAY_WORDS[code])
        elif int(number) in _ORDINALS:
            words.append(f"{_ORDINALS[int(number)]} {_DAY_WORDS[code]}")
        else:
            return None
    return _and(words)


def _until_date(value: str) -> dt.date | None:
    match = _UNTIL.match(value)
    try:
        return dt.datetime.strptime(match.group(1), "%Y%m%d").date() if match else None
    except ValueError:
        return None


def rhythm(rule: str) -> str:
    """How often, in words, without the end: 'hver tirsdag', 'annenhver uke på mandag og onsdag',
    'hver hverdag', 'andre tirsdag i måneden', 'den 15. hver måned'; '' for what cannot be said."""
    try:
        parts = split_rule(rule)
    except ValueError:
        return ""
    freq = parts.get("FREQ", "")
    if freq not in _FREQ_WORDS:
        return ""
    interval = int(parts.get("INTERVAL", "1")) if parts.get("INTERVAL", "1").isdigit() else 1
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    said = _day_words(days) if days else ""
    if said is None:
        return ""
    known = {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}
    if freq == "MONTHLY" and parts.get("BYMONTHDAY", "").isdigit() and not days:
        every = "hver måned" if interval == 1 else ("annenhver måned" if interval == 2 else f"hver {interval}. måned")
        text = f"den {int(parts['BYMONTHDAY'])}. {every}"
        known.add("BYMONTHDAY")
    elif freq in ("DAILY", "WEEKLY") and days == _WORKDAYS and interval == 1:
        text = "hver hverdag"
    elif freq == "WEEKLY" and days and interval <= 2 and all(d in _DAY_WORDS for d in days):
        text = ("hver " if interval == 1 else "annenhver ") + said
    elif freq == "MONTHLY" and days and interval == 1:
        text = f"{said} i måneden"
    else:
        unit, each, every_other = _FREQ_WORDS[freq]
        every = f"{each} {unit}" if interval == 1 else (f"{every_other} {unit}" if interval == 2
                                                       else f"{each} {interval}. {unit}")
        text = every + (f" på {said}" if said else "")
    if set(parts) - known:
        text += " (egen regel)"
    return text


def describe(rule: str) -> str:
    """'hver tirsdag, til og med 15.06.2027', 'annenhver mandag og onsdag, 10 ganger' (no RRULE text)."""
    text = rhythm(rule)
    if not text:
        return "egen regel"
    parts = split_rule(rule)
    if parts.get("COUNT", "").isdigit():
        count = int(parts["COUNT"])
        text += ", én gang" if count == 1 else f", {count} ganger"
    until = _until_date(parts.get("UNTIL", ""))
    if until is not None:
        text += f", til og med {format_date(until)}"
    return text


def iter_rule(rule: str, first_start: dt.datetime) -> Iterator[dt.datetime]:
    """The rule's starts, lazily, with no cap (for callers that stop early themselves)."""
    return iter(_rrule(rule, first_start))
