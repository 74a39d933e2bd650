"""Shared pieces of the benchmarks: child processes with their own rusage, statistics, figures."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "benchmarks"
FLOORS_DIR = BENCH_DIR / "floors"


def venv_python() -> str:
    """The venv's own interpreter (a pyenv shim would add ~80 ms to every start: pitfall 8).

    The path is not resolved: following the symlink would leave the venv.
    """
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


# ---------------------------------------------------------------- child processes

@dataclass(frozen=True, slots=True)
class ChildResult:
    """What one child process did: exit code, output, wall time and its own peak RSS."""

    returncode: int
    stdout: str
    stderr: str
    launched_at: float  # time.time() just before the process was started
    elapsed_s: float  # launch to exit, measured by the parent (perf_counter)
    max_rss_bytes: int  # the child's own ru_maxrss (from os.wait4), not the runner's

    def json_line(self) -> dict[str, Any]:
        """The last line of stdout that parses as a JSON object."""
        for line in reversed(self.stdout.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    continue
        raise RuntimeError(
            f"no JSON line in the output (exit {self.returncode}):\n{self.stdout[-2000:]}\n{self.stderr[-2000:]}")

    def check(self, what: str) -> ChildResult:
        if self.returncode != 0:
            raise RuntimeError(
                f"{what} failed with exit {self.returncode}:\n{self.stdout[-2000:]}\n{self.stderr[-4000:]}")
        return self


def run_child(argv: Sequence[str], env: dict[str, str] | None = None, timeout_s: float = 120.0) -> ChildResult:
    """Run one process to completion; its rusage comes from ``os.wait4`` so the peak RSS is its own."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        launched_at = time.time()
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=REPO)
        watchdog = threading.Timer(timeout_s, proc.kill)
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        out.seek(0)
        err.seek(0)
        return ChildResult(
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            launched_at=launched_at,
            elapsed_s=elapsed,
            max_rss_bytes=usage.ru_maxrss * 1024,  # Linux reports KiB
        )


@contextmanager
def fresh_home() -> Iterator[dict[str, str]]:
    """Environment overrides pointing HOME and the XDG folders at a new temp dir (no remembered settings)."""
    home = Path(tempfile.mkdtemp(prefix="kpdesk-bench-home-"))
    try:
        yield {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "KPDESK_LOG_DIR": str(home / "logs"),
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def child_env(**overrides: str) -> dict[str, str]:
    """The runner's environment without kpdesk's own variables, plus ``overrides``.

    PYTHONDONTWRITEBYTECODE is dropped too: an installed kpdesk has its modules compiled
    (.pyc), and a shell that forbids writing them would make every child compile kpdesk from
    source, timing the compiler rather than the program (the warm-up run writes them).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPDESK_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(overrides)
    return env


def repeat(runs: int, once: Callable[[], Any], warmup: int = 1) -> list[Any]:
    """``once()`` called ``warmup`` times (results dropped), then ``runs`` times."""
    for _ in range(warmup):
        once()
    return [once() for _ in range(runs)]


# ---------------------------------------------------------------- figures

@dataclass(frozen=True, slots=True)
class Stats:
    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        if not samples:
            raise ValueError("no samples")
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))


@dataclass(slots=True)
class Figure:
    """One reported number: its samples, an optional floor measured in the same run, and the goal."""

    group: str
    name: str
    unit: str  # "ms" or "MB"
    samples: list[float]
    floor_samples: list[float] | None = None
    goal: str = ""
    goal_met: bool | None = None  # None: no goal, or the goal is not about this figure alone
    note: str = ""
    stat: str = "median"  # which statistic the goal is judged on: "median" or "max"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def stats(self) -> Stats:
        return Stats.of(self.samples)

    @property
    def floor(self) -> Stats | None:
        return Stats.of(self.floor_samples) if self.floor_samples else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor
        return self.stats.median / floor.median if floor and floor.median > 0 else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["stats"] = asdict(self.stats)
        data["floor"] = asdict(self.floor) if self.floor else None
        data["ratio"] = self.ratio
        return data


def grouped(number: float) -> str:
    """12 345 with a space between thousands, as kpdesk writes numbers."""
    return f"{number:,.0f}".replace(",", " ")


def ms(seconds: float) -> float:
    return seconds * 1000.0


def megabytes(n_bytes: float) -> float:
    """Decimal megabytes (10⁶ bytes): the stricter reading of a "300 MB" goal."""
    return n_bytes / 1e6
