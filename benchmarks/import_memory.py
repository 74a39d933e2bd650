"""Peak memory and wall time of a million-row CSV import, beside the floor of importing kpdesk.transfer.

Usage: .venv/bin/python benchmarks/import_memory.py [--rows N] [--runs N] [--only employers|needs|update]
                                                    [--keep DIR]

Writes, in a temporary folder under /tmp (``--keep DIR`` to keep the files there):

- ``employers.csv``: N employers, each with a contact person (name, e-mail, phone) and a note;
- ``needs.csv``: N needs with refs, spread over those employers;
- ``employers-changed.csv``: the same employers with every contact's phone and every note changed.

Then, each as a fresh ``python -m kpdesk`` process whose own peak RSS comes from ``os.wait4``:

- **employers**: ``kpdesk import employers employers.csv --db NEW`` (a new, empty database);
- **needs**: ``kpdesk import needs needs.csv --db COPY`` (a copy of a database holding the employers);
- **update**: ``kpdesk import employers employers-changed.csv --db COPY`` (every row an update, two
  field changes each, so two audit entries per row).

The floor is the peak RSS and time of a bare ``python -c "import kpdesk.transfer"`` in the same
run. The goal (issue 12) is a million-row import under 1 GB (10⁹ bytes). Besides wall time, the
child's CPU time (user + system, from ``RUSAGE_CHILDREN``) is given: on a shared machine it moves
much less than wall time. Each figure is the median of ``--runs`` runs (default 1: a run takes
minutes); no warm-up run, since the imports dominate. ``measure(rows, runs)`` gives the same as
``harness.Figure`` objects.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from harness import ChildResult, Figure, child_env, fresh_home, grouped, megabytes, ms, run_child, venv_python

GOAL_MB = 1000.0
TIMEOUT_S = 3600.0
_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_EMPLOYER_HEADER = "org_number;name;municipality;industry;contact_name;contact_email;contact_phone;notes"
_NEED_HEADER = ("ref;employer;title;description;headcount;level;formats;earliest_start;latest_start;priority;"
                "status")
_MUNICIPALITIES = ("1804", "1824", "1833", "1813", "1806", "1820")


# ---------------------------------------------------------------- files

def org_numbers(count: int) -> Iterator[str]:
    """``count`` distinct valid organisation numbers starting with 9 (MOD11 check digit)."""
    made = 0
    for n in range(90_000_000, 100_000_000):
        first = str(n)
        remainder = sum(int(d) * w for d, w in zip(first, _WEIGHTS, strict=True)) % 11
        if remainder == 1:
            continue
        yield first + str(0 if remainder == 0 else 11 - remainder)
        made += 1
        if made == count:
            return


def write_employers(path: Path, orgs: list[str], *, changed: bool = False) -> None:
    """One employer per org number, with a contact person; ``changed``: other phones and notes."""
    phone, note = ("76 00", "Endret ved ny import") if changed else ("75 10", "Importert for måling")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff" + _EMPLOYER_HEADER + "\r\n")
        for i, org in enumerate(orgs):
            municipality = _MUNICIPALITIES[i % len(_MUNICIPALITIES)]
            out.write(f"{org};Arbeidsgiver {i} AS;{municipality};87.101;Kari Nordmann {i};"
                      f"kari.{i}@firma{i % 997}.example.no;{phone} {i % 100:02d} {i // 100 % 100:02d};{note} {i}\r\n")


def write_needs(path: Path, orgs: list[str]) -> None:
    """One need per org number (the employers of ``write_employers``), each with its own ref."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff" + _NEED_HEADER + "\r\n")
        for i, org in enumerate(orgs):
            out.write(f"M{i:07d};{org};Demensomsorg {i};Helsefagarbeidere trenger mer kompetanse.;{1 + i % 20};"
                      f"fagskole;samlingsbasert, nettbasert;15.08.2027;31.01.2028;høy;kartlagt\r\n")


# ---------------------------------------------------------------- processes

@dataclass(frozen=True, slots=True)
class Timed:
    child: ChildResult
    cpu_s: float  # the child's user + system time


