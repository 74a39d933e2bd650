"""Each figure of the year at the edges of the year (31.12 and 1.1), from plain rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kpdesk.motor.figures import FIGURES, BookingFact, NeedFact, RunFact, year_figures

Y = 2027
D = dt.date
EMPLOYER_A, EMPLOYER_B = ("employer", "974760673"), ("employer", "987654325")
PERSON = ("person", "P0001")


def run(ref: str, status: str, start: dt.date | None, end: dt.date | None = None, participants: int | None = None,
        completed: int | None = None, credits: str | None = None, provider: str = "Nord universitet",
        needs: tuple = ()) -> RunFact:
    return RunFact(ref, status, start, end, participants, completed, Decimal(credits) if credits else None,
                   provider, "bachelor", "uh", needs)


def booking(start: str, end: str, state: str = "active", kind: str = "session", separate: bool = False) -> BookingFact:
    return BookingFact(dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end), state, kind, separate)


def test_needs_registered_counts_1_1_to_31_12() -> None:
    needs = [NeedFact(d, EMPLOYER_A, 1) for d in (D(Y - 1, 12, 31), D(Y, 1, 1), D(Y, 12, 31), D(Y + 1, 1, 1))]
    assert year_figures(Y, needs, [], []).value("needs_registered") == 2


def test_runs_started_by_start_date_and_status() -> None:
    runs = [run("a", "started", D(Y - 1, 12, 31), participants=5), run("b", "started", D(Y, 1, 1), participants=6),
            run("c", "completed", D(Y, 12, 31), D(Y + 1, 2, 1), 7, 7), run("d", "ordered", D(Y, 5, 1)),
            run("e", "planned", D(Y, 5, 1)), run("f", "cancelled", D(Y, 5, 1)),
            run("g", "started", D(Y + 1, 1, 1), participants=9)]
    figures = year_figures(Y, [], runs, [])
    assert figures.value("runs_started") == 2  # b and c
    assert figures.value("participants_started") == 13
    assert figures.value("runs_completed") == 0  # c ends next year


def test_runs_completed_by_end_date() -> None:
    runs = [run("a", "completed", D(Y - 1, 1, 1), D(Y - 1, 12, 31), 10, 8, "60"),
            run("b", "completed", D(Y - 1, 8, 1), D(Y, 1, 1), 10, 9, "67.5"),
            run("c", "completed", D(Y, 1, 1), D(Y, 12, 31), 4, 2, "15"),
            run("d", "completed", D(Y, 8, 1), D(Y + 1, 1, 1), 10, 10, "75"),
            run("e", "started", D(Y, 2, 1), D(Y, 6, 1), 3)]
    figures = year_figures(Y, [], runs, [])
    assert figures.value("runs_completed") == 2  # b and c
    assert figures.value("participants_completed") == 11
    assert figures.value("credits_passed") == Decimal("82.5")
    assert figures.value("runs_started") == 3  # c (started 1.1), d and e


def test_runs_cancelled_by_start_date() -> None:
    runs = [run("a", "cancelled", D(Y - 1, 12, 31)), run("b", "cancelled", D(Y, 1, 1)),
            run("c", "cancelled", D(Y, 12, 31)), run("d", "cancelled", D(Y + 1, 1, 1)), run("e", "cancelled", None)]
    assert year_figures(Y, [], runs, []).value("runs_cancelled") == 2


def test_employers_served_are_distinct_employers_behind_runs_started_in_the_year() -> None:
    runs = [run("a", "started", D(Y, 1, 1), participants=3, needs=((EMPLOYER_A, 2), (PERSON, 1))),
            run("b", "completed", D(Y, 12, 31), D(Y + 1, 1, 5), 4, 4, needs=((EMPLOYER_A, 3),)),
            run("c", "started", D(Y - 1, 12, 31), participants=2, needs=((EMPLOYER_B, 2),)),
            run("d", "ordered", D(Y, 3, 1), needs=((EMPLOYER_B, 1),))]
    figure = year_figures(Y, [], runs, []).figures["employers_served"]
    assert figure.value == 1
    assert figure.contributors == ((EMPLOYER_A, 1),)


def test_exam_sittings_are_held_exam_bookings_starting_in_the_year() -> None:
    bookings = [booking(f"{Y - 1}-12-31T09:00", f"{Y - 1}-12-31T13:00", kind="exam"),
                booking(f"{Y}-01-01T09:00", f"{Y}-01-01T13:00", kind="exam"),
                booking(f"{Y}-01-01T09:00", f"{Y}-01-01T14:00", kind="exam", separate=True),
                booking(f"{Y}-05-12T09:00", f"{Y}-05-12T13:00", kind="exam", state="cancelled"),
                booking(f"{Y}-05-19T09:00", f"{Y}-05-19T13:00", kind="exam", state="skipped"),
                booking(f"{Y}-12-31T09:00", f"{Y}-12-31T13:00", kind="exam"),
                booking(f"{Y}-06-01T09:00", f"{Y}-06-01T13:00", kind="session"),
                booking(f"{Y + 1}-01-01T09:00", f"{Y + 1}-01-01T13:00", kind="exam")]
    assert year_figures(Y, [], [], bookings).value("exam_sittings") == 2


def test_room_hours_from_start_to_end_within_the_year_one_decimal() -> None:
    bookings = [booking(f"{Y - 1}-12-31T22:00", f"{Y}-01-01T02:00"),  # 2 h of it in the year
                booking(f"{Y}-03-01T09:00", f"{Y}-03-01T09:20"),  # 0.333… h
                booking(f"{Y}-05-12T09:00", f"{Y}-05-12T13:00", kind="exam"),  # the buffer is before 09:00
                booking(f"{Y}-05-13T09:00", f"{Y}-05-13T13:00", state="cancelled"),
                booking(f"{Y}-05-14T09:00", f"{Y}-05-14T13:00", state="skipped"),
                booking(f"{Y}-12-31T23:00", f"{Y + 1}-01-01T01:00")]  # 1 h of it in the year
    assert year_figures(Y, [], [], bookings).value("room_hours") == Decimal("7.3")
    assert year_figures(Y - 1, [], [], bookings).value("room_hours") == Decimal("2.0")


def test_every_figure_is_there_in_order_and_parts_add_up() -> None:
    runs = [run("a", "started", D(Y, 2, 1), participants=5, provider="UiT"),
            run("b", "completed", D(Y, 1, 1), D(Y, 6, 1), 6, 5, "30"),
            run("c", "planned", None, provider="Ingen i år")]
    figures = year_figures(Y, [], runs, [])
    assert tuple(figures.figures) == FIGURES
    by_provider = figures.parts["provider"]
    assert set(by_provider) == {"UiT", "Nord universitet"}  # a provider with nothing in the year is left out
    assert sum(p["participants_started"].value for p in by_provider.values()) == 11
