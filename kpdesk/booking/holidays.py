"""Norwegian public holidays (helligdager and høytidsdager) from the ``holidays`` package.

Only real holidays count: a plain Sunday is not one here, whatever the installed version of
``holidays`` does by default (older versions listed every Sunday as "Søndag"). Where two fall on
one date the names are joined: 17.05.2027 is "Andre pinsedag; Grunnlovsdag".
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

_SUNDAY = "søndag"


@lru_cache(maxsize=64)
def _year(year: int) -> dict[dt.date, str]:
    import holidays

    try:
        found = holidays.country_holidays("NO", years=year, language="no", include_sundays=False)
    except TypeError:  # a version without the option
        found = holidays.country_holidays("NO", years=year, language="no")
    result: dict[dt.date, str] = {}
    for day, name in found.items():
        names = [n.strip() for n in str(name).split(";") if n.strip().casefold() != _SUNDAY]
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


def is_workday(day: dt.date) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and holiday_name(day) is None
