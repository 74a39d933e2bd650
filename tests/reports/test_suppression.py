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

from kpdesk.reports.owners import contributors_cell, contributors_label, contributors_phrase, owners_phrase
from kpdesk.reports.suppression import (
    HIDDEN_TEXT,
    TOTAL,
    CrossTable,
    KindSplit,
    Owner,
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


# ---------------------------------------------------------------- kinds of contributors (rule 6)

def owners(kind: str, *keys: str, persons: int = 1, wishes: int = 1) -> list[tuple[Owner, int]]:
    """``wishes`` needs of ``persons`` persons for each contributor of this kind."""
    return [(Owner(kind, key), persons) for key in keys for _ in range(wishes)]


def test_an_employer_and_a_person_with_the_same_key_are_two_contributors() -> None:
    share = Share.of([(Owner("employer", "1"), 5), (Owner("person", "1"), 1), (Owner("community", "1"), 4)])
    assert share.employers == 3
    assert KindSplit.of(share).counts == (("employer", 1), ("person", 1), ("community", 1))


@pytest.mark.parametrize(("needs_of", "cell", "phrase"), [
    # every kind behind the figure passes rule 2 on its own: told apart
    ([*owners("employer", "a", "b", "c", "d", persons=4), *owners("person", "p", "q", "r")],
     "4 arbeidsgivere og 3 privatpersoner", "4 arbeidsgivere og 3 privatpersoner"),
    # one private person: the total passes, the split does not, and is not told
    ([*owners("employer", "a", "b", "c", "d", persons=4), *owners("person", "p")],
     "5 til sammen", "i alt 5 arbeidsgivere, privatpersoner og lokalsamfunn"),
    # three persons, but one of them has 9 of the 11 wishes (82 %): not told apart either
    ([*owners("employer", "a", "b", "c", persons=4), *owners("person", "p", wishes=9), *owners("person", "q", "r")],
     "6 til sammen", "i alt 6 arbeidsgivere, privatpersoner og lokalsamfunn"),
    # too few in all: hidden, and worded the same whoever is behind it
    (owners("person", "p", "q"), ":", "et skjult antall arbeidsgivere, privatpersoner og lokalsamfunn"),
    (owners("employer", "a", "b"), ":", "et skjult antall arbeidsgivere, privatpersoner og lokalsamfunn"),
    # one kind alone is the whole figure
    (owners("community", "1804", "1836", "Helgeland", persons=5), "3 lokalsamfunn", "3 lokalsamfunn"),
])
def test_kinds_are_told_apart_only_when_each_passes_on_its_own(needs_of: list[tuple[Owner, int]], cell: str,
                                                                phrase: str) -> None:
    split = KindSplit.of(Share.of(needs_of))
    assert contributors_cell(split) == cell
    assert contributors_phrase(split) == phrase


def test_a_key_figure_names_one_kind_only_where_it_alone_is_shown() -> None:
    employers = KindSplit.of(Share.of(owners("employer", "a", "b", "c")))
    lone_person = KindSplit.of(Share.of([*owners("employer", "a", "b", "c"), *owners("person", "p")]))
    hidden_person = KindSplit.of(Share.of(owners("person", "p")))
    assert contributors_label(employers) == "arbeidsgivere"
    assert contributors_label(lone_person) == contributors_label(hidden_person) == (
        "arbeidsgivere, privatpersoner og lokalsamfunn")


def test_names_stand_only_beside_a_number_of_employers_that_is_shown() -> None:
    named = {"a": "Alfa AS", "b": "Beta AS", "p": "never a person's name"}
    told = [*owners("employer", "a", "b", "c", persons=4), *owners("person", "p", "q", "r")]
    untold = [*owners("employer", "a", "b", "c", "d", persons=4), *owners("person", "p")]
    parts = Partition.of([Share.of(told), Share.of(untold), Share.of(owners("employer", "x", "y", "z"))])
    assert parts.names(0, named.get) == ("Alfa AS", "Beta AS")
    assert contributors_cell(parts.kinds(0), parts.names(0, named.get)) == (
        "3 arbeidsgivere og 3 privatpersoner, blant dem Alfa AS og Beta AS")
    assert parts.names(1, named.get) == ()  # its employers are not a shown figure
    assert contributors_cell(parts.kinds(1), parts.names(1, named.get)) == "5 til sammen"
    # p is in two groups but is one person: the summary counts each contributor once
    assert parts.total_kinds.shown and parts.total_kinds.counts == (("employer", 7), ("person", 3))


def test_the_words_for_each_kind() -> None:
    assert owners_phrase([("employer", 1), ("person", 0), ("community", 2)]) == "1 arbeidsgiver og 2 lokalsamfunn"
    assert owners_phrase([("employer", 12), ("person", 3), ("community", 1)]) == (
        "12 arbeidsgivere, 3 privatpersoner og 1 lokalsamfunn")
    assert owners_phrase([("person", 1)]) == "1 privatperson" and owners_phrase([]) == ""


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
