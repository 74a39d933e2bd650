"""The year's figures, computed from plain rows (no database): what HK-dir's grant for study
centres, the kommune and the fylke ask a centre to document. Each key is defined exactly so:

- ``needs_registered``: needs whose ``registered`` date is in the year;
- ``runs_started``: runs with status startet or gjennomført whose start date is in the year;
- ``runs_completed``: runs with status gjennomført whose end date is in the year;
- ``runs_cancelled``: runs with status avlyst whose start date is in the year;
- ``participants_started``: the sum of participants over ``runs_started``;
- ``participants_completed``: the sum of completed over ``runs_completed``;
- ``credits_passed``: the sum of studiepoeng passed over ``runs_completed``;
- ``employers_served``: distinct employers with a need linked to a run in ``runs_started``;
- ``exam_sittings``: exam bookings held in the year (starting in it, neither cancelled nor skipped);
  a separate-room candidate's booking is part of its sitting and not counted again;
- ``room_hours``: hours booked in the year over all rooms, from each booking's start to its end
  (an exam's arrival buffer is before its start, so not counted; cancelled and skipped dates not
  counted; a booking over midnight on 31.12 counts its hours in each year), one decimal.

The run figures are also given per provider, level and credit system (the run's offer's). Figures
about employers and persons (``PERSON_FIGURES``) carry who is behind them, as (kind, key) owners
with headcounts, so that printing them can pass disclosure control (``reports/suppression.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

FIGURES = ("needs_registered", "runs_started", "runs_completed", "runs_cancelled", "participants_started",
           "participants_completed", "credits_passed", "employers_served", "exam_sittings", "room_hours")
RUN_FIGURES = ("runs_started", "runs_completed", "runs_cancelled", "participants_started",
               "participants_completed", "credits_passed", "employers_served")
# figures about the employers and persons behind needs: printed only after disclosure control
PERSON_FIGURES = frozenset({"needs_registered", "participants_started", "participants_completed", "credits_passed",
                            "employers_served"})
DIMENSIONS = ("provider", "level", "credit_system")

Number = int | Decimal
OwnerKey = tuple[str, str]  # (kind, key): ("employer", "974760673"), ("person", "P0003"), ("community", "1836")


@dataclass(frozen=True, slots=True)
class NeedFact:
    registered: dt.date
    owner: OwnerKey
    headcount: int


@dataclass(frozen=True, slots=True)
class RunFact:
    ref: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    participants: int | None
    completed: int | None
    credits_passed: Decimal | None
    provider: str
    level: str
    credit_system: str
    needs: tuple[tuple[OwnerKey, int], ...] = ()  # (owner, headcount) of each need the run serves


@dataclass(frozen=True, slots=True)
class BookingFact:
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str  # active | cancelled | skipped
    kind: str
    separate_room: bool = False  # an exam candidate's own room: part of a sitting booked elsewhere


@dataclass(frozen=True)
class Figure:
    """One figure's value and, for ``PERSON_FIGURES``, the (owner, headcount) of each need behind it."""

    value: Number
    contributors: tuple[tuple[OwnerKey, int], ...] | None = None  # None: not about employers or persons


@dataclass(frozen=True)
class YearFigures:
    year: int
    figures: dict[str, Figure]
    # (dimension, value) -> the run figures of the runs with that provider, level or credit system
    parts: dict[str, dict[str, dict[str, Figure]]] = field(default_factory=dict)

    def value(self, key: str) -> Number:
        return self.figures[key].value


def in_year(day: dt.date | None, year: int) -> bool:
    return day is not None and day.year == year


def _run_figures(runs: Sequence[RunFact], year: int) -> dict[str, Figure]:
    started = [r for r in runs if r.status in ("started", "completed") and in_year(r.start_date, year)]
    completed = [r for r in runs if r.status == "completed" and in_year(r.end_date, year)]
    cancelled = [r for r in runs if r.status == "cancelled" and in_year(r.start_date, year)]
    behind_started = _needs_of(started)
    behind_completed = _needs_of(completed)
    employers = tuple(sorted({owner for owner, _ in behind_started if owner[0] == "employer"}))
    return {
        "runs_started": Figure(len(started)),
        "runs_completed": Figure(len(completed)),
        "runs_cancelled": Figure(len(cancelled)),
        "participants_started": Figure(sum(r.participants or 0 for r in started), behind_started),
        "participants_completed": Figure(sum(r.completed or 0 for r in completed), behind_completed),
        "credits_passed": Figure(sum((r.credits_passed or Decimal(0) for r in completed), Decimal(0)),
                                 behind_completed),
        "employers_served": Figure(len(employers), tuple((owner, 1) for owner in employers)),
    }


def _needs_of(runs: Iterable[RunFact]) -> tuple[tuple[OwnerKey, int], ...]:
    return tuple(need for run in runs for need in run.needs)


def room_hours(bookings: Iterable[BookingFact], year: int) -> Decimal:
    """Hours of active bookings within the year (clipped at its edges), one decimal."""
    return hours_within(bookings, dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1))


def hours_within(bookings: Iterable[BookingFact], first: dt.datetime, after: dt.datetime) -> Decimal:
    """Hours of active bookings from ``first`` up to (not including) ``after``, clipped at both, one decimal."""
    seconds = 0.0
    for b in bookings:
        if b.state != "active":
            continue
        start, end = max(b.starts_at, first), min(b.ends_at, after)
        if end > start:
            seconds += (end - start).total_seconds()
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)


def exam_sittings(bookings: Iterable[BookingFact], year: int) -> int:
    return sum(1 for b in bookings if b.kind == "exam" and b.state == "active" and not b.separate_room
               and b.starts_at.year == year)


def year_figures(year: int, needs: Sequence[NeedFact], runs: Sequence[RunFact],
                 bookings: Sequence[BookingFact]) -> YearFigures:
    """Every figure of ``FIGURES`` for the year, and the run figures per provider, level and credit system."""
    registered = [n for n in needs if in_year(n.registered, year)]
    figures = {
        "needs_registered": Figure(len(registered), tuple((n.owner, n.headcount) for n in registered)),
        **_run_figures(runs, year),
        "exam_sittings": Figure(exam_sittings(bookings, year)),
        "room_hours": Figure(room_hours(bookings, year)),
    }
    parts: dict[str, dict[str, dict[str, Figure]]] = {}
    for dimension in DIMENSIONS:
        groups: dict[str, list[RunFact]] = {}
        for run in runs:
            groups.setdefault(getattr(run, dimension), []).append(run)
        by_value = {value: _run_figures(group, year) for value, group in sorted(groups.items())}
        parts[dimension] = {value: f for value, f in by_value.items()
                            if any(f[k].value for k in ("runs_started", "runs_completed", "runs_cancelled"))}
    return YearFigures(year, {key: figures[key] for key in FIGURES}, parts)
