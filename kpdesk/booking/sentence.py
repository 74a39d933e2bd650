"""A series said in one sentence, for the booking dialog while the coordinator chooses:

«Hver torsdag kl. 10.00–12.00 fra 22.04.2027 til 17.06.2027: 9 ganger, 1 hoppes over
(Kristi himmelfartsdag)».

The dates and the skipped holidays come from the same code that plans and saves the series
(``parse_rule``, ``occurrences``, ``planning.holiday_skips``), so the sentence counts what will be booked.
"""

from __future__ import annotations

import datetime as dt

from kpdesk.booking.holidays import in_short, in_words
from kpdesk.booking.planning import holiday_skips
from kpdesk.booking.recurrence import occurrences, parse_rule, rhythm
from kpdesk.booking.times import hm
from kpdesk.common.norsk import format_date, plural


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


def series_sentence(rule: str, start: dt.datetime, end: dt.datetime) -> str:
    """The series ``rule`` from ``start`` (each time to ``end``'s clock) in one sentence.

    Raises FieldError (in words, never RRULE text) when the rule does not fit the start.
    """
    rule = parse_rule(rule, start)
    starts = occurrences(rule, start)
    skipped = holiday_skips(starts)
    how = rhythm(rule) or "etter en egen regel"
    text = f"{how[:1].upper()}{how[1:]} kl. {hm(start)}–{hm(end)}"
    if len(starts) == 1:
        text += f" den {format_date(starts[0].date())}"
    else:
        text += f" fra {format_date(starts[0].date())} til {format_date(starts[-1].date())}"
    text += ": " + plural(len(starts), "gang", "ganger")
    if skipped:
        distinct = list(dict.fromkeys(skipped.values()))
        names = in_words(distinct[0]) if len(distinct) == 1 else _and([in_short(name) for name in distinct])
        text += f", {len(skipped)} hoppes over ({names})"
    return text
