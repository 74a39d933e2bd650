"""Startup: first paint against an empty window, data on screen, peak memory, and the quick check that
opening for writing runs. Fresh process per run."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import FLOORS_DIR, Figure, child_env, fresh_home, megabytes, ms, repeat, run_child, venv_python

QUICK_CHECK = """
import json, sys, time
from pathlib import Path
path = Path(sys.argv[1])
start = time.perf_counter()
with path.open("rb") as handle:  # the floor: every page read once, nothing checked
    while handle.read(1 << 20):
        pass
read_s = time.perf_counter() - start
from kpdesk.db.inspection import quick_check
start = time.perf_counter()
problems = quick_check(path)
print(json.dumps({"read_s": read_s, "check_s": time.perf_counter() - start, "problems": len(problems)}))
"""

FIRST_PAINT_GOAL_RATIO = 1.5
DATA_SHOWN_GOAL_MS = 1000.0
PEAK_RSS_GOAL_MB = 300.0


@dataclass(frozen=True, slots=True)
class StartupRun:
    floor_paint_s: float
    floor_exit_s: float
    floor_rss: int
    paint_s: float
    data_s: float
    exit_s: float
    rss: int


def xvfb_available() -> bool:
    """Xvfb is there (``xvfb-run`` is only a wrapper around it; the runner starts one server itself)."""
    return shutil.which("Xvfb") is not None and shutil.which("xvfb-run") is not None


@contextmanager
def xvfb_display() -> Iterator[str]:
    """Start one Xvfb server for all xcb runs and yield its DISPLAY; stopped afterwards."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _one_run(db: Path, platform: str, display: str | None) -> StartupRun:
    python = venv_python()
    extra = {"QT_QPA_PLATFORM": platform}
    if display:
        extra["DISPLAY"] = display
    with fresh_home() as home:
        floor = run_child([python, str(FLOORS_DIR / "empty_window.py")], child_env(**home, **extra), timeout_s=60)
        floor.check("empty-window floor")
    with fresh_home() as home:
        env = child_env(**home, **extra, KPDESK_STARTUP_PROBE="1")
        app = run_child([python, "-m", "kpdesk", "--db", str(db)], env, timeout_s=120).check("kpdesk startup")
    floor_times, times = floor.json_line(), app.json_line()
    return StartupRun(
        floor_paint_s=floor_times["first_paint"] - floor.launched_at,
        floor_exit_s=floor.elapsed_s,
        floor_rss=floor.max_rss_bytes,
        paint_s=times["first_paint"] - app.launched_at,
        data_s=times["data_shown"] - app.launched_at,
        exit_s=app.elapsed_s,
        rss=app.max_rss_bytes,
    )


def quick_check_figure(db: Path, runs: int) -> Figure:
    """``kpdesk.db.inspection.quick_check`` on the database, in-proc, beside reading the file once."""
    def once() -> dict[str, float]:
        with fresh_home() as home:
            child = run_child([venv_python(), "-c", QUICK_CHECK, str(db)], child_env(**home), timeout_s=120)
        result = child.check("quick check").json_line()
        if result["problems"]:
            raise RuntimeError(f"{db} fails the quick check")
        return result

    results = repeat(runs, once)
    size = db.stat().st_size
    return Figure("startup: opening for writing", f"quick check ({megabytes(size):.1f} MB file)", "ms",
                  [ms(r["check_s"]) for r in results], floor_samples=[ms(r["read_s"]) for r in results],
                  note="runs in every opening for writing; floor: reading the file once (page cache warm)",
                  extra={"size_bytes": size})


def measure(db: Path, runs: int, platform: str = "offscreen", display: str | None = None) -> list[Figure]:
    """``runs`` pairs of (floor, kpdesk) processes, interleaved, after one warm-up pair."""
    results: list[StartupRun] = repeat(runs, lambda: _one_run(db, platform, display))
    group = f"startup ({platform})"
    paint = Figure(group, "first paint", "ms", [ms(r.paint_s) for r in results],
                   floor_samples=[ms(r.floor_paint_s) for r in results],
                   goal=f"≤ {FIRST_PAINT_GOAL_RATIO:g}× floor",
                   note="floor: empty 1200×760 QMainWindow, launch to its first Paint event")
    paint.goal_met = paint.ratio is not None and paint.ratio <= FIRST_PAINT_GOAL_RATIO
    data = Figure(group, "data on screen", "ms", [ms(r.data_s) for r in results], goal=f"≤ {DATA_SHOWN_GOAL_MS:g} ms",
                  note="launch to the first list's rows painted (Arbeidsgivere)")
    data.goal_met = data.stats.median <= DATA_SHOWN_GOAL_MS
    exit_ = Figure(group, "whole process (to exit)", "ms", [ms(r.exit_s) for r in results],
                   floor_samples=[ms(r.floor_exit_s) for r in results],
                   note="includes quitting right after the data is shown")
    rss = Figure(group, "peak memory", "MB", [megabytes(r.rss) for r in results],
                 floor_samples=[megabytes(r.floor_rss) for r in results], goal=f"< {PEAK_RSS_GOAL_MB:g} MB",
                 note="ru_maxrss of the kpdesk process itself (os.wait4)", stat="max")
    rss.goal_met = rss.stats.high < PEAK_RSS_GOAL_MB
    return [paint, data, exit_, rss]
