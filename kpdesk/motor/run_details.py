"""What the window shows and does around one course run, beyond ``runs.save_run``: the list with
how many needs and owners each run serves, the needs it serves with their owners, its session days'
bookings (linked, and those that could be), the planned runs of an offer, and deleting a run with
an exact restore (undo of a creation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError
from kpdesk.common.norsk import plural
from kpdesk.db import audit
from kpdesk.db.models import Booking, CourseRun, Need, Offer, Room, course_run_booking, course_run_need
from kpdesk.db.row_writing import existing_row, insert_rows, ref_key, row_dicts, row_exists
from kpdesk.motor.runs import RUN, RunRow, list_runs, need_ids_by_ref, run_ids_by_ref, save_run
from kpdesk.motor.validation import RunData
from kpdesk.register.service import list_needs

MAX_LINKABLE = 300  # bookings offered for linking at once: the offer's own and those in the run's dates


@dataclass(frozen=True, slots=True)
class RunListRow:
    """A run as the Gjennomføringer list shows it: its row and how many needs and owners it serves."""

    run: RunRow
    needs: int
    owners: int  # distinct employers, persons and communities behind its needs

    @property
    def id(self) -> int:
        return self.run.id


@dataclass(frozen=True, slots=True)
class RunNeedRow:
    """A need a run serves (or could), with its owner as lists name it (``register.owner_label``)."""

    ref: str
    title: str
    owner: str
    headcount: int
    status: str


@dataclass(frozen=True, slots=True)
class RunBookingRow:
    id: int
    title: str
    room: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str


@dataclass(frozen=True)
class RunSnapshot:
    """A deleted run as it was: its row and its links (what ``restore_run`` puts back)."""

    run: dict[str, Any]
    need_ids: tuple[int, ...]
    booking_ids: tuple[int, ...]


@dataclass(frozen=True)
class PutBack:
    """A run's data as it was before an edit: saved without the status rules (undo of that edit)."""

    data: RunData


def save_or_put_back(session: Session, data: RunData | PutBack, run_id: int | None = None) -> int:
    """``save_run``, or for ``PutBack`` the run as it was (a status may go back to where it was)."""
    if isinstance(data, PutBack):
        return save_run(session, data.data, run_id, check_move=False)
    return save_run(session, data, run_id)


def run_data(row: RunRow) -> RunData:
    """The run as ``save_run`` takes it (to put it back as it was, or change one part of it)."""
    return RunData(row.offer_ref, row.ref, row.status, row.start_date, row.end_date, row.participants, row.completed,
                   row.credits_passed, row.need_refs, row.cofunding_source, row.cofunding_nok)


def get_run(session: Session, run_id: int) -> RunRow:
    rows = list_runs(session, [run_id])
    if not rows:
        raise UserError(f"Gjennomføringen finnes ikke lenger (id {run_id}).")
    return rows[0]


def list_run_rows(session: Session) -> list[RunListRow]:
    """Every run with how many needs and distinct owners it serves."""
    distinct = func.count(func.distinct(Need.employer_id)) + func.count(func.distinct(Need.person_id)) + \
        func.count(func.distinct(Need.community))  # each kind of owner apart: NULLs are not counted
    stmt = (select(course_run_need.c.run_id, func.count(Need.id), distinct)
            .join(Need, Need.id == course_run_need.c.need_id).group_by(course_run_need.c.run_id))
    counts = {run_id: (needs, owners) for run_id, needs, owners in session.execute(stmt)}
    return [RunListRow(r, *counts.get(r.id, (0, 0))) for r in list_runs(session)]


def need_choices(session: Session) -> dict[str, RunNeedRow]:
    """Every need a run may serve, by ref in upper case, with its owner (a person's need only with
    their consent to storage: ``register.list_needs``)."""
    return {n.ref.upper(): RunNeedRow(n.ref, n.title, n.employer_name, n.headcount, n.status)
            for n in list_needs(session)}


