"""A copy of a region's register on a PostgreSQL server, made with the server's own ``pg_dump``
(``kpdesk backup --db postgresql://… --out FIL.dump``, issue 17): the database (kpdesk's alone) in
pg_dump's custom format, which ``pg_restore`` reads, without owners or grants so it can go back on
another server. The file is written beside its target and moved into place when whole. A password
in the URL is handed to pg_dump in its environment (``PGPASSWORD``), never on its command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from kpdesk.common.errors import UserError
from kpdesk.common.paths import ServerAddress

TIMEOUT_S = 3600


def _password(address: ServerAddress) -> str | None:
    from urllib.parse import unquote

    userinfo = urlsplit(address.url).netloc.rpartition("@")[0]
    return unquote(userinfo.split(":", 1)[1]) if ":" in userinfo else None


def client_environment(address: ServerAddress) -> dict[str, str]:
    """The environment a PostgreSQL client program (pg_dump, pg_restore, psql) runs in: a short
    connect timeout, and the URL's password, if any, as ``PGPASSWORD`` (never on a command line)."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
    password = _password(address)
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def client_url(address: ServerAddress) -> str:
    """The address as libpq reads it, without the password (``client_environment`` carries that)."""
    return address.shown.replace("postgresql+psycopg://", "postgresql://")


def missing_client(program: str, what: str) -> UserError:
    """A PostgreSQL client program is not installed: the one sentence that says so."""
    return UserError(f"Fant ikke {program}, som {what}. Installer PostgreSQL-klienten (Debian/Ubuntu: "
                     "postgresql-client; Windows/macOS: fra postgresql.org).")


def dump_server(address: ServerAddress, out: Path) -> Path:
    """``pg_dump`` of the server's kpdesk schema to ``out``; a UserError that says why not."""
    program = shutil.which("pg_dump")
    if program is None:
        raise missing_client("pg_dump", "tar sikkerhetskopi av en databaseserver")
    if out.is_dir():
        raise UserError(f"{out} er en mappe; oppgi et filnavn, for eksempel {out / 'kpdesk-region.dump'}.")
    if not out.parent.is_dir():
        raise UserError(f"Mappen {out.parent} finnes ikke, så {out.name} kan ikke lagres der.")
    partial = out.with_name(f".{out.name}.delvis")
    env = client_environment(address)
    command = [program, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
               f"--dbname={client_url(address)}"]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"pg_dump kunne ikke kjøres ({exc}). Ingen kopi er laget.") from None
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = next((line.removeprefix("pg_dump: error: ").strip() for line in done.stderr.splitlines()
                       if line.strip()), f"avslutningskode {done.returncode}")
        raise UserError(f"pg_dump kunne ikke ta kopi av {address.shown}: {reason}. Ingen kopi er laget.")
    os.replace(partial, out)
    return out
