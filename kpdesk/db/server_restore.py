"""Putting a ``kpdesk backup`` of a region's register back on a PostgreSQL server (issue 17).

``read_dump`` checks the file before anything on the server is touched: it must be pg_dump's
archive (``pg_restore --list`` reads it) of a kpdesk database, at a schema revision this kpdesk
knows. A SQLite file and a plain SQL file are each said for what they are.

``replace_from_dump`` swaps kpdesk's tables in one transaction: ``psql`` runs ``BEGIN``, drops
kpdesk's tables (their sequences go with them), then the SQL ``pg_restore`` writes from the archive
(no owners, no grants), and ``COMMIT`` only when pg_restore read the whole archive and psql met no
error (``ON_ERROR_STOP``). Anything else ends the session inside the transaction, so the server
rolls it back and the database is as it was. A password in the URL goes to both programs in their
environment, never on a command line.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kpdesk.common.errors import UserError, os_reason
from kpdesk.common.paths import ServerAddress
from kpdesk.db.server_dump import TIMEOUT_S, client_environment, client_url, missing_client

LOCK_TIMEOUT = "30s"  # how long the swap waits for others' transactions on kpdesk's tables
CORE_TABLES = ("alembic_version", "employer", "need")  # a kpdesk database has these from its first revision
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class DumpInfo:
    """What a kpdesk server backup holds, read from its table of contents (no personal data)."""

    path: Path
    revision: str  # kpdesk's schema revision in the copy
    created: dt.datetime | None  # when pg_dump made it (local time)
    schema: str  # the PostgreSQL schema kpdesk's tables are in (public)
    tables: tuple[str, ...]
    sequences: tuple[str, ...]


def _program(name: str, what: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise missing_client(name, what)
    return program


def _run(command: list[str], what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UserError(f"{Path(command[0]).name} kunne ikke kjøres ({exc}). {what}") from None


def _first_error(stderr: str, fallback: str) -> str:
    for line in stderr.splitlines():
        text = re.sub(r"^(pg_restore|psql)(:<stdin>:\d+)?: (error|ERROR|FATAL):\s*", "", line.strip())
        text = re.sub(r"^(ERROR|FATAL):\s*", "", text)
        if text:
            return text
    return fallback


def _kind_of(path: Path) -> str | None:
    """A sentence naming what the file is when it is plainly not pg_dump's archive."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise UserError(f"Kan ikke lese {path}: {os_reason(exc)}.") from None
    if head.startswith(b"SQLite format 3\x00"):
        return (f"{path} er en databasefil (SQLite), ikke en sikkerhetskopi av en databaseserver. En fil "
                f"gjenopprettes med kpdesk restore --db FIL; til en tom database på serveren flyttes den med "
                f"kpdesk copy --from {path} --to postgresql://….")
    text = head.decode("utf-8", errors="replace")
    if "PostgreSQL database dump" in text or re.match(r"\s*(--|SET |CREATE |BEGIN)", text):
        return (f"{path} er en SQL-tekstfil (pg_dump uten --format=custom), ikke en sikkerhetskopi fra "
                f"kpdesk backup. kpdesk gjenoppretter bare kopier i pg_dumps eget format, slik kpdesk backup "
                f"--db postgresql://… --out FIL lager dem.")
    return None


def _created(listing: str) -> dt.datetime | None:
    found = re.search(r"^; Archive created at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", listing, re.MULTILINE)
    if found is None:
        return None
    stamp = dt.datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    return stamp.astimezone().replace(tzinfo=None)


def _entries(listing: str) -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """The archive's tables and sequences by schema (``TABLE public need postgres`` lines), and
    every (kind, name) it holds, such as ("TABLE DATA", "alembic_version")."""
    objects: dict[str, set[str]] = {"TABLE": set(), "SEQUENCE": set()}
    held: set[tuple[str, str]] = set()
    for line in listing.splitlines():
        found = re.match(r"^\d+; \d+ \d+ (TABLE DATA|TABLE|SEQUENCE) (\S+) (\S+) ", line)
        if found is None:
            continue
        kind, schema, name = found.groups()
        held.add((kind, name))
        if kind in objects:
            objects[kind].add(f"{schema}.{name}")
    return objects, held


