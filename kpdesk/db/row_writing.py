"""Writing single rows the same way everywhere: found or a plain "gone" message, created or
changed with their audit entries, and the plain row dictionaries that undo snapshots keep.

The services (register, offers, rooms, bookings, matching decisions) share these, so every
record says the same thing when it has been deleted in another window, and every change leaves
the same trail in the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError
from kpdesk.db import audit
from kpdesk.db.base import Base

Model = TypeVar("Model", bound=Base)


class NotFoundError(UserError):
    """The row is gone (deleted in another window, or never there)."""


def existing_row(session: Session, model: type[Model], row_id: int, what: str) -> Model:
    """The row with id ``row_id``; NotFoundError "<what> finnes ikke lenger (id …)." if it is gone.

    ``what`` names the record in the definite form: "Arbeidsgiveren", "Behovet".
    """
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"{what} finnes ikke lenger (id {row_id}).")
    return row


def create_row(session: Session, model: type[Model], values: dict[str, Any], entity: str, summary: str) -> Model:
    """A new row from ``values``, flushed (it has its id), with one audit entry saying ``summary``."""
    row = model(**values)
    session.add(row)
    session.flush()
    audit.record(session, "create", entity, getattr(row, "id"), summary=summary)  # noqa: B009 (every model has id)
    return row


def apply_changes(session: Session, obj: Any, values: dict[str, Any], entity: str) -> list[str]:
    """Set changed attributes with one audit entry each; returns the changed field names."""
    changed: list[str] = []
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            setattr(obj, name, new)
            audit.record(session, "update", entity, obj.id, field=name, old=old, new=new)
            changed.append(name)
    session.flush()
    return changed


def row_dicts(session: Session, model: type[Base], *where: Any) -> list[dict[str, Any]]:
    """Whole rows as plain dictionaries (what undo puts back), in id order."""
    table = model.__table__
    return [dict(row) for row in session.execute(select(*table.c).where(*where).order_by(table.c[0])).mappings()]


def insert_rows(session: Session, model: type, rows: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> None:
    """Put rows back as they were, ids included (undo of a delete)."""
    if rows:
        session.execute(insert(model).execution_options(render_nulls=True), list(rows))


def row_exists(session: Session, model: type, row_id: int) -> bool:
    return session.execute(select(model.id).where(model.id == row_id)).first() is not None  # type: ignore[attr-defined]


def next_ref(session: Session, column: Any, prefix: str, taken: Iterable[str] = (), *, min_digits: int = 5) -> str:
    """The next free automatic ref: ``prefix`` and five digits, above every such ref in ``column``
    and in ``taken`` (refs of a file being imported). ``min_digits``: the shortest number that counts."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d{{{min_digits},}})$")
    highest = 0
    for ref in (*session.execute(select(column).where(column.like(f"{prefix}%"))).scalars(), *taken):
        match = pattern.match(ref)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}{highest + 1:05d}"


def refuse_taken_ref(session: Session, model: Any, ref: str, row_id: int | None, what: str) -> None:
    """UserError «Referansen «X» er allerede brukt av <what> «title».» when another row has ``ref``."""
    stmt = select(model.id, model.title).where(model.ref == ref)
    if row_id is not None:
        stmt = stmt.where(model.id != row_id)
    existing = session.execute(stmt).first()
    if existing is not None:
        raise UserError(f"Referansen «{ref}» er allerede brukt av {what} «{existing.title}».")
