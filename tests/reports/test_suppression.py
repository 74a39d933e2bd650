"""Disclosure control's rules on small made-up figures (``kpdesk.reports.suppression``).

The handouts of the demos are checked in test_disclosure.py; here every rule is checked on its
own, and on random tables and lists an exact bounds check (``disclosure_reader.Reader``) finds at
least two possible values for every hidden figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from disclosure_reader import Reader
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk.reports.suppression import (
    HIDDEN_TEXT,
    TOTAL,
    CrossTable,
    Partition,
    Share,
    figure_text,
    named_phrase,
)


def needs(*employers: str, persons: int = 5) -> Share:
    """One need of ``persons`` persons per employer named."""
    return Share.of((employer, persons) for employer in employers)


def test_figures_print_as_ssb_prints_them() -> None:
    assert [figure_text(v) for v in (0, 3, 12500)] == ["–", "3", "12\u00a0500"]
    assert figure_text(7, hidden=True) == HIDDEN_TEXT == ":"


@pytest.mark.parametrize(("share", "sensitive"), [
    (needs("a", "b"), True),  # two employers
    (needs("a", "b", "c"), False),
    (Share.of([("a", 90), ("b", 5), ("c", 5)]), True),  # one employer holds 90 % of the persons
    (Share.of([("a", 8), ("b", 1), ("c", 1)]), False),  # 80 % is not more than 80 %
    (Share.of([*[("a", 1)] * 9, ("b", 20), ("c", 20)]), True),  # 9 of 11 needs (82 %), though 18 % of the persons
    (Share(), False),  # zero: nobody behind it
])
def test_a_figure_needs_three_employers_and_none_with_more_than_80_percent(share: Share, sensitive: bool) -> None:
    assert share.sensitive is sensitive


def test_one_employer_in_a_cell_takes_a_rectangle_with_it() -> None:
    table = CrossTable.of(["Træna", "Rana"], ["C", "Q"], {
        (0, 0): needs("fiskeoppdrett"), (0, 1): needs("a", "b", "c"),
        (1, 0): needs("d", "e", "f", "g"), (1, 1): needs("h", "i", "j", "k", "l")})
    # Træna C could be 2 if Træna Q were 2, Rana C 3 and Rana Q 6: all four are hidden, the sums are not
    assert [table.cell(r, c) for r in range(2) for c in range(2)] == [":"] * 4
    assert [table.row_total(0), table.row_total(1), table.column_total(0), table.column_total(1)] == \
        ["4", "9", "5", "8"]
    assert table.grand_total == "13"


def test_a_line_with_fewer_than_three_employers_is_hidden_as_a_whole() -> None:
    table = CrossTable.of(["Træna", "Rana", "Vefsn"], ["C", "Q"], {
        (0, 0): needs("a"), (0, 1): needs("b"),
        (1, 0): needs("c", "d", "e"), (1, 1): needs("f", "g", "h", "i"),
        (2, 0): needs("j", "k", "l", "m"), (2, 1): needs("n", "o", "p")})
    assert [table.cell(0, 0), table.cell(0, 1), table.row_total(0)] == [":", ":", ":"]
    assert table.grand_total == "16"
    assert all(high > low for low, high in read_table(table).values())


def test_a_hidden_group_takes_the_smallest_shown_one_with_it() -> None:
    persons = Partition.of([needs("a", persons=173), needs("b", "c", "d", persons=4), needs("e", "f", "g", "h"),
                            needs("i", "j", "k", persons=7)])
    assert [persons.text(i) for i in range(4)] == [":", ":", "20", "21"]
    assert [persons.employers_text(i) for i in range(4)] == [":", ":", "4", "3"]
    assert persons.total_text == "226" and persons.employers_total_text == "11"


def test_a_total_behind_too_few_employers_is_hidden_and_so_is_every_part() -> None:
    persons = Partition.of([needs("a", persons=3), needs("a", "b", persons=2)])
    assert [persons.text(0), persons.text(1), persons.total_text, persons.employers_total_text] == [":"] * 4


def test_names_only_beside_a_shown_group_and_never_as_a_whole_list() -> None:
    named = {"a": "Alfa AS", "b": "Beta AS", "c": "Cølle AS", "d": "Delta AS"}
    persons = Partition.of([needs("a", "b", "c", "d", "e"), needs("a", "b"), needs("x", "y", "z", persons=1)])
    assert persons.names(0, named.get) == ("Alfa AS", "Beta AS", "Cølle AS", "Delta AS")
    assert persons.names(1, named.get) == ()  # hidden: no names, they would bound its count
    assert named_phrase(persons.names(0, named.get)) == "blant dem Alfa AS og Beta AS"  # two at most
    assert named_phrase(["Beta AS"]) == "blant dem Beta AS" and named_phrase([]) == ""


# ---------------------------------------------------------------- random tables and lists, checked exactly

def read_table(table: CrossTable) -> dict[str, tuple[int, int]]:
    """Every hidden figure's range, from the texts the table prints and its sums."""
    reader = Reader()
    rows, columns = [*range(len(table.rows)), TOTAL], [*range(len(table.columns)), TOTAL]
    index = {(r, c): reader.figure(f"{r}/{c}", table.text((r, c))) for r in rows for c in columns}
    for r in rows:
        reader.sums([index[(r, c)] for c in columns[:-1]], index[(r, TOTAL)])
    for c in columns:
        reader.sums([index[(r, c)] for r in rows[:-1]], index[(TOTAL, c)])
    return reader.ranges()


def read_parts(parts: Partition) -> dict[str, tuple[int, int]]:
    reader = Reader()
    figures = [reader.figure(str(i), parts.text(i)) for i in range(len(parts.shares))]
    reader.sums(figures, reader.figure("total", parts.total_text))
    return reader.ranges()


EMPLOYERS = st.sampled_from("abcdefg")
SHARES = st.lists(st.tuples(EMPLOYERS, st.integers(1, 30)), max_size=5).map(Share.of)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_no_hidden_cell_of_a_random_table_can_be_worked_out(rows: int, columns: int, data: st.DataObject) -> None:
    shares = {(r, c): data.draw(SHARES) for r in range(rows) for c in range(columns)}
    table = CrossTable.of([f"r{r}" for r in range(rows)], [f"c{c}" for c in range(columns)], shares)
    for key, value in table.values.items():
        behind = Share.combined(s for k, s in shares.items() if _within(k, key))
        assert (key in table.hidden) >= behind.sensitive, key  # every sensitive figure hidden
        assert not (value == 0 and key in table.hidden), key  # zero is shown
    for name, (low, high) in read_table(table).items():
        assert high > low, (name, shares)


def _within(cell: tuple[int, int], key: tuple[int, int]) -> bool:
    return all(k in (TOTAL, c) for c, k in zip(cell, key, strict=True))


@settings(max_examples=60, deadline=None)
@given(st.lists(SHARES.filter(lambda s: s.need_count > 0), min_size=1, max_size=6))
def test_no_hidden_part_of_a_random_list_can_be_worked_out(shares: Sequence[Share]) -> None:
    parts = Partition.of(shares)
    for i, share in enumerate(shares):
        assert parts.is_hidden(i) >= share.sensitive, i
    assert parts.total_hidden >= Share.combined(shares).sensitive
    for name, (low, high) in read_parts(parts).items():
        assert high > low, (name, shares)