def read_dump(path: Path) -> DumpInfo:
    """The kpdesk server backup at ``path``, checked (and pg_restore and psql there to restore it); a
    UserError says why it cannot be restored."""
    from kpdesk.db.migrate import known_revisions

    program = _program("pg_restore", "leser sikkerhetskopier av en databaseserver")
    _program("psql", "legger sikkerhetskopien inn på databaseserveren")  # said now, before anything is asked
    if path.is_dir():
        raise UserError(f"{path} er en mappe; oppgi sikkerhetskopien (filen kpdesk backup --out skrev).")
    if not path.is_file():
        raise UserError(f"{path} finnes ikke.")
    kind = _kind_of(path)
    if kind is not None:
        raise UserError(kind)
    listed = _run([program, "--list", str(path)], "Databasen er ikke endret.")
    if listed.returncode != 0:
        reason = _first_error(listed.stderr, f"avslutningskode {listed.returncode}")
        raise UserError(f"{path} er ikke en sikkerhetskopi fra kpdesk backup: pg_restore kan ikke lese den "
                        f"({reason}). Databasen er ikke endret.")
    objects, held = _entries(listed.stdout)
    not_kpdesk = UserError(f"{path} er en sikkerhetskopi fra pg_dump, men ikke av en kpdesk-database (tabellene "
                           f"{', '.join(CORE_TABLES)} mangler). Databasen er ikke endret.")
    schemas = {name.split(".", 1)[0] for name in objects["TABLE"] if name.split(".", 1)[1] == "alembic_version"}
    if len(schemas) != 1 or not all(("TABLE DATA", t) in held for t in CORE_TABLES):
        raise not_kpdesk
    schema = schemas.pop()
    tables = tuple(sorted(n.split(".", 1)[1] for n in objects["TABLE"] if n.startswith(f"{schema}.")))
    sequences = tuple(sorted(n.split(".", 1)[1] for n in objects["SEQUENCE"] if n.startswith(f"{schema}.")))
    if not all(_NAME.fullmatch(name) for name in (schema, *tables, *sequences)):
        raise not_kpdesk
    data = _run([program, "--data-only", f"--schema={schema}", "--table=alembic_version", "--file=-", str(path)],
                "Databasen er ikke endret.")
    found = re.search(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(\S+)\n", data.stdout, re.MULTILINE)
    if data.returncode != 0 or found is None:
        raise not_kpdesk
    revision = found.group(1)
    if revision not in known_revisions():
        raise UserError(f"{path} er tatt av en database fra en nyere kpdesk (skjemaversjon {revision}). Oppdater "
                        "kpdesk før du gjenoppretter den. Databasen er ikke endret.")
    return DumpInfo(path, revision, _created(listed.stdout), schema, tables, sequences)


def _drops(dump: DumpInfo) -> str:
    """SQL that drops kpdesk's tables (those it makes now and those in the copy) and the copy's
    sequences, where they exist."""
    from kpdesk.db import models

    tables = sorted({*dump.tables, *models.Base.metadata.tables, "alembic_version"})
    statements = [f'DROP TABLE IF EXISTS "{dump.schema}"."{name}" CASCADE;' for name in tables]
    statements += [f'DROP SEQUENCE IF EXISTS "{dump.schema}"."{name}" CASCADE;' for name in dump.sequences]
    return "\n".join(statements) + "\n"


def _stream(source: IO[bytes], target: IO[bytes]) -> bool:
    """Copy until ``source`` ends; False when ``target``'s reader went away (psql stopped)."""
    try:
        while chunk := source.read(_CHUNK):
            target.write(chunk)
    except BrokenPipeError:
        return False
    return True


def _finish(target: IO[bytes], last: bytes) -> None:
    try:
        target.write(last)
        target.close()
    except BrokenPipeError:
        pass


def replace_from_dump(address: ServerAddress, dump: DumpInfo) -> None:
    """kpdesk's tables on the server replaced by the copy's, all in one transaction (see the module
    docstring); a UserError, with the database as it was, when that cannot be done."""
    restore = _program("pg_restore", "leser sikkerhetskopier av en databaseserver")
    psql = _program("psql", "legger sikkerhetskopien inn på databaseserveren")
    env = client_environment(address)
    begin = (f"SET client_min_messages = warning;\nBEGIN;\nSET LOCAL lock_timeout = '{LOCK_TIMEOUT}';\n"
             f"{_drops(dump)}").encode()
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        try:
            writer = subprocess.Popen([psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                                       f"--dbname={client_url(address)}"], stdin=subprocess.PIPE,
                                      stdout=subprocess.DEVNULL, stderr=psql_err, env=env)
        except OSError as exc:
            raise UserError(f"psql kunne ikke kjøres ({exc}). Databasen er ikke endret.") from None
        assert writer.stdin is not None  # made with stdin=PIPE
        try:
            reader = subprocess.Popen([restore, "--no-owner", "--no-privileges", "--file=-", str(dump.path)],
                                      stdout=subprocess.PIPE, stderr=restore_err, env=env)
        except OSError as exc:
            writer.kill()
            writer.wait()
            raise UserError(f"pg_restore kunne ikke kjøres ({exc}). Databasen er ikke endret.") from None
        assert reader.stdout is not None  # made with stdout=PIPE
        whole = _stream(io.BytesIO(begin), writer.stdin) and _stream(reader.stdout, writer.stdin)
        if not whole:
            reader.kill()
        read_all = reader.wait(timeout=TIMEOUT_S) == 0 and whole
        # COMMIT only after the whole copy; else psql's input ends inside the transaction (perhaps inside
        # a COPY, where a ROLLBACK would be read as a row), and the server rolls it back as the session ends
        _finish(writer.stdin, b"COMMIT;\n" if read_all else b"")
        written = writer.wait(timeout=TIMEOUT_S) == 0
        if read_all and written:
            return
        restore_err.seek(0)
        psql_err.seek(0)
        raise _failure(address, dump, restore_err.read().decode("utf-8", errors="replace") if whole else None,
                       reader.returncode, psql_err.read().decode("utf-8", errors="replace"), writer.returncode)


def _failure(address: ServerAddress, dump: DumpInfo, restore_said: str | None, restore_code: int, psql_said: str,
             psql_code: int) -> UserError:
    """Why the swap did not happen, in one sentence: the server would not let psql in, pg_restore
    stopped (psql may then have choked on half a row), or the server refused a statement."""
    from kpdesk.db.server import server_error

    if psql_code != 0 and psql_said.startswith("psql: error: connection"):
        return server_error(address, RuntimeError(_first_error(psql_said.split("failed:", 1)[-1], "")))
    if restore_said is not None and restore_code != 0:  # None: psql stopped first, and pg_restore was ended
        reason = _first_error(restore_said, f"pg_restore avsluttet med kode {restore_code}")
        return UserError(f"pg_restore kunne ikke lese hele {dump.path} ({reason}). Databasen er ikke endret.")
    reason = _first_error(psql_said, f"psql avsluttet med kode {psql_code}")
    if "lock timeout" in reason:
        return UserError(f"Andre holder på med {address.shown} akkurat nå (en lagring eller en import som ikke er "
                         "ferdig), så tabellene kunne ikke byttes ut. Prøv igjen om litt. Databasen er ikke endret.")
    return UserError(f"Databaseserveren {address.shown} godtok ikke sikkerhetskopien: {reason}. "
                     "Databasen er ikke endret.")
