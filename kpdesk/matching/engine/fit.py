"""How well a relevant offer fits a need, factor by factor: a value and the fact behind it.

Every factor function (``level_fit``, ``format_fit``, ``start_fit``, ``place_fit``,
``seats_fit``) gives a value in [0, 1] and the fact it judged (``explain``: what was compared
and whether it fits); the ``W_*`` weights combine the values (the policy is in ``engine``'s
docstring), and ``explain`` writes the sentences. The same functions serve both paths:

- ranking (``NeedFit.rank``): ``FitTables`` evaluates each factor once per distinct value among
  the offers (a level and format, a place, a seat count) for a need's level, formats,
  municipality or headcount, and shares the tables between needs; a candidate then costs a few
  lookups. Scores are added in fixed point, so equal fits tie exactly;
- explaining (``NeedFit.explain``): the facts, gathered only for proposals someone reads.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from heapq import heapify, heappop, heappush
from itertools import chain, compress, repeat
from operator import add, ge, sub
from typing import Any, NamedTuple

from kpdesk.common.codes import FORMATS, LEVEL_RANK
from kpdesk.matching.engine.explain import Fit, FormatFact, LevelFact, PlaceFact, SeatsFact, StartFact

W_LEVEL, W_FORMAT, W_START, W_PLACE, W_SEATS = 0.26, 0.12, 0.09, 0.08, 0.05
FIT_MAX = W_LEVEL + W_FORMAT + W_START + W_PLACE + W_SEATS

# Level: exact, one step apart (fagskole/bachelor), further apart.
LEVEL_EXACT, LEVEL_NEAR, LEVEL_FAR, LEVEL_UNKNOWN = 1.0, 0.5, 0.0, 0.5
# Start: inside the window; outside it decays from START_OUTSIDE to 0 over a year.
START_INSIDE, START_OUTSIDE, START_UNKNOWN, START_STARTED = 1.0, 0.3, 0.5, 0.2
# Place: same municipality or online, same region, unknown, further away.
PLACE_SAME, PLACE_REGION, PLACE_UNKNOWN, PLACE_FAR, PLACE_NO_NEED = 1.0, 0.75, 0.5, 0.3, 0.6
# Seats: enough, not stated; too few scales down from SEATS_SHORT.
SEATS_ENOUGH, SEATS_UNKNOWN, SEATS_SHORT = 1.0, 0.8, 0.5
FORMAT_OK, FORMAT_WRONG, FORMAT_UNKNOWN = 1.0, 0.0, 0.5


def level_fit(wanted: str | None, offered: str | None) -> tuple[float, LevelFact]:
    want_rank = LEVEL_RANK.get(wanted or "")
    have_rank = LEVEL_RANK.get(offered or "")
    if want_rank is None:
        return LEVEL_EXACT, LevelFact(Fit.YES if have_rank else Fit.UNKNOWN, None, offered)
    if have_rank is None:
        return LEVEL_UNKNOWN, LevelFact(Fit.UNKNOWN, wanted, offered)
    gap = abs(want_rank - have_rank)
    value = LEVEL_EXACT if gap == 0 else LEVEL_NEAR if gap == 1 else LEVEL_FAR
    return value, LevelFact(Fit.YES if gap == 0 else Fit.NO, wanted, offered)


@lru_cache(maxsize=256)
def _in_order(accepted: frozenset[str]) -> tuple[str, ...]:
    """The accepted formats in FORMATS order (a few distinct sets: cached)."""
    return tuple(code.key for code in FORMATS if code.key in accepted)


def format_fit(accepted: frozenset[str], offered: str | None) -> tuple[float, FormatFact]:
    wanted = _in_order(accepted)
    if not offered:
        return FORMAT_UNKNOWN, FormatFact(Fit.UNKNOWN, wanted, offered)
    if not accepted or offered in accepted:
        return FORMAT_OK, FormatFact(Fit.YES, wanted, offered)
    return FORMAT_WRONG, FormatFact(Fit.NO, wanted, offered)


def start_value(earliest: int | None, latest: int | None, start: int | None, as_of: int) -> float:
    """The start factor over day numbers (``date.toordinal()``), for ranking many offers fast."""
    if start is None:
        return START_UNKNOWN
    if start < as_of:
        return START_STARTED
    if latest is not None and start > latest:
        gap = start - latest
        return START_OUTSIDE * (1.0 - gap / 365) if gap < 365 else 0.0
    if earliest is not None and start < earliest:
        gap = earliest - start
        return START_OUTSIDE * (1.0 - gap / 365) if gap < 365 else 0.0
    return START_INSIDE


def day(value: dt.date | None) -> int | None:
    return value.toordinal() if value is not None else None


def start_fit(earliest: dt.date | None, latest: dt.date | None, start: dt.date | None,
              as_of: dt.date) -> tuple[float, StartFact]:
    value = start_value(day(earliest), day(latest), day(start), as_of.toordinal())
    if start is None:
        mark = Fit.UNKNOWN
    elif start < as_of or (latest is not None and start > latest) or (earliest is not None and start < earliest):
        mark = Fit.NO
    else:
        mark = Fit.YES
    return value, StartFact(mark, start, earliest, latest, as_of)


def place_fit(home: str | None, home_regions: frozenset[str], online: bool, place: str | None,
              place_regions: frozenset[str], names: Mapping[str, str]) -> tuple[float, PlaceFact]:
    """``names``: municipality number → name, for the fact (the ranking tables pass none)."""
    name = names.get(place, place) if place else ""
    shared = home_regions & place_regions
    region = min(shared) if shared else ""
    if online:
        return PLACE_SAME, PlaceFact(Fit.YES, True, name, bool(home), place == home, region)
    if not place:
        return PLACE_UNKNOWN, PlaceFact(Fit.UNKNOWN, False, "", bool(home), False, "")
    if not home:
        return PLACE_NO_NEED, PlaceFact(Fit.UNKNOWN, False, name, False, False, "")
    if place == home:
        return PLACE_SAME, PlaceFact(Fit.YES, False, name, True, True, region)
    if shared:
        return PLACE_REGION, PlaceFact(Fit.YES, False, name, True, False, region)
    return PLACE_FAR, PlaceFact(Fit.NO, False, name, True, False, "")


def seats_fit(headcount: int, seats_max: int | None) -> tuple[float, SeatsFact]:
    if seats_max is None:
        return SEATS_UNKNOWN, SeatsFact(Fit.UNKNOWN, headcount, None)
    if seats_max >= headcount:
        return SEATS_ENOUGH, SeatsFact(Fit.YES, headcount, seats_max)
    score = SEATS_SHORT * seats_max / headcount if headcount else 0.0
    return score, SeatsFact(Fit.NO, headcount, seats_max)


# ---------------------------------------------------------------- fast path

ONLINE = "@online"
# Ranking adds fixed-point numbers (units of 10⁻⁹): sums are exact, so two offers that fit
# equally well tie exactly, whatever order the sums were made in. A ranking *key* is a score in
# units shifted left by TIE_BITS, with the offer's tie rank (higher for a lower reference) in the
# low bits: keys are distinct, so the keep-th best is one number, and a tie goes to the lower
# reference without a second comparison.
UNIT = 1_000_000_000
START_UNITS = round(W_START * UNIT)
TIE_BITS = 20
TIE_MASK = (1 << TIE_BITS) - 1
MAX_OFFERS = 1 << TIE_BITS
PLACE_SEATS_KEY = (round(W_PLACE * UNIT) + round(W_SEATS * UNIT)) << TIE_BITS  # the best place and seats fit
_YEAR = 365


def units(value: float) -> int:
    """A score part in fixed point."""
    return round(value * UNIT)


def key(value: float) -> int:
    """A score part as a ranking key (no tie rank)."""
    return round(value * UNIT) << TIE_BITS


@dataclass(frozen=True, slots=True)
class OfferFacts:
    """What fit needs of each offer, as parallel lists indexed like the engine's offers."""

    level: list[str | None]
    format: list[str | None]
    online: list[bool]
    place: list[str | None]
    regions: list[frozenset[str]]
    start: list[dt.date | None]
    start_day: list[int | None]  # start.toordinal(), for ranking
    seats_max: list[int | None]
    place_key: list[str]  # ONLINE, the municipality, or "" when unknown: what place fit depends on
    tie: list[int]  # tie rank: 0 for the highest reference, up to len - 1 for the lowest


