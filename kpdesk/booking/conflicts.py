"""Clashes in a room: one indexed SQL query for a whole batch of candidate times.

A booking takes its room from ``starts_at`` less its arrival buffer (exams) to ``ends_at``. Two
bookings clash when those spans overlap and both are active. Cancelled and skipped occurrences
take nothing.

``overlaps`` sends every candidate span of a room in one statement: a VALUES list joined to
``booking`` through ``ix_booking_room_time`` (room_id, starts_at, ends_at). The index can only
bound ``starts_at``, so the lower bound is the candidate's start less the longest booking in the
room (asked for first: a covering scan of the index), and the upper bound is the candidate's end
plus the longest allowed arrival buffer. The query returns that narrow superset; the exact test
with each row's own buffer is done on the few rows it returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kpdesk.booking.inputs import MAX_ARRIVAL_BUFFER
from kpdesk.booking.times import format_span, from_db, hm, to_db
from kpdesk.common.errors import UserError

Span = tuple[dt.datetime, dt.datetime]  # (blocked from, end)
_CHUNK = 180  # candidates per statement: 5 parameters each stays under SQLite's old 999 limit

# Driver-level SQL (the overlap check runs for every candidate of a big import): SQLite's own,
# and PostgreSQL's with its placeholders and the VALUES list's types spelt out.
SPAN_SQL = {
    "sqlite": "SELECT max(julianday(ends_at) - julianday(starts_at)) FROM booking WHERE room_id = ?",
    "postgresql": "SELECT max(extract(epoch FROM ends_at - starts_at)) / 86400 FROM booking WHERE room_id = %s",
}
OVERLAP_SQL = (
    "WITH c(i, lo, hi, s) AS (VALUES {values}) "
    "SELECT c.i, b.id, b.title, b.starts_at, b.ends_at, b.arrival_buffer_minutes "
    "FROM c JOIN booking AS b ON b.room_id = {room} AND b.starts_at >= c.lo AND b.starts_at < c.hi "
    "WHERE b.ends_at > c.s AND b.state = 'active'"
)
_OVERLAP_ROW = {"sqlite": "(?,?,?,?)", "postgresql": "(%s::integer,%s::timestamp,%s::timestamp,%s::timestamp)"}
_PLACEHOLDER = {"sqlite": "?", "postgresql": "%s"}


@dataclass(frozen=True, slots=True)
class Existing:
    """An active booking that takes the room."""

    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    arrival_buffer_minutes: int = 0

    @property
    def blocked_from(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(minutes=self.arrival_buffer_minutes)


@dataclass(frozen=True, slots=True)
class Clash:
    """One candidate time that overlaps another booking."""

    start: dt.datetime  # the new booking's (or occurrence's) start
    end: dt.datetime
    room_name: str
    other: Existing
    other_line: int | None = None  # imports: the other booking is on this line of the same file

    def message(self) -> str:
        """'Kollisjon med «Eksamen SYK2001» 12.05.2027 kl. 09.00–13.00 i Eksamensrom'."""
        other = self.other
        text = f"Kollisjon med «{other.title}» {format_span(other.starts_at, other.ends_at)} i {self.room_name}"
        if other.arrival_buffer_minutes:
            text += f" (rommet er opptatt fra kl. {hm(other.blocked_from)} for oppmøte)"
        if self.other_line is not None:
            text += f" (linje {self.other_line})"
        return text


@dataclass(frozen=True)
class Conflicts:
    """Everything that stands in the way of a booking, and what only deserves a warning."""

    room_name: str
    occurrences: int = 1  # how many times were checked (a series: its active occurrences)
    clashes: tuple[Clash, ...] = ()
    capacity: int | None = None  # the room's capacity, when the attendees do not fit
    attendees: int | None = None
    missing_equipment: tuple[str, ...] = ()
    outside_hours: tuple[dt.datetime, ...] = field(default=())  # starts outside the room's opening hours
    holidays: tuple[tuple[dt.date, str], ...] = field(default=())  # active dates that are holidays

    @property
    def blocking(self) -> bool:
        """True when the booking is refused unless a reason is given."""
        return bool(self.clashes or self.capacity is not None or self.missing_equipment)

    @property
    def clash_starts(self) -> frozenset[dt.datetime]:
        return frozenset(c.start for c in self.clashes)

    def problems(self) -> list[str]:
        """The sentences that explain a refusal, clashes first, one per clash."""
        lines = []
        for clash in self.clashes:
            prefix = f"{format_span(clash.start, clash.end)}: " if self.occurrences > 1 else ""
            lines.append(prefix + clash.message())
        if self.capacity is not None:
            lines.append(f"«{self.room_name}» har plass til {self.capacity}, men bookingen gjelder "
                         f"{self.attendees} deltakere")
        if self.missing_equipment:
            lines.append(f"«{self.room_name}» mangler {', '.join(self.missing_equipment)}")
        return lines

    def warnings(self) -> list[str]:
        from kpdesk.common.norsk import format_date, format_datetime

        lines = [f"{format_date(day)} er helligdag ({name})" for day, name in self.holidays]
        if self.outside_hours:
            first = self.outside_hours[0]
            more = f" (og {len(self.outside_hours) - 1} andre ganger)" if len(self.outside_hours) > 1 else ""
            lines.append(f"Bookingen {format_datetime(first)}{more} er utenfor åpningstiden til "
                         f"«{self.room_name}»")
        return lines

    def sentence(self) -> str:
        """One line for a dialog's heading or the command line."""
        parts = []
        if self.clashes:
            dates = len({c.start for c in self.clashes})
            others = len({c.other.id for c in self.clashes})
            if self.occurrences > 1:
                parts.append(f"{dates} av {self.occurrences} datoer kolliderer med "
                             f"{others} {'annen booking' if others == 1 else 'andre bookinger'}")
            else:
                parts.append(f"kolliderer med {others} {'annen booking' if others == 1 else 'andre bookinger'}")
        if self.capacity is not None:
            parts.append(f"har flere deltakere ({self.attendees}) enn rommet har plass til ({self.capacity})")
        if self.missing_equipment:
            parts.append(f"trenger utstyr rommet mangler ({', '.join(self.missing_equipment)})")
        if not parts:
            return "Ingen konflikter."
        return f"Bookingen i «{self.room_name}» " + " og ".join(parts) + "."