def run_bookings(session: Session, run_id: int) -> list[RunBookingRow]:
    """The bookings linked as the run's session days, in time order."""
    stmt = (_booking_select().join(course_run_booking, course_run_booking.c.booking_id == Booking.id)
            .where(course_run_booking.c.run_id == run_id))
    return _booking_rows(session, stmt)


def linkable_bookings(session: Session, run_id: int) -> list[RunBookingRow]:
    """Bookings that may be the run's session days and are not linked yet: those of the run's offer,
    and (when the run has a start and an end) the others in its dates; cancelled ones left out."""
    run = existing_row(session, CourseRun, run_id, "Gjennomføringen")
    wanted = [Booking.offer_id == run.offer_id]
    if run.start_date is not None and run.end_date is not None:
        wanted.append(and_(Booking.starts_at >= dt.datetime.combine(run.start_date, dt.time()),
                           Booking.starts_at < dt.datetime.combine(run.end_date + dt.timedelta(days=1), dt.time())))
    linked = select(course_run_booking.c.booking_id).where(course_run_booking.c.run_id == run_id)
    stmt = (_booking_select().where(or_(*wanted), Booking.state != "cancelled", Booking.id.not_in(linked))
            .limit(MAX_LINKABLE))
    return _booking_rows(session, stmt)


def _booking_select() -> Any:
    return (select(Booking.id, Booking.title, Room.name, Booking.starts_at, Booking.ends_at, Booking.state)
            .join(Room, Room.id == Booking.room_id).order_by(Booking.starts_at, Booking.id))


def _booking_rows(session: Session, stmt: Any) -> list[RunBookingRow]:
    return [RunBookingRow(*row) for row in session.execute(stmt)]


def unlink_bookings(session: Session, run_id: int, booking_ids: Iterable[int]) -> int:
    """Take bookings off the run's session days (the bookings stay); returns how many were linked."""
    existing_row(session, CourseRun, run_id, "Gjennomføringen")
    ids = sorted(set(booking_ids))
    result = session.execute(delete(course_run_booking).where(course_run_booking.c.run_id == run_id,
                                                              course_run_booking.c.booking_id.in_(ids)))
    gone = int(getattr(result, "rowcount", 0) or 0)
    if gone:
        audit.record(session, "update", RUN, run_id, field="bookings",
                     summary=f"Fjernet {plural(gone, 'samlingsdag', 'samlingsdager')}")
    return gone


def planned_runs(session: Session) -> list[RunRow]:
    """The runs that are still planned (a need may join one of its offer instead of a new run)."""
    ids = list(session.execute(select(CourseRun.id).where(CourseRun.status == "planned")).scalars())
    return list_runs(session, ids) if ids else []


def runs_serving(session: Session, need_refs: Sequence[str]) -> list[RunRow]:
    """The runs (not cancelled) that already serve any of these needs: a new run of the same offer
    for them would be a second one."""
    ids = need_ids_by_ref(session, need_refs).values()
    if not ids:
        return []
    stmt = (select(course_run_need.c.run_id).join(CourseRun, CourseRun.id == course_run_need.c.run_id)
            .where(course_run_need.c.need_id.in_(ids), CourseRun.status != "cancelled").distinct())
    run_ids = list(session.execute(stmt).scalars())
    return list_runs(session, run_ids) if run_ids else []


@dataclass(frozen=True)
class RunChoices:
    """What «Lag gjennomføring …» offers for some needs: the offers, the planned runs and the runs
    (not cancelled) already serving some of the needs; refs compare without regard to case."""

    offers: Sequence[Any]  # offers.service.OfferRow
    planned: Sequence[RunRow]
    serving: Sequence[RunRow] = ()

    def offer(self, ref: str | None) -> Any:
        """The offer with this ref (None: none, or no ref)."""
        wanted = (ref or "").upper()
        return next((o for o in self.offers if o.ref.upper() == wanted), None) if wanted else None

    def planned_of(self, offer_ref: str) -> list[RunRow]:
        """The offer's planned runs (the needs may join one)."""
        return [r for r in self.planned if r.offer_ref.upper() == offer_ref.upper()]

    def serving_of(self, offer_ref: str, need_refs: Sequence[str]) -> list[RunRow]:
        """The offer's runs (not cancelled) that some of these needs are already in."""
        wanted = {ref.upper() for ref in need_refs}
        return [r for r in self.serving if r.offer_ref.upper() == offer_ref.upper()
                and wanted & {n.upper() for n in r.need_refs}]

    @staticmethod
    def already_in(runs: Sequence[RunRow], need_refs: Sequence[str]) -> list[tuple[str, RunRow]]:
        """Each of these needs that one of ``runs`` serves, with the run."""
        wanted = {ref.upper() for ref in need_refs}
        return [(need, run) for run in runs for need in run.need_refs if need.upper() in wanted]


