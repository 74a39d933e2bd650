"""Row versions: a save over someone else's change is refused, naming who changed it and when.

Every record a coordinator edits in a form carries ``version`` and ``updated_by`` (``models.Timestamps``,
revision 0010). A form loads a record's version with its data (``versions_of``) and sends it back with
the save; ``refuse_if_changed`` is the one check, before anything is written (the services call it
through ``row_writing.existing_row(..., expected_version=…)``, the window's record actions before
every save, undo and redo). The race between that check and the write is closed by the mapper's
``version_id_col``: the UPDATE says ``WHERE version = <loaded>``, and when another store's commit
came in between, SQLAlchemy's ``StaleDataError`` becomes the same sentence (``stale_refusal``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, Table, select
from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, format_time
from kpdesk.db.base import Base

# table: (the record in the definite form, its pronoun, the column that names it in the sentence).
# A person is named by ref, as lists name them; the others as their forms show them.
RECORDS: Mapping[str, tuple[str, str, str]] = {
    "employer": ("Arbeidsgiveren", "den", "name"),
    "contact_person": ("Kontaktpersonen", "den", "name"),
    "person": ("Personen", "den", "ref"),
    "need": ("Behovet", "det", "title"),
    "provider": ("Tilbyderen", "den", "name"),
    "offer": ("Kurstilbudet", "det", "title"),
    "room": ("Rommet", "det", "name"),
    "booking_series": ("Bookingserien", "den", "title"),
    "booking": ("Bookingen", "den", "title"),
    "exam_sitting": ("Eksamenen", "den", "ref"),
    "course_run": ("Gjennomføringen", "den", "ref"),
}


class ChangedMeanwhile(UserError):
    """The record was changed (or deleted) by someone else after the form loaded it; nothing was written."""


def _table(table: str) -> Table:
    found = Base.metadata.tables[table]
    if table not in RECORDS:
        raise ValueError(f"{table} har ingen versjon")  # a programming error: only form records have one
    return found


def changed_sentence(table: str, label: str, user: str, at: dt.datetime | None) -> str:
    """«Arbeidsgiveren «Nordlaks AS» ble endret av kari kl. 10.42 den 08.12.2026, etter at du åpnet den.
    Endringen din er ikke lagret: se posten slik den er nå, og gjør endringen igjen.»"""
    noun, pronoun, _column = RECORDS[table]
    who = user or "en annen"
    when = f" kl. {format_time(at)} den {format_date(at)}" if at is not None else ""
    return (f"{noun} «{label}» ble endret av {who}{when}, etter at du åpnet {pronoun}. "
            "Endringen din er ikke lagret: se posten slik den er nå, og gjør endringen igjen.")


def _gone_sentence(table: str, row_id: int) -> str:
    noun, pronoun, _column = RECORDS[table]
    return (f"{noun} (id {row_id}) ble slettet av en annen etter at du åpnet {pronoun}. "
            "Endringen din er ikke lagret.")


def _stamp(session: Session, table: str, row_id: int) -> Any:
    """(version, label, updated_by, updated_at) of the row as stored now, or None when it is gone."""
    columns = _table(table).c
    label = columns[RECORDS[table][2]]
    return session.execute(select(columns.version, label, columns.updated_by, columns.updated_at)
                           .where(columns.id == row_id)).first()


def current_version(session: Session, table: str, row_id: int) -> int | None:
    """The row's version as this transaction sees it (after its own flushed writes), None if gone."""
    stamp = _stamp(session, table, row_id)
    return None if stamp is None else int(stamp[0])


def versions_of(session: Session, table: str) -> dict[int, int]:
    """Every row's version by id: what a list page keeps beside its rows for its form."""
    columns = _table(table).c
    return {row_id: version for row_id, version in session.execute(select(columns.id, columns.version))}


def refuse_if_changed(session: Session, table: str, row_id: int, expected_version: int | None) -> None:
    """ChangedMeanwhile naming who changed the row and when, if its version is not ``expected_version``
    (None: the caller loaded no version, e.g. a command or an import; nothing is checked)."""
    if expected_version is None:
        return
    stamp = _stamp(session, table, row_id)
    if stamp is None:
        return  # gone: the service's ``existing_row`` says so («… finnes ikke lenger»)
    version, label, user, at = stamp
    if version != expected_version:
        raise ChangedMeanwhile(changed_sentence(table, str(label), user, at))


def stale_refusal(session: Session, table: str, row_id: int) -> ChangedMeanwhile:
    """The sentence for a ``StaleDataError``: another store's commit landed between the check and the
    UPDATE. The failed transaction cannot read any more, so who and when are read on a connection of
    their own (committed data)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    try:
        with engine.connect() as conn:
            columns = _table(table).c
            stamp = conn.execute(select(columns[RECORDS[table][2]], columns.updated_by, columns.updated_at)
                                 .where(columns.id == row_id)).first()
    except Exception:  # the sentence must come even when the server cannot answer now
        stamp = None
    if stamp is None:
        return ChangedMeanwhile(_gone_sentence(table, row_id))
    label, user, at = stamp
    return ChangedMeanwhile(changed_sentence(table, str(label), user, at))


def stale_sentence(message: str) -> str:
    """The refusal for a ``StaleDataError`` met only at commit, where the row is not known: the kind of
    record from SQLAlchemy's message («UPDATE statement on table 'employer' …»), nobody named."""
    noun = next((noun for table, (noun, _p, _c) in RECORDS.items() if f"'{table}'" in message), "Noe du endret")
    return (f"{noun} ble endret av en annen samtidig. Endringen din er ikke lagret: se posten slik den er nå, "
            "og gjør endringen igjen.")
