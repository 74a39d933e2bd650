"""Writing single rows the same way everywhere: found or a plain "gone" message, created or
changed with their audit entries, and the plain row dictionaries that undo snapshots keep.

The services (register, offers, rooms, bookings, matching decisions) and the CSV imports share
these, so every record says the same thing when it has been deleted in another window, and every
change leaves the same trail in the audit log: a "create" entry per new row, an "update" entry per
changed field with its old and new value. An import writes its entries in bulk (``AuditBatch``).

Refs (a need's "HN01", an offer's "T00012") are compared without case: "X1" and "x1" are the same
ref. The stored spelling is kept as typed. SQLite's ``lower()`` folds only A–Z, so ``ref_key`` does
the same and Python and SQL agree on which refs are equal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kpdesk.common.errors import UserError
from kpdesk.common.os_user import current_user
from kpdesk.db import audit, versions
from kpdesk.db.base import Base
from kpdesk.db.models import AuditEntry

Model = TypeVar("Model", bound=Base)


class NotFoundError(UserError):
    """The row is gone (deleted in another window, or never there)."""


def existing_row(session: Session, model: type[Model], row_id: int, what: str, *,
                 expected_version: int | None = None) -> Model:
    """The row with id ``row_id``; NotFoundError "<what> finnes ikke lenger (id …)." if it is gone.

    ``what`` names the record in the definite form: "Arbeidsgiveren", "Behovet". ``expected_version``:
    the version the caller's form loaded; another one is refused naming who changed it and when
    (``versions.refuse_if_changed``; None: not checked).
    """
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"{what} finnes ikke lenger (id {row_id}).")
    versions.refuse_if_changed(session, model.__tablename__, row_id, expected_version)
    return row


def flush_checked(session: Session, obj: Any) -> None:
    """Flush ``obj``'s changes; an UPDATE that found another version (someone else's commit came in
    between) is the refusal naming who and when, not a StaleDataError."""
    table, row_id = obj.__tablename__, obj.id
    try:
        session.flush()
    except StaleDataError:
        raise versions.stale_refusal(session, table, row_id) from None


def create_row(session: Session, model: type[Model], values: dict[str, Any], entity: str, summary: str) -> Model:
    """A new row from ``values``, flushed (it has its id), with one audit entry saying ``summary``."""
    row = model(**values)
    session.add(row)
    session.flush()
    audit.record(session, "create", entity, getattr(row, "id"), summary=summary)  # noqa: B009 (every model has id)
    return row


Change = tuple[str, Any, Any]  # (field, old value, new value)


def field_changes(current: Mapping[Any, Any], values: Mapping[str, Any]) -> list[Change]:
    """The fields of ``values`` that differ from ``current``, with both values, in ``values``' order."""
    return [(name, current[name], new) for name, new in values.items() if current[name] != new]


def apply_changes(session: Session, obj: Any, values: dict[str, Any], entity: str) -> list[str]:
    """Set changed attributes with one audit entry each; returns the changed field names."""
    changes = field_changes({name: getattr(obj, name) for name in values}, values)
    for name, old, new in changes:
        setattr(obj, name, new)
        audit.record(session, "update", entity, obj.id, field=name, old=old, new=new)
    if changes and obj.__tablename__ in versions.RECORDS:
        flush_checked(session, obj)
    else:
        session.flush()
    return [name for name, _, _ in changes]


_AUDIT_TABLE = cast(Table, AuditEntry.__table__)