class FitFacts(NamedTuple):
    """The facts behind one offer's fit for one need, factor by factor."""

    level: LevelFact
    format: FormatFact
    start: StartFact
    place: PlaceFact
    seats: SeatsFact


class KindGroup(NamedTuple):
    """Candidates of one (level, format), as parallel tuples sorted by start day (no start last)."""

    kind: tuple[str | None, str | None]  # (level, format)
    top: int  # a bound on ``keys``: the strongest topic part with every tie rank
    days: tuple[int, ...]  # the known start days (date.toordinal()), ascending: the first len(days) members
    keys: tuple[int, ...]  # topic part (W_TOPIC × topic strength) as a ranking key, with the offer's tie rank
    offers: tuple[int, ...]  # offer indexes
    places: tuple[str, ...]  # place keys
    seats: tuple[int | None, ...]  # seats_max


Candidates = tuple[KindGroup, ...]


def _start_units(value: float) -> int:
    return round(START_UNITS * value)


# Start fit (ranking keys) of an offer starting ``gap`` days outside the need's window (index 365: a year or more).
_OUTSIDE = [_start_units(start_value(None, 0, gap, 0)) << TIE_BITS for gap in range(_YEAR + 1)]
_INSIDE, _STARTED, _UNKNOWN = (_start_units(value) << TIE_BITS for value in (START_INSIDE, START_STARTED,
                                                                              START_UNKNOWN))
