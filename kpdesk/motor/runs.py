"""Course runs: create and change them (with the status rules of ``validation``), link them to the
needs they serve and the bookings of their session days, and list them as plain rows.

Every write goes through ``save_run`` (the window and ``kpdesk import runs`` alike), with an
audit entry per created run and per changed field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError
from kpdesk.common.norsk import plural
from kpdesk.db import audit
from kpdesk.db.models import CourseRun, Need, Offer, Provider, course_run_booking, course_run_need
from kpdesk.db.row_writing import apply_changes, create_row, existing_row, next_ref, ref_key
from kpdesk.motor.validation import RUN_REF_PREFIX, RunData, rule_problems, transition_problem

RUN = "course_run"  # the audit entity


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    ref: str
    offer_ref: str
    offer_title: str
    provider: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    participants: int | None
    completed: int | None
    credits_passed: Decimal | None
    cofunding_source: str
    cofunding_nok: int | None
    need_refs: tuple[str, ...]


def next_run_ref(session: Session, taken: Iterable[str] = ()) -> str:
    """The next free automatic ref: "G" and five digits (or as wide as those in use), above every such ref in use."""
    return next_ref(session, CourseRun.ref, RUN_REF_PREFIX, taken)


def run_ids_by_ref(session: Session) -> dict[str, tuple[int, str, str]]:
    """Every run's ref key -> (id, ref as stored, status)."""
    return {ref_key(ref): (id_, ref, status)
            for id_, ref, status in session.execute(select(CourseRun.id, CourseRun.ref, CourseRun.status))}


def _ids_by_ref(session: Session, model: type[Offer] | type[Need], refs: Iterable[str]) -> dict[str, int]:
    keys = {ref_key(r) for r in refs}
    if not keys:
        return {}
    stmt = select(model.ref, model.id).where(func.lower(model.ref).in_(keys))
    return {ref_key(ref): id_ for ref, id_ in session.execute(stmt)}


def offer_ids_by_ref(session: Session, refs: Iterable[str]) -> dict[str, int]:
    """The ids of the offers with these refs (any case), by ref key."""
    return _ids_by_ref(session, Offer, refs)


def need_ids_by_ref(session: Session, refs: Iterable[str]) -> dict[str, int]:
    """The ids of the needs with these refs (any case), by ref key."""
    return _ids_by_ref(session, Need, refs)


def unknown_needs_problem(refs: Sequence[str], found: dict[str, int]) -> str | None:
    """The sentence for need refs that are not in the register, or None."""
    missing = [r for r in refs if ref_key(r) not in found]
    if not missing:
        return None
    named = ", ".join(f"«{r}»" for r in missing)
    return f"Ingen behov har {'referansen' if len(missing) == 1 else 'referansene'} {named} i databasen"


def save_run(session: Session, data: RunData, run_id: int | None = None, *, check_move: bool = True,
             expected_version: int | None = None) -> int:
    """Create or update a run (with its needs); UserError naming what is wrong: the rules of
    ``validation.rule_problems``, a move the status may not make, an unknown offer or need, a ref
    another run has, a version other than ``expected_version`` (``kpdesk.db.versions``).
    ``check_move=False`` only to put a run back as it was (undo of an edit)."""
    found = rule_problems(data)
    if found:
        raise UserError(found[0].message + ".")
    offer_id = offer_ids_by_ref(session, [data.offer]).get(ref_key(data.offer))
    if offer_id is None:
        raise UserError(f"Ingen kurstilbud har referansen «{data.offer}».")
    needs = need_ids_by_ref(session, data.needs)
    problem = unknown_needs_problem(data.needs, needs)
    if problem:
        raise UserError(problem + ".")
    if data.ref:
        other = run_ids_by_ref(session).get(ref_key(data.ref))
        if other is not None and other[0] != run_id:
            raise UserError(f"Referansen «{data.ref}» er allerede brukt av gjennomføringen {other[1]}.")
    values: dict[str, Any] = {
        "offer_id": offer_id, "status": data.status, "start_date": data.start_date, "end_date": data.end_date,
        "participants": data.participants, "completed": data.completed, "credits_passed": data.credits_passed,
        "cofunding_source": data.cofunding_source, "cofunding_nok": data.cofunding_nok,
    }
    need_ids = [needs[ref_key(r)] for r in data.needs]
    if run_id is None:
        ref = data.ref or next_run_ref(session)
        run = create_row(session, CourseRun, {"ref": ref, **values}, RUN, f"Ny gjennomføring {ref}")
        _link_needs(session, run.id, need_ids)
        return run.id
    run = existing_row(session, CourseRun, run_id, "Gjennomføringen", expected_version=expected_version)
    problem = transition_problem(run.status, data.status) if check_move else None
    if problem:
        raise UserError(f"{run.ref}: {problem}.")
    apply_changes(session, run, values, RUN)
    _link_needs(session, run_id, need_ids)
    return run_id


