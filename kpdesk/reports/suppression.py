"""Small-cell suppression for the anonymous handout, after Statistics Norway's practice.

SSB hides cells with fewer than 3 observations and then hides others so that the hidden values
cannot be worked out from the sums (domain brief §4, https://www.ssb.no/omssb/personvern/
personopplysninger-i-statistikken). kpdesk's rule for a table of counts with row, column and
grand totals (a list with a total is a table of one row):

1. **Primary suppression.** A count of 1 or 2, a total included, is printed as ``<3``. Zero is
   printed as ``–`` (no employer is behind it).
2. **Secondary suppression** (the idea of the "hypercube" method in SSB's τ-ARGUS, in two
   dimensions). Every ``<3`` count must keep both of its possible values, 1 and 2, consistent
   with everything printed. For each one kpdesk finds another table that prints the same: the
   count moved to its other value and a closed path of other counts through the table and its
   totals (along its row, down a column, along a row, … back to its column; a rectangle of four
   is the shortest) each moved by one, so that every row, column and total still adds up and
   every hidden count stays inside what its sign says: ``<3`` stays 1–2, ``:`` (SSB's sign for
   "vises ikke av konfidensialitetshensyn") stays 3 or more. The counts on that path are hidden
   as ``:``. The cheapest path is chosen: counts already hidden cost nothing, inner counts little,
   row and column totals more, the grand total most.

That other table is a complete, equally possible reading of the printed page, so no sum or
difference can give a ``<3`` count away. The one case without any such path is a line whose
total is itself below 3 (the counts 1 and 1 under a total "<3": both can only be 1); the line as
a whole is then a small cell, printed as one. ``CrossTable.unprotected`` lists such counts.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

THRESHOLD = 3
PRIMARY_TEXT = "<3"
SECONDARY_TEXT = ":"
ZERO_TEXT = "–"
TOTAL = -1  # the index of the totals row and column

Key = tuple[int, int]  # (row, column); TOTAL for the totals


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def count_text(value: int, hidden: bool = False) -> str:
    """How a count prints: '–' for 0, '<3' for 1–2, ':' when hidden otherwise, else the number."""
    from kpdesk.common.norsk import group_thousands

    if value == 0:
        return ZERO_TEXT
    if is_small(value):
        return PRIMARY_TEXT
    if hidden:
        return SECONDARY_TEXT
    return group_thousands(value)


def _can_move(value: int, change: int) -> bool:
    """Whether a hidden count may read ``value + change`` without contradicting how it prints."""
    moved = value + change
    return THRESHOLD > moved >= 1 if is_small(value) else moved >= THRESHOLD


def _sign(index: int) -> int:
    """Totals enter their line's equation with the opposite sign of the counts they add up."""
    return -1 if index == TOTAL else 1


def _weight(key: Key) -> float:
    """What hiding a count costs: inner counts first, then row and column totals, the grand total last."""
    if key == (TOTAL, TOTAL):
        return 1000.0
    return 10.0 if TOTAL in key else 1.0