_BEST_START = max(_INSIDE, _STARTED, _UNKNOWN, *_OUTSIDE)


class StartBlock(NamedTuple):
    """Members ``first:end`` of a day-sorted group that share how their start fit is found."""

    most: int  # the highest start fit among them (ranking key)
    first: int
    end: int
    edge: int | None = None  # outside the window: the window's edge day (a start fit per member); else one value
    after: bool = False  # outside, after the window rather than before it

    def values(self, days: tuple[int, ...]) -> Iterable[int]:
        """The start fit (ranking keys) of each member, ``start_value``'s member by member."""
        if self.edge is None:
            return repeat(self.most, self.end - self.first)
        part, edge = days[self.first:self.end], repeat(self.edge)
        gaps = map(sub, part, edge) if self.after else map(sub, edge, part)
        return map(_OUTSIDE.__getitem__, map(min, gaps, repeat(_YEAR)))


def start_blocks(days: tuple[int, ...], size: int, earliest: int | None, latest: int | None,
                 as_of: int) -> list[StartBlock]:
    """The members of a day-sorted group in blocks by their start fit for a need's window.

    ``days`` are the known start days, ascending, of the first ``len(days)`` of ``size``
    members. Bisection splits them into already started | before the window | inside | after
    it | no start date; only the members outside the window cost a lookup each, and only when
    their block is scored.
    """
    known = len(days)
    started = bisect_left(days, as_of)
    after = bisect_right(days, latest, started) if latest is not None else known
    before = bisect_left(days, earliest, started, after) if earliest is not None else started
    blocks: list[StartBlock] = []
    if after > before:
        blocks.append(StartBlock(_INSIDE, before, after))
    if size > known:
        blocks.append(StartBlock(_UNKNOWN, known, size))
    if before > started:  # the day closest to the window, the last, fits best
        assert earliest is not None  # before > started only when there is an earliest start
        blocks.append(StartBlock(_OUTSIDE[min(earliest - days[before - 1], _YEAR)], started, before, earliest))
    if known > after:  # the day closest to the window, the first, fits best
        assert latest is not None  # after < known only when there is a latest start
        blocks.append(StartBlock(_OUTSIDE[min(days[after] - latest, _YEAR)], after, known, latest, True))
    if started:
        blocks.append(StartBlock(_STARTED, 0, started))
    return blocks


