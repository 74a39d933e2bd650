"""Norwegian public holidays (helligdager and høytidsdager) from the ``holidays`` package.

Only real holidays count: a plain Sunday is not one here, whatever the installed version of
``holidays`` does by default (older versions listed every Sunday as "Søndag"). The names are
the usual bokmål ones, whatever the package calls them ("Grunnlovsdagen", not "Grunnlovsdag";
"1. mai", not the English-style "Arbeidernes dag"). Where two fall on one date the names are
joined: 17.05.2027 is "Andre pinsedag; Grunnlovsdagen" (``in_words`` says it as a sentence).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

_SUNDAY = "søndag"
# The package's names (by version) -> the names Norwegian calendars and people use.
_BOKMAL = {
    "grunnlovsdag": "Grunnlovsdagen",
    "arbeidernes dag": "1. mai",
    "offentlig høytidsdag": "1. mai",  # older versions: 1 May by its legal status
    "nyttårsdag": "Første nyttårsdag",
}


def _bokmal(name: str) -> str:
    return _BOKMAL.get(name.strip().casefold(), name.strip())


@lru_cache(maxsize=64)
def _year(year: int) -> dict[dt.date, str]:
    import holidays

    try:
        found = holidays.country_holidays("NO", years=year, language="no", include_sundays=False)
    except TypeError:  # a version without the option
        found = holidays.country_holidays("NO", years=year, language="no")
    result: dict[dt.date, str] = {}
    for day, name in found.items():
        names = [_bokmal(n) for n in str(name).split(";") if n.strip() and n.strip().casefold() != _SUNDAY]
        if names:
            result[day] = "; ".join(names)
    return result


def holiday_name(day: dt.date) -> str | None:
    """The holiday's Norwegian name ('Kristi himmelfartsdag'), or None on an ordinary day."""
    return _year(day.year).get(day)


def holidays_between(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Holidays from ``start`` to and including ``end``, by date, in date order."""
    result: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in sorted(_year(year).items()):
            if start <= day <= end:
                result[day] = name
    return result


def in_words(name: str) -> str:
    """'Andre pinsedag; Grunnlovsdagen' -> 'Andre pinsedag og grunnlovsdagen' (for printed text)."""
    parts = [part.strip() for part in name.split(";") if part.strip()]
    rest = [part[:1].lower() + part[1:] if part[:1].isalpha() else part for part in parts[1:]]
    return " og ".join([*parts[:1], *rest])


def in_short(name: str | None) -> str:
    """'Andre pinsedag; Grunnlovsdagen' -> 'Andre pinsedag / Grunnlovsdagen' (headers, and lists of
    several dates, where another «og» would run two dates together)."""
    return " / ".join(part.strip() for part in (name or "").split(";") if part.strip())


def is_workday(day: dt.date) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and holiday_name(day) is None
