"""Disclosure control: which figures about the needs in the register may be printed, after SSB's practice.

Every figure kpdesk prints or exports about needs passes this module (the meeting handout now;
the dashboard and the annual report are to use it too). Domain brief §4 and
https://www.ssb.no/omssb/personvern/personopplysninger-i-statistikken. The rules:

1. **Who is behind a figure.** A figure (a table cell, a row's, column's or table's total, the
   persons in a demand group, a total in a sentence) counts needs or their persons, and every
   need belongs to one owner, its **contributor**: an employer, a private person (an individual's
   own wish, counted only with their consent to anonymous statistics) or a community (a
   municipality or a region). Each is one contributor, keyed with its kind (``Owner``), so an
   employer and a person never merge. A ``Share`` holds, per contributor, the needs and persons a
   figure counts. (Below, "contributors" is said where the code says ``employers``.)
2. **Primary suppression.** A figure is shown only when at least 3 distinct contributors are
   behind it and no single one of them holds more than 80 % of its persons, nor of its needs
   (SSB's threshold and dominance rules). Otherwise it is hidden, and so is everything printed
   beside it about the same contributors: a hidden demand group hides its persons, its number of
   contributors, their kinds and its names alike. Zero (no one behind it) discloses nothing and is
   shown.
3. **Secondary suppression.** No hidden figure may be worked out from what the same document
   prints. The reader knows that ``–`` is 0, that a hidden figure is a whole number of at least
   1, and that the printed sums add up. A hidden figure is safe when the page can be read another
   way, as possible as the true one, in which the figure has another value:
   - a table with row, column and grand totals: the true values moved by +1, −1, +1, … around a
     closed path (along a row, down a column, along a row, … back to the start; totals take part
     with their sign flipped, so a rectangle through a cell, its row's total, the grand total and
     its column's total moves all four by +1), every figure on the path hidden and none dropping
     below 1. For each primary figure not yet on such a path the cheapest path is found (Dijkstra;
     figures already hidden cost nothing, inner cells little, row and column totals more, the grand
     total most; smaller figures first), and every figure on it is hidden. Every hidden figure then
     lies on a path, so each has at least two possible values. Since a hidden figure has no upper
     bound, the rectangle through the totals always exists: nothing is left unprotected. A line
     whose total has fewer than 3 contributors is hidden as a whole (its cells have fewer still);
   - parts with a printed total (the persons per demand group; a table of one line): at least two
     parts are hidden and one of them is 2 or more, so one can move up as the other moves down; the
     smallest shown parts are hidden to get there, and the total too when no part is left to show.
   Figures linked only by inequalities (a group's contributors are at most its persons; the
   groups' contributors add up to at least the contributors in all, since one employer can be in
   several groups) do not pin a hidden figure; tests/reports/test_disclosure.py checks every
   handout of the demos with an exact bounds check that includes them.
4. **One symbol.** A hidden figure prints as ``:`` (SSB's sign for "vises ikke av
   konfidensialitetshensyn"), zero as ``–``. ``LEGEND`` explains both and stands right under
   every table that prints figures, and a list of parts puts the hidden ones after the shown ones
   in an order that does not depend on their size (a list sorted by size would bound them).
5. **Names.** An employer is named only when it has agreed (``Employer.may_be_named``) and only
   beside a shown figure of employers: "5 arbeidsgivere, blant dem A og B". "Blant dem" (among
   them) is true whether or not every employer that agreed is listed, and the shown count is
   public anyway, so the names reveal no count that is not printed. A hidden figure never has
   names beside it: they would be a lower bound for its number of employers (the old "<3 (bl.a.
   A, B)" said there were exactly two). Private persons and communities are never named.
6. **Kinds of contributors** (``KindSplit``). A shown number of contributors is split by kind
   («4 arbeidsgivere og 3 privatpersoner») only when every kind with anyone behind the figure
   passes rule 2 on its own: at least 3 contributors of that kind, none of them with more than
   80 % of that kind's persons or needs (a person's need is one person, so a number of private
   persons is also their persons, and the employers' persons are the rest). Otherwise the number
   is printed whole, worded without kinds («7 til sammen»; in a sentence «i alt 7 arbeidsgivere,
   privatpersoner og lokalsamfunn»), with no names beside it, since its employers are
   not a shown figure. The split is shown or hidden as a whole, never a kind at a time, so no kind
   is the total minus the shown ones. A whole number is the split hidden, as ``:`` hides parts
   (rule 3): one kind alone would be the whole figure, which passes, so at least two kinds are
   behind it and each keeps more than one possible value. A hidden number of contributors says
   nothing of its kinds either: it is worded the same whoever is behind it («et skjult antall
   arbeidsgivere, privatpersoner og lokalsamfunn»), so a lone private person's wish is never
   told apart from an employer's. In the needs table, the needs of private persons and of
   communities (which have no industry) are columns of their own, and a region's own needs (a
   community with no one municipality) a row of its own: cells like any other (rules 2–3).

Not covered: figures in different documents (a handout for Salten and one for Salten without
Gildeskål can be subtracted), and the words of a demand group's topic, which come from the needs'
titles.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from kpdesk.common.norsk import group_thousands, sort_key

MIN_EMPLOYERS = 3
DOMINANCE = (4, 5)  # hidden when one contributor holds more than 4/5 of a figure
HIDDEN_TEXT = ":"
ZERO_TEXT = "–"
MAX_NAMED = 2
LEGEND = ("«:» = skjult av hensyn til dem som har meldt behovene: tallet bygger på færre enn 3 arbeidsgivere, "
          "privatpersoner eller lokalsamfunn, én av dem står for mer enn 80\u00a0% av det, eller det er skjult for "
          "at et annet skjult tall ikke skal kunne regnes ut. «–» = ingen.")
TOTAL = -1  # the index of the totals row and column

Key = tuple[int, int]  # (row, column); TOTAL for the totals


# ---------------------------------------------------------------- who is behind a figure

OWNER_KINDS = ("employer", "person", "community")  # in the order the reports name them


class Owner(NamedTuple):
    """One contributor (rule 1): its kind (one of ``OWNER_KINDS``) and its key (an organisation
    number, a person's ref, a municipality's number or a region's name)."""

    kind: str
    key: str


def kind_of(contributor: Hashable) -> str:
    """The kind of a contributor: an ``Owner``'s, else "employer" (a bare organisation number)."""
    return contributor.kind if isinstance(contributor, Owner) else "employer"


@dataclass(frozen=True)
class Share:
    """Who is behind a figure: per contributor (an ``Owner``, or an organisation number), the needs
    and persons it counts."""

    needs: Mapping[Hashable, int] = field(default_factory=dict)
    persons: Mapping[Hashable, int] = field(default_factory=dict)

    @classmethod
    def of(cls, needs: Iterable[tuple[Hashable, int]]) -> Share:
        """From one (contributor, headcount) pair per need."""
        counts: Counter[Hashable] = Counter()
        persons: Counter[Hashable] = Counter()
        for employer, headcount in needs:
            counts[employer] += 1
            persons[employer] += headcount
        return cls(counts, persons)

    @classmethod
    def combined(cls, shares: Iterable[Share]) -> Share:
        counts: Counter[Hashable] = Counter()
        persons: Counter[Hashable] = Counter()
        for share in shares:
            counts.update(share.needs)
            persons.update(share.persons)
        return cls(counts, persons)

    @property
    def need_count(self) -> int:
        return sum(self.needs.values())

    @property
    def person_count(self) -> int:
        return sum(self.persons.values())

    @property
    def employers(self) -> int:
        return len(self.needs)

    @property
    def sensitive(self) -> bool:
        """Fewer than 3 contributors, or one holds more than 80 % of the persons or the needs (rule 2)."""
        if not self.needs:
            return False
        return self.employers < MIN_EMPLOYERS or _dominated(self.needs) or _dominated(self.persons)

    def of_kind(self, kind: str) -> Share:
        """The part of the figure that contributors of this kind stand behind."""
        return Share({k: v for k, v in self.needs.items() if kind_of(k) == kind},
                     {k: v for k, v in self.persons.items() if kind_of(k) == kind})


@dataclass(frozen=True)
class KindSplit:
    """A figure's contributors counted by kind, and whether that split may be printed (rule 6)."""

    counts: tuple[tuple[str, int], ...]  # (kind, contributors) for each kind with anyone, in OWNER_KINDS order
    total: int
    total_hidden: bool
    shown: bool  # the split may be printed (else only the total, worded without kinds)

    @classmethod
    def of(cls, share: Share, hidden: bool | None = None) -> KindSplit:
        """``hidden``: whether the total is hidden (rules 2–3); by default, as rule 2 says for ``share``."""
        total_hidden = share.sensitive if hidden is None else hidden
        parts = [(kind, share.of_kind(kind)) for kind in OWNER_KINDS]
        parts = [(kind, part) for kind, part in parts if part.needs]
        shown = not total_hidden and all(not part.sensitive for _kind, part in parts)
        return cls(tuple((kind, part.employers) for kind, part in parts), share.employers, total_hidden, shown)

    def count(self, kind: str) -> int:
        return dict(self.counts).get(kind, 0)

    @property
    def total_text(self) -> str:
        return figure_text(self.total, self.total_hidden)


def _dominated(amounts: Mapping[Hashable, int]) -> bool:
    part, whole = DOMINANCE
    return whole * max(amounts.values(), default=0) > part * sum(amounts.values())


def figure_text(value: int, hidden: bool = False) -> str:
    """':' when hidden, '–' for 0, else the number ('12 500', non-breaking space)."""
    if hidden:
        return HIDDEN_TEXT
    return ZERO_TEXT if value == 0 else group_thousands(value)


def named_phrase(names: Sequence[str]) -> str:
    """'blant dem A og B' (at most two, sorted; '' for none): never a claim that the list is whole."""
    from kpdesk.reports.facts import join_names

    shown = sorted(names, key=sort_key)[:MAX_NAMED]
    return f"blant dem {join_names(shown)}" if shown else ""


# ---------------------------------------------------------------- a table with totals

def _sign(index: int) -> int:
    """Totals enter their line's equation with the opposite sign of the figures they add up."""
    return -1 if index == TOTAL else 1


def _weight(key: Key) -> float:
    """What hiding a figure costs: inner cells first, then row and column totals, the grand total last."""
    if key == (TOTAL, TOTAL):
        return 1000.0
    return 10.0 if TOTAL in key else 1.0


Node = tuple[str, int]  # ("row", r) or ("column", c)


def _cheapest_path(values: Mapping[Key, int], hidden: set[Key], cell: Key, change: int
                   ) -> tuple[float, list[Key]] | None:
    """The cheapest closed path that moves ``cell`` by ``change`` (±1), and its cost; None if none.

    With the totals' signs flipped every line adds up to zero, so the path alternates +q, −q, …
    (q = the change with the signs applied) from row to column to row; a figure on it may move
    as long as it stays at 1 or more (zero is printed and so never on a path).
    """
    rows = sorted({r for r, _ in values})
    columns = sorted({c for _, c in values})
    step = _sign(cell[0]) * _sign(cell[1]) * change

    def movable(key: Key, q: int) -> bool:
        value = values.get(key, 0)
        return value > 0 and value + _sign(key[0]) * _sign(key[1]) * q >= 1

    def cost(key: Key) -> float:
        return 0.0 if key in hidden else _weight(key) + values[key] / 1e6

    if not movable(cell, step):
        return None
    source, target = ("row", cell[0]), ("column", cell[1])
    best: dict[Node, float] = {source: 0.0}
    came: dict[Node, tuple[Node, Key]] = {}
    queue: list[tuple[float, Node]] = [(0.0, source)]
    while queue:
        spent, node = heapq.heappop(queue)
        if node == target:
            break
        if spent > best.get(node, math.inf):
            continue
        kind, index = node
        if kind == "row":  # along the row: the next figure moves the other way
            edges = [((index, c), ("column", c)) for c in columns if (index, c) != cell and movable((index, c), -step)]
        else:  # down the column: the same way as the start
            edges = [((r, index), ("row", r)) for r in rows if movable((r, index), step)]
        for key, following in edges:
            total = spent + cost(key)
            if total < best.get(following, math.inf):
                best[following] = total
                came[following] = (node, key)
                heapq.heappush(queue, (total, following))
    if target not in came:
        return None
    path, node = [cell], target
    while node != source:
        node, key = came[node]
        path.append(key)
    return best[target], path


def protect_table(values: Mapping[Key, int], primary: Iterable[Key]) -> frozenset[Key]:
    """The figures to hide: ``primary`` and enough others that each keeps two possible values (rule 3)."""
    hidden = set(primary)
    moved: set[Key] = set()
    for cell in sorted(hidden, key=lambda k: (_weight(k), values[k], k)):
        if cell in moved:
            continue
        paths = [p for p in (_cheapest_path(values, hidden, cell, +1), _cheapest_path(values, hidden, cell, -1)) if p]
        assert paths, f"no path through {cell}: the rectangle through the totals always moves up"
        _cost, path = min(paths, key=lambda p: p[0])
        hidden.update(path)
        moved.update(path)
    return frozenset(hidden)


@dataclass(frozen=True)
class CrossTable:
    """Needs counted by row and column, with row, column and grand totals, suppressed (rules above)."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: Mapping[Key, int]  # (r, c), (r, TOTAL), (TOTAL, c), (TOTAL, TOTAL)
    hidden: frozenset[Key]

    @classmethod
    def of(cls, rows: Sequence[str], columns: Sequence[str], shares: Mapping[tuple[int, int], Share]) -> CrossTable:
        cells: dict[Key, Share] = {(r, c): shares.get((r, c), Share()) for r in range(len(rows))
                                   for c in range(len(columns))}
        for r in range(len(rows)):
            cells[(r, TOTAL)] = Share.combined(cells[(r, c)] for c in range(len(columns)))
        for c in range(len(columns)):
            cells[(TOTAL, c)] = Share.combined(cells[(r, c)] for r in range(len(rows)))
        cells[(TOTAL, TOTAL)] = Share.combined(cells[(r, TOTAL)] for r in range(len(rows)))
        values = {key: share.need_count for key, share in cells.items()}
        hidden = protect_table(values, [key for key, share in cells.items() if share.sensitive])
        return cls(tuple(rows), tuple(columns), values, hidden)

    def text(self, key: Key) -> str:
        return figure_text(self.values[key], key in self.hidden)

    def cell(self, r: int, c: int) -> str:
        return self.text((r, c))

    def row_total(self, r: int) -> str:
        return self.text((r, TOTAL))

    def column_total(self, c: int) -> str:
        return self.text((TOTAL, c))

    @property
    def grand_total(self) -> str:
        return self.text((TOTAL, TOTAL))

    @property
    def grand_value(self) -> int:
        return self.values[(TOTAL, TOTAL)]


# ---------------------------------------------------------------- parts of a printed total

def protect_parts(values: Sequence[int], primary: Iterable[int], total_primary: bool
                  ) -> tuple[frozenset[int], bool]:
    """(the parts to hide, whether to hide the total) so that each hidden part keeps two values (rule 3)."""
    hidden = set(primary)
    if total_primary or not hidden:
        return frozenset(hidden), total_primary
    spare = sorted((i for i, v in enumerate(values) if i not in hidden and v > 0), key=lambda i: (values[i], i))
    while len(hidden) < 2 or all(values[i] < 2 for i in hidden):
        if not spare:
            return frozenset(hidden), True
        hidden.add(spare.pop(0))
    return frozenset(hidden), False


@dataclass(frozen=True)
class Partition:
    """Parts that add up to a printed total: the persons in each demand group, which split the needs.

    A hidden part hides its persons, its number of contributors, their kinds and its names (rule 2);
    the total's number of contributors is shown when the total's contributors pass rule 2.
    """

    shares: tuple[Share, ...]
    hidden: frozenset[int]
    total_hidden: bool
    total_share: Share

    @classmethod
    def of(cls, shares: Iterable[Share]) -> Partition:
        parts = tuple(shares)
        total = Share.combined(parts)
        hidden, total_hidden = protect_parts([s.person_count for s in parts],
                                             [i for i, s in enumerate(parts) if s.sensitive], total.sensitive)
        return cls(parts, hidden, total_hidden, total)

    def is_hidden(self, index: int) -> bool:
        return index in self.hidden

    def text(self, index: int) -> str:
        """The part's persons."""
        return figure_text(self.shares[index].person_count, self.is_hidden(index))

    def employers_text(self, index: int) -> str:
        return figure_text(self.shares[index].employers, self.is_hidden(index))

    def shown(self, index: int) -> int | None:
        """The part's persons where they may be printed (a summary, a chart), else None."""
        return None if self.is_hidden(index) else self.shares[index].person_count

    def kinds(self, index: int) -> KindSplit:
        """The part's contributors by kind (rule 6); hidden with the part."""
        return KindSplit.of(self.shares[index], self.is_hidden(index))

    def names(self, index: int, name_of: Callable[[str], str | None]) -> tuple[str, ...]:
        """The part's employers that may be named (``name_of`` gives None for the others, by organisation
        number); none unless its employers are a shown figure (rules 5 and 6)."""
        if not self.kinds(index).shown:
            return ()
        found = (name_of(c.key if isinstance(c, Owner) else str(c)) for c in self.shares[index].needs
                 if kind_of(c) == "employer")
        return tuple(sorted({name for name in found if name}, key=sort_key))

    @property
    def total(self) -> int:
        return self.total_share.person_count

    @property
    def total_text(self) -> str:
        return figure_text(self.total, self.total_hidden)

    @property
    def employers_total_text(self) -> str:
        return figure_text(self.total_share.employers, self.total_share.sensitive)

    @property
    def total_kinds(self) -> KindSplit:
        """All the parts' contributors by kind (rule 6): shown when they pass rule 2, whatever the persons do."""
        return KindSplit.of(self.total_share)