class FitTables:
    """Weighted factor values over all offers, shared by needs with the same level, formats,
    municipality or headcount, so ranking a candidate is a few lookups."""

    def __init__(self, facts: OfferFacts, regions: Mapping[str, frozenset[str]]) -> None:
        self.facts = facts
        self.regions = regions
        self._place_example: dict[str, int] = {}
        for i, key in enumerate(facts.place_key):
            self._place_example.setdefault(key, i)
        self._kinds = set(zip(facts.level, facts.format, strict=True))
        self.by_tie = [0] * len(facts.tie)  # tie rank → offer index
        for i, rank in enumerate(facts.tie):
            self.by_tie[rank] = i
        self._seats = set(facts.seats_max)
        self._cache: dict[tuple[object, ...], dict[Any, int]] = {}

    def kind(self, wanted: str | None, accepted: frozenset[str]) -> dict[tuple[str | None, str | None], int]:
        """Level plus format fit (ranking keys) for every (level, format) an offer has."""
        table = self._cache.get(("kind", wanted, accepted))
        if table is None:
            table = self._cache["kind", wanted, accepted] = {
                (level, fmt): key(W_LEVEL * level_fit(wanted, level)[0])
                + key(W_FORMAT * format_fit(accepted, fmt)[0])
                for level, fmt in self._kinds}
        return table

    def place(self, home: str | None) -> dict[str, int]:
        """Place fit (ranking keys) for every place key, seen from the municipality ``home``."""
        table = self._cache.get(("place", home))
        if table is None:
            home_regions = self.regions.get(home or "", frozenset())
            facts = self.facts
            table = self._cache["place", home] = {
                place: key(W_PLACE * place_fit(home, home_regions, facts.online[i], facts.place[i],
                                               facts.regions[i], {})[0])
                for place, i in self._place_example.items()}
        return table

    def seats(self, headcount: int) -> dict[int | None, int]:
        """Seats fit (ranking keys) for every seats_max, for ``headcount`` persons."""
        table = self._cache.get(("seats", headcount))
        if table is None:
            table = self._cache["seats", headcount] = {v: key(W_SEATS * seats_fit(headcount, v)[0])
                                                       for v in self._seats}
        return table


