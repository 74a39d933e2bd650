"""Printed reports: a matching summary for one employer and the meeting handout for the whole
regional demo, each beside ReportLab's floor measured in the same run.

Usage: .venv/bin/python benchmarks/bench_reports.py [--db FILE] [--runs 5] [--small] [--rebuild]

Every sample is a fresh process (``run_child``), one warm-up first; floor and kpdesk runs
alternate so a noisy moment hits both. Each child times itself with ``time.perf_counter()``:
- floor: ``import reportlab.platypus``, then a one-page A4 document with a heading and one
  40-row table (Helvetica, as in the platform notes), built into memory;
- kpdesk: import, open the database, ``load`` (everything read and matched in one session) and
  ``build`` (the PDF bytes), as ``kpdesk report`` does, without writing a file.
The goals (issue 6): matching summary ≤ 1 s, handout for the whole regional demo ≤ 5 s, judged on
the median of load + build (the work a click on "Lag forhåndsvisning" starts; imports and
opening the database happen once per session). Whole-process times are printed beside them.
``--small`` adds the matching summary on the small demo (one learning centre).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AS_OF = dt.date(2027, 1, 11)
GOALS_MS = {"matching": 1000.0, "handout": 5000.0}


# ---------------------------------------------------------------- children

def _floor() -> dict[str, float]:
    started = time.perf_counter()
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    imported = time.perf_counter()
    styles = getSampleStyleSheet()
    rows = [["Kommune", "Behov", "Personer", "Arbeidsgivere", "Tilbud"]]
    rows += [[f"Kommune {i}", str(i), str(3 * i), str(i // 2), f"Tilbud {i}"] for i in range(40)]
    table = Table(rows, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
    story = [Paragraph("Kompetansebehov", styles["Heading2"]), table]
    built = time.perf_counter()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    done = time.perf_counter()
    assert buffer.getvalue().startswith(b"%PDF")
    return {"import": imported - started, "story": built - imported, "render": done - built, "work": done - imported}


def _report(kind: str, db: str, org: str) -> dict[str, float]:
    started = time.perf_counter()
    from kpdesk.db.store import Store
    from kpdesk.reports import handout, matching_summary

    imported = time.perf_counter()
    store = Store.open(Path(db), daily_backup=False)
    opened = time.perf_counter()
    try:
        with store.session() as session:
            run = None
            if kind.endswith("-run"):  # the GUI after "Kjør matching": the latest run is reused
                from kpdesk.matching.run import run_matching

                run = run_matching(session, AS_OF)
                opened = time.perf_counter()
            if kind.startswith("matching"):
                data = matching_summary.load(session, org, AS_OF, run)
            else:
                data = handout.load(session, handout.Scope(), AS_OF, run)
    finally:
        store.close()
    loaded = time.perf_counter()
    pdf = matching_summary.build(data) if kind.startswith("matching") else handout.build(data)
    built = time.perf_counter()
    import re

    pages = len(re.findall(rb"/Type /Page[^s]", pdf))
    return {"import": imported - started, "open": opened - imported, "load": loaded - opened,
            "build": built - loaded, "work": built - opened, "pages": pages, "bytes": len(pdf)}


# ---------------------------------------------------------------- the runner

def _busiest_employer(db: Path) -> tuple[str, int]:
    import sqlite3

    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        org, needs = conn.execute(
            "SELECT e.org_number, count(*) FROM employer e JOIN need n ON n.employer_id = e.id "
            "WHERE n.status NOT IN ('closed', 'rejected') GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return org, needs


def _child(args: list[str], env: dict[str, str]) -> tuple[dict[str, float], float]:
    from harness import run_child, venv_python

    result = run_child([venv_python(), str(Path(__file__).resolve()), "--child", *args], env=env, timeout_s=600)
    result.check(" ".join(args))
    return result.json_line(), result.elapsed_s


def _line(label: str, samples: list[float], floor: list[float] | None = None, goal: float | None = None) -> str:
    median = statistics.median(samples)
    text = f"  {label:<44} {median:8.0f} ms  [{min(samples):.0f}–{max(samples):.0f}]"
    if floor:
        text += f"  ×{median / statistics.median(floor):6.1f} floor"
    if goal is not None:
        text += f"  goal ≤ {goal:.0f} ms: {'met' if median <= goal else 'MISSED'}"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="regional database (default: the runner's cached one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--small", action="store_true", help="also the matching summary on the small demo")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind = args.child[0]
        result = _floor() if kind == "floor" else _report(kind, args.child[1], args.child[2] if len(args.child) > 2
                                                          else "")
        print(json.dumps(result))
        return 0

    import shutil

    from harness import child_env, fresh_home, ms, run_child, venv_python
    from regional_db import prepare

    regional = prepare(args.db, rebuild=args.rebuild) if args.db else prepare(rebuild=args.rebuild)
    # A private copy: the first report seeds the synonym list, and the cached file stays as built.
    temp = tempfile.TemporaryDirectory(prefix="kpdesk-bench-reports-")
    copy = Path(temp.name) / "regional.sqlite"
    shutil.copyfile(regional.path, copy)
    databases = [("regional", copy)]
    if args.small:
        small = Path(temp.name) / "small.sqlite"
        run_child([venv_python(), "-m", "kpdesk", "demo", "--db", str(small)]).check("kpdesk demo")
        databases.append(("small", small))
    import os

    load = os.getloadavg()[0]
    print(f"bench_reports  {regional.path}  ({regional.employers} employers, {regional.needs} needs)  "
          f"runs={args.runs}  load average {load:.2f}{'  NOTE: busy machine' if load > 1.0 else ''}")
    with fresh_home() as home:
        env = child_env(**home)
        plan: list[tuple[str, list[str]]] = [("floor", ["floor"])]
        for name, db in databases:
            org, needs = _busiest_employer(db)
            plan.append((f"matching/{name}/{needs}", ["matching", str(db), org]))
        org, needs = _busiest_employer(copy)
        plan.append((f"matching-run/regional/{needs}", ["matching-run", str(copy), org]))
        plan.append(("handout/regional", ["handout", str(copy)]))
        plan.append(("handout-run/regional", ["handout-run", str(copy)]))
        samples: dict[str, list[tuple[dict[str, float], float]]] = {label: [] for label, _ in plan}
        for run in range(args.runs + 1):  # the first round warms up (.pyc files, page cache)
            for label, child_args in plan:
                result = _child(child_args, env)
                if run:
                    samples[label].append(result)

    floor_work = [ms(r["work"]) for r, _ in samples["floor"]]
    floor_whole = [ms(elapsed) for _, elapsed in samples["floor"]]
    print("floor: ReportLab, one A4 page with a heading and one 40-row table (Helvetica), in memory")
    print(_line("import reportlab.platypus", [ms(r["import"]) for r, _ in samples["floor"]]))
    print(_line("story + render (the floor)", floor_work))
    print(_line("whole process", floor_whole))
    for label, _child_args in plan[1:]:
        kind, name, *rest = label.split("/")
        results = samples[label]
        pages = statistics.median(r["pages"] for r, _ in results)
        what = (f"matching summary, one employer ({rest[0]} open needs), {name} demo" if kind.startswith("matching")
                else f"handout, whole {name} demo")
        if kind.endswith("-run"):
            what += ", reusing a finished matching run (the GUI after «Kjør matching»)"
        print(f"{what}: {pages:.0f} pages")
        if not kind.endswith("-run"):
            print(_line("import kpdesk.reports + Store", [ms(r["import"]) for r, _ in results]))
            print(_line("open the database", [ms(r["open"]) for r, _ in results]))
        print(_line("load (read + match)", [ms(r["load"]) for r, _ in results]))
        print(_line("build (PDF bytes)", [ms(r["build"]) for r, _ in results], floor_work))
        print(_line("load + build", [ms(r["work"]) for r, _ in results], floor_work,
                    GOALS_MS[kind.removesuffix("-run")]))
        if not kind.endswith("-run"):
            print(_line("whole process", [ms(elapsed) for _, elapsed in results], floor_whole))
    temp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
