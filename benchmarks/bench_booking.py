"""The conflict check of a year-long weekly series against the regional demo data, beside a floor.

Usage: .venv/bin/python benchmarks/bench_booking.py [--db PATH] [--repeats N]

Times ``kpdesk.booking.planning.plan_booking`` for a weekly series of 52 occurrences (validation,
RRULE expansion, room, holidays, the batched overlap query, capacity and equipment) in the
busiest room of the regional demo, and in a room and hour where nothing clashes. The floor is
raw ``sqlite3`` running the same two statements (longest booking in the room, then the overlap
query with all 52 intervals) with parameters made beforehand. Also times ``week_schedule`` for
all 30 rooms in the busiest week, beside raw ``sqlite3`` sending the same statements.

Each figure is the median of ``--repeats`` runs in this process after warm-up runs. Prints plain
lines "label  value  floor  ratio  goal"; the issue's goal is at most 50 ms for the check.
``measure(db, runs)`` gives the same as ``harness.Figure`` objects for ``run.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import regional_db
from harness import Figure

GOAL_MS = 50.0
WEEKS = 52
FIRST_DAY = dt.date(2026, 8, 18)  # a Tuesday at the start of the regional demo's autumn term


def _median_ms(fn: Callable[[], Any], repeats: int, warmup: int = 3) -> tuple[float, list[float]]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(samples), samples


def _series(room: str, start: dt.datetime) -> Any:
    from kpdesk.booking.inputs import BookingData

    return BookingData(room, "Benchmark: ukentlig forelesning", start, start + dt.timedelta(hours=2),
                       kind="video_lecture", repeat=f"FREQ=WEEKLY;COUNT={WEEKS}")


def _floor_params(data: Any, room_id: int, longest_days: float) -> tuple[str, tuple[Any, ...]]:
    """The overlap statement and its parameters exactly as kpdesk.booking.conflicts builds them."""
    from kpdesk.booking.conflicts import OVERLAP_SQL
    from kpdesk.booking.inputs import MAX_ARRIVAL_BUFFER
    from kpdesk.booking.times import to_db

    longest = dt.timedelta(days=longest_days) + dt.timedelta(seconds=1)
    buffer = dt.timedelta(minutes=MAX_ARRIVAL_BUFFER)
    params: list[Any] = []
    for i in range(WEEKS):
        start = data.starts_at + dt.timedelta(weeks=i)
        end = start + data.duration
        params += [i, to_db(start - longest), to_db(end + buffer), to_db(start)]
    params.append(room_id)
    return OVERLAP_SQL.format(values=",".join(["(?,?,?,?)"] * WEEKS)), tuple(params)


def _choose(session: Any) -> tuple[tuple[str, int, dt.datetime], tuple[str, int, dt.datetime]]:
    """(busy room, its id, a 10:00 Tuesday start) and a room and hour where the series is free."""
    from sqlalchemy import func, select

    from kpdesk.booking.planning import plan_booking
    from kpdesk.db.models import Booking, Room

    counts = session.execute(select(Room.id, Room.name, func.count(Booking.id))
                             .join(Booking, Booking.room_id == Room.id)
                             .group_by(Room.id).order_by(func.count(Booking.id).desc())).all()
    busy_id, busy_name, _ = counts[0]
    busy = (busy_name, busy_id, dt.datetime.combine(FIRST_DAY, dt.time(10)))
    quiet_id, quiet_name, _ = counts[-1]
    for day in (*range(5), 5, 6):  # weekdays first; the demo books no weekends
        for hour in (*range(8, 22), 6, 7, 22):
            start = dt.datetime.combine(FIRST_DAY - dt.timedelta(days=1) + dt.timedelta(days=day), dt.time(hour))
            if not plan_booking(session, _series(quiet_name, start), skip_holidays=False).conflicts.clashes:
                return busy, (quiet_name, quiet_id, start)
    raise RuntimeError("found no free weekly hour in the least busy room")


def run(db: Path, repeats: int) -> list[dict[str, Any]]:
    from kpdesk.booking.conflicts import SPAN_SQL
    from kpdesk.booking.inputs import MAX_ARRIVAL_BUFFER, MAX_BOOKING_DAYS
    from kpdesk.booking.planning import plan_booking
    from kpdesk.booking.times import to_db
    from kpdesk.booking.week import week_schedule
    from kpdesk.db.store import Store

    store = Store.open(db)
    raw = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    results = []
    try:
        with store.session() as session:
            busy, free = _choose(session)
            for label, (room_name, room_id, start) in (("busy room", busy), ("free room", free)):
                data = _series(room_name, start)
                plan = plan_booking(session, data, skip_holidays=False)

                def check(data: Any = data) -> Any:
                    return plan_booking(session, data, skip_holidays=False)

                value, samples = _median_ms(check, repeats)
                longest = raw.execute(SPAN_SQL, (room_id,)).fetchone()[0] or 0.0
                sql, params = _floor_params(data, room_id, longest)

                def floor(sql: str = sql, params: tuple[Any, ...] = params, room_id: int = room_id) -> None:
                    raw.execute(SPAN_SQL, (room_id,)).fetchone()
                    raw.execute(sql, params).fetchall()

                floor_value, floor_samples = _median_ms(floor, repeats)
                clashing = len({c.start for c in plan.conflicts.clashes})
                results.append({
                    "label": f"conflict check, {label} ({WEEKS} weekly, {clashing} clash)",
                    "room": room_name, "value": value, "floor": floor_value, "goal": f"≤ {GOAL_MS:.0f} ms",
                    "met": value <= GOAL_MS, "samples": samples, "floor_samples": floor_samples})

            # the week view's data: the busiest week, all rooms
            weeks = raw.execute("SELECT strftime('%Y-%W', starts_at) AS w, count(*) FROM booking GROUP BY w "
                                "ORDER BY 2 DESC LIMIT 1").fetchone()
            monday = dt.datetime.strptime(weeks[0] + "-1", "%Y-%W-%w").date()
            year, week, _ = monday.isocalendar()
            schedule = week_schedule(session, year, week)
            value, samples = _median_ms(lambda: week_schedule(session, year, week), repeats)
            week_start = dt.datetime.combine(monday, dt.time(0))
            week_end = week_start + dt.timedelta(days=5)
            bounds = (to_db(week_start - dt.timedelta(days=MAX_BOOKING_DAYS)),
                      to_db(week_end + dt.timedelta(minutes=MAX_ARRIVAL_BUFFER)), to_db(week_start))
            room_ids = [r.id for r in schedule.rooms]
            week_sql = (  # the statement week_schedule sends, written out
                "SELECT b.id, b.room_id, r.name, b.starts_at, b.ends_at, b.title, b.kind, b.state, b.state_reason, "
                "b.organiser, b.attendees, b.arrival_buffer_minutes, b.invigilators, b.override_reason, "
                "b.series_id, b.is_exception, b.offer_id, o.ref FROM booking b JOIN room r ON r.id = b.room_id "
                "LEFT JOIN offer o ON o.id = b.offer_id WHERE b.starts_at >= ? AND b.starts_at < ? AND "
                f"b.ends_at > ? AND b.room_id IN ({','.join('?' * len(room_ids))}) "
                "ORDER BY b.starts_at, r.name, b.id")

            def week_floor() -> None:
                raw.execute("SELECT id, name, capacity, opens_at, closes_at FROM room").fetchall()
                raw.execute(week_sql, (*bounds, *room_ids)).fetchall()

            floor_value, floor_samples = _median_ms(week_floor, repeats)
            results.append({"label": f"week_schedule, {len(schedule.rooms)} rooms, week {week} "
                                     f"({len(schedule.bookings)} bookings)",
                            "value": value, "floor": floor_value, "goal": "", "met": None, "samples": samples,
                            "floor_samples": floor_samples})
    finally:
        raw.close()
        store.close()
    return results


def measure(db: Path, runs: int) -> list[Figure]:
    """The same figures for ``benchmarks/run.py`` (``runs`` × 10 repeats each)."""
    return [Figure("booking (in-process)", r["label"], "ms", r["samples"], floor_samples=r["floor_samples"],
                   goal=r["goal"], goal_met=r["met"]) for r in run(db, runs * 10)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=regional_db.DEFAULT_PATH, help="regional demo database")
    parser.add_argument("--repeats", type=int, default=51, help="timed runs per figure (default 51)")
    args = parser.parse_args(argv)
    db = regional_db.prepare(args.db)
    load = os.getloadavg()[0]
    print(f"database {db.path} (schema {db.revision}; {db.employers} employers); median of {args.repeats} runs; "
          f"load average {load:.2f} on {os.cpu_count()} CPUs" + ("  NOTE: busy machine, expect noise"
                                                                 if load >= 0.5 * (os.cpu_count() or 1) else ""))
    rows = run(db.path, args.repeats)
    width = max(len(r["label"]) for r in rows)
    print(f"{'label':<{width}}  {'value':>9}  {'floor':>9}  {'ratio':>6}  goal")
    for r in rows:
        verdict = "" if r["met"] is None else ("  met" if r["met"] else "  MISSED")
        print(f"{r['label']:<{width}}  {r['value']:>6.2f} ms  {r['floor']:>6.2f} ms  {r['value'] / r['floor']:>5.1f}×  "
              f"{r['goal'] or '—'}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