class ConflictError(UserError):
    """A booking refused for its conflicts; ``conflicts`` says what they are."""

    def __init__(self, conflicts: Conflicts, *, can_skip: bool = False) -> None:
        advice = "Oppgi en grunn for å booke likevel"
        advice += ", eller hopp over datoene som kolliderer." if can_skip else "."
        super().__init__(f"{conflicts.sentence()} {advice}", details=conflicts.problems())
        self.conflicts = conflicts


# ---------------------------------------------------------------- the query

def longest_booking_days(session: Session, room_id: int) -> float:
    """The longest booking ever made in the room, in days (0 for an empty room)."""
    session.flush()
    connection = session.connection()
    value = connection.exec_driver_sql(SPAN_SQL[connection.dialect.name], (room_id,)).scalar()
    return float(value or 0.0)


def overlaps(session: Session, room_id: int, spans: Sequence[Span], *,
             exclude: Collection[int] = ()) -> list[tuple[int, Existing]]:
    """(index into ``spans``, the active booking it overlaps) for every overlap in the room.

    ``spans`` are (blocked from, end) of the candidates, buffers already applied. Bookings whose
    id is in ``exclude`` (the ones being changed) are left out.
    """
    if not spans:
        return []
    longest = dt.timedelta(days=longest_booking_days(session, room_id)) + dt.timedelta(seconds=1)
    buffer = dt.timedelta(minutes=MAX_ARRIVAL_BUFFER)
    connection = session.connection()
    dialect = connection.dialect.name
    found: list[tuple[int, Existing]] = []
    for first in range(0, len(spans), _CHUNK):
        chunk = spans[first:first + _CHUNK]
        params: list[object] = []
        for index, (start, end) in enumerate(chunk, start=first):
            params += [index, to_db(start - longest), to_db(end + buffer), to_db(start)]
        params.append(room_id)
        sql = OVERLAP_SQL.format(values=",".join([_OVERLAP_ROW[dialect]] * len(chunk)), room=_PLACEHOLDER[dialect])
        for index, id_, title, starts, ends, minutes in connection.exec_driver_sql(sql, tuple(params)).fetchall():
            if id_ in exclude:
                continue
            other = Existing(id_, title, from_db(starts), from_db(ends), minutes or 0)
            if other.blocked_from < spans[index][1]:
                found.append((index, other))
    found.sort(key=lambda pair: (pair[0], pair[1].starts_at, pair[1].id))
    return found


def overlap_pairs(spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of spans in one list that overlap each other (a sweep, not n²)."""
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    pairs: list[tuple[int, int]] = []
    active: list[int] = []
    for i in order:
        start = spans[i][0]
        active = [j for j in active if spans[j][1] > start]
        pairs += [(min(i, j), max(i, j)) for j in active]
        active.append(i)
    return sorted(pairs)