def _link_needs(session: Session, run_id: int, need_ids: list[int]) -> None:
    """The run serves exactly these needs (an audit entry when that changes)."""
    old = set(session.execute(select(course_run_need.c.need_id).where(course_run_need.c.run_id == run_id)).scalars())
    if old == set(need_ids):
        return
    session.execute(delete(course_run_need).where(course_run_need.c.run_id == run_id))
    if need_ids:
        session.execute(insert(course_run_need), [{"run_id": run_id, "need_id": n} for n in need_ids])
    if old:  # a new run's needs are part of its creation
        audit.record(session, "update", RUN, run_id, field="needs", old=_need_refs(session, old),
                     new=_need_refs(session, set(need_ids)))


def _need_refs(session: Session, ids: set[int]) -> str:
    if not ids:
        return ""
    return ", ".join(sorted(session.execute(select(Need.ref).where(Need.id.in_(ids))).scalars()))


def link_bookings(session: Session, run_id: int, booking_ids: Iterable[int]) -> int:
    """Add bookings as the run's session days (those already linked are left); returns how many were added."""
    existing_row(session, CourseRun, run_id, "Gjennomføringen")
    old = set(session.execute(select(course_run_booking.c.booking_id)
                              .where(course_run_booking.c.run_id == run_id)).scalars())
    new = sorted(set(booking_ids) - old)
    if new:
        session.execute(insert(course_run_booking), [{"run_id": run_id, "booking_id": b} for b in new])
        audit.record(session, "update", RUN, run_id, field="bookings",
                     summary=f"La til {plural(len(new), 'samlingsdag', 'samlingsdager')}")
    return len(new)


def list_runs(session: Session, ids: Sequence[int] | None = None) -> list[RunRow]:
    """Every run (or those with ``ids``) with its offer, provider and needs, newest start first
    (unstarted at the top)."""
    needs: dict[int, list[str]] = {}
    links = select(course_run_need.c.run_id, Need.ref).join(Need, Need.id == course_run_need.c.need_id)
    stmt = (select(CourseRun, Offer.ref, Offer.title, Provider.name)
            .join(Offer, Offer.id == CourseRun.offer_id).join(Provider, Provider.id == Offer.provider_id)
            .order_by(CourseRun.start_date.desc().nulls_first(), CourseRun.ref))
    if ids is not None:
        links = links.where(course_run_need.c.run_id.in_(ids))
        stmt = stmt.where(CourseRun.id.in_(ids))
    for run_id, ref in session.execute(links.order_by(Need.ref)):
        needs.setdefault(run_id, []).append(ref)
    return [RunRow(r.id, r.ref, offer_ref, title, provider, r.status, r.start_date, r.end_date, r.participants,
                   r.completed, r.credits_passed, r.cofunding_source, r.cofunding_nok, tuple(needs.get(r.id, ())))
            for r, offer_ref, title, provider in session.execute(stmt)]
