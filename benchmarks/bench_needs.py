"""Needs list (Behov) on the regional data: initial load, filter per keystroke, sort by a header click.

The runner starts this file as a fresh process per run (``python bench_needs.py DB``); inside it
the real ``MainWindow`` runs offscreen and every timing is ``time.perf_counter()`` in-process.
It prints one JSON line. Qt is imported only in that child, never in the runner.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import BENCH_DIR, Figure, child_env, fresh_home, grouped, megabytes, ms, repeat, run_child, venv_python

# Typed one character at a time, then erased, then a Norwegian letter (folding: "ø" finds "Ø").
KEYSTROKES = ("h", "he", "hel", "hels", "helse", "hels", "hel", "he", "h", "", "ø")
SORT_CLICKS = ((1, "ascending"), (1, "descending"), (0, "ascending"))  # Behov ↑, Behov ↓, Ref. ↑
KEYSTROKE_GOAL_MS = 50.0


# ---------------------------------------------------------------- the child (in-process, Qt)

def _wait_until(condition: Callable[[], bool], timeout_s: float = 120.0) -> None:
    """Process events until ``condition()`` holds (like qtbot.waitUntil)."""
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + timeout_s
    while not condition():
        QApplication.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.0005)


def _plain_floor(strings: list[str], text: str) -> float:
    """The same scan without Qt or row objects: a list comprehension over plain strings."""
    from kpdesk.common.norsk import fold

    words = fold(text).split()
    start = time.perf_counter()
    if not words:
        picked = list(strings)
    elif len(words) == 1:
        word = words[0]
        picked = [s for s in strings if word in s]
    else:
        picked = [s for s in strings if all(w in s for w in words)]
    elapsed = time.perf_counter() - start
    del picked
    return elapsed


def child(db: Path) -> dict[str, Any]:
    """Open the real window on ``db``, go to Behov, type, sort; return the timings."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from kpdesk.common.list_filter import RowIndex
    from kpdesk.common.norsk import fold, sort_key
    from kpdesk.ui.app import create_application
    from kpdesk.ui.main_window import MainWindow
    from kpdesk.ui.pages.needs import NeedsPage

    app = create_application()
    window = MainWindow(db)
    window.show()
    window.open_store()
    # Let the default section (Arbeidsgivere) finish its own load, so Behov does not queue behind it.
    _wait_until(lambda: window.context.store is not None and window.navigation.currentRow() >= 0
                and not window.runner.is_busy())

    from kpdesk.ui.main_window import SECTIONS

    index = next(i for i, section in enumerate(SECTIONS) if section[2] == NeedsPage.__name__)
    page = window.page(index)
    assert isinstance(page, NeedsPage)
    if page.model.total_count():
        raise RuntimeError("Behov was loaded before the switch (remembered section?); the load time would be wrong")
    start = time.perf_counter()
    window.navigation.setCurrentRow(index)
    _wait_until(lambda: page.model.rowCount() > 0)
    page.view.viewport().repaint()
    app.processEvents()
    load_s = time.perf_counter() - start

    # Plain-data twins of what the model holds, for the floor and the breakdown.
    rows = page.model.visible_rows()
    columns = page.model.columns
    searchable = [c for c in columns if c.searchable]
    strings = [fold("\x1f".join(c.display(r) for c in searchable)) for r in rows]
    twin = RowIndex(rows, columns)

    keystrokes = []
    for text in KEYSTROKES:
        start = time.perf_counter()
        page.filter_edit.setText(text)
        page.view.viewport().repaint()
        QApplication.processEvents()
        elapsed = time.perf_counter() - start
        shown = page.model.rowCount()
        # Breakdown, outside the timed keystroke: the Python filter alone, then sorting its matches.
        start = time.perf_counter()
        picked = twin.filter(text)
        filter_s = time.perf_counter() - start
        start = time.perf_counter()
        twin.sort(picked, 0)
        sort_s = time.perf_counter() - start
        keystrokes.append({"text": text, "s": elapsed, "shown": shown, "floor_s": _plain_floor(strings, text),
                           "filter_only_s": filter_s, "sort_matches_s": sort_s})

    page.filter_edit.setText("")
    app.processEvents()
    clicks = []
    for column, direction in SORT_CLICKS:
        order = Qt.SortOrder.AscendingOrder if direction == "ascending" else Qt.SortOrder.DescendingOrder
        start = time.perf_counter()
        page.view.sortByColumn(column, order)
        page.view.viewport().repaint()
        QApplication.processEvents()
        clicks.append({"column": columns[column].header, "order": direction, "s": time.perf_counter() - start})
    # Floor: the same rows sorted by Norwegian keys computed once at load (what a cached key costs).
    title_keys = [sort_key(columns[1].display(r)) for r in rows]
    start = time.perf_counter()
    sorted(range(len(rows)), key=title_keys.__getitem__)
    sort_floor_s = time.perf_counter() - start

    window.close()
    return {"rows": len(rows), "load_s": load_s, "keystrokes": keystrokes, "sort_clicks": clicks,
            "sort_floor_s": sort_floor_s}