class AuditBatch:
    """Audit entries for many rows at once (an import's), inserted in bulk every ``chunk`` entries:
    the same columns ``audit.record`` fills, without an ORM object per entry."""

    def __init__(self, session: Session, chunk: int = 5000) -> None:
        self._session = session
        self._chunk = chunk
        self._pending: list[dict[str, Any]] = []
        self._at = dt.datetime.now().replace(microsecond=0)
        self._user = current_user()
        self._origin = audit.origin(session)

    def add(self, action: str, entity: str, entity_id: int | None, *, field: str = "", old: object = None,
            new: object = None, summary: str = "") -> None:
        audit.check_kind(action, entity)
        self._pending.append({"at": self._at, "user": self._user, "action": action[:20], "entity": entity[:40],
                              "entity_id": entity_id, "field": field[:60], "old_value": audit.as_text(old),
                              "new_value": audit.as_text(new), "summary": summary,
                              "origin": self._origin})
        if len(self._pending) >= self._chunk:
            self.flush()

    def created(self, entity: str, entity_id: int, summary: str) -> None:
        """A "create" entry, as ``create_row`` writes it."""
        self.add("create", entity, entity_id, summary=summary)

    def changed(self, entity: str, entity_id: int, changes: Iterable[Change]) -> None:
        """One "update" entry per changed field, as ``apply_changes`` writes them."""
        for name, old, new in changes:
            self.add("update", entity, entity_id, field=name, old=old, new=new)

    def flush(self) -> None:
        if self._pending:
            self._session.execute(insert(_AUDIT_TABLE), self._pending)
            self._pending = []


def row_dicts(session: Session, model: type[Base], *where: Any) -> list[dict[str, Any]]:
    """Whole rows as plain dictionaries (what undo puts back), in id order."""
    table = model.__table__
    return [dict(row) for row in session.execute(select(*table.c).where(*where).order_by(table.c[0])).mappings()]


def insert_rows(session: Session, model: type, rows: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> None:
    """Put rows back as they were, ids and versions included (undo of a delete): a Core insert into the
    table, as the ORM's bulk insert would start a versioned row at 1 again."""
    if rows:
        table = cast(Table, getattr(model, "__table__"))  # noqa: B009 (a plain ``type``: pyright knows no __table__)
        session.execute(insert(table).execution_options(render_nulls=True), list(rows))


def row_exists(session: Session, model: type, row_id: int) -> bool:
    return session.execute(select(model.id).where(model.id == row_id)).first() is not None  # type: ignore[attr-defined]


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ref_key(ref: str) -> str:
    """What two refs that are the same ref have in common: A–Z in lower case (as SQLite's ``lower()``)."""
    return ref.translate(_ASCII_LOWER)


def next_ref(session: Session, column: Any, prefix: str, taken: Iterable[str] = (), *, min_digits: int = 4) -> str:
    """The next free automatic ref: ``prefix`` and a number above every such ref in ``column`` and
    in ``taken`` (refs of a file being imported), in any case ("b00007" takes B00007), written as
    wide as the widest of them (B0121 after B0120, B00008 after B00007), five digits when there are
    none. ``min_digits``: the shortest number that counts (a manual "B12" is not in the series)."""
    pattern = re.compile(rf"^{re.escape(ref_key(prefix))}(\d{{{min_digits},}})$", re.ASCII)
    highest, width = 0, 0
    stored = session.execute(select(column).where(func.lower(column).like(f"{ref_key(prefix)}%"))).scalars()
    for refs in (stored, taken):
        for ref in refs:
            match = pattern.match(ref_key(ref))
            if match:
                highest = max(highest, int(match.group(1)))
                width = max(width, len(match.group(1)))
    return f"{prefix}{highest + 1:0{width or 5}d}"


def refuse_taken_ref(session: Session, model: Any, ref: str, row_id: int | None, what: str) -> None:
    """UserError «Referansen «X» er allerede brukt av <what> «title».» when another row has ``ref``
    in any case (the message names the stored spelling when it differs)."""
    stmt = select(model.id, model.title, model.ref).where(func.lower(model.ref) == ref_key(ref))
    if row_id is not None:
        stmt = stmt.where(model.id != row_id)
    existing = session.execute(stmt).first()
    if existing is not None:
        spelled = "" if existing.ref == ref else f" (som «{existing.ref}»)"
        raise UserError(f"Referansen «{ref}» er allerede brukt{spelled} av {what} «{existing.title}».")
