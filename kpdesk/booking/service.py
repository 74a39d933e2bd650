"""Writing bookings: single ones, series, one occurrence, this and all following, a whole series.

Every occurrence of a series is its own ``Booking`` row with its own state (active, cancelled,
skipped) and ``recurrence_start``, the start the rule gave it. A row changed or cancelled on its
own is an exception (``is_exception``). Editing the whole series rewrites only the rows that
still follow the rule; exceptions stay as they are, so a cancelled date stays cancelled and a
moved one stays moved (the complaint about MRBS that this design answers).

Old and new occurrences are paired by date, shifted by however far the edit moves the series'
first date: moving a Tuesday series to Wednesdays pairs each Tuesday with the Wednesday after
it, so a cancelled Tuesday becomes a cancelled Wednesday. An exception whose date the new rule
no longer has is kept as a single booking when it is active, and dropped when it was cancelled.

Every write checks for conflicts first (``kpdesk.booking.planning``), runs in the caller's
transaction, is audited, and returns a ``BookingWrite`` whose ``undo`` snapshot
``kpdesk.booking.snapshots.undo`` takes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import ConflictError
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.planning import BookingPlan, plan_booking, series_starts
from kpdesk.booking.recurrence import describe, ending_at, moved_rule, occurrences
from kpdesk.booking.rooms import equipment_ids_for, plural
from kpdesk.booking.snapshots import BOOKING, SERIES, BookingSnapshot, capture
from kpdesk.booking.times import format_span
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date
from kpdesk.db import audit, versions
from kpdesk.db.models import Booking, BookingSeries, booking_equipment
from kpdesk.db.row_writing import existing_row, flush_checked


@dataclass(frozen=True)
class BookingWrite:
    """What a write did: a sentence, the rows it made or changed, and how to undo it."""

    summary: str
    booking_ids: tuple[int, ...]
    series_id: int | None
    undo: BookingSnapshot
    skipped: tuple[tuple[dt.datetime, str], ...] = ()  # (start, why) of occurrences stored as skipped
    detached: tuple[int, ...] = ()  # series edits: moved occurrences kept as single bookings


@dataclass
class _Tracker:
    """The rows before a write, and the ids it creates."""

    before: tuple[Any, Any, Any]
    created_series: list[int] = field(default_factory=list)
    created_bookings: list[int] = field(default_factory=list)

    @classmethod
    def start(cls, session: Session, *, series_ids: Sequence[int] = (), booking_ids: Sequence[int] = ()) -> _Tracker:
        return cls(capture(session, series_ids=series_ids, booking_ids=booking_ids))

    def snapshot(self, summary: str) -> BookingSnapshot:
        series, bookings, links = self.before
        return BookingSnapshot(summary, series, bookings, links, tuple(self.created_series),
                               tuple(self.created_bookings))


# ---------------------------------------------------------------- small helpers

def _booking(session: Session, booking_id: int) -> Booking:
    row = existing_row(session, Booking, booking_id, "Bookingen")
    return row


def _series(session: Session, series_id: int) -> BookingSeries:
    row = existing_row(session, BookingSeries, series_id, "Bookingserien")
    return row


def booking_values(plan: BookingPlan) -> dict[str, Any]:
    """The columns every occurrence of the booking gets (not time or state)."""
    d = plan.data
    return {"room_id": plan.room.id, "title": d.title, "kind": d.kind, "organiser": d.organiser,
            "attendees": d.attendees, "offer_id": plan.offer_id, "offer_session_id": plan.offer_session_id,
            "arrival_buffer_minutes": d.arrival_buffer_minutes, "invigilators": d.invigilators, "notes": d.notes,
            "public": d.is_public}


def series_values(plan: BookingPlan) -> dict[str, Any]:
    d = plan.data
    return {"room_id": plan.room.id, "title": d.title, "kind": d.kind, "rrule": plan.rule,
            "first_start": d.starts_at, "duration_minutes": int(d.duration.total_seconds() // 60),
            "organiser": d.organiser, "attendees": d.attendees, "offer_id": plan.offer_id, "notes": d.notes,
            "public": d.is_public}


def insert_bookings(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    stmt = insert(Booking).returning(Booking.id, sort_by_parameter_order=True)
    return list(session.execute(stmt.execution_options(render_nulls=True), rows).scalars())


def set_equipment_links(session: Session, booking_ids: Collection[int], equipment_ids: Sequence[int]) -> None:
    if not booking_ids:
        return
    session.execute(delete(booking_equipment).where(booking_equipment.c.booking_id.in_(list(booking_ids))))
    links = [{"booking_id": b, "equipment_id": e} for b in booking_ids for e in sorted(set(equipment_ids))]
    if links:
        session.execute(insert(booking_equipment), links)


def _clash_reason(clashes: Sequence[Any]) -> str:
    text = clashes[0].message()
    return text + (f" (og {len(clashes) - 1} til)" if len(clashes) > 1 else "")


def _outcomes(plan: BookingPlan, override_reason: str, skip_clashes: bool) -> list[tuple[str, str, str]]:
    """(state, state reason, override reason) for each planned occurrence; ConflictError if refused.

    Clashing dates of a series are skipped when asked (``skip_clashes``); otherwise any conflict
    needs ``override_reason``. Too many attendees and missing equipment always need a reason.
    """
    conflicts = plan.conflicts
    reason = override_reason.strip()
    hard = conflicts.capacity is not None or bool(conflicts.missing_equipment)
    can_skip = plan.is_series and bool(conflicts.clashes) and not hard
    if conflicts.blocking and not reason and not (skip_clashes and can_skip):
        raise ConflictError(conflicts, can_skip=can_skip)
    result = []
    for occurrence in plan.occurrences:
        if occurrence.skipped_for_holiday:
            result.append(("skipped", f"Helligdag: {occurrence.holiday}", ""))
        elif occurrence.clashes and skip_clashes and plan.is_series:
            result.append(("skipped", _clash_reason(occurrence.clashes), ""))
        elif occurrence.clashes or hard:
            result.append(("active", "", reason))
        else:
            result.append(("active", "", ""))
    return result


def _skipped(plan: BookingPlan, outcomes: list[tuple[str, str, str]]) -> tuple[tuple[dt.datetime, str], ...]:
    return tuple((o.start, why) for o, (state, why, _) in zip(plan.occurrences, outcomes, strict=True)
                 if state == "skipped")


def _where(plan: BookingPlan) -> str:
    d = plan.data
    if plan.is_series:
        return f"«{d.title}» i {plan.room.name}, {describe(plan.rule)}"
    return f"«{d.title}» {format_span(d.starts_at, d.ends_at)} i {plan.room.name}"


# ---------------------------------------------------------------- creating

def _create(session: Session, tracker: _Tracker, plan: BookingPlan, outcomes: list[tuple[str, str, str]],
            equipment_ids: Sequence[int]) -> tuple[int | None, list[int]]:
    series_id = None
    if plan.is_series:
        series = BookingSeries(**series_values(plan))
        session.add(series)
        session.flush()
        series_id = series.id
        tracker.created_series.append(series_id)
    values = booking_values(plan)
    rows = [{**values, "series_id": series_id, "recurrence_start": o.start if series_id else None,
             "starts_at": o.start, "ends_at": o.end, "state": state, "state_reason": why, "is_exception": False,
             "override_reason": override}
            for o, (state, why, override) in zip(plan.occurrences, outcomes, strict=True)]
    ids = insert_bookings(session, rows)
    tracker.created_bookings += ids
    set_equipment_links(session, ids, equipment_ids)
    return series_id, ids


def create_booking(session: Session, data: BookingData, *, override_reason: str = "", skip_clashes: bool = False,
                   skip_holidays: bool = True) -> BookingWrite:
    """Book a room once, or for every date of ``data.repeat``.

    Refused with ``ConflictError`` on a clash, too many attendees or missing equipment, unless
    ``override_reason`` is given (stored on the bookings concerned) or, for clashes in a series,
    ``skip_clashes`` stores the clashing dates as skipped. Holiday dates of a series are skipped
    unless ``skip_holidays`` is False.
    """
    equipment_ids = equipment_ids_for(session, data.equipment)
    plan = plan_booking(session, data, skip_holidays=skip_holidays)
    outcomes = _outcomes(plan, override_reason, skip_clashes)
    if all(state == "skipped" for state, _, _ in outcomes):
        raise UserError(f"Alle {len(outcomes)} datoene i serien blir hoppet over (helligdager eller kollisjoner), "
                        f"så ingenting er booket.")
    tracker = _Tracker.start(session)
    series_id, ids = _create(session, tracker, plan, outcomes, equipment_ids)
    skipped = _skipped(plan, outcomes)
    if series_id is not None:
        summary = (f"Ny serie {_where(plan)}: {plural(len(ids) - len(skipped), 'booking', 'bookinger')}"
                   + (f", {len(skipped)} hoppet over" if skipped else "") + ".")
        audit.record(session, "create", SERIES, series_id, summary=summary)
    else:
        summary = f"Ny booking {_where(plan)}."
        audit.record(session, "create", BOOKING, ids[0], summary=summary)
    if override_reason.strip() and any(o for _, _, o in outcomes):
        audit.record(session, "override", SERIES if series_id else BOOKING, series_id or ids[0],
                     summary=f"Booket tross konflikt: {override_reason.strip()}")
    return BookingWrite(summary, tuple(ids), series_id, tracker.snapshot(summary), skipped)


# ---------------------------------------------------------------- one booking or occurrence

def update_booking(session: Session, booking_id: int, data: BookingData, *, override_reason: str = "",
                   skip_clashes: bool = False, skip_holidays: bool = True,
                   expected_version: int | None = None) -> BookingWrite:
    """Change one booking, or one occurrence of a series (which becomes an exception).

    A single booking given a ``repeat`` rule becomes a series (its row is replaced). A booking
    kept where it was booked despite a clash keeps its reason without being asked again; a move,
    or too many attendees or missing equipment, needs ``override_reason`` anew. ``expected_version``:
    the version the form loaded (``kpdesk.db.versions``).
    """
    row = _booking(session, booking_id)
    versions.refuse_if_changed(session, BOOKING, booking_id, expected_version)
    if data.repeat and row.series_id is not None:
        raise UserError("Gjentakelsen endres for hele serien eller for denne og alle etterfølgende, "
                        "ikke for én forekomst.")
    equipment_ids = equipment_ids_for(session, data.equipment)
    tracker = _Tracker.start(session, booking_ids=[booking_id])
    plan = plan_booking(session, data, skip_holidays=skip_holidays, exclude={booking_id})
    if data.repeat:  # a single booking becomes a series
        outcomes = _outcomes(plan, override_reason, skip_clashes)
        session.execute(delete(booking_equipment).where(booking_equipment.c.booking_id == booking_id))
        session.delete(row)
        session.flush()
        series_id, ids = _create(session, tracker, plan, outcomes, equipment_ids)
        summary = f"Gjorde «{row.title}» om til en serie: {_where(plan)}."
        audit.record(session, "update", SERIES, series_id, summary=summary)
        return BookingWrite(summary, tuple(ids), series_id, tracker.snapshot(summary), _skipped(plan, outcomes))
    override = ""
    if row.state == "active":
        same_place = (row.room_id, row.starts_at, row.ends_at, row.arrival_buffer_minutes) == (
            plan.room.id, data.starts_at, data.ends_at, data.arrival_buffer_minutes)
        hard = plan.conflicts.capacity is not None or bool(plan.conflicts.missing_equipment)
        if not override_reason.strip() and row.override_reason and same_place and not hard:
            override_reason = row.override_reason  # the clash was accepted before; the time did not move
        (_, _, override), = _outcomes(plan, override_reason, False)
    values = {**booking_values(plan), "starts_at": data.starts_at, "ends_at": data.ends_at,
              "override_reason": override}
    if row.series_id is not None:
        values["is_exception"] = True
    for name, new in values.items():
        old = getattr(row, name)
        if old != new:
            setattr(row, name, new)
            if name not in ("is_exception",):
                audit.record(session, "update", BOOKING, booking_id, field=name, old=old, new=new)
    set_equipment_links(session, [booking_id], equipment_ids)
    flush_checked(session, row)
    summary = f"Endret {_where(plan)}" + (" (bare denne datoen)." if row.series_id else ".")
    return BookingWrite(summary, (booking_id,), row.series_id, tracker.snapshot(summary))


def cancel_booking(session: Session, booking_id: int, reason: str = "") -> BookingWrite:
    """Cancel one booking or one occurrence; it stays visible as cancelled (avlyst)."""
    row = _booking(session, booking_id)
    if row.state == "cancelled":
        raise UserError(f"«{row.title}» {format_span(row.starts_at, row.ends_at)} er allerede avlyst.")
    tracker = _Tracker.start(session, booking_ids=[booking_id])
    audit.record(session, "cancel", BOOKING, booking_id, field="state", old=row.state, new="cancelled",
                 summary=reason.strip())
    row.state, row.state_reason, row.is_exception = "cancelled", reason.strip(), row.series_id is not None
    session.flush()
    summary = f"Avlyste «{row.title}» {format_span(row.starts_at, row.ends_at)}."
    return BookingWrite(summary, (booking_id,), row.series_id, tracker.snapshot(summary))


def reactivate_booking(session: Session, booking_id: int, *, override_reason: str = "") -> BookingWrite:
    """Make a cancelled or skipped booking active again, if its room is still free then."""
    from kpdesk.booking.reads import booking_data

    row = _booking(session, booking_id)
    if row.state == "active":
        raise UserError(f"«{row.title}» {format_span(row.starts_at, row.ends_at)} er allerede aktiv.")
    plan = plan_booking(session, booking_data(session, booking_id), exclude={booking_id})
    (_, _, override), = _outcomes(plan, override_reason, False)
    tracker = _Tracker.start(session, booking_ids=[booking_id])
    audit.record(session, "update", BOOKING, booking_id, field="state", old=row.state, new="active")
    row.state, row.state_reason, row.override_reason = "active", "", override
    row.is_exception = row.series_id is not None
    session.flush()
    summary = f"Gjenåpnet «{row.title}» {format_span(row.starts_at, row.ends_at)}."
    return BookingWrite(summary, (booking_id,), row.series_id, tracker.snapshot(summary))


def delete_booking(session: Session, booking_id: int) -> BookingWrite:
    """Delete a single booking (an occurrence of a series is cancelled instead)."""
    row = _booking(session, booking_id)
    if row.series_id is not None:
        raise UserError(f"«{row.title}» {format_span(row.starts_at, row.ends_at)} er del av en serie. Avlys "
                        f"denne datoen, eller slett hele serien.")
    tracker = _Tracker.start(session, booking_ids=[booking_id])
    summary = f"Slettet «{row.title}» {format_span(row.starts_at, row.ends_at)}."
    session.execute(delete(booking_equipment).where(booking_equipment.c.booking_id == booking_id))
    session.delete(row)
    session.flush()
    audit.record(session, "delete", BOOKING, booking_id, summary=summary)
    return BookingWrite(summary, (), None, tracker.snapshot(summary))


def delete_series(session: Session, series_id: int) -> BookingWrite:
    """Delete a series with every occurrence, whatever its state."""
    series = _series(session, series_id)
    tracker = _Tracker.start(session, series_ids=[series_id])
    count = len(tracker.before[1])
    summary = f"Slettet serien «{series.title}» med {plural(count, 'booking', 'bookinger')}."
    ids = [b["id"] for b in tracker.before[1]]
    if ids:
        session.execute(delete(booking_equipment).where(booking_equipment.c.booking_id.in_(ids)))
        session.execute(delete(Booking).where(Booking.id.in_(ids)))
    session.execute(delete(BookingSeries).where(BookingSeries.id == series_id))
    session.expire_all()
    audit.record(session, "delete", SERIES, series_id, summary=summary)
    return BookingWrite(summary, (), None, tracker.snapshot(summary))


# ---------------------------------------------------------------- series edits

def _key(row: Booking) -> dt.date:
    return (row.recurrence_start or row.starts_at).date()


def _edit_series(session: Session, tracker: _Tracker, series: BookingSeries, data: BookingData, *,
                 override_reason: str, skip_clashes: bool, skip_holidays: bool) -> tuple[BookingPlan, Any]:
    """Rewrite ``series`` as ``data`` (with its rule), keeping the occurrences changed one by one."""
    if not data.repeat:
        raise UserError("Gjentakelsen mangler: en serie trenger en regel (for eksempel FREQ=WEEKLY;BYDAY=TU;"
                        "UNTIL=20270615).")
    equipment_ids = equipment_ids_for(session, data.equipment)
    shift = data.starts_at.date() - series.first_start.date()
    rows = list(session.scalars(select(Booking).where(Booking.series_id == series.id).order_by(Booking.starts_at)))
    _, starts = series_starts(data)
    new_dates = {s.date(): s for s in starts}
    by_date: dict[dt.date, Booking] = {}
    leftover: list[Booking] = []
    for row in rows:
        target = _key(row) + shift
        if target in new_dates and target not in by_date:
            by_date[target] = row
        else:
            leftover.append(row)
    held = {day: row for day, row in by_date.items() if row.is_exception}
    pattern = {day: row for day, row in by_date.items() if not row.is_exception}
    doomed = [r for r in leftover if not (r.is_exception and r.state == "active")]
    detached = [r for r in leftover if r.is_exception and r.state == "active"]
    exclude = {r.id for r in pattern.values()} | {r.id for r in doomed}
    plan = plan_booking(session, data, skip_holidays=skip_holidays, exclude=exclude, held=held)
    outcomes = _outcomes(plan, override_reason, skip_clashes)

    values = booking_values(plan)
    updated: list[int] = []
    fresh: list[dict[str, Any]] = []
    for occurrence, (state, why, override) in zip(plan.occurrences, outcomes, strict=True):
        times = {"starts_at": occurrence.start, "ends_at": occurrence.end, "recurrence_start": occurrence.start,
                 "state": state, "state_reason": why, "override_reason": override, "is_exception": False}
        row = pattern.get(occurrence.start.date())
        if row is None:
            fresh.append({**values, **times, "series_id": series.id})
            continue
        for name, value in {**values, **times}.items():
            setattr(row, name, value)
        updated.append(row.id)
    for day, row in held.items():
        row.recurrence_start = new_dates[day]
    for row in detached:
        row.series_id, row.recurrence_start, row.is_exception = None, None, False
    doomed_ids = [r.id for r in doomed]
    if doomed_ids:
        session.flush()
        session.execute(delete(booking_equipment).where(booking_equipment.c.booking_id.in_(doomed_ids)))
        session.execute(delete(Booking).where(Booking.id.in_(doomed_ids)))
        for row in doomed:
            session.expunge(row)
    for name, value in series_values(plan).items():
        old = getattr(series, name)
        if old != value:
            setattr(series, name, value)
            audit.record(session, "update", SERIES, series.id, field=name, old=old, new=value)
    session.flush()
    created = insert_bookings(session, fresh)
    tracker.created_bookings += created
    set_equipment_links(session, [*updated, *created], equipment_ids)
    counts = {"updated": len(updated), "created": len(created), "removed": len(doomed_ids),
              "held": len(held), "detached": tuple(r.id for r in detached),
              "ids": tuple(updated + created), "skipped": _skipped(plan, outcomes)}
    return plan, counts


def _edit_sentence(counts: dict[str, Any]) -> str:
    parts = [f"{counts['updated']} oppdatert"]
    if counts["created"]:
        parts.append(f"{counts['created']} nye")
    if counts["removed"]:
        parts.append(f"{counts['removed']} fjernet")
    if counts["skipped"]:
        parts.append(f"{len(counts['skipped'])} hoppet over")
    text = ", ".join(parts)
    if counts["held"]:
        text += (f"; {plural(counts['held'], 'dato', 'datoer')} som er endret eller avlyst enkeltvis, "
                 f"er beholdt som de var")
    if counts["detached"]:
        text += (f"; {plural(len(counts['detached']), 'enkeltvis endret dato', 'enkeltvis endrede datoer')} "
                 f"utenfor den nye regelen er beholdt som enkeltbookinger")
    return text


def update_series(session: Session, series_id: int, data: BookingData, *, override_reason: str = "",
                  skip_clashes: bool = False, skip_holidays: bool = True) -> BookingWrite:
    """Edit a whole series (rule, time, room, details), keeping cancelled and moved occurrences."""
    series = _series(session, series_id)
    tracker = _Tracker.start(session, series_ids=[series_id])
    plan, counts = _edit_series(session, tracker, series, data, override_reason=override_reason,
                                skip_clashes=skip_clashes, skip_holidays=skip_holidays)
    summary = f"Endret hele serien {_where(plan)}: {_edit_sentence(counts)}."
    audit.record(session, "update", SERIES, series_id, summary=summary)
    return BookingWrite(summary, counts["ids"], series_id, tracker.snapshot(summary), counts["skipped"],
                        counts["detached"])


def _split(session: Session, tracker: _Tracker, row: Booking) -> BookingSeries:
    """End the row's series just before the row, and give the row and all after it a new series.

    Rows move by their ``recurrence_start``, so exceptions go with the date they belong to.
    Returns the series that now begins with the row (the old one when the row is its first).
    """
    series = _series(session, row.series_id)  # type: ignore[arg-type]
    split_at = row.recurrence_start or row.starts_at
    starts = occurrences(series.rrule, series.first_start)
    before = [s for s in starts if s < split_at]
    if not before:
        return series
    after = len(starts) - len(before)
    rest = BookingSeries(room_id=series.room_id, title=series.title, kind=series.kind,
                         rrule=moved_rule(series.rrule, series.first_start, split_at, remaining=after),
                         first_start=split_at, duration_minutes=series.duration_minutes, organiser=series.organiser,
                         attendees=series.attendees, offer_id=series.offer_id, notes=series.notes,
                         public=series.public)
    old_rule = series.rrule
    series.rrule = ending_at(old_rule, before[-1])
    audit.record(session, "update", SERIES, series.id, field="rrule", old=old_rule, new=series.rrule)
    session.add(rest)
    session.flush()
    tracker.created_series.append(rest.id)
    for moved in session.scalars(select(Booking).where(Booking.series_id == series.id)):
        if (moved.recurrence_start or moved.starts_at) >= split_at:
            moved.series_id = rest.id
    session.flush()
    audit.record(session, "create", SERIES, rest.id, summary=f"Delte serien «{series.title}» fra "
                                                             f"{format_date(split_at.date())}")
    return rest


def update_following(session: Session, booking_id: int, data: BookingData, *, override_reason: str = "",
                     skip_clashes: bool = False, skip_holidays: bool = True) -> BookingWrite:
    """Change this occurrence and all following: the series is split here and the rest edited.

    ``data.starts_at`` is the new start of this occurrence. Without ``data.repeat`` the rest keeps
    the series' rule, following the start to a new weekday if it moved.
    """
    row = _booking(session, booking_id)
    if row.series_id is None:
        return update_booking(session, booking_id, data, override_reason=override_reason)
    tracker = _Tracker.start(session, series_ids=[row.series_id])
    target = _split(session, tracker, row)
    if row.state == "active":
        row.is_exception = False  # "this" occurrence takes the new values too, whatever it had on its own
    if not data.repeat:
        data = data.replace(repeat=moved_rule(target.rrule, target.first_start, data.starts_at))
    plan, counts = _edit_series(session, tracker, target, data, override_reason=override_reason,
                                skip_clashes=skip_clashes, skip_holidays=skip_holidays)
    summary = (f"Endret {_where(plan)} fra {format_date(data.starts_at.date())} og utover: "
               f"{_edit_sentence(counts)}.")
    audit.record(session, "update", SERIES, target.id, summary=summary)
    return BookingWrite(summary, counts["ids"], target.id, tracker.snapshot(summary), counts["skipped"],
                        counts["detached"])


def _cancel_all(session: Session, series: BookingSeries, reason: str) -> list[int]:
    ids = []
    for row in session.scalars(select(Booking).where(Booking.series_id == series.id)):
        if row.state == "active":
            row.state, row.state_reason, row.is_exception = "cancelled", reason, True
            ids.append(row.id)
    session.flush()
    return ids


def cancel_following(session: Session, booking_id: int, reason: str = "") -> BookingWrite:
    """Cancel this occurrence and all following (the series is split; they stay visible as cancelled)."""
    row = _booking(session, booking_id)
    if row.series_id is None:
        return cancel_booking(session, booking_id, reason)
    tracker = _Tracker.start(session, series_ids=[row.series_id])
    start = row.recurrence_start or row.starts_at
    target = _split(session, tracker, row)
    ids = _cancel_all(session, target, reason.strip())
    summary = (f"Avlyste «{target.title}» fra {format_date(start.date())} og utover: "
               f"{plural(len(ids), 'booking', 'bookinger')}.")
    audit.record(session, "cancel", SERIES, target.id, summary=summary)
    return BookingWrite(summary, tuple(ids), target.id, tracker.snapshot(summary))


def cancel_series(session: Session, series_id: int, reason: str = "") -> BookingWrite:
    """Cancel every active occurrence of a series (they stay visible as cancelled)."""
    series = _series(session, series_id)
    tracker = _Tracker.start(session, series_ids=[series_id])
    ids = _cancel_all(session, series, reason.strip())
    summary = f"Avlyste hele serien «{series.title}»: {plural(len(ids), 'booking', 'bookinger')}."
    audit.record(session, "cancel", SERIES, series_id, summary=summary)
    return BookingWrite(summary, tuple(ids), series_id, tracker.snapshot(summary))
