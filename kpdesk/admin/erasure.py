"""Erasing a person for good: the database file, its write-ahead log, its backups, and restores.

``privacy.erase_subject`` erases inside one transaction. Around it, here:

1. The erasure runs in one transaction and leaves an ``ErasureRecord`` (contact ids, no values).
2. The database is compacted (``Store.compact``: VACUUM, then the write-ahead log folded into the
   file and truncated), so neither freed pages of the file nor old pages in ``-wal`` keep the
   person, also while other connections (a window) have the file open.
3. Every backup of the database is searched byte by byte (free pages too) for the person's values.
   The coordinator chooses: ``purge`` erases the person from each backup in place (at the current
   schema revision; VACUUM after), ``keep`` leaves them. Backups still holding the person are listed
   by file name in the erasure record, and the caller is told which.
4. ``restore_keeping_erasures`` restores a backup and does again every erasure recorded in the
   database it replaces (or in any backup) that the copy does not have: an old copy never brings
   a person back.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kpdesk.admin import privacy
from kpdesk.admin.privacy import ErasureReport, Subject
from kpdesk.db.models import ErasureRecord
from kpdesk.register.service import NotFoundError, plural

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from kpdesk.common.paths import ServerAddress
    from kpdesk.db.backup import RestoreResult
    from kpdesk.db.server_restore import DumpInfo
    from kpdesk.db.store import Store

BackupChoice = Literal["keep", "purge"]
AGAIN_AFTER_RESTORE = "på nytt etter gjenoppretting"
_SPACES = rb"(?:\s|\xc2\xa0)+"


@dataclass(frozen=True, slots=True)
class ErasureOutcome:
    """What an erasure did in the database and its backups (no personal data)."""

    report: ErasureReport
    log_cleared: bool = True  # the write-ahead log was folded in and emptied
    kept: tuple[Path, ...] = ()  # backups that still hold the person
    purged: tuple[Path, ...] = ()  # backups the person was erased from

    def sentences(self) -> list[str]:
        """What the coordinator should hear besides ``report.sentence()``."""
        lines = []
        if not self.log_cleared:
            lines.append("Et annet vindu eller program leste databasen, så loggfilen (-wal) kunne ikke tømmes nå; "
                         "den tømmes når databasen åpnes neste gang.")
        if self.purged:
            lines.append(f"Fjernet personen fra {plural(len(self.purged), 'sikkerhetskopi', 'sikkerhetskopier')}.")
        if self.kept:
            names = ", ".join(p.name for p in self.kept)
            lines.append(f"{plural(len(self.kept), 'sikkerhetskopi', 'sikkerhetskopier')} har fortsatt personen: "
                         f"{names}. De er ført opp i sletteoppføringen; gjenopprettes en av dem, slettes personen "
                         f"på nytt.")
        return lines


# ---------------------------------------------------------------- erasing

def erase(store: Store, find: Callable[[Session], Subject], *, reason: str = "etter forespørsel",
          backups: BackupChoice = "keep") -> ErasureOutcome:
    """Find the subject with ``find(session)`` and erase it everywhere (see the module docstring)."""
    def work(session: Session) -> tuple[ErasureReport, Subject]:
        subject = find(session)
        return privacy.erase_subject(session, subject, reason=reason), subject

    report, subject = store.transaction(work)
    if not report.found:
        return ErasureOutcome(report)
    holding = backups_holding(store.path, subject.values) if store.path is not None else []
    purged: list[Path] = []
    if backups == "purge" and holding:
        purged = purge_files(holding, subject.ids, subject.values, report.token, person_ids=subject.person_ids,
                             candidate_ids=subject.candidate_ids)
    kept = tuple(p for p in holding if p not in purged)
    if kept:
        _list_in_record(store, report.token, kept)
    return ErasureOutcome(report, store.compact(), kept, tuple(purged))


def erase_person(store: Store, email: str, *, backups: BackupChoice = "keep") -> ErasureOutcome:
    """Every contact person with this e-mail, and every trace of them (``kpdesk person erase``)."""
    wanted = email.strip().lower()
    return erase(store, lambda s: privacy.find_subject(s, email=wanted), backups=backups)


def erase_individual(store: Store, person_id: int, *, backups: BackupChoice = "keep",
                     reason: str = "etter forespørsel") -> ErasureOutcome:
    """One individual with their consents and needs (``kpdesk person erase --ref``), or what the audit
    log still holds about an individual deleted earlier."""
    def find(session: Session) -> Subject:
        subject = privacy.find_subject(session, person_ids=[person_id])
        if not subject.persons and not subject.earlier_person_ids:
            raise NotFoundError(f"Personen finnes ikke lenger (id {person_id}).")
        return subject

    return erase(store, find, reason=reason, backups=backups)


def erase_candidate(store: Store, candidate_id: int, *, backups: BackupChoice = "keep") -> ErasureOutcome:
    """One exam candidate's name and e-mail, and every trace of them (``kpdesk person erase --exam REF
    --candidate NR``; ``privacy.candidate_subject``)."""
    return erase(store, lambda session: privacy.candidate_subject(session, candidate_id), backups=backups)


def erase_contact(store: Store, contact_id: int, *, backups: BackupChoice = "keep") -> ErasureOutcome:
    """One contact person (the window's «Slett personopplysninger»)."""
    def find(session: Session) -> Subject:
        subject = privacy.find_subject(session, contact_ids=[contact_id])
        if not subject.contacts:
            raise NotFoundError(f"Kontaktpersonen finnes ikke lenger (id {contact_id}).")
        return subject

    return erase(store, find, backups=backups)


def erase_contacts(store: Store, ids: Iterable[int], *, reason: str,
                   backups: BackupChoice = "keep") -> ErasureOutcome:
    """Several contact rows at once (the retention rule)."""
    wanted = sorted(set(ids))

    def find(session: Session) -> Subject:
        subject = privacy.find_subject(session, contact_ids=wanted)
        subject.earlier_ids = []  # rows already gone are not this erasure's business
        return subject

    return erase(store, find, reason=reason, backups=backups)


def purge_backups(store: Store, token: str) -> ErasureOutcome:
    """Erase the person of an earlier erasure from the backups its record lists as still holding them."""
    def read(session: Session) -> ErasureRecord | None:
        return session.scalars(select(ErasureRecord).where(ErasureRecord.token == token)).first()

    record = store.transaction(read)
    if record is None:
        raise NotFoundError("Sletteoppføringen finnes ikke lenger.")
    folder = _backup_folder(store.file)
    listed = [folder / name for name in record.backups_kept.splitlines() if name]
    holding = [p for p in listed if p.exists()]
    purged = purge_files(holding, _ids(record.contact_ids), (), token, person_ids=_ids(record.person_ids),
                         candidate_ids=_ids(record.candidate_ids))
    kept = tuple(p for p in holding if p not in purged)
    _list_in_record(store, token, kept)
    return ErasureOutcome(privacy.NOTHING_ERASED, True, kept, tuple(purged))


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def _list_in_record(store: Store, token: str, kept: Iterable[Path]) -> None:
    names = "\n".join(p.name for p in kept)
    store.transaction(lambda s: s.execute(update(ErasureRecord).where(ErasureRecord.token == token)
                                          .values(backups_kept=names)))


# ---------------------------------------------------------------- backups

def _backup_folder(db_path: Path) -> Path:
    from kpdesk.db.backup import backup_folder

    return backup_folder(db_path)


def _byte_pattern(values: Iterable[str]) -> re.Pattern[bytes] | None:
    """The values as they may lie in a file: any letter case, any run of spaces between words, a
    phone number with any spacing (``privacy.value_pattern``'s rule, as bytes)."""
    alternatives: set[bytes] = set()
    for value in values:
        if privacy.is_phone(value):
            alternatives.add(privacy.value_pattern(value).encode("ascii"))
            continue
        for variant in {value, value.lower(), value.upper(), value.title()}:
            words = variant.split()
            if words:
                alternatives.add(_SPACES.join(re.escape(w.encode("utf-8")) for w in words))
    if not alternatives:
        return None
    return re.compile(b"|".join(sorted(alternatives, key=len, reverse=True)), re.IGNORECASE)


def file_holds(path: Path, values: Iterable[str]) -> bool:
    """Whether the file, or the write-ahead log beside it, holds any of the values anywhere."""
    pattern = _byte_pattern(values)
    if pattern is None:
        return False
    for candidate in (path, path.with_name(path.name + "-wal")):
        try:
            data = candidate.read_bytes()
        except OSError:
            continue
        if pattern.search(data):
            return True
    return False


def backups_holding(db_path: Path, values: Iterable[str]) -> list[Path]:
    """The database's backups that still hold any of the person's values, newest first."""
    from kpdesk.db.backup import list_backups

    wanted = list(values)
    return [info.path for info in list_backups(db_path) if file_holds(info.path, wanted)]


def _copy_engine(path: Path) -> Engine:
    """An engine on a backup file as it is: no lock, no migration, rollback journal, foreign keys on."""
    from sqlalchemy import URL, create_engine, event
    from sqlalchemy.pool import NullPool

    engine = create_engine(URL.create("sqlite", database=str(path)), hide_parameters=True, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        dbapi_connection.execute("PRAGMA secure_delete = ON")

    return engine


def _revision(path: Path) -> str | None:
    """The file's schema revision; None when it is not a readable kpdesk database."""
    from kpdesk.common.errors import UserError
    from kpdesk.db.inspection import inspect_file

    try:
        return inspect_file(path, need_write=False).revision
    except UserError:
        return None


def _purge_file(path: Path, ids: list[int], values: Iterable[str], token: str,
                person_ids: Iterable[int] = (), candidate_ids: Iterable[int] = ()) -> list[str] | None:
    """Erase the person in one backup; the values found there, or None when the file was left as
    it is (an older schema: a copy from before an upgrade is listed, not changed)."""
    from kpdesk.db.migrate import head_revision

    if _revision(path) != head_revision():
        return None
    engine = _copy_engine(path)
    try:
        with Session(engine) as session, session.begin():
            subject = privacy.find_subject(session, contact_ids=ids, known_values=values, person_ids=person_ids,
                                           candidate_ids=candidate_ids)
            if subject.ids or subject.values or subject.persons or subject.candidates:
                privacy.erase_subject(session, subject, reason="i en sikkerhetskopi", token=token)
    finally:
        engine.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("VACUUM")  # no freed page keeps the person
    finally:
        conn.close()
    return list(subject.values)


def purge_files(paths: Iterable[Path], ids: list[int], values: Iterable[str], token: str, *,
                person_ids: Iterable[int] = (), candidate_ids: Iterable[int] = ()) -> list[Path]:
    """Erase the person from each backup file; returns those that no longer hold them."""
    known = list(values)
    individuals = list(person_ids)
    candidates = list(candidate_ids)
    purged = []
    for path in paths:
        try:
            found = _purge_file(path, ids, known, token, individuals, candidates)
        except (sqlite3.Error, OSError, SQLAlchemyError):
            continue  # damaged or unwritable: it stays listed
        if found is None:
            continue  # left as it was (an older schema): it stays listed
        # checked against every value known, those found in the file included: a file is only
        # called clean when the bytes say so (without values the check would always pass)
        if not file_holds(path, [*known, *found]):
            purged.append(path)
    return purged


# ---------------------------------------------------------------- restoring

@dataclass(frozen=True, slots=True)
class _Record:
    token: str
    at: object
    contact_ids: str
    backups_kept: str
    person_ids: str = ""
    candidate_ids: str = ""


@dataclass(frozen=True, slots=True)
class RestoreOutcome:
    result: RestoreResult
    erased_again: int = 0  # erasures done again on the restored copy
    notices: list[str] = field(default_factory=lambda: list[str]())


def _records_in(path: Path) -> list[_Record]:
    """The erasure records in one file ([] when it has none or cannot be read)."""
    from kpdesk.db.inspection import connect_read_only

    if not path.is_file():
        return []
    try:
        conn = connect_read_only(path)
        try:
            # a copy from before revision 0006 has contacts only, one from before 0007 no candidates
            present = {row[1] for row in conn.execute("PRAGMA table_info(erasure_record)")}
            columns = ["token", "at", "contact_ids", "backups_kept",
                       *(c for c in ("person_ids", "candidate_ids") if c in present)]
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM erasure_record").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return [_Record(*row) for row in rows]


def _all_records(db_path: Path) -> list[_Record]:
    """Every erasure recorded in the database or any of its backups (a damaged database's records
    are still in the copies made after the erasure)."""
    from kpdesk.db.backup import list_backups

    found: dict[str, _Record] = {}
    for path in (db_path, *(info.path for info in list_backups(db_path))):
        for record in _records_in(path):
            found.setdefault(record.token, record)
    return list(found.values())


def restore_keeping_erasures(db_path: Path, source: Path) -> RestoreOutcome:
    """``backup.restore``, then every erasure recorded in the replaced database (or any backup) that
    the copy does not have is done again on it."""
    from kpdesk.db import backup
    from kpdesk.db.store import Store

    records = _all_records(db_path)
    result = backup.restore(db_path, source)
    if not records:
        return RestoreOutcome(result)
    before = {info.path for info in backup.list_backups(db_path)}
    store = Store.open(db_path, daily_backup=False)
    # An older copy is upgraded on opening, after a "before-migration" copy of it: that copy is the
    # restored file as it was, persons erased since included. ``source`` is still there to go back
    # to, so the duplicate goes; a protected backup must not bring the persons back.
    for info in backup.list_backups(db_path):
        if info.path not in before and info.reason == "before-migration":
            info.path.unlink(missing_ok=True)
    try:
        erased = _erase_again(store, records)
    finally:
        store.close()
    return RestoreOutcome(result, erased, _again_notices(erased))



@dataclass(frozen=True, slots=True)
class ServerRestoreOutcome:
    dump: DumpInfo  # the copy that was put back
    revision: str  # the schema revision the database has now
    erased_again: int = 0
    notices: list[str] = field(default_factory=lambda: list[str]())


def _server_records(session: Session) -> list[_Record]:
    return [_Record(r.token, r.at, r.contact_ids, r.backups_kept, r.person_ids, r.candidate_ids)
            for r in session.scalars(select(ErasureRecord))]


def restore_server_keeping_erasures(address: ServerAddress, source: Path,
                                    confirm: Callable[[DumpInfo], bool]) -> ServerRestoreOutcome | None:
    """A ``kpdesk backup`` of a server put back on the server (``db/server_restore.py``), after the copy
    is checked, the server answers and ``confirm(dump)`` says yes (None: it said no, nothing changed);
    then the schema is brought up to date and every erasure recorded in the replaced database that the
    copy does not have is done again, as for a file."""
    from kpdesk.db import server_restore
    from kpdesk.db.store import Store

    dump = server_restore.read_dump(source)
    store = Store.open(address, daily_backup=False)  # answers, and is not from a newer kpdesk
    try:
        records = store.transaction(_server_records)
    finally:
        store.close()
    if not confirm(dump):
        return None
    server_restore.replace_from_dump(address, dump)
    store = Store.open(address, daily_backup=False)  # an older copy is upgraded here
    try:
        erased = _erase_again(store, records)
        revision = store.revision() or dump.revision
    finally:
        store.close()
    return ServerRestoreOutcome(dump, revision, erased, _again_notices(erased))

def _erase_again(store: Store, records: Iterable[_Record]) -> int:
    """Every recorded erasure the restored database does not have done again on it, in one
    transaction that also moves the id sequences on (on a server); how many were found there."""
    import datetime as dt

    from kpdesk.db.server import catch_up_sequences

    def again(session: Session) -> int:
        present = set(session.scalars(select(ErasureRecord.token)))
        count = 0
        for record in records:
            if record.token in present:
                continue
            subject = privacy.find_subject(session, contact_ids=_ids(record.contact_ids),
                                           person_ids=_ids(record.person_ids),
                                           candidate_ids=_ids(record.candidate_ids))
            report = privacy.erase_subject(session, subject, reason=AGAIN_AFTER_RESTORE, token=record.token)
            if not report.token:  # nothing of them in the copy: keep the record all the same
                at = record.at if isinstance(record.at, dt.datetime) else dt.datetime.fromisoformat(str(record.at))
                session.add(ErasureRecord(token=record.token, at=at, contact_ids=record.contact_ids,
                                          person_ids=record.person_ids, candidate_ids=record.candidate_ids,
                                          backups_kept=record.backups_kept))
            count += report.found
        catch_up_sequences(session)
        return count

    erased = store.transaction(again)
    if erased:
        store.compact()
    return erased


def _again_notices(erased: int) -> list[str]:
    if not erased:
        return []
    return [f"Gjorde {plural(erased, 'sletting', 'slettinger')} på nytt som var gjort etter at sikkerhetskopien "
            f"ble tatt: personene kommer ikke tilbake."]