class NeedFit:
    """The weighted fit of one need against offers by index."""

    __slots__ = ("_by_tie", "_kind", "_place", "_seats", "_window", "as_of", "earliest", "facts", "formats",
                 "headcount", "latest", "level", "municipality", "regions")

    def __init__(self, level: str | None, formats: frozenset[str], earliest: dt.date | None,
                 latest: dt.date | None, municipality: str | None, headcount: int, tables: FitTables,
                 as_of: dt.date) -> None:
        self.level, self.formats, self.earliest, self.latest = level, formats, earliest, latest
        self.municipality, self.headcount, self.as_of = municipality, headcount, as_of
        self.regions = tables.regions.get(municipality or "", frozenset())
        self.facts = tables.facts
        self._window = (day(earliest), day(latest), as_of.toordinal())
        self._kind = tables.kind(level, formats)
        self._place = tables.place(municipality)
        self._seats = tables.seats(headcount)
        self._by_tie = tables.by_tie

    def value(self, i: int) -> float:
        """The weighted fit of offer ``i``, in [0, FIT_MAX]."""
        return self.value_units(i) / UNIT

    def value_units(self, i: int) -> int:
        """The weighted fit of offer ``i`` in fixed point, as ``rank`` adds it."""
        facts = self.facts
        earliest, latest, as_of = self._window
        return ((self._kind[facts.level[i], facts.format[i]] + self._place[facts.place_key[i]]
                 + self._seats[facts.seats_max[i]]) >> TIE_BITS) + _start_units(
            start_value(earliest, latest, facts.start_day[i], as_of))

    def rank(self, candidates: Candidates, keep: int) -> list[tuple[float, int]]:
        """The ``keep`` best ``(score, offer index)`` among the candidates, best first.

        Score = topic part + ``value``, added in fixed point as ranking keys. Each group (one level
        and format, members sorted by start day) is cut into blocks by start fit
        (``start_blocks``); a block's bound is the group's strongest topic + its level and format
        fit + the best place and seats + the block's best start. Groups and blocks are taken best
        bound first (a group is cut only when its bound with the best start comes up), and the
        search stops once a bound cannot reach the ``keep`` best found so far: typically only the
        offers at the need's own level and format that start inside its window are scored. A
        block is scored at once from lookups in the shared tables, in C-level passes (map, sort,
        compress) rather than a Python loop per candidate.
        """
        kind = self._kind
        place, seats = self._place.__getitem__, self._seats.__getitem__
        earliest, latest, as_of = self._window
        # best first: a group waits with the bound of its best possible start, a block with its own
        waiting: list[tuple[int, int, KindGroup, StartBlock | None]] = [
            (-(group.top + kind[group.kind] + PLACE_SEATS_KEY + _BEST_START), n, group, None)
            for n, group in enumerate(candidates)]
        heapify(waiting)
        serial = len(waiting)
        kept: list[int] = []  # ranking keys, best first
        while waiting:
            bound, _, group, block = heappop(waiting)
            if len(kept) == keep and -bound < kept[-1]:
                break
            if block is None:
                for block in start_blocks(group.days, len(group.offers), earliest, latest, as_of):
                    serial += 1
                    heappush(waiting, (bound + _BEST_START - block.most, serial, group, block))
                continue
            first, end = block.first, block.end
            offset = kind[group.kind]  # the same for the whole block, added only to what is kept
            scores = map(add, map(add, group.keys[first:end], map(place, group.places[first:end])),
                         map(seats, group.seats[first:end]))
            if block.edge is None:
                offset += block.most
            else:
                scores = map(add, scores, block.values(group.days))
            scores = list(scores)
            if len(scores) > keep:  # only what can enter the top: at least the keep-th best (keys are distinct)
                least = sorted(scores)[-keep]
                if len(kept) == keep:
                    least = max(least, kept[-1] - offset)
                scores = compress(scores, map(ge, scores, repeat(least)))
            kept = sorted(chain(kept, map(add, scores, repeat(offset))), reverse=True)[:keep]
        by_tie = self._by_tie
        return [((k >> TIE_BITS) / UNIT, by_tie[k & TIE_MASK]) for k in kept]

    def explain(self, i: int, names: Mapping[str, str]) -> tuple[float, FitFacts]:
        """The weighted fit of offer ``i`` and the fact behind each factor (``names``: for places)."""
        facts = self.facts
        level = level_fit(self.level, facts.level[i])
        fmt = format_fit(self.formats, facts.format[i])
        start = start_fit(self.earliest, self.latest, facts.start[i], self.as_of)
        place = place_fit(self.municipality, self.regions, facts.online[i], facts.place[i], facts.regions[i], names)
        seats = seats_fit(self.headcount, facts.seats_max[i])
        value = (W_LEVEL * level[0] + W_FORMAT * fmt[0] + W_START * start[0] + W_PLACE * place[0]
                 + W_SEATS * seats[0])
        return value, FitFacts(level[1], fmt[1], start[1], place[1], seats[1])
