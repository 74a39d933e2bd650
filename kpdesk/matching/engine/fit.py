"""How well a relevant offer fits a need, factor by factor: a value and the fact behind it.

Every factor function (``level_fit``, ``format_fit``, ``start_fit``, ``place_fit``,
``seats_fit``) gives a value in [0, 1] and the fact it judged (``explain``: what was compared
and whether it fits); the ``W_*`` weights combine the values (the policy is in ``engine``'s
docstring), and ``explain`` writes the sentences. The same functions serve both paths:

- ranking (``FitTables.rank``): ``FitTables`` evaluates each factor once per distinct value among
  the offers (a level and format, a place, a seat count) for a need's level, formats,
  municipality or headcount, and shares the tables between needs; the needs that share
  candidates are then scored together, as a table of needs × candidates in a few numpy passes.
  Scores are added in fixed point, so equal fits tie exactly;
- explaining (``NeedFit.explain``): the facts, gathered only for proposals someone reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from kpdesk.common.codes import FORMATS, LEVEL_RANK
from kpdesk.matching.engine.explain import (
    Fit,
    FormatFact,
    LevelFact,
    PlaceFact,
    Said,
    SeatsFact,
    StartFact,
    level_far,
    said_format,
    said_level,
    said_place,
    said_seats,
    said_start,
)

# Lexicographic (engine docstring): each weight × its factor's smallest step (0.5; place 0.2) is more
# than all the weights below it together; they add up to 0.60 beside W_TOPIC 0.40.
W_LEVEL, W_FORMAT, W_START, W_PLACE, W_SEATS = 0.4009, 0.1337, 0.0446, 0.0178, 0.0030
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


class _NeedSaid(NamedTuple):
    """What each factor says for one need side (``FitTables.said``), by offer."""

    kind: list[tuple[Said, Said, bool]]  # by kind column: level, format, level far off
    place: dict[tuple[bool, str | None], Said]  # by the offer's (online, municipality)
    seats: list[Said]  # by seats column
    start: dict[int | None, Said]  # by start day


class Wish(NamedTuple):
    """What one need asks of an offer, as ranking compares it."""

    level: str | None
    formats: frozenset[str]
    earliest: dt.date | None
    latest: dt.date | None
    municipality: str | None
    headcount: int


class Candidates(NamedTuple):
    """The relevant open offers of one need text on one date, as parallel arrays ready to rank."""

    offers: np.ndarray  # offer indexes
    keys: np.ndarray  # topic part (W_TOPIC × topic strength) as a ranking key, with the offer's tie rank
    kind: np.ndarray  # the offer's (level, format) as a column of ``FitTables`` kind rows
    place: np.ndarray  # its place key as a column of the place rows
    seats: np.ndarray  # its seats_max as a column of the seats rows
    day: np.ndarray  # its start day (date.toordinal()); NO_DAY when not stated


NO_DAY = 0


def _start_units(value: float) -> int:
    return round(START_UNITS * value)


# Start fit (ranking keys) of an offer starting ``gap`` days outside the need's window (index 365: a year or more).
_OUTSIDE = np.array([_start_units(start_value(None, 0, gap, 0)) << TIE_BITS for gap in range(_YEAR + 1)],
                    dtype=np.int64)
_INSIDE, _STARTED, _UNKNOWN = (_start_units(value) << TIE_BITS for value in (START_INSIDE, START_STARTED,
                                                                              START_UNKNOWN))
_OPEN_START, _OPEN_END = -(1 << 40), 1 << 40  # a window with no earliest or no latest start


def start_keys(days: np.ndarray, earliest: np.ndarray, latest: np.ndarray, as_of: int) -> np.ndarray:
    """``start_value`` as ranking keys for every need (rows: their window edges) and offer start day
    (columns), in the order ``start_value`` decides: no date, started, after the window, before it."""
    day = days[None, :]
    before = np.minimum(earliest[:, None] - day, _YEAR)
    after = np.minimum(day - latest[:, None], _YEAR)
    keys = np.where(before > 0, _OUTSIDE[np.maximum(before, 0)], _INSIDE)
    keys = np.where(after > 0, _OUTSIDE[np.maximum(after, 0)], keys)
    keys = np.where(day < as_of, _STARTED, keys)
    return np.where(day == NO_DAY, _UNKNOWN, keys)


class FitTables:
    """Weighted factor values over all offers, shared by needs with the same level, formats,
    municipality or headcount, so ranking a candidate is a few lookups.

    Each table has a dict form (by level and format, place key or seats_max: ``NeedFit``) and a
    row form (an array with one column per distinct value: ``rank``); ``columns`` gives each
    offer's column in the kind, place and seats rows.
    """

    ROW_BUDGET = 250_000  # scores ranked in one numpy pass: needs × candidates

    def __init__(self, facts: OfferFacts, regions: Mapping[str, frozenset[str]]) -> None:
        self.facts = facts
        self.regions = regions
        self._place_example: dict[str, int] = {}
        for i, key_ in enumerate(facts.place_key):
            self._place_example.setdefault(key_, i)
        kinds = list(zip(facts.level, facts.format, strict=True))
        self._kinds = list(dict.fromkeys(kinds))
        self._places = list(self._place_example)
        self._seats = list(dict.fromkeys(facts.seats_max))
        self.columns = (_columns(self._kinds, kinds), _columns(self._places, facts.place_key),
                        _columns(self._seats, facts.seats_max))
        self._cache: dict[tuple[object, ...], dict[Any, int]] = {}
        # One table per factor: a row per distinct wish (kind: level and formats; place: municipality;
        # seats: headcount), a column per distinct offer value.
        self._row_of: tuple[dict[Hashable, int], dict[Hashable, int], dict[Hashable, int]] = ({}, {}, {})
        self._rows = [np.zeros((8, len(self._kinds)), dtype=np.int64), np.zeros((8, len(self._places)), dtype=np.int64),
                      np.zeros((8, len(self._seats)), dtype=np.int64)]
        self.fact_memo: dict[tuple[object, ...], Any] = {}  # factor inputs → (value, fact): ``NeedFit.explain``
        self.column_lists: tuple[list[int], list[int], list[int]] = (
            self.columns[0].tolist(), self.columns[1].tolist(), self.columns[2].tolist())
        self._said: dict[tuple[object, ...], Any] = {}  # what each factor says, per need side (``NeedFit.said``)

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

    def said(self, level: str | None, formats: frozenset[str], municipality: str | None, headcount: int,
             window: tuple[int | None, int | None, int]) -> _NeedSaid:
        """What each factor says for a need with this level and formats, municipality, headcount and
        start window (``window``: day numbers of earliest, latest and the reference date), by offer:
        a list by kind and seats column, dicts filled as offers are asked for."""
        kind_key, place_key, seats_key, start_key = ("kind", level, formats), ("place", municipality), \
            ("seats", headcount), ("start", window)
        said = self._said
        kind = said.get(kind_key)
        if kind is None:
            kind = said[kind_key] = [
                (said_level(level_fact), said_format(format_fit(formats, fmt)[1]), level_far(level_fact))
                for level_fact, fmt in ((level_fit(level, offered)[1], fmt) for offered, fmt in self._kinds)]
        seats = said.get(seats_key)
        if seats is None:
            seats = said[seats_key] = [said_seats(seats_fit(headcount, v)[1]) for v in self._seats]
        place = said.setdefault(place_key, {})
        start = said.setdefault(start_key, {})
        return _NeedSaid(kind, place, seats, start)

    def rows(self, wishes: Sequence[Wish]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each need's row in the kind, place and seats tables (``rank`` takes them), a row added the
        first time a level and formats, a municipality or a headcount is asked for."""
        kinds, places, seats = self._row_of
        kind_rows = [kinds.get((w.level, w.formats), -1) for w in wishes]
        place_rows = [places.get(w.municipality, -1) for w in wishes]
        seats_rows = [seats.get(w.headcount, -1) for w in wishes]
        if -1 in kind_rows or -1 in place_rows or -1 in seats_rows:
            for n, w in enumerate(wishes):  # the same new value may come twice: look again
                kind_rows[n] = kinds.get((w.level, w.formats), -1)
                if kind_rows[n] < 0:
                    kind_rows[n] = self._add_row(0, (w.level, w.formats), self._kinds, self.kind(w.level, w.formats))
                place_rows[n] = places.get(w.municipality, -1)
                if place_rows[n] < 0:
                    place_rows[n] = self._add_row(1, w.municipality, self._places, self.place(w.municipality))
                seats_rows[n] = seats.get(w.headcount, -1)
                if seats_rows[n] < 0:
                    seats_rows[n] = self._add_row(2, w.headcount, self._seats, self.seats(w.headcount))
        return (np.array(kind_rows, dtype=np.intp), np.array(place_rows, dtype=np.intp),
                np.array(seats_rows, dtype=np.intp))

    def _add_row(self, table: int, row_key: Hashable, columns: Sequence[Any], values: Mapping[Any, int]) -> int:
        rows = self._row_of[table]
        row = len(rows)
        rows[row_key] = row
        if row == len(self._rows[table]):
            self._rows[table] = np.concatenate([self._rows[table], np.zeros_like(self._rows[table])])
        self._rows[table][row] = [values[c] for c in columns]
        return row

    def candidates(self, offers: Sequence[int], keys: Sequence[int]) -> Candidates:
        """Offers (indexes) with their topic keys, as the arrays ``rank`` takes."""
        index = np.array(offers, dtype=np.intp)
        kind, place, seats = (column[index] for column in self.columns)
        start = self.facts.start_day
        return Candidates(index, np.array(keys, dtype=np.int64), kind, place, seats,
                          np.array([start[i] or NO_DAY for i in offers], dtype=np.int64))

    def rank(self, candidates: Candidates, wishes: Sequence[Wish], as_of: dt.date,
             keep: int) -> list[tuple[list[float], list[int]]]:
        """For each need (``wishes``), the scores and offer indexes of the ``keep`` best among the
        same candidates, best first.

        Score = topic part + level and format + place + seats + start fit, added in fixed point
        as ranking keys: a table of needs × candidates in a few numpy passes. Keys are distinct
        (the tie rank is in the low bits), so the top ``keep`` is one partition and one sort.
        """
        size = len(candidates.offers)
        step = max(1, self.ROW_BUDGET // size)
        kind_rows, place_rows, seats_rows = self.rows(wishes)  # first: a new need's row may grow a table
        kinds, places, seats = (table[:, columns] for table, columns in zip(
            self._rows, (candidates.kind, candidates.place, candidates.seats), strict=True))
        earliest = np.array([_edge(w.earliest, _OPEN_START) for w in wishes], dtype=np.int64)
        latest = np.array([_edge(w.latest, _OPEN_END) for w in wishes], dtype=np.int64)
        found: list[tuple[list[float], list[int]]] = []
        for first in range(0, len(wishes), step):
            part = slice(first, first + step)
            scores = (candidates.keys + kinds[kind_rows[part]] + places[place_rows[part]] + seats[seats_rows[part]]
                      + start_keys(candidates.day, earliest[part], latest[part], as_of.toordinal()))
            if size > keep:
                top = np.argpartition(scores, size - keep, axis=1)[:, size - keep:]
                scores = np.take_along_axis(scores, top, axis=1)
            else:
                top = np.broadcast_to(np.arange(size), scores.shape)
            order = np.argsort(-scores, axis=1)
            best = (np.take_along_axis(scores, order, axis=1) >> TIE_BITS) / UNIT  # exact: as int / int
            offers = candidates.offers[np.take_along_axis(top, order, axis=1)]
            found.extend(zip(best.tolist(), offers.tolist(), strict=True))
        return found


def _columns(distinct: Sequence[Hashable], values: Sequence[Hashable]) -> np.ndarray:
    """Each value's position in ``distinct``."""
    position = {value: n for n, value in enumerate(distinct)}
    return np.array([position[v] for v in values], dtype=np.intp)


def _edge(value: dt.date | None, open_: int) -> int:
    return value.toordinal() if value is not None else open_


class NeedFit:
    """The weighted fit of one need against offers by index (for explaining, and to check ``rank``)."""

    __slots__ = ("_kind", "_memo", "_place", "_said", "_seats", "_window", "as_of", "earliest", "facts", "formats",
                 "headcount", "latest", "level", "municipality", "regions", "tables")

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
        self._memo = tables.fact_memo
        self.tables = tables
        self._said: _NeedSaid | None = None

    def said(self, i: int, names: Mapping[str, str]) -> tuple[Said, Said, Said, Said, Said, bool]:
        """What the level, format, start, place and seats facts of offer ``i`` say (``explain.said_*``),
        and whether the level is far off: ``explain`` without gathering the facts anew for each offer."""
        tables = self.tables
        if self._said is None:
            self._said = tables.said(self.level, self.formats, self.municipality, self.headcount, self._window)
        kinds, places, seats, starts = self._said
        kind_column, _, seats_column = tables.column_lists
        level, fmt, far = kinds[kind_column[i]]
        facts = self.facts
        start = starts.get(facts.start_day[i])
        if start is None:
            start = starts[facts.start_day[i]] = said_start(
                start_fit(self.earliest, self.latest, facts.start[i], self.as_of)[1])
        where = (facts.online[i], facts.place[i])  # what the place fact depends on (the regions: the place's)
        place = places.get(where)
        if place is None:
            fact = place_fit(self.municipality, self.regions, facts.online[i], facts.place[i], facts.regions[i], names)
            place = places[where] = said_place(fact[1])
        return level, fmt, start, place, seats[seats_column[i]], far

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

    def explain(self, i: int, names: Mapping[str, str]) -> tuple[float, FitFacts]:
        """The weighted fit of offer ``i`` and the fact behind each factor (``names``: for places).

        A factor's fact depends on a few values only (levels, a home and a place, …), which recur
        across the proposals of a run: all but the start are looked up in ``memo`` once made."""
        facts, memo = self.facts, self._memo
        key = (self.level, facts.level[i], self.formats, facts.format[i])
        kind = memo.get(key)
        if kind is None:
            kind = memo[key] = (level_fit(self.level, facts.level[i]), format_fit(self.formats, facts.format[i]))
        level, fmt = kind
        where = facts.place[i]
        key = (self.municipality, facts.online[i], where, names.get(where, where) if where else "")
        place = memo.get(key)
        if place is None:
            place = memo[key] = place_fit(self.municipality, self.regions, facts.online[i], facts.place[i],
                                          facts.regions[i], names)
        key = (self.headcount, facts.seats_max[i])
        seats = memo.get(key)
        if seats is None:
            seats = memo[key] = seats_fit(self.headcount, facts.seats_max[i])
        key = ("start", self._window, facts.start_day[i])
        start = memo.get(key)
        if start is None:
            start = memo[key] = start_fit(self.earliest, self.latest, facts.start[i], self.as_of)
        value = (W_LEVEL * level[0] + W_FORMAT * fmt[0] + W_START * start[0] + W_PLACE * place[0]
                 + W_SEATS * seats[0])
        return value, FitFacts(level[1], fmt[1], start[1], place[1], seats[1])
