"""The one-folder bundle (``bash packaging/build.sh``): its first paint beside the virtual environment's,
and its size. Fresh process per run; the bundle is run from a copy under a path with spaces and
Norwegian letters, as on a coordinator's laptop.

Goals (issue 20): the bundle's start to the first painted window at most 1.5× the start from the
virtual environment (here the floor); the bundle at most 250 MB.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import REPO, Figure, child_env, fresh_home, megabytes, ms, repeat, run_child, venv_python

BUNDLE = REPO / "dist" / "kpdesk"
START_GOAL_RATIO = 1.5
SIZE_GOAL_MB = 250.0


@dataclass(frozen=True, slots=True)
class StartPair:
    venv_paint_s: float
    bundle_paint_s: float
    venv_rss: int
    bundle_rss: int


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@contextmanager
def bundle_copy() -> Iterator[Path]:
    """The bundle copied to «…/Bjørn Ødegård/Programmer/kpdesk»; its program's path."""
    if not (BUNDLE / "kpdesk").exists():
        raise RuntimeError(f"no bundle at {BUNDLE}: run `bash packaging/build.sh` first")
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "Bjørn Ødegård" / "Programmer" / "kpdesk"
        shutil.copytree(BUNDLE, target, symlinks=True)
        yield target / "kpdesk"


def _paint(argv: list[str], db: Path) -> tuple[float, int]:
    with fresh_home() as home:
        env = child_env(**home, QT_QPA_PLATFORM="offscreen", KPDESK_STARTUP_PROBE="1")
        child = run_child([*argv, "--db", str(db)], env, timeout_s=120).check(" ".join(argv[-2:]))
    return child.json_line()["first_paint"] - child.launched_at, child.max_rss_bytes


def measure(db: Path, runs: int) -> list[Figure]:
    """``runs`` pairs (venv, bundle), interleaved, after one warm-up pair."""
    with bundle_copy() as program:
        def once() -> StartPair:
            venv_s, venv_rss = _paint([venv_python(), "-m", "kpdesk"], db)
            bundle_s, bundle_rss = _paint([str(program)], db)
            return StartPair(venv_s, bundle_s, venv_rss, bundle_rss)

        results: list[StartPair] = repeat(runs, once)
    group = "bundle (dist/kpdesk, offscreen)"
    paint = Figure(group, "first paint", "ms", [ms(r.bundle_paint_s) for r in results],
                   floor_samples=[ms(r.venv_paint_s) for r in results], goal=f"≤ {START_GOAL_RATIO:g}× floor",
                   note="floor: the same start from the virtual environment (.venv/bin/python -m kpdesk)")
    paint.goal_met = paint.ratio is not None and paint.ratio <= START_GOAL_RATIO
    rss = Figure(group, "peak memory", "MB", [megabytes(r.bundle_rss) for r in results],
                 floor_samples=[megabytes(r.venv_rss) for r in results], stat="max",
                 note="ru_maxrss of each process, quitting once the first list is shown")
    size = megabytes(folder_bytes(BUNDLE))
    size_figure = Figure(group, "size on disk", "MB", [size], goal=f"≤ {SIZE_GOAL_MB:g} MB",
                         note="every file of dist/kpdesk (decimal MB)")
    size_figure.goal_met = size <= SIZE_GOAL_MB
    return [paint, rss, size_figure]
