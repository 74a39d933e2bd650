"""``kpdesk match`` on the regional database as a whole process: the table and ``--json``.

Each run starts three processes one after the other: the floor (``floors/match_sqlite.py``:
python + sqlite3 reading the same rows and writing a line per need), ``kpdesk match --db DB``
(the table) and ``kpdesk match --db DB --json``. Goals (issue 14): the table in 2 s, the JSON in
4 s, peak memory within 300 MB.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from harness import FLOORS_DIR, Figure, child_env, fresh_home, megabytes, ms, repeat, run_child, venv_python

AS_OF = "2027-01-11"
TABLE_GOAL_MS, JSON_GOAL_MS, MEMORY_GOAL_MB = 2000.0, 4000.0, 300.0


@dataclass(frozen=True, slots=True)
class MatchRun:
    floor_s: float
    floor_rss: int
    table_s: float
    table_rss: int
    json_s: float
    json_rss: int
    summary: str  # the table's first line


def _closed_statuses() -> list[str]:
    from kpdesk.common.codes import CLOSED_NEED_STATUSES  # plain Python, no SQLAlchemy

    return sorted(CLOSED_NEED_STATUSES)


def _one_run(db: Path, closed: list[str]) -> MatchRun:
    python = venv_python()
    results = []
    for argv in ([python, str(FLOORS_DIR / "match_sqlite.py"), str(db), *closed],
                 [python, "-m", "kpdesk", "match", "--db", str(db), "--as-of", AS_OF],
                 [python, "-m", "kpdesk", "match", "--db", str(db), "--as-of", AS_OF, "--json"]):
        with fresh_home() as home:
            results.append(run_child(argv, child_env(**home)).check(" ".join(argv[1:3])))
    floor, table, json_ = results
    return MatchRun(floor.elapsed_s, floor.max_rss_bytes, table.elapsed_s, table.max_rss_bytes, json_.elapsed_s,
                    json_.max_rss_bytes, table.stdout.split("\n", 1)[0])


def measure(db: Path, runs: int) -> list[Figure]:
    """``runs`` interleaved triples (floor, table, JSON) after one warm-up triple."""
    closed = _closed_statuses()
    results: list[MatchRun] = repeat(runs, lambda: _one_run(db, closed))
    group = f"kpdesk match, whole regional run (as of {AS_OF})"
    floor = [ms(r.floor_s) for r in results]
    table = [ms(r.table_s) for r in results]
    json_ = [ms(r.json_s) for r in results]
    memory = [megabytes(max(r.table_rss, r.json_rss)) for r in results]
    return [
        Figure(group, "table: launch to exit", "ms", table, floor_samples=floor, goal=f"≤ {TABLE_GOAL_MS:.0f} ms",
               goal_met=statistics.median(table) <= TABLE_GOAL_MS,
               note="floor: python + sqlite3 reading the same rows, a line per need",
               extra={"output": results[-1].summary}),
        Figure(group, "--json: launch to exit", "ms", json_, floor_samples=floor, goal=f"≤ {JSON_GOAL_MS:.0f} ms",
               goal_met=statistics.median(json_) <= JSON_GOAL_MS),
        Figure(group, "peak memory (either)", "MB", memory, floor_samples=[megabytes(r.floor_rss) for r in results],
               goal=f"≤ {MEMORY_GOAL_MB:.0f} MB", goal_met=max(memory) <= MEMORY_GOAL_MB, stat="max"),
    ]
