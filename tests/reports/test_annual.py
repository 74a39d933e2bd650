"""The year's report: every figure recomputed from the raw tables with plain SQL, on the demo, and
the command's CSV and PDF (disclosure control on the figures about employers and persons)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from support import pdf_pages, run_cli, sql_rows

from kpdesk.common.csvfile import read_bytes
from kpdesk.common.paths import Location, ServerAddress
from kpdesk.db.store import Store
from kpdesk.motor.figures import FIGURES, PERSON_FIGURES
from kpdesk.motor.year_rows import load_year
from kpdesk.reports import annual

COUNTED_NEEDS = """
WITH consent_in_force AS (SELECT person_id, stored, statistics FROM consent
                          WHERE id IN (SELECT max(id) FROM consent GROUP BY person_id))
SELECT n.id, n.employer_id, n.registered FROM need n LEFT JOIN consent_in_force c ON c.person_id = n.person_id
WHERE n.person_id IS NULL OR (c.stored AND c.statistics)
"""


def by_sql(db: Location, year: int) -> dict[str, object]:
    first, after = f"{year}-01-01", f"{year + 1}-01-01"

    def one(sql: str, *args: str) -> object:
        return sql_rows(db, sql.format(*args))[0][0]

    started = f"status IN ('started', 'completed') AND start_date >= '{first}' AND start_date < '{after}'"
    completed = f"status = 'completed' AND end_date >= '{first}' AND end_date < '{after}'"
    span = (f"extract(epoch FROM least(ends_at, TIMESTAMP '{after}') - greatest(starts_at, TIMESTAMP '{first}'))"
            " / 3600" if isinstance(db, ServerAddress) else  # each dialect's own words for hours between
            f"(julianday(min(ends_at, '{after}')) - julianday(max(starts_at, '{first}'))) * 24")
    hours = one(f"""SELECT round(CAST(sum({span}) AS NUMERIC), 1) FROM booking
                    WHERE state = 'active' AND starts_at < '{after}' AND ends_at > '{first}'""")
    return {
        "needs_registered": one(f"SELECT count(*) FROM ({COUNTED_NEEDS}) AS counted WHERE registered >= '{first}' "
                                f"AND registered < '{after}'"),
        "runs_started": one(f"SELECT count(*) FROM course_run WHERE {started}"),
        "runs_completed": one(f"SELECT count(*) FROM course_run WHERE {completed}"),
        "runs_cancelled": one(f"SELECT count(*) FROM course_run WHERE status = 'cancelled' AND start_date >= '{first}'"
                              f" AND start_date < '{after}'"),
        "participants_started": one(f"SELECT coalesce(sum(participants), 0) FROM course_run WHERE {started}"),
        "participants_completed": one(f"SELECT coalesce(sum(completed), 0) FROM course_run WHERE {completed}"),
        "credits_passed": Decimal(str(one(f"SELECT coalesce(sum(credits_passed), 0) FROM course_run "
                                          f"WHERE {completed}"))),
        "employers_served": one(f"""SELECT count(DISTINCT n.employer_id) FROM course_run r
                                    JOIN course_run_need l ON l.run_id = r.id
                                    JOIN ({COUNTED_NEEDS}) n ON n.id = l.need_id
                                    WHERE n.employer_id IS NOT NULL AND r.{started.replace(' AND ', ' AND r.')}"""),
        "exam_sittings": one(f"""SELECT count(*) FROM booking WHERE kind = 'exam' AND state = 'active'
                                 AND starts_at >= '{first}' AND starts_at < '{after}' AND id NOT IN
                                 (SELECT room_booking_id FROM exam_candidate WHERE room_booking_id IS NOT NULL)"""),
        "room_hours": Decimal(str(hours or 0)).quantize(Decimal("0.1")),
    }


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_every_figure_is_what_plain_sql_counts_in_the_raw_tables(demo: Path, year: int) -> None:
    expected = by_sql(demo, year)
    store = Store.open(demo)
    try:
        with store.session() as session:
            figures = load_year(session, year).figures()
    finally:
        store.close()
    assert {key: figures.value(key) for key in FIGURES} == expected
    if year == 2027:
        assert all(expected[k] for k in FIGURES if k != "needs_registered"), expected  # the demo has all of them


def test_the_demo_has_runs_in_every_status(demo: Path) -> None:
    statuses = {status for (status,) in sql_rows(demo, "SELECT DISTINCT status FROM course_run")}
    assert statuses == {"planned", "ordered", "started", "completed", "cancelled"}


def test_the_command_writes_the_csv_and_a_pdf_that_opens_with_the_summary(capsys, demo: Path, tmp_path: Path) -> None:
    out, csv_path = tmp_path / "år.pdf", tmp_path / "år.csv"
    code, stdout, err = run_cli(capsys, "report", "annual", "--year", "2027", "--db", demo, "--out", out,
                                "--csv", csv_path)
    assert (code, err) == (0, "")
    assert "Lagret årsrapporten for 2027" in stdout
    lines = read_bytes(csv_path).decode("utf-8-sig").splitlines()
    assert lines[0] == "figure;value"
    rows = dict(line.split(";", 1) for line in lines[1:])
    expected = by_sql(demo, 2027)
    for key in FIGURES:
        value = expected[key]
        plain = f"{value:.1f}".replace(".", ",") if isinstance(value, Decimal) else str(value)
        assert rows[key] == plain or (key in PERSON_FIGURES and rows[key] == ":"), (key, rows[key], value)
    assert "runs_started|provider=Nord universitet" in rows
    first = pdf_pages(out.read_bytes())[0]
    assert "Årsrapport 2027" in first and "Sammendrag" in first and "Dette bør skje nå" in first
    assert f"{expected['runs_started']}\nkurs startet" in first


def test_a_figure_behind_fewer_than_three_contributors_is_hidden_with_its_parts() -> None:
    import datetime as dt

    from kpdesk.motor.figures import RunFact, year_figures

    one_employer = ((("employer", "974760673"), 5),)
    runs = [RunFact("a", "started", dt.date(2027, 2, 1), None, 12, None, None, "UiT", "kurs", "none", one_employer),
            RunFact("b", "started", dt.date(2027, 3, 1), None, 9, None, None, "Nord", "kurs", "none", one_employer)]
    shown, parts = annual.disclose(year_figures(2027, [], runs, []))
    assert shown["participants_started"].text == ":" and shown["runs_started"].text == "2"
    assert [p.figures["participants_started"].text for p in parts["provider"]] == [":", ":"]
    assert [p.figures["runs_started"].text for p in parts["provider"]] == ["1", "1"]


def test_a_hidden_part_whose_neighbours_are_zero_hides_the_total_in_every_table() -> None:
    """Credits by credit system: fagskole 0, ingen 0 and UH hidden beside a printed total would give UH
    away (total minus zeros), so the year's credits are hidden too, and every part behind them."""
    import datetime as dt

    from kpdesk.motor.figures import RunFact, year_figures

    def owners(*numbers: str) -> tuple[tuple[tuple[str, str], int], ...]:
        return tuple((("employer", number), 4) for number in numbers)

    end = dt.date(2027, 6, 1)
    runs = [RunFact("a", "completed", dt.date(2027, 1, 5), end, 10, 9, Decimal(90), "UiT", "uh", "uh",
                    owners("974760673")),
            RunFact("b", "completed", dt.date(2027, 1, 5), end, 8, 8, Decimal(0), "Nord", "fagskole", "fagskole",
                    owners("983971709", "971526920", "974760843")),
            RunFact("c", "completed", dt.date(2027, 1, 5), end, 7, 7, Decimal(0), "Nord", "none", "none",
                    owners("912345675", "923456783", "934567891"))]
    assert [p.figures["credits_passed"].text for p in annual.disclose(year_figures(2027, [], runs[1:], []))[1][
        "credit_system"]] == ["–", "–"]  # zeros behind enough employers are printed
    shown, parts = annual.disclose(year_figures(2027, [], runs, []))
    assert shown["credits_passed"].text == ":"
    for dimension in ("provider", "level", "credit_system"):
        assert all(p.figures["credits_passed"].text in (":", "–") for p in parts[dimension]), dimension
        assert any(p.figures["credits_passed"].text == ":" for p in parts[dimension]), dimension
    assert shown["participants_completed"].text == "24"  # seven employers, none above 80 %: shown


def test_a_bad_year_or_csv_name_stops_before_anything_is_written(capsys, demo: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "report", "annual", "--year", "27", "--db", demo, "--out", tmp_path / "a.pdf")
    assert code == 1 and "--year skal være et årstall med fire sifre" in err
    code, _, err = run_cli(capsys, "report", "annual", "--year", "2027", "--db", demo, "--out", tmp_path / "a.pdf",
                           "--csv", tmp_path / "a.txt")
    assert code == 1 and "ikke et CSV-filnavn" in err
    assert not (tmp_path / "a.pdf").exists()
