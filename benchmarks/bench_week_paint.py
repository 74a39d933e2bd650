"""The paint of the week schedule: 30 rooms in the busiest week of the regional demo, beside a floor.

Usage: .venv/bin/python benchmarks/bench_week_paint.py [--db PATH] [--repeats N]

Loads the busiest ISO week of the regional demo database (all rooms) with
``kpdesk.booking.week.week_schedule``, shows it in ``kpdesk.ui.booking.week_widget.WeekView`` on the
offscreen platform, and times:

- **full week**: the view resized so that the whole schedule (every room, every day) is on
  screen, then ``viewport().grab()``: one complete paint into a pixmap. The issue's goal is at
  most 100 ms.
- **window**: the same at a 1280×760 window's viewport, what a coordinator sees at once.
- **layout**: building the geometry (``WeekLayout``) for a new week, which happens on load and
  resize, not on every paint.

The floor is a plain QWidget of the same size whose ``paintEvent`` fills and outlines the same
number of rectangles and draws the same strings with QPainter, grabbed the same way: what the
paint would cost with no layout, colours, clipping, headers or grid. Each figure is the median of
``--repeats`` runs in this process after warm-up runs. ``measure(db, runs)`` gives the same as
``harness.Figure`` objects.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

import regional_db
from harness import Figure

GOAL_MS = 100.0
WINDOW = (1280 - 200, 760 - 120)  # the view inside a 1280×760 main window, less navigation and toolbars


def _timed(fn: Callable[[], Any], repeats: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000.0)
    return samples


def busiest_week(session: Any) -> tuple[int, int, int]:
    """(ISO year, ISO week, bookings) of the week with the most bookings."""
    from sqlalchemy import select

    from kpdesk.db.models import Booking

    counts = collections.Counter(starts.isocalendar()[:2] for starts in session.execute(select(Booking.starts_at))
                                 .scalars())
    (year, week), count = counts.most_common(1)[0]
    return year, week, count


def _floor_widget(boxes: list[tuple[Any, list[str]]], size: tuple[int, int]) -> Any:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QPainter, QPen
    from PySide6.QtWidgets import QWidget

    class Floor(QWidget):
        def paintEvent(self, _event: Any) -> None:
            painter = QPainter(self)
            painter.fillRect(self.rect(), QColor("#ffffff"))
            fill, pen = QColor("#cde0f2"), QPen(QColor("#1f5f99"), 1)
            ascent, line = self.fontMetrics().ascent(), self.fontMetrics().height()
            for rect, lines in boxes:
                painter.fillRect(rect, fill)
                painter.setPen(pen)
                painter.drawRect(rect)
                painter.setPen(QColor("#1b1b1b"))
                for number, text in enumerate(lines):
                    painter.drawText(QPointF(rect.x() + 5, rect.y() + 1 + ascent + number * line), text)

    widget = Floor()
    widget.resize(*size)
    widget.show()
    return widget


def run(db: Path, repeats: int) -> list[dict[str, Any]]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from kpdesk.booking.week import week_schedule
    from kpdesk.db.store import Store
    from kpdesk.ui.booking.week_layout import WeekLayout
    from kpdesk.ui.booking.week_widget import WeekView

    app = QApplication.instance() or QApplication([])
    store = Store.open(db)
    try:
        with store.session() as session:
            year, week, _count = busiest_week(session)
            schedule = week_schedule(session, year, week)
    finally:
        store.close()

    view = WeekView()
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    frame = 2 * view.frameWidth()
    view.resize(WINDOW[0] + frame, WINDOW[1] + frame)
    view.show()
    view.set_schedule(schedule)
    app.processEvents()
    window_samples = _timed(lambda: view.viewport().grab(), repeats)
    width, height = view.content_size()
    view.resize(width + frame, height + frame)
    app.processEvents()
    layout = view.layout_
    assert layout is not None and view.viewport().size().width() >= int(layout.width)
    full_samples = _timed(lambda: view.viewport().grab(), repeats)
    size = (view.viewport().width(), view.viewport().height())
    metrics = view.fontMetrics()
    layout_samples = _timed(lambda: WeekLayout(schedule, size[0], size[1], metrics), max(repeats // 3, 5))

    shown = [(box.rect, box.lines) for box in layout.boxes]
    texts = sum(len(lines) for _rect, lines in shown)
    floor = _floor_widget(shown, size)
    app.processEvents()
    floor_samples = _timed(lambda: floor.grab(), repeats)
    floor.close()
    view.close()

    what = (f"week {week} of {year}: {len(schedule.rooms)} rooms × {len(schedule.days)} days, "
            f"{len(layout.boxes)} boxes, {texts} texts")
    return [
        {"label": f"paint, full week {size[0]}×{size[1]}", "samples": full_samples, "floor_samples": floor_samples,
         "goal": f"≤ {GOAL_MS:.0f} ms", "met": statistics.median(full_samples) <= GOAL_MS, "what": what},
        {"label": f"paint, window {WINDOW[0]}×{WINDOW[1]}", "samples": window_samples, "floor_samples": None,
         "goal": "", "met": None, "what": what},
        {"label": "layout of the week (on load and resize)", "samples": layout_samples, "floor_samples": None,
         "goal": "", "met": None, "what": what},
    ]


def measure(db: Path, runs: int) -> list[Figure]:
    """The same figures for ``benchmarks/run.py`` (``runs`` × 5 repeats each)."""
    return [Figure("week schedule paint (offscreen)", r["label"], "ms", r["samples"],
                   floor_samples=r["floor_samples"], goal=r["goal"], goal_met=r["met"], note=r["what"])
            for r in run(db, runs * 5)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=regional_db.DEFAULT_PATH, help="regional demo database")
    parser.add_argument("--repeats", type=int, default=21, help="timed runs per figure (default 21)")
    args = parser.parse_args(argv)
    db = regional_db.prepare(args.db)
    load = os.getloadavg()[0]
    print(f"database {db.path} (schema {db.revision}); median [min–max] of {args.repeats} runs; Qt platform "
          f"{os.environ['QT_QPA_PLATFORM']}; load average {load:.2f} on {os.cpu_count()} CPUs"
          + ("  NOTE: busy machine, expect noise" if load >= 0.5 * (os.cpu_count() or 1) else ""))
    rows = run(db.path, args.repeats)
    print(rows[0]["what"])
    width = max(len(r["label"]) for r in rows)
    print(f"{'label':<{width}}  {'median':>9}  {'[min–max]':<17} {'floor':>9}  {'ratio':>6}  goal")
    for r in rows:
        value = statistics.median(r["samples"])
        spread = f"[{min(r['samples']):.1f}–{max(r['samples']):.1f}]"
        floor = statistics.median(r["floor_samples"]) if r["floor_samples"] else None
        floor_text = f"{floor:>6.1f} ms" if floor else f"{'—':>9}"
        ratio = f"{value / floor:>5.1f}×" if floor else f"{'':>6}"
        verdict = "" if r["met"] is None else ("  met" if r["met"] else "  MISSED")
        print(f"{r['label']:<{width}}  {value:>6.1f} ms  {spread:<17} {floor_text}  {ratio}  "
              f"{r['goal'] or '—'}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
