"""Run kpdesk's benchmarks and print each figure beside a floor measured in the same run.

    .venv/bin/python benchmarks/run.py [--db PATH] [--runs N] [--only NAME] [--json FILE]

Benchmarks report; they never fail on a missed goal (the exit code is 1 only when a benchmark
could not run). See benchmarks/README.md for what each figure, floor and goal means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import bench_bundle
import bench_check
import bench_match
import bench_needs
import bench_server
import bench_startup
import regional_db
from harness import REPO, Figure, grouped

BENCHMARKS = ("startup", "check", "needs", "match", "bundle", "server")
# "bundle" needs packaging/build.sh first; "server" a PostgreSQL server ($KPDESK_BENCH_PG, or one it starts)
DEFAULT_BENCHMARKS = ("startup", "check", "needs", "match")


# ---------------------------------------------------------------- formatting

def _number(value: float, unit: str) -> str:
    if unit == "MB" or value >= 10:
        return grouped(value)
    return f"{value:.1f}"


def _with_range(median: float, low: float, high: float, unit: str) -> tuple[str, str]:
    return f"{_number(median, unit)} {unit}", f"[{_number(low, unit)}–{_number(high, unit)}]"


def _verdict(figure: Figure) -> str:
    if figure.goal_met is None:
        return ""
    judged = "" if figure.stat == "median" else f" ({figure.stat})"
    return ("met" if figure.goal_met else "MISSED") + judged


ROW = "  {name:<31} {value:>9} {range:<14} {floor:>9} {frange:<14} {ratio:>7}  {goal:<16} {verdict}"


def format_group(group: str, figures: list[Figure]) -> list[str]:
    lines = [group]
    for f in figures:
        s = f.stats
        value, range_ = _with_range(s.median, s.low, s.high, f.unit)
        floor = f.floor
        floor_value, floor_range = _with_range(floor.median, floor.low, floor.high, f.unit) if floor else ("", "")
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        lines.append(ROW.format(name=f.name, value=value, range=range_, floor=floor_value, frange=floor_range,
                                ratio=ratio, goal=f.goal, verdict=_verdict(f)).rstrip())
        by_text = f.extra.get("median_ms_by_text")
        if by_text:
            shown = f.extra["rows_shown_by_text"]
            parts = [f"{text or '(empty)'} {_number(v, 'ms')} ({grouped(shown[text])})" for text, v in by_text.items()]
            lines.append("      by text, median ms (rows shown): " + " · ".join(parts))
        if "vs_sqlite" in f.extra:
            lines.append(f"      PostgreSQL ÷ SQLite: {f.extra['vs_sqlite']:.2f}×")
        if "output" in f.extra:
            lines.append(f"      kpdesk said: {f.extra['output']}")
    return lines


def environment(runs: int) -> dict[str, Any]:
    """Versions, commit and machine load, for the header and the JSON file."""
    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "?"

    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip() or "?"
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"), "commit": commit, "runs": runs, "warmup_runs": 1,
        "kpdesk": version("kpdesk"), "python": platform.python_version(),
        "pyside6": version("PySide6-Essentials"), "sqlalchemy": version("SQLAlchemy"),
        "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count() or 1, "load_average_start": os.getloadavg(),
    }


def header_lines(env: dict[str, Any], db: regional_db.RegionalDb) -> list[str]:
    load, cpus, runs = env["load_average_start"][0], env["cpus"], env["runs"]
    lines = [
        f"kpdesk benchmarks  {env['when'].replace('T', ' ')[:16]}  commit {env['commit']}  kpdesk {env['kpdesk']}",
        f"  Python {env['python']}, PySide6-Essentials {env['pyside6']}, SQLAlchemy {env['sqlalchemy']}, "
        f"SQLite {env['sqlite']}; {cpus} CPUs, load average {load:.2f} at start",
        f"  database {db.path} ({db.size_bytes / 1e6:.1f} MB, schema {db.revision}; "
        f"{grouped(db.employers)} employers, {grouped(db.needs)} needs)"
        + (f"; built now by kpdesk demo in {db.build_s:.1f} s" if db.build_s is not None else "")
        + (f"; {db.note}" if db.note else ""),
    ]
    if load >= 0.5 * cpus:
        lines.append(f"  NOTE: the machine was busy (load {load:.2f} on {cpus} CPUs), so expect noise; "
                     "the ratios to the floors hold up better than absolute times")
    lines += [
        f"  {runs} run{'s' if runs > 1 else ''} per figure after 1 warm-up, fresh process per run; median [min–max]",
        "",
        ROW.format(name="", value="median", range="[min–max]", floor="floor", frange="[min–max]", ratio="ratio",
                   goal="goal", verdict="").rstrip(),
    ]
    return lines


# ---------------------------------------------------------------- running

def _benchmarks(db: Path, runs: int, xcb: bool) -> dict[str, Callable[[], list[Figure]]]:
    def startup() -> list[Figure]:
        figures = bench_startup.measure(db, runs)
        figures.append(bench_startup.quick_check_figure(db, runs))
        if xcb and bench_startup.xvfb_available():
            with bench_startup.xvfb_display() as display:
                figures += bench_startup.measure(db, runs, "xcb", display)
        return figures

    return {
        "startup": startup,
        "check": lambda: bench_check.measure(db, runs),
        "needs": lambda: bench_needs.measure(db, runs),
        "match": lambda: bench_match.measure(db, runs),
        "bundle": lambda: bench_bundle.measure(db, runs),
        "server": lambda: bench_server.measure(db, runs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, metavar="PATH", default=regional_db.DEFAULT_PATH,
                        help=f"regional demo database, built here if missing (default {regional_db.DEFAULT_PATH})")
    parser.add_argument("--runs", type=int, metavar="N", default=5,
                        help="timed runs per figure, after one warm-up (default 5)")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only this benchmark (repeatable)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached database first")
    parser.add_argument("--no-xcb", action="store_true", help="skip the startup runs under Xvfb")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    started = time.perf_counter()
    env = environment(args.runs)
    try:
        db = regional_db.prepare(args.db, rebuild=args.rebuild)
    except RuntimeError as exc:
        print(f"benchmarks: {exc}", file=sys.stderr)
        return 1
    print("\n".join(header_lines(env, db)), flush=True)

    chosen = [name for name in BENCHMARKS if name in (args.only or DEFAULT_BENCHMARKS)]
    benchmarks = _benchmarks(db.path, args.runs, xcb=not args.no_xcb)
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    for name in chosen:
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            result = benchmarks[name]()
        except Exception as exc:
            errors[name] = "".join(traceback.format_exception_only(exc)).strip()
            print(f"\n{name}: could not run: {errors[name]}", flush=True)
            continue
        figures += result
        groups: dict[str, list[Figure]] = {}
        for figure in result:
            groups.setdefault(figure.group, []).append(figure)
        for group, members in groups.items():
            print("\n" + "\n".join(format_group(group, members)), flush=True)

    load_after = os.getloadavg()
    total_s = time.perf_counter() - started
    print(f"\nload average {load_after[0]:.2f} at the end; the runner took {total_s:.0f} s")
    if args.json:
        report: dict[str, Any] = {
            "meta": {**env, "load_average_end": load_after, "total_s": total_s},
            "database": {"path": str(db.path), "revision": db.revision, "employers": db.employers,
                         "needs": db.needs, "size_bytes": db.size_bytes, "build_s": db.build_s},
            "figures": [f.to_json() for f in figures],
            "errors": errors,
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {args.json}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