# ---------------------------------------------------------------- the runner side

def _one_run(db: Path) -> tuple[dict[str, Any], int]:
    with fresh_home() as home:
        result = run_child([venv_python(), str(BENCH_DIR / "bench_needs.py"), str(db)],
                           child_env(**home, QT_QPA_PLATFORM="offscreen"), timeout_s=300).check("needs benchmark")
    return result.json_line(), result.max_rss_bytes


def measure(db: Path, runs: int) -> list[Figure]:
    """``runs`` fresh processes after one warm-up; keystrokes are pooled over all of them."""
    results = repeat(runs, lambda: _one_run(db))
    data = [r for r, _ in results]
    strokes = [k for d in data for k in d["keystrokes"]]
    group = f"needs list ({grouped(data[0]['rows'])} rows, offscreen)"
    per_text = {text: statistics.median(ms(k["s"]) for k in strokes if k["text"] == text) for text in KEYSTROKES}
    shown = {text: next(k["shown"] for k in strokes if k["text"] == text) for text in KEYSTROKES}
    keystroke = Figure(group, "filter, per keystroke", "ms", [ms(k["s"]) for k in strokes],
                       floor_samples=[ms(k["floor_s"]) for k in strokes], goal=f"≤ {KEYSTROKE_GOAL_MS:g} ms each",
                       stat="max", note="setText + viewport repaint + processEvents; floor: substring scan of "
                       "the same number of plain folded strings",
                       extra={"median_ms_by_text": per_text, "rows_shown_by_text": shown})
    keystroke.goal_met = keystroke.stats.high <= KEYSTROKE_GOAL_MS
    filter_only = Figure(group, "  of which: RowIndex.filter", "ms", [ms(k["filter_only_s"]) for k in strokes],
                         note="kpdesk.common.list_filter's scan alone, same texts (measured separately)")
    sort_matches = Figure(group, "  of which: re-sort of matches", "ms", [ms(k["sort_matches_s"]) for k in strokes],
                          note="RowIndex.sort(matches, Ref. column) with keys cached at load (measured separately)")
    clicks = Figure(group, "sort, header click", "ms", [ms(c["s"]) for d in data for c in d["sort_clicks"]],
                    floor_samples=[ms(d["sort_floor_s"]) for d in data], stat="max",
                    note="sortByColumn + repaint on the whole list (Behov ↑, Behov ↓, Ref. ↑); "
                    "floor: sorting the rows by Norwegian keys computed once at load")
    load = Figure(group, "initial load", "ms", [ms(d["load_s"]) for d in data],
                  note="from switching to Behov until its rows are painted")
    rss = Figure(group, "peak memory (process)", "MB", [megabytes(m) for _, m in results], stat="max",
                 note="window with Arbeidsgivere and Behov loaded")
    return [keystroke, filter_only, sort_matches, clicks, load, rss]


if __name__ == "__main__":
    print(json.dumps(child(Path(sys.argv[1]))), flush=True)
