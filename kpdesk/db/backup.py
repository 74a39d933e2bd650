"""Backups: consistent copies of a kpdesk database, made with SQLite's online backup API.

Where and how. Copies go to a ``backups`` folder beside the database, each file owner-only
(0600) and named ``<stem>.<YYYYMMDD-HHMMSS>[-n].<reason><suffix>``, e.g.
``kpdesk.20270111-083012.daily.sqlite``. The folder is made 0700, tightened to 0700 when it is
wider, and refused when it is a symlink or another user's (POSIX). A copy is written to a hidden
temporary file in the target folder, flushed to disk and moved into place with ``os.replace``: a
copy is complete or absent, never half-written. Copies are single files (rollback journal, no
-wal beside them), so they can be opened, mailed or restored as they are. The online backup API
reads one consistent snapshot, so a copy may be taken while a kpdesk window has the database open.

Never a damaged copy. The backup API copies pages as they are, damage included, so every copy
passes ``PRAGMA quick_check`` before it is moved into place; a damaged source gives
``DatabaseDamaged`` naming the newest good copy to restore from (``newest_good_backup``). The one
exception is the copy ``restore`` keeps of a damaged database it replaces: saved byte for byte as
``damaged``, never offered as a good copy and never counted by the rotation.

When. ``daily``: when kpdesk opens a database for writing, at most one a day (``Store.open``),
but not when it opens it to erase someone (``kpdesk person erase``, ``person due --delete``:
``daily_backup=False``), which would copy the very person it erases seconds before.
``before-migration``: before ``Store.open`` upgrades the schema. ``before-import``: before every
bulk import (``kpdesk import``; the GUI calls ``backup_before_import``). ``before-restore``:
``restore`` saves what it replaces (``damaged`` when that was damaged). ``manual``: the
coordinator asks (``kpdesk backup`` without ``--out``, the GUI's button).

Rotation, after every new copy (numbers from the ``setting`` table when set there):
- daily: the newest ``backup_keep_daily`` (7) daily copies are kept, and the newest daily copy
  of each of the ``backup_keep_weekly`` (4) most recent ISO weeks that have one. Weeks without
  any copy (a holiday) are not counted, so a long break never empties the folder.
- before-import: the newest ``backup_keep_before_import`` (7) are kept.
- manual, before-migration, before-restore and damaged copies are never deleted to make room. They are
  deleted only once they are older than what the rotation keeps: older than the oldest daily or
  weekly copy kept, *and* older than the rotation's span (7 days × ``backup_keep_weekly``, at
  least ``backup_keep_daily`` days; four weeks by default). Without any daily copy nothing of
  theirs is deleted.
- Files that are not kpdesk's copies of this database are never touched.

Leftovers. A copy being written holds a shared advisory lock on its folder (POSIX ``flock``), so
``remove_leftovers`` (at every write opening and after every copy) can tell a temporary file that
a copy is writing now from one a killed copy left: it takes the folder's lock exclusively and
removes the temporary files; where the folder cannot be locked (Windows, some network shares) it
removes those untouched for an hour. ``kpdesk backup`` writes copies without the database's write
lock (it runs beside a window), which is why the folder has a lock of its own. The staging copy of
an interrupted restore (``.<db>.restore.tmp`` beside the database) is removed at once: only a
restore holding the write lock writes it, and ``Store.open`` calls this with that lock held.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kpdesk.common.errors import UserError, os_reason, storage_error
from kpdesk.common.norsk import format_datetime
from kpdesk.db.inspection import inspect_file, is_damage, quick_check, refuse_odd_file, schema_differences

if TYPE_CHECKING:
    from kpdesk.db.store import Store

BACKUP_FOLDER = "backups"
REASONS = ("daily", "before-migration", "before-import", "before-restore", "manual", "damaged")
REASON_LABELS = {
    "daily": "daglig", "before-migration": "før oppgradering", "before-import": "før import",
    "before-restore": "før gjenoppretting", "manual": "manuell", "damaged": "skadet, før gjenoppretting",
}
PROTECTED = ("manual", "before-migration", "before-restore", "damaged")
SETTING_KEYS = {"daily": "backup_keep_daily", "weekly": "backup_keep_weekly",
                "before_import": "backup_keep_before_import"}
STALE_TEMP_S = 3600


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One copy in the backups folder."""

    path: Path
    created: dt.datetime  # local time, from the file name
    reason: str  # one of REASONS
    size: int  # bytes

    @property
    def reason_label(self) -> str:
        return REASON_LABELS[self.reason]


