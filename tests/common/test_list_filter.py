"""Columns of in-memory lists (kpdesk.common.list_filter)."""

from __future__ import annotations

from kpdesk.common.list_filter import RowIndex, count_column


def test_a_count_column_groups_thousands_and_sorts_as_numbers() -> None:
    column = count_column("bookings", "Bookinger", lambda r: r)
    assert column.display(1298) == "1\u00a0298" and column.align_right and not column.searchable
    index = RowIndex([1298, 2, 10_000, 999], [column])
    assert [index.rows[n] for n in index.sort(list(range(4)), 0)] == [2, 999, 1298, 10_000]
    assert count_column("seats", "Plasser", lambda r: r, searchable=True).searchable
