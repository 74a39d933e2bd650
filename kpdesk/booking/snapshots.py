"""Undo for bookings: the rows as they were before a write, and the rows the write created.

Every write in ``kpdesk.booking.service`` returns a ``BookingSnapshot``. ``undo`` removes what the
write made and puts the old rows back with their own ids (ids are never handed out again, see
``models.AUTOINCREMENT``), inside the caller's transaction. An undo that would now clash with a
booking made since is refused, like any other booking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import Clash, ConflictError, Conflicts, overlaps
from kpdesk.common.errors import UserError
from kpdesk.db import audit
from kpdesk.db.models import Booking, BookingSeries, Equipment, Offer, OfferSession, Room, booking_equipment
from kpdesk.db.row_writing import insert_rows

BOOKING, SERIES = "booking", "booking_series"


@dataclass(frozen=True)
class BookingSnapshot:
    summary: str  # what the write did ("Ny serie «…»"), for an undo menu
    series: tuple[dict[str, Any], ...] = ()
    bookings: tuple[dict[str, Any], ...] = ()
    equipment: tuple[dict[str, Any], ...] = ()  # booking_equipment links of ``bookings``
    created_series: tuple[int, ...] = ()
    created_bookings: tuple[int, ...] = ()


def _dicts(session: Session, stmt: Any) -> tuple[dict[str, Any], ...]:
    return tuple(dict(row) for row in session.execute(stmt).mappings())


def capture(session: Session, *, series_ids: Iterable[int] = (), booking_ids: Iterable[int] = ()
            ) -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
    """(series rows, booking rows, equipment links): the series with all their bookings, plus the
    single bookings named."""
    session.flush()
    series_ids, booking_ids = sorted(set(series_ids)), sorted(set(booking_ids))
    series_table, booking_table = BookingSeries.__table__, Booking.__table__
    series = _dicts(session, select(*series_table.c).where(series_table.c.id.in_(series_ids))
                    .order_by(series_table.c.id)) if series_ids else ()
    bookings = _dicts(session, select(*booking_table.c).where(or_(booking_table.c.series_id.in_(series_ids),
                                                                   booking_table.c.id.in_(booking_ids)))
                      .order_by(booking_table.c.id)) if series_ids or booking_ids else ()
    ids = [b["id"] for b in bookings]
    links = _dicts(session, select(booking_equipment).where(booking_equipment.c.booking_id.in_(ids))
                   .order_by(booking_equipment.c.booking_id, booking_equipment.c.equipment_id)) if ids else ()
    return series, bookings, links


def _existing(session: Session, column: Any, ids: Iterable[Any]) -> set[Any]:
    wanted = {i for i in ids if i is not None}
    return set(session.execute(select(column).where(column.in_(wanted))).scalars()) if wanted else set()


def undo(session: Session, snapshot: BookingSnapshot) -> None:
    """Undo the write that returned ``snapshot``."""
    session.flush()
    series_ids = {s["id"] for s in snapshot.series} | set(snapshot.created_series)
    booking_ids = {b["id"] for b in snapshot.bookings} | set(snapshot.created_bookings)
    if series_ids:
        booking_ids |= set(session.execute(select(Booking.id).where(Booking.series_id.in_(series_ids))).scalars())
    rooms = {r["room_id"] for r in (*snapshot.series, *snapshot.bookings)}
    missing_rooms = rooms - _existing(session, Room.id, rooms)
    if missing_rooms:
        raise UserError("Kan ikke angre: rommet bookingen var i, er slettet.")
    if booking_ids:
        session.execute(delete(booking_equipment).where(booking_equipment.c.booking_id.in_(booking_ids)))
        session.execute(delete(Booking).where(Booking.id.in_(booking_ids)))
    if series_ids:
        session.execute(delete(BookingSeries).where(BookingSeries.id.in_(series_ids)))
    offers = _existing(session, Offer.id, [r.get("offer_id") for r in (*snapshot.series, *snapshot.bookings)])
    offer_sessions = _existing(session, OfferSession.id, [b.get("offer_session_id") for b in snapshot.bookings])
    series = [{**s, "offer_id": s["offer_id"] if s["offer_id"] in offers else None} for s in snapshot.series]
    bookings = [{**b, "offer_id": b["offer_id"] if b["offer_id"] in offers else None,
                 "offer_session_id": b["offer_session_id"] if b["offer_session_id"] in offer_sessions else None}
                for b in snapshot.bookings]
    equipment = _existing(session, Equipment.id, [link["equipment_id"] for link in snapshot.equipment])
    if series:
        insert_rows(session, BookingSeries, series)
    if bookings:
        insert_rows(session, Booking, bookings)
    links = [link for link in snapshot.equipment if link["equipment_id"] in equipment]
    if links:
        session.execute(insert(booking_equipment), links)
    _refuse_new_clashes(session, bookings)
    audit.record(session, "undo", SERIES if snapshot.series or snapshot.created_series else BOOKING, None,
                 summary=f"Angret: {snapshot.summary}")


def _refuse_new_clashes(session: Session, bookings: list[dict[str, Any]]) -> None:
    """An undo must not double-book a room that was booked after the write it undoes."""
    restored = {b["id"] for b in bookings}
    by_room: dict[int, list[dict[str, Any]]] = {}
    for b in bookings:
        if b["state"] == "active" and not b["override_reason"]:
            by_room.setdefault(b["room_id"], []).append(b)
    for room_id, rows in by_room.items():
        spans = [(b["starts_at"] - dt.timedelta(minutes=b["arrival_buffer_minutes"] or 0), b["ends_at"]) for b in rows]
        found = overlaps(session, room_id, spans, exclude=restored)
        if found:
            name = session.execute(select(Room.name).where(Room.id == room_id)).scalar_one()
            clashes = tuple(Clash(rows[i]["starts_at"], rows[i]["ends_at"], name, other) for i, other in found)
            conflicts = Conflicts(name, occurrences=len(rows), clashes=clashes)
            error = ConflictError(conflicts)
            raise UserError("Kan ikke angre: rommet er booket av noen andre siden.", details=error.details)
