"""The benchmark of the register on a server (``benchmarks/bench_server.py``) runs: it makes its own
database on the server ``$KPDESK_BENCH_PG`` names and drops it, its list child reads the same rows on
both stores, and each PostgreSQL figure stands beside its SQLite twin with the ratio between them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from support import ROOT, run_cli


@pytest.fixture
def bench_server(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import bench_server

    return bench_server


def _databases(url: str) -> set[str]:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            return set(conn.scalars(text("SELECT datname FROM pg_database")))
    finally:
        engine.dispose()


def test_both_stores_give_the_lists_the_same_rows(capsys, bench_server, pg_url: str, demo_template: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bench_server.SERVER_ENV, pg_url)
    with bench_server.server_database() as url:
        name = make_url(url).database
        assert name in _databases(pg_url)
        assert run_cli(capsys, "copy", "--from", demo_template, "--to", url)[0] == 0
        timings = [bench_server.list_timings(location) for location in (str(demo_template), url)]
    assert name not in _databases(pg_url)
    for kind, rows in (("employers", 38), ("needs", 92)):
        assert [t[f"{kind}_floor_rows"] for t in timings] == [rows, rows]
        for scope in ("region", "centre"):  # the small demo has one centre: the same rows either way
            key = f"{kind}_{scope}"
            assert [t[f"{key}_rows"] for t in timings] == [rows, rows]
            assert timings[0][f"{key}_matches"] == timings[1][f"{key}_matches"]
            assert all(t[f"{key}_total"] >= t[f"{key}_load"] > 0 for t in timings)


def test_each_server_figure_stands_beside_its_sqlite_twin(bench_server) -> None:
    lists = {f"{kind}_{part}": value for kind in ("employers", "needs")
             for part, value in (("region_total", 10.0), ("centre_total", 4.0), ("floor", 2.0))}
    sqlite = bench_server.StoreRun(lists, 0.1, 1.0, 2.0, 3.0, "75 åpne behov")
    server = bench_server.StoreRun({k: v * 3 for k, v in lists.items()}, 0.2, 1.5, 3.0, 6.0, "75 åpne behov")
    rows = {"employers_region": 38, "employers_centre": 9, "needs_region": 92, "needs_centre": 20}
    figures = bench_server.figures([(sqlite, server, 0.5)], rows, 1.0)
    names = [f.name for f in figures]
    assert names[:4] == ["employer list, whole region (38 rows): SQLite",
                         "employer list, whole region (38 rows): PostgreSQL",
                         "employer list, Mosjøen (9 rows): SQLite", "employer list, Mosjøen (9 rows): PostgreSQL"]
    assert len(names) == 14 and all(n.endswith((": SQLite", ": PostgreSQL")) for n in names)
    handout = figures[-1]
    assert (handout.stats.median, handout.floor and handout.floor.median) == (6000.0, 500.0)
    assert handout.extra["vs_sqlite"] == 2.0 and figures[1].extra["vs_sqlite"] == 3.0