@dataclass(frozen=True, slots=True)
class RotationPolicy:
    daily: int = 7
    weekly: int = 4
    before_import: int = 7

    @property
    def span(self) -> dt.timedelta:
        """How far back the rotation reaches at the least."""
        return dt.timedelta(days=max(self.daily, 7 * self.weekly))


@dataclass(frozen=True, slots=True)
class RestoreResult:
    db_path: Path
    source: Path
    revision: str  # schema revision of the restored file
    safety: BackupInfo | None  # the copy of what was replaced (None: there was no database)


# ---------------------------------------------------------------- names

def backup_folder(db_path: Path) -> Path:
    return Path(db_path).expanduser().parent / BACKUP_FOLDER

log = logging.getLogger(__name__)


def _suffix(db_path: Path) -> str:
    return db_path.suffix or ".sqlite"


def _name_pattern(db_path: Path) -> re.Pattern[str]:
    reasons = "|".join(re.escape(r) for r in REASONS)
    return re.compile(rf"^{re.escape(db_path.stem)}\.(\d{{8}}-\d{{6}})(?:-(\d+))?\.({reasons})"
                      rf"{re.escape(_suffix(db_path))}$")


def _new_name(db_path: Path, folder: Path, reason: str, now: dt.datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        extra = "" if n == 1 else f"-{n}"
        candidate = folder / f"{db_path.stem}.{stamp}{extra}.{reason}{_suffix(db_path)}"
        if not candidate.exists():
            return candidate
    raise UserError(f"For mange sikkerhetskopier med samme tidspunkt i {folder}.")


def list_backups(db_path: str | os.PathLike[str]) -> list[BackupInfo]:
    """The copies of this database in its backups folder, newest first."""
    db = Path(db_path).expanduser()
    folder = backup_folder(db)
    pattern = _name_pattern(db)
    found: list[tuple[dt.datetime, int, BackupInfo]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None or not entry.is_file():
            continue
        try:
            created = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            size = entry.stat().st_size
        except (ValueError, OSError):
            continue
        found.append((created, int(match.group(2) or 1), BackupInfo(Path(entry.path), created, match.group(3), size)))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _, _, info in found]


# ---------------------------------------------------------------- copying

def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # folders cannot be opened on Windows; nothing to flush there
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _source_connection(source: Path) -> sqlite3.Connection:
    """Read the database to copy. Read-only on purpose: a read-write connection to a damaged file
    may delete its write-ahead log on closing, which is exactly what a copy must keep. (On a closed
    database this leaves empty -wal/-shm files beside it, which the next opening tidies.)"""
    return sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def _storage_error(path: Path, exc: BaseException, what: str) -> UserError:
    mapped = storage_error(path, exc)
    if mapped is not None:
        return UserError(f"{what}: {mapped.message}")
    if isinstance(exc, PermissionError):
        return UserError(f"{what}: du har ikke skrivetilgang til {path.parent}.")
    detail = os_reason(exc)
    return UserError(f"{what} ({detail}).")


@contextlib.contextmanager
def _folder_lock(folder: Path, *, exclusive: bool) -> Generator[bool]:
    """An advisory lock on ``folder`` while the block runs; yields whether it is held.

    Shared: a copy is being written into the folder (waits for a tidy-up to finish). Exclusive:
    nobody is writing one (does not wait; False when a copy is under way). False too where folders
    cannot be locked (Windows, some network shares).
    """
    if os.name == "nt":
        yield False
        return
    import fcntl

    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
            held = True
        except OSError:
            held = False
        yield held
    finally:
        os.close(fd)  # drops the lock


def copy_database(source: Path, target: Path) -> None:
    """Copy the database ``source`` to ``target`` atomically (0600), with the online backup API.

    Readers of ``target`` see the previous file or the whole new copy, never a half-written one.
    The copy must pass ``PRAGMA quick_check`` first: a damaged source raises ``DatabaseDamaged``
    and leaves ``target`` as it was.
    """
    folder = target.parent
    with _folder_lock(folder, exclusive=False):
        try:
            fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")  # 0600
        except OSError as exc:
            raise _storage_error(target, exc, f"Kan ikke lagre kopien i {folder}") from None
        os.close(fd)
        temp = Path(temp_name)
        try:
            damage = _copy_into(source, temp)
            if damage:
                _remove_temp(temp)
                raise damaged_error(source, damage)
            _fsync_path(temp)
            os.replace(temp, target)
            _fsync_path(folder)
        except (OSError, sqlite3.Error) as exc:
            _remove_temp(temp)
            if isinstance(exc, sqlite3.DatabaseError) and is_damage(exc):
                raise damaged_error(source, [str(exc)]) from None
            raise _storage_error(target, exc, f"Kan ikke lagre kopien {target}") from None
        except BaseException:
            _remove_temp(temp)
            raise


def _copy_into(source: Path, temp: Path) -> list[str]:
    """The online backup of ``source`` into ``temp``; returns what the quick check found wrong in it."""
    src = _source_connection(source)
    try:
        dst = sqlite3.connect(temp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    return quick_check(temp)


def _remove_temp(temp: Path) -> None:
    for leftover in (temp, temp.with_name(temp.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def _check_folder(folder: Path) -> None:
    """The backups folder is a real folder of this user's, owner-only (tightened to 0700 if wider).

    Copies hold personal data: a folder others can read, a symlink to elsewhere or a folder planted
    by another user would hand them over. POSIX only (Windows has no such bits).
    """
    if os.name == "nt":
        return
    status = os.lstat(folder)
    if stat.S_ISLNK(status.st_mode) or not stat.S_ISDIR(status.st_mode):
        what = "en symbolsk lenke" if stat.S_ISLNK(status.st_mode) else "ikke en mappe"
        raise UserError(f"{folder} er {what}, så kpdesk lagrer ikke sikkerhetskopier der. Flytt eller slett "
                        f"{folder.name}, så lager kpdesk en ny mappe.")
    if status.st_uid != os.geteuid():
        raise UserError(f"Mappen for sikkerhetskopier {folder} eies av en annen bruker, så kpdesk lagrer ikke "
                        f"kopier der. Flytt eller slett mappen, så lager kpdesk en ny.")
    if stat.S_IMODE(status.st_mode) & 0o077:
        os.chmod(folder, 0o700)


def _ensure_folder(db_path: Path) -> Path:
    folder = backup_folder(db_path)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass  # checked below, whatever it is
    except OSError as exc:
        raise _storage_error(folder, exc, f"Kan ikke lage mappen for sikkerhetskopier {folder}") from None
    try:
        _check_folder(folder)
    except OSError as exc:
        raise _storage_error(folder, exc, f"Kan ikke bruke mappen for sikkerhetskopier {folder}") from None
    return folder


def create_backup(db_path: str | os.PathLike[str], reason: str = "manual", *,
                  now: dt.datetime | None = None, rotate_after: bool = True) -> BackupInfo:
    """A copy of the database in its backups folder; older copies are rotated out afterwards."""
    log.info("backup (%s)", reason)
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    db = Path(db_path).expanduser()
    now = (now or dt.datetime.now()).replace(microsecond=0)
    folder = _ensure_folder(db)
    target = _new_name(db, folder, reason, now)
    copy_database(db, target)
    info = BackupInfo(target, now, reason, target.stat().st_size)
    if rotate_after:
        rotate(db, now=now)
    return info


def daily_backup(db_path: str | os.PathLike[str], *, now: dt.datetime | None = None) -> BackupInfo | None:
    """Today's automatic copy, unless there already is one (then None)."""
    now = now or dt.datetime.now()
    if any(b.reason == "daily" and b.created.date() == now.date() for b in list_backups(db_path)):
        return None
    return create_backup(db_path, "daily", now=now)


def backup_before_import(store_or_path: Store | str | os.PathLike[str]) -> BackupInfo | None:
    """The copy every bulk import makes first; the GUI calls this before ``transfer.apply_import``.

    A failure raises UserError, and the import must then not run. A store on a database server has
    no file to copy (None): the import is one transaction there, and the server's own backups hold
    what was before.
    """
    path = store_or_path if isinstance(store_or_path, (str, os.PathLike)) else store_or_path.path
    if path is None:
        return None
    try:
        return create_backup(path, "before-import")
    except UserError as exc:
        raise UserError(f"{exc.message} Ingenting er importert.") from None


# ---------------------------------------------------------------- rotation

def read_policy(db_path: Path) -> RotationPolicy:
    """The rotation numbers from the database's settings; defaults where unset or unreadable."""
    default = RotationPolicy()
    values: dict[str, str] = {}
    try:
        conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            keys = tuple(SETTING_KEYS.values())
            values = dict(conn.execute(f"SELECT key, value FROM setting WHERE key IN ({','.join('?' * len(keys))})",
                                       keys).fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return default

    def number(field: str, least: int) -> int:
        raw = str(values.get(SETTING_KEYS[field], "")).strip()
        return max(least, int(raw)) if raw.isdigit() else getattr(default, field)

    return RotationPolicy(number("daily", 1), number("weekly", 0), number("before_import", 1))


def plan_rotation(backups: list[BackupInfo], policy: RotationPolicy, now: dt.datetime) -> list[BackupInfo]:
    """Which copies the rotation deletes (see the module docstring for the rules)."""
    newest_first = sorted(backups, key=lambda b: b.created, reverse=True)
    daily = [b for b in newest_first if b.reason == "daily"]
    keep = set(daily[:policy.daily])
    weeks: list[tuple[int, int]] = []
    for b in daily:
        week = tuple(b.created.isocalendar())[:2]
        if week in weeks:
            continue
        if len(weeks) == policy.weekly:
            break
        weeks.append(week)  # type: ignore[arg-type]
        keep.add(b)
    drop = [b for b in daily if b not in keep]
    drop += [b for b in newest_first if b.reason == "before-import"][policy.before_import:]
    if keep:
        horizon = min(min(b.created for b in keep), now - policy.span)
        drop += [b for b in newest_first if b.reason in PROTECTED and b.created < horizon]
    return drop


def rotate(db_path: str | os.PathLike[str], *, now: dt.datetime | None = None,
           policy: RotationPolicy | None = None) -> list[Path]:
    """Delete the copies the rotation no longer keeps; returns what was deleted."""
    db = Path(db_path).expanduser()
    now = now or dt.datetime.now()
    policy = policy or read_policy(db)
    deleted: list[Path] = []
    for info in plan_rotation(list_backups(db), policy, now):
        try:
            info.path.unlink()
            deleted.append(info.path)
        except OSError:
            pass  # tried again after the next copy
    _remove_copy_temps(db)
    return deleted


# ---------------------------------------------------------------- leftovers

def _remove_entries(folder: Path, wanted: Callable[[os.DirEntry[str]], bool]) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    removed: list[Path] = []
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False) and wanted(entry):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass  # tried again next time
    return removed


def _remove_copy_temps(db: Path) -> list[Path]:
    """The temporary files of this database's copies that no copy is writing now (see the module docstring)."""
    folder = backup_folder(db)
    try:
        _check_folder(folder)
    except (OSError, UserError):
        return []  # missing, or not one to touch (the next copy says why)
    prefix = f".{db.stem}."
    with _folder_lock(folder, exclusive=True) as alone:
        def abandoned(entry: os.DirEntry[str]) -> bool:
            if not (entry.name.startswith(prefix) and entry.name.endswith((".tmp", ".tmp-journal"))):
                return False
            return alone or time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_S

        return _remove_entries(folder, abandoned)


def restore_staging(db: Path) -> Path:
    """Where ``restore`` puts the copy before it swaps it in: hidden, beside the real database file."""
    real = db.expanduser().resolve()
    return real.with_name(f".{real.name}.restore.tmp")


def remove_leftovers(db_path: str | os.PathLike[str]) -> list[Path]:
    """Remove what an interrupted restore or copy left behind; returns what was removed.

    Call with the database's write lock held (``Store.open`` does): the restore staging copy (and
    its own temporary files) is then nobody's. Copies' temporary files in the backups folder go as
    ``rotate`` removes them.
    """
    db = Path(db_path).expanduser()
    staging = restore_staging(db)
    removed = _remove_entries(staging.parent, lambda entry: entry.name.startswith(
        (staging.name, f".{staging.name}.")))
    return removed + _remove_copy_temps(db)


# ---------------------------------------------------------------- damage

class DatabaseDamaged(UserError):
    """A damaged database, refused for writing and copying; the message gives the way out.

    ``good_backup``: the newest copy in its backups folder that passes the quick check (None: none does).
    """

    def __init__(self, path: Path, problems: list[str], good_backup: BackupInfo | None) -> None:
        self.path = path
        self.good_backup = good_backup
        if good_backup is not None:
            way_out = (f"Gjenopprett fra den nyeste gode sikkerhetskopien: kpdesk restore --db {_shell_word(path)} "
                       f"--from {_shell_word(good_backup.path)}  (laget {format_datetime(good_backup.created)}).")
        else:
            way_out = (f"Det finnes ingen god sikkerhetskopi i {backup_folder(path)}. Åpne databasen "
                       f"skrivebeskyttet for å hente ut det som kan leses.")
        found = problems[0] if len(problems) == 1 else f"SQLite fant {len(problems)} feil; den første: {problems[0]}"
        super().__init__(f"{path} er skadet ({found}). {way_out} Databasen er ikke endret.",
                         details=problems[1:10])


def _shell_word(path: Path) -> str:
    """``path`` as one word on this system's command line."""
    if os.name == "nt":
        import subprocess

        return subprocess.list2cmdline([str(path)])
    import shlex

    return shlex.quote(str(path))


def is_good_copy(path: Path) -> bool:
    """A kpdesk database (a known revision, not empty) that passes ``PRAGMA quick_check``."""
    try:
        return inspect_file(path, need_write=False).exists and not quick_check(path)
    except UserError:
        return False


def newest_good_backup(db_path: str | os.PathLike[str]) -> BackupInfo | None:
    """The newest copy of this database that is good to restore from (None: there is none).

    Checked newest first, each with the quick check, until one passes; ``damaged`` copies never count.
    """
    return next((b for b in list_backups(db_path) if b.reason != "damaged" and is_good_copy(b.path)), None)


def damaged_error(db: Path, problems: list[str]) -> DatabaseDamaged:
    """The refusal for a damaged ``db``: what SQLite found, and the newest good copy to restore from."""
    return DatabaseDamaged(db, problems or ["ukjent skade"], newest_good_backup(db))


# ---------------------------------------------------------------- checking and restoring

def verify_database_file(path: Path) -> str:
    """The schema revision of a kpdesk database file that passes ``PRAGMA integrity_check`` and has
    exactly the schema kpdesk's migrations make at that revision (no extra trigger, table, view or index).

    Anything else (missing, empty, not SQLite, another program's, newer kpdesk, damaged, changed
    outside kpdesk) raises UserError saying what is wrong; the file is only read.
    """
    if not path.exists():
        raise UserError(f"Filen {path} finnes ikke.")
    state = inspect_file(path, need_write=False)
    if not state.exists or state.revision is None:
        raise UserError(f"{path} er ikke en kpdesk-database: den er tom.")
    wal = path.with_name(path.name + "-wal")
    uri = f"{path.resolve().as_uri()}?mode=ro{'' if wal.exists() else '&immutable=1'}"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path} er skadet eller uleselig ({exc}).") from None
    if problems != ["ok"]:
        raise UserError(f"{path} er skadet: integritetskontrollen fant feil.", details=problems[:10])
    differences = schema_differences(path, state.revision)
    if differences:
        raise UserError(f"{path} har ikke skjemaet kpdesk lager (skjemaversjon {state.revision}): "
                        f"{'; '.join(differences)}. Filen er endret utenfor kpdesk, så kpdesk bruker den ikke.")
    return state.revision


def _raw_safety_copy(db: Path) -> BackupInfo:
    """A byte copy (with the -wal beside it) of a damaged database, named ``damaged``."""
    folder = _ensure_folder(db)
    now = dt.datetime.now().replace(microsecond=0)
    target = _new_name(db, folder, "damaged", now)
    real = db.resolve()
    wal = real.with_name(real.name + "-wal")
    pairs = [(real, target)] + ([(wal, target.with_name(target.name + "-wal"))] if wal.exists() else [])
    with _folder_lock(folder, exclusive=False):
        for source, destination in reversed(pairs):  # the main file last: it is what list_backups sees
            fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{destination.name}.", suffix=".tmp")
            os.close(fd)
            try:
                shutil.copyfile(source, temp_name)
                _fsync_path(Path(temp_name))
                os.replace(temp_name, destination)
            except OSError as exc:
                _remove_temp(Path(temp_name))
                raise _storage_error(destination, exc, f"Kan ikke lagre en kopi av {db}") from None
    return BackupInfo(target, now, "damaged", target.stat().st_size)


def _save_before_restore(db: Path) -> BackupInfo:
    try:
        return create_backup(db, "before-restore")
    except DatabaseDamaged:
        return _raw_safety_copy(db)  # a damaged database is what one restores over: keep it as it is


def _quiesce(db: Path) -> None:
    """Fold the write-ahead log into the file and remove -wal/-shm, so only the main file counts.

    Leaving WAL mode needs the only connection to the file, so this also finds a window or
    program that still has the database open (SQLite's own check; read-only viewers included).
    """
    try:
        conn = sqlite3.connect(db, timeout=2)
        try:
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        # Damaged: its copy is saved, and its log must not meet the new file. Anything else (busy): refuse.
        mode = "delete" if is_damage(exc) else str(exc)
    if str(mode).lower() != "delete":
        raise UserError(f"{db} er åpen i et annet kpdesk-vindu eller program (kanskje skrivebeskyttet). Lukk det "
                        f"og prøv igjen. Databasen er ikke endret.")
    for extra in ("-wal", "-shm"):
        db.with_name(db.name + extra).unlink(missing_ok=True)


def restore(db_path: str | os.PathLike[str], source: str | os.PathLike[str]) -> RestoreResult:
    """Replace the database with the copy ``source``, after saving what it replaces.

    ``source`` must be a kpdesk database at a revision this kpdesk knows that passes
    ``integrity_check`` and has exactly kpdesk's schema; otherwise UserError and nothing changes.
    The replacement is one ``os.replace`` of the real file (through a symlink, the file it points
    at): the database is the old one or the new one, never a mix. Close any Store on ``db_path``
    first (the GUI: close the store, restore, open it again).
    """
    from kpdesk.db.lock import acquire

    db = Path(db_path).expanduser()
    src = Path(source).expanduser()
    if src.is_dir():
        raise UserError(f"{src} er en mappe, ikke en sikkerhetskopi.")
    revision = verify_database_file(src)
    if not db.parent.is_dir():
        raise UserError(f"Mappen {db.parent} finnes ikke.")
    if db.exists():
        refuse_odd_file(db, db.stat())
        if os.path.samefile(db, src):
            raise UserError(f"{src} er selve databasen; velg en sikkerhetskopi.")
    lock = acquire(db)
    try:
        real = lock.identity.real
        exists = real.stat().st_size > 0
        safety = _save_before_restore(db) if exists else None
        staged = restore_staging(db)  # one restore at a time: the lock is held
        try:
            copy_database(src, staged)
            if exists:
                _quiesce(real)
            os.replace(staged, real)
            _fsync_path(real.parent)
        except OSError as exc:
            _remove_temp(staged)
            raise _storage_error(db, exc, f"Kan ikke gjenopprette {db}") from None
        except BaseException:
            _remove_temp(staged)
            raise
    finally:
        lock.release()
    return RestoreResult(db, src, revision, safety)