def suppress(values: Mapping[Key, int], rows: int, columns: int) -> tuple[frozenset[Key], frozenset[Key]]:
    """(hidden, unprotected) for a table whose ``values`` include the totals (TOTAL indices).

    With the totals' signs flipped, every row and column of the table with its totals adds up
    to zero, so another table that reads the same on paper differs from this one by closed
    alternating paths: +1, −1, +1, … moving along a row, then a column, and so on, back to the
    start (a rectangle is the shortest). For each ``<3`` count this finds the cheapest such path
    through it on which every count can move one step without contradicting how it is printed
    (Dijkstra over the rows and columns; counts already hidden cost nothing), and hides it.
    """
    row_keys = [*range(rows), TOTAL]
    column_keys = [*range(columns), TOTAL]
    primary = sorted((key for key, value in values.items() if is_small(value)),
                     key=lambda k: (_weight(k), values[k], k))
    hidden = set(primary)
    unprotected = set()

    def usable(key: Key, step: int) -> bool:
        value = values.get(key, 0)
        return value > 0 and _can_move(value, _sign(key[0]) * _sign(key[1]) * step)

    for cell in primary:
        start_row, end_column = cell
        step = _sign(start_row) * _sign(end_column) * (1 if values[cell] == 1 else -1)
        source, target = ("row", start_row), ("column", end_column)
        best: dict[tuple[str, int], float] = {source: 0.0}
        came: dict[tuple[str, int], tuple[tuple[str, int], Key]] = {}
        queue: list[tuple[float, tuple[str, int]]] = [(0.0, source)]
        while queue:
            cost, node = heapq.heappop(queue)
            if node == target:
                break
            if cost > best.get(node, math.inf):
                continue
            kind, index = node
            if kind == "row":  # along the row: the next count moves the other way
                edges = [((index, c), ("column", c)) for c in column_keys if (index, c) != cell
                         and usable((index, c), -step)]
            else:  # down the column: the same way as the start
                edges = [((r, index), ("row", r)) for r in row_keys if usable((r, index), step)]
            for key, following in edges:
                total = cost + (0.0 if key in hidden else _weight(key) + values[key] / 1e6)
                if total < best.get(following, math.inf):
                    best[following] = total
                    came[following] = (node, key)
                    heapq.heappush(queue, (total, following))
        if target not in came:
            unprotected.add(cell)
            continue
        node = target
        while node != source:
            node, key = came[node]
            hidden.add(key)
    return frozenset(hidden), frozenset(unprotected)


@dataclass(frozen=True)
class CrossTable:
    """Counts by row and column with row, column and grand totals, suppressed (rule above)."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: Mapping[Key, int]  # (r, c), (r, TOTAL), (TOTAL, c), (TOTAL, TOTAL)
    hidden: frozenset[Key]
    unprotected: frozenset[Key]

    @classmethod
    def of(cls, rows: Sequence[str], columns: Sequence[str], counts: Mapping[tuple[int, int], int]) -> CrossTable:
        values: dict[Key, int] = {}
        for r in range(len(rows)):
            for c in range(len(columns)):
                values[(r, c)] = counts.get((r, c), 0)
            values[(r, TOTAL)] = sum(values[(r, c)] for c in range(len(columns)))
        for c in range(len(columns)):
            values[(TOTAL, c)] = sum(values[(r, c)] for r in range(len(rows)))
        values[(TOTAL, TOTAL)] = sum(values[(r, TOTAL)] for r in range(len(rows)))
        hidden, unprotected = suppress(values, len(rows), len(columns))
        return cls(tuple(rows), tuple(columns), values, hidden, unprotected)

    def _text(self, key: Key) -> str:
        return count_text(self.values[key], key in self.hidden)

    def cell(self, r: int, c: int) -> str:
        return self._text((r, c))

    def row_total(self, r: int) -> str:
        return self._text((r, TOTAL))

    def column_total(self, c: int) -> str:
        return self._text((TOTAL, c))

    @property
    def grand_total(self) -> str:
        return self._text((TOTAL, TOTAL))

    @property
    def grand_value(self) -> int:
        return self.values[(TOTAL, TOTAL)]


@dataclass(frozen=True)
class Partition:
    """Counts that add up to a printed total (the persons in each demand group), suppressed.

    Suppressed as a table of one row: a count is hidden when its cell or its column's total is.
    """

    counts: tuple[int, ...]
    table: CrossTable

    @classmethod
    def of(cls, counts: Iterable[int]) -> Partition:
        values = tuple(counts)
        table = CrossTable.of(["alle"], [str(i) for i in range(len(values))], {(0, i): v for i, v in enumerate(values)})
        return cls(values, table)

    def is_hidden(self, index: int) -> bool:
        return (0, index) in self.table.hidden or (TOTAL, index) in self.table.hidden

    def text(self, index: int) -> str:
        return count_text(self.counts[index], self.is_hidden(index))

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def total_text(self) -> str:
        hidden = (0, TOTAL) in self.table.hidden or (TOTAL, TOTAL) in self.table.hidden
        return count_text(self.total, hidden)
