"""``kpdesk check`` as a whole process against a plain-sqlite3 script doing the same reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness import FLOORS_DIR, Figure, child_env, fresh_home, megabytes, ms, repeat, run_child, venv_python


@dataclass(frozen=True, slots=True)
class CheckRun:
    floor_s: float
    floor_rss: int
    check_s: float
    check_rss: int
    output: str


def _closed_statuses() -> list[str]:
    from kpdesk.common.codes import CLOSED_NEED_STATUSES  # plain Python, no SQLAlchemy

    return sorted(CLOSED_NEED_STATUSES)


def _one_run(db: Path, closed: list[str]) -> CheckRun:
    python = venv_python()
    with fresh_home() as home:
        floor = run_child([python, str(FLOORS_DIR / "check_sqlite.py"), str(db), *closed], child_env(**home))
        floor.check("sqlite3 check floor")
    with fresh_home() as home:
        check = run_child([python, "-m", "kpdesk", "check", "--db", str(db)], child_env(**home)).check("kpdesk check")
    return CheckRun(floor.elapsed_s, floor.max_rss_bytes, check.elapsed_s, check.max_rss_bytes, check.stdout.strip())


def measure(db: Path, runs: int) -> list[Figure]:
    """``runs`` interleaved pairs of (floor, kpdesk check) processes after one warm-up pair."""
    closed = _closed_statuses()
    results: list[CheckRun] = repeat(runs, lambda: _one_run(db, closed))
    group = "kpdesk check (whole process)"
    time_ = Figure(group, "launch to exit", "ms", [ms(r.check_s) for r in results],
                   floor_samples=[ms(r.floor_s) for r in results],
                   note="floor: python + sqlite3 doing the same PRAGMAs, checks and counts",
                   extra={"output": results[-1].output})
    rss = Figure(group, "peak memory", "MB", [megabytes(r.check_rss) for r in results],
                 floor_samples=[megabytes(r.floor_rss) for r in results], stat="max")
    return [time_, rss]
