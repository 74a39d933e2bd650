"""The regional demo database every benchmark reads, built once with ``kpdesk demo`` and cached."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from harness import REPO, run_child, venv_python

from kpdesk.db.inspection import connect_read_only  # sqlite3 only: no SQLAlchemy, no Alembic

DEFAULT_PATH = Path("/tmp/kpdesk-bench-regional.sqlite")
SCALE, SEED = "regional", 1


@dataclass(frozen=True, slots=True)
class RegionalDb:
    path: Path
    revision: str | None
    employers: int
    needs: int
    size_bytes: int
    built_now: bool
    build_s: float | None  # how long ``kpdesk demo`` took, when it ran in this run
    note: str = ""


def _sidecar(path: Path) -> Path:
    """Records how the cached file was made, so a schema change triggers a rebuild."""
    return path.with_name(path.name + ".bench.json")


def _demo_fingerprint() -> str:
    """A hash of the demo generator's source, so a changed generator also triggers a rebuild."""
    digest = hashlib.sha256()
    for source in sorted([*(REPO / "kpdesk" / "demo").glob("*.py"), REPO / "kpdesk" / "commands" / "demo.py"]):
        if source.exists():
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def _head_revision() -> str:
    from kpdesk.db.migrate import head_revision  # file names only: imports neither Alembic nor SQLAlchemy

    return head_revision()


def _revision(path: Path) -> str | None:
    try:
        conn = connect_read_only(path)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _count(path: Path, table: str) -> int:
    conn = connect_read_only(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def _remove_database(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + extra).unlink(missing_ok=True)


def _build(path: Path) -> float:
    """Run ``kpdesk demo`` into a temp file beside ``path``, then move it into place."""
    staging = path.with_name(f"{path.stem}.building-{os.getpid()}{path.suffix}")
    _remove_database(staging)
    kpdesk = REPO / ".venv" / "bin" / "kpdesk"
    command = [str(kpdesk)] if kpdesk.exists() else [venv_python(), "-m", "kpdesk"]
    started = time.perf_counter()
    result = run_child([*command, "demo", "--db", str(staging), "--scale", SCALE, "--seed", str(SEED)],
                       timeout_s=900)
    if result.returncode != 0 or not staging.exists():
        _remove_database(staging)
        raise RuntimeError(
            f"`kpdesk demo --scale {SCALE}` failed (exit {result.returncode}); pass --db with a ready database.\n"
            f"{result.stderr.strip()[-1500:]}")
    build_s = time.perf_counter() - started
    _remove_database(path)
    for extra in ("", "-wal", "-shm"):
        built = staging.with_name(staging.name + extra)
        if built.exists():
            os.replace(built, path.with_name(path.name + extra))
    return build_s


def prepare(path: Path = DEFAULT_PATH, *, rebuild: bool = False) -> RegionalDb:
    """The cached regional database at ``path``, (re)built if missing, stale or asked for.

    Stale means: built for another schema head, or by a different version of the demo generator.
    A file that the runner did not build (no sidecar) is used as it is when it is at the schema
    head, and never overwritten: kpdesk would otherwise migrate it during the first timed start.
    """
    head = _head_revision()
    fingerprint = _demo_fingerprint()
    sidecar = _sidecar(path)
    recorded = json.loads(sidecar.read_text()) if sidecar.exists() else None
    note = ""
    reason = ""
    if rebuild:
        reason = "asked for"
    elif not path.exists():
        reason = "missing"
    elif recorded is None:
        revision = _revision(path)
        if revision != head:
            raise RuntimeError(f"{path} is at schema {revision}, kpdesk's head is {head}, and the runner did not "
                               "build it, so it is left alone. Delete it, or point --db elsewhere.")
        note = "not built by the runner; used as it is"
    elif recorded.get("head") != head or _revision(path) != head:
        reason = f"schema head is now {head}"
    elif recorded.get("demo") != fingerprint:
        reason = "the demo generator changed"

    build_s = None
    if reason:
        print(f"preparing {path} with `kpdesk demo --scale {SCALE} --seed {SEED}` ({reason}) …", flush=True)
        build_s = _build(path)
        sidecar.write_text(json.dumps({"head": head, "demo": fingerprint, "scale": SCALE, "seed": SEED,
                                       "build_s": build_s, "built_at": time.strftime("%Y-%m-%d %H:%M:%S")}))
    return RegionalDb(
        path=path,
        revision=_revision(path),
        employers=_count(path, "employer"),
        needs=_count(path, "need"),
        size_bytes=path.stat().st_size,
        built_now=bool(reason),
        build_s=build_s,
        note=note,
    )