def load_run_choices(session: Session, need_refs: Sequence[str]) -> RunChoices:
    from kpdesk.offers.service import list_offers

    return RunChoices(list_offers(session), planned_runs(session), runs_serving(session, need_refs))


def with_needs(row: RunRow, refs: Sequence[str]) -> RunData:
    """The run with these needs added to those it serves (each once)."""
    known = {r.upper() for r in row.need_refs}
    return replace(run_data(row), needs=(*row.need_refs, *(r for r in refs if r.upper() not in known)))


def delete_run(session: Session, run_id: int) -> RunSnapshot:
    """Delete a run with its links to needs and bookings (the needs and bookings stay)."""
    rows = row_dicts(session, CourseRun, CourseRun.id == run_id)
    if not rows:
        raise UserError(f"Gjennomføringen finnes ikke lenger (id {run_id}).")
    need_ids = tuple(session.execute(select(course_run_need.c.need_id)
                                     .where(course_run_need.c.run_id == run_id)).scalars())
    booking_ids = tuple(session.execute(select(course_run_booking.c.booking_id)
                                        .where(course_run_booking.c.run_id == run_id)).scalars())
    session.execute(delete(CourseRun).where(CourseRun.id == run_id))  # the links go with it (CASCADE)
    session.execute(delete(course_run_need).where(course_run_need.c.run_id == run_id))
    session.execute(delete(course_run_booking).where(course_run_booking.c.run_id == run_id))
    audit.record(session, "delete", RUN, run_id, summary=f"Slettet gjennomføring {rows[0]['ref']}")
    return RunSnapshot(rows[0], need_ids, booking_ids)


def restore_run(session: Session, snapshot: RunSnapshot) -> int:
    """Put a deleted run back with the same id and its links (to needs and bookings still there)."""
    row = snapshot.run
    run_id = int(row["id"])
    if row_exists(session, CourseRun, run_id):
        raise UserError(f"Gjennomføringen {row['ref']} kan ikke gjenopprettes: id {run_id} er tatt i bruk igjen.")
    if not row_exists(session, Offer, row["offer_id"]):
        raise UserError(f"Gjennomføringen {row['ref']} kan ikke gjenopprettes: kurstilbudet er slettet.")
    other = run_ids_by_ref(session).get(ref_key(row["ref"]))
    if other is not None:
        raise UserError(f"Gjennomføringen {row['ref']} kan ikke gjenopprettes: referansen er tatt i bruk av "
                        f"{other[1]}.")
    insert_rows(session, CourseRun, [row])
    needs = _living(session, Need, snapshot.need_ids)
    bookings = _living(session, Booking, snapshot.booking_ids)
    if needs:
        session.execute(insert(course_run_need), [{"run_id": run_id, "need_id": n} for n in needs])
    if bookings:
        session.execute(insert(course_run_booking), [{"run_id": run_id, "booking_id": b} for b in bookings])
    audit.record(session, "create", RUN, run_id, summary=f"Gjenopprettet gjennomføring {row['ref']}")
    return run_id


def _living(session: Session, model: type[Need] | type[Booking], ids: Sequence[int]) -> list[int]:
    if not ids:
        return []
    return sorted(session.execute(select(model.id).where(model.id.in_(ids))).scalars())