def _timed(run: Callable[[], ChildResult]) -> Timed:
    """``run()`` with the CPU time of the child it started and reaped."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timed(child, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def _kpdesk(*args: str) -> ChildResult:
    with fresh_home() as home:
        result = run_child([venv_python(), "-m", "kpdesk", *args], child_env(**home), timeout_s=TIMEOUT_S)
    return result.check("kpdesk " + " ".join(args[:2]))


def _floor() -> Timed:
    with fresh_home() as home:
        env = child_env(**home)
        return _timed(lambda: run_child([venv_python(), "-c", "import kpdesk.transfer"], env).check("floor"))


def _import(kind: str, csv: Path, db: Path) -> Timed:
    return _timed(lambda: _kpdesk("import", kind, str(csv), "--db", str(db)))


def _figures(group: str, runs: list[Timed], floors: list[Timed]) -> list[Figure]:
    last = runs[-1].child.stdout.strip()
    said = last.splitlines()[-1] if last else ""
    rss = Figure(group, "peak memory", "MB", [megabytes(r.child.max_rss_bytes) for r in runs],
                 floor_samples=[megabytes(f.child.max_rss_bytes) for f in floors], goal=f"< {GOAL_MB:.0f} MB (max)",
                 goal_met=max(megabytes(r.child.max_rss_bytes) for r in runs) < GOAL_MB, stat="max",
                 note="floor: python -c 'import kpdesk.transfer'", extra={"output": said})
    wall = Figure(group, "launch to exit", "ms", [ms(r.child.elapsed_s) for r in runs],
                  floor_samples=[ms(f.child.elapsed_s) for f in floors])
    cpu = Figure(group, "CPU time (user + system)", "ms", [ms(r.cpu_s) for r in runs],
                 floor_samples=[ms(f.cpu_s) for f in floors])
    return [rss, wall, cpu]


def measure(rows: int, runs: int, only: tuple[str, ...] = (), keep: Path | None = None) -> list[Figure]:
    """Generate the files, then time ``runs`` imports of each kind with a floor before each."""
    work = keep or Path(tempfile.mkdtemp(prefix="kpdesk-import-memory-", dir="/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    wanted = only or ("employers", "needs", "update")
    try:
        orgs = list(org_numbers(rows))
        employers, needs, changed = work / "employers.csv", work / "needs.csv", work / "employers-changed.csv"
        write_employers(employers, orgs)
        if "needs" in wanted:
            write_needs(needs, orgs)
        if "update" in wanted:
            write_employers(changed, orgs, changed=True)
        del orgs
        base = work / "with-employers.sqlite"
        if {"needs", "update"} & set(wanted):
            _import("employers", employers, base)
        figures: list[Figure] = []
        samples: dict[str, tuple[list[Timed], list[Timed]]] = {k: ([], []) for k in wanted}
        for run in range(runs):
            for kind in wanted:
                floor = _floor()
                db = work / f"{kind}-{run}.sqlite"
                if kind != "employers":
                    shutil.copyfile(base, db)
                csv = {"employers": employers, "needs": needs, "update": changed}[kind]
                result = _import("needs" if kind == "needs" else "employers", csv, db)
                samples[kind][0].append(result)
                samples[kind][1].append(floor)
                for leftover in work.glob(f"{kind}-{run}.sqlite*"):
                    leftover.unlink()
        size = {k: (work / f"{'employers-changed' if k == 'update' else k}.csv").stat().st_size for k in wanted}
        for kind in wanted:
            group = f"import {kind} ({grouped(rows)} rows, {size[kind] / 1e6:.0f} MB file)"
            figures += _figures(group, *samples[kind])
        return figures
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per file (default 1 000 000)")
    parser.add_argument("--runs", type=int, default=1, help="runs per figure (default 1)")
    parser.add_argument("--only", action="append", choices=("employers", "needs", "update"))
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the files and databases here and keep them")
    args = parser.parse_args(argv)
    figures = measure(args.rows, args.runs, tuple(args.only or ()), args.keep)
    from run import format_group

    groups: dict[str, list[Figure]] = {}
    for figure in figures:
        groups.setdefault(figure.group, []).append(figure)
    for group, members in groups.items():
        print("\n".join(format_group(group, members)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
