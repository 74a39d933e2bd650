"""The regional register on a PostgreSQL server beside the same register in a SQLite file, in the
same run (issue 17): the regional list filter, a full re-match and the handout.

The SQLite side is a private copy of the runner's regional demo; the server side is that copy moved
with ``kpdesk copy`` into a new database on the server ``$KPDESK_BENCH_PG`` names (a URL; the runner
needs the right to create a database there and drops it afterwards), or, without it, on a throwaway
server ``scripts/pg_server.sh`` starts in a temp folder and stops afterwards. Each run (after one
warm-up) times both stores one after the other, so a noisy moment hits both:

- **lists**: one child process per store opens the store and times, with ``time.perf_counter()``,
  what the Arbeidsgivere and Behov pages run on the database thread: ``register.service.list_employers``
  and ``list_needs`` for the whole region and for one centre (``LIST_SCOPES``: the centre box), then the
  rows made ready to filter (``RowIndex`` over the rows' text) and one keystroke's filter. Floor: the
  same table's rows through the bare driver on the same connection (``SELECT * FROM need``).
- **match**: ``kpdesk match --db … --as-of`` (table) and ``--json``, launch to exit. Floor:
  ``floors/match_sqlite.py`` / ``floors/match_psycopg.py``, the same reads with the bare driver.
- **handout**: ``kpdesk report handout --db … --as-of … --out FIL``, launch to exit. Floor: ReportLab's
  one-page document as a whole process (``bench_reports.py --child floor``), the same for both stores.

Each PostgreSQL figure also carries its ratio to the SQLite figure (``extra["vs_sqlite"]``).

    .venv/bin/python benchmarks/run.py --only server [--runs N]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import BENCH_DIR, FLOORS_DIR, REPO, Figure, child_env, fresh_home, ms, repeat, run_child, venv_python

SERVER_ENV = "KPDESK_BENCH_PG"
AS_OF = "2027-01-11"
SEARCH = "helse"  # one keystroke's filter text, as typed in the list's search field
# the centre box's two kinds of choice: «Hele regionen», and one centre of the regional demo's six
LIST_SCOPES: tuple[tuple[str, str | None], ...] = (("region", None), ("centre", "Mosjøen"))
STORES = ("SQLite", "PostgreSQL")


# ---------------------------------------------------------------- the child: lists in one process

def list_timings(location: str) -> dict[str, Any]:
    """In the child: the two lists on one store (see the module docstring), in milliseconds."""
    from kpdesk.common.list_filter import Column, RowIndex
    from kpdesk.common.paths import location_of
    from kpdesk.db.store import Store
    from kpdesk.register.centres import list_centres
    from kpdesk.register.service import list_employers, list_needs

    store = Store.open(location_of(location), daily_backup=False)
    result: dict[str, Any] = {}
    try:
        with store.session() as session:
            known = {c.name: c.id for c in list_centres(session)}
        first = next(iter(known.values()))  # a database without the demo's Mosjøen: its first centre
        centres = {name: known.get(name, first) for _, name in LIST_SCOPES if name}
        for name, table, load, shown in (
                ("employers", "employer", list_employers, ("org_number", "name", "municipality_name", "industry_name")),
                ("needs", "need", list_needs, ("ref", "title", "employer_name", "municipality_name", "status"))):
            raw = store.engine.raw_connection()
            try:
                started = time.perf_counter()
                cursor = raw.cursor()
                cursor.execute(f"SELECT * FROM {table}")
                floor_rows = len(cursor.fetchall())
                result[f"{name}_floor"] = ms(time.perf_counter() - started)
            finally:
                raw.close()
            columns: list[Column[Any]] = [Column(key, key, lambda row, key=key: str(getattr(row, key) or ""))
                                          for key in shown]
            for scope, centre in LIST_SCOPES:
                started = time.perf_counter()
                with store.session() as session:
                    rows = load(session, centre_id=centres.get(centre or ""))
                loaded = time.perf_counter()
                matches = RowIndex(rows, columns).filter(SEARCH)
                done = time.perf_counter()
                key = f"{name}_{scope}"
                result.update({f"{key}_load": ms(loaded - started), f"{key}_filter": ms(done - loaded),
                               f"{key}_total": ms(done - started), f"{key}_rows": len(rows),
                               f"{key}_matches": len(matches)})
            result[f"{name}_floor_rows"] = floor_rows
    finally:
        store.close()
    return result


# ---------------------------------------------------------------- the server

def _admin_url(url: str, database: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def server_database() -> Iterator[str]:
    """A new, empty database on ``$KPDESK_BENCH_PG``'s server or a throwaway one; gone afterwards."""
    import psycopg

    given = os.environ.get(SERVER_ENV, "")
    folder = None
    if given:
        server = given
    else:
        folder = Path(tempfile.mkdtemp(prefix="kpdesk-bench-pg-"))
        folder.chmod(0o755)  # pg_server.sh runs the server as the postgres user when root
        started = subprocess.run(["bash", str(REPO / "scripts" / "pg_server.sh"), "start", str(folder / "pg")],
                                 capture_output=True, text=True, check=False)
        if started.returncode != 0:
            raise RuntimeError(f"scripts/pg_server.sh could not start a server: {started.stderr.strip()}")
        server = started.stdout.strip().splitlines()[-1]
    name = f"kpdesk_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _admin_url(server, name)
        finally:
            with psycopg.connect(_libpq(server), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        if folder is not None:
            subprocess.run(["bash", str(REPO / "scripts" / "pg_server.sh"), "stop", str(folder / "pg")],
                           capture_output=True, check=False)
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- one run

@dataclass(frozen=True, slots=True)
class StoreRun:
    lists: dict[str, Any]
    match_floor_s: float
    table_s: float
    json_s: float
    handout_s: float
    summary: str  # the match table's first line


def _kpdesk(*args: str) -> list[str]:
    return [venv_python(), "-m", "kpdesk", *args]


def _one_store(location: str, env: dict[str, str], out: Path, closed: list[str]) -> StoreRun:
    python = venv_python()
    lists = run_child([python, str(BENCH_DIR / "bench_server.py"), "--child", location], env).check("lists")
    floor_script = "match_sqlite.py" if location.endswith(".sqlite") else "match_psycopg.py"
    floor_target = location if location.endswith(".sqlite") else _libpq(location)
    floor = run_child([python, str(FLOORS_DIR / floor_script), floor_target, *closed], env).check(floor_script)
    table = run_child(_kpdesk("match", "--db", location, "--as-of", AS_OF), env, timeout_s=600).check("match")
    json_ = run_child(_kpdesk("match", "--db", location, "--as-of", AS_OF, "--json"), env,
                      timeout_s=600).check("match --json")
    handout = run_child(_kpdesk("report", "handout", "--db", location, "--as-of", AS_OF, "--out", str(out)), env,
                        timeout_s=600).check("report handout")
    return StoreRun(lists.json_line(), floor.elapsed_s, table.elapsed_s, json_.elapsed_s, handout.elapsed_s,
                    table.stdout.split("\n", 1)[0])


def _handout_floor(env: dict[str, str]) -> float:
    return run_child([venv_python(), str(BENCH_DIR / "bench_reports.py"), "--child", "floor"], env).check(
        "ReportLab floor").elapsed_s


# ---------------------------------------------------------------- figures

def figures(results: list[tuple[StoreRun, StoreRun, float]], rows: dict[str, int], copy_s: float) -> list[Figure]:
    group = f"register on a server: SQLite vs PostgreSQL, regional demo (as of {AS_OF})"
    made: list[Figure] = []

    def pair(name: str, value: Callable[[StoreRun], float], floor: Callable[[StoreRun, float], float],
             note: str = "", extra: dict[str, Any] | None = None) -> None:
        sqlite_median = statistics.median(value(r[0]) for r in results)
        for position, store in enumerate(STORES):
            figure = Figure(group, f"{name}: {store}", "ms", [value(r[position]) for r in results],
                            floor_samples=[floor(r[position], r[2]) for r in results], note=note,
                            extra=dict(extra or {}) if position == 0 else {})
            if position == 1:
                figure.extra["vs_sqlite"] = figure.stats.median / sqlite_median
            made.append(figure)

    for kind, label in (("employers", "employer list"), ("needs", "need list")):
        for scope, centre in LIST_SCOPES:
            key = f"{kind}_{scope}"
            pair(f"{label}, {centre or 'whole region'} ({rows[key]} rows)", lambda r, key=key: r.lists[f"{key}_total"],
                 lambda r, _h, kind=kind: r.lists[f"{kind}_floor"],
                 note=f"service + RowIndex + filter «{SEARCH}»; floor: SELECT * (whole table) through the bare driver")
    pair("match, table: launch to exit", lambda r: ms(r.table_s), lambda r, _h: ms(r.match_floor_s),
         note="floor: the same reads through the bare driver, a line per need",
         extra={"output": results[-1][0].summary, "copy_to_server_s": copy_s})
    pair("match --json: launch to exit", lambda r: ms(r.json_s), lambda r, _h: ms(r.match_floor_s))
    pair("handout: launch to exit", lambda r: ms(r.handout_s), lambda _r, floor_s: ms(floor_s),
         note="floor: ReportLab one-page document, whole process")
    return made


def measure(sqlite_db: Path, runs: int) -> list[Figure]:
    """``runs`` rounds (after one warm-up) of every figure on both stores; see the module docstring."""
    import shutil

    from kpdesk.common.codes import CLOSED_NEED_STATUSES

    closed = sorted(CLOSED_NEED_STATUSES)
    with tempfile.TemporaryDirectory(prefix="kpdesk-bench-server-") as temp, server_database() as url, \
            fresh_home() as home:
        env = child_env(**home)
        copy = Path(temp) / "regional.sqlite"
        shutil.copyfile(sqlite_db, copy)  # the runs write (the synonym list): the cached file stays as built
        started = time.perf_counter()
        run_child(_kpdesk("copy", "--from", str(copy), "--to", url), env, timeout_s=1800).check("kpdesk copy")
        copy_s = time.perf_counter() - started
        out = Path(temp) / "handout.pdf"

        def once() -> tuple[StoreRun, StoreRun, float]:
            return (_one_store(str(copy), env, out, closed), _one_store(url, env, out, closed), _handout_floor(env))

        results: list[tuple[StoreRun, StoreRun, float]] = repeat(runs, once)
    rows = {f"{kind}_{scope}": int(results[-1][0].lists[f"{kind}_{scope}_rows"])
            for kind in ("employers", "needs") for scope, _centre in LIST_SCOPES}
    return figures(results, rows, copy_s)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, str(REPO))
        print(json.dumps(list_timings(sys.argv[2])))
        sys.exit(0)
    sys.exit("run through benchmarks/run.py --only server")
