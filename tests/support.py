"""What many test modules share: where the labelled eval set is, running kpdesk's command line, and
where a test's database is (a file, or a database on the test server on the PostgreSQL leg).

Imported as ``from support import …`` (pytest puts the tests folder on the path, beside conftest).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kpdesk.common.paths import Location, ServerAddress

ROOT = Path(__file__).resolve().parents[1]
"""The repository."""
SAMPLES = ROOT / "resources" / "samples"
"""The sample CSV files the README and the import dialog's templates point to."""

EVAL = Path(os.environ.get("KPDESK_EVAL_DIR") or Path(__file__).resolve().parents[2] / "shared/eval/matching")
"""The shared labelled set (employers, needs, offers, labels), beside the repository unless KPDESK_EVAL_DIR says."""

ON_POSTGRES = os.environ.get("KPDESK_TEST_STORE", "sqlite") == "postgresql"
"""The suite's second leg (issue 17): ``KPDESK_TEST_STORE=postgresql`` beside ``KPDESK_TEST_PG=<server URL>``
makes every database the fixtures and helpers below give a database on that server instead of a file."""


class PgServer:
    """The PostgreSQL server the tests were given (``KPDESK_TEST_PG``): makes and drops databases on it."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, make_url
        from sqlalchemy.pool import NullPool

        self.url = make_url(url)
        self.admin = create_engine(self.url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT",
                                   poolclass=NullPool)
        self._migrated: ServerAddress | None = None

    def create(self, template: ServerAddress | None = None) -> ServerAddress:
        """A new database: empty, or a copy of ``template`` (no one may be connected to it)."""
        import uuid

        name = f"kpdesk_test_{uuid.uuid4().hex[:12]}"
        like = f' TEMPLATE "{database_name(template)}"' if template is not None else ""
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{like}')
        return ServerAddress(self.url.set(database=name).render_as_string(hide_password=False))

    def drop(self, address: ServerAddress) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database_name(address)}" WITH (FORCE)')

    def empty_kpdesk(self) -> ServerAddress:
        """A new database with kpdesk's tables at head and no rows: a copy of one migrated once per
        test process (``CREATE DATABASE … TEMPLATE``, a tenth of a migration's time)."""
        if self._migrated is None:
            from kpdesk.db.store import Store

            self._migrated = self.create()
            Store.open(self._migrated).close()
        return self.create(self._migrated)

    def close(self) -> None:
        """Drop the migrated template (the session's end)."""
        if self._migrated is not None:
            self.drop(self._migrated)
            self._migrated = None
        self.admin.dispose()


def database_name(address: ServerAddress) -> str:
    from sqlalchemy import make_url

    name = make_url(address.url).database
    assert name
    return name


_server: PgServer | None = None
made_here: list[ServerAddress] = []
"""Databases a test made through ``new_location``/``copy_database``: dropped when it ends (conftest)."""


def pg_server() -> PgServer:
    global _server
    if _server is None:
        url = os.environ.get("KPDESK_TEST_PG", "")
        assert url, "KPDESK_TEST_STORE=postgresql needs a server: KPDESK_TEST_PG=postgresql://…"
        _server = PgServer(url)
    return _server


def new_location(folder: Path, name: str = "kpdesk.sqlite", *, lasting: bool = False) -> Location:
    """Where a new database goes: ``folder/name`` (nothing there yet), or on the PostgreSQL leg a new
    database on the test server with kpdesk's empty tables (on a server, the database is made by
    whoever runs it; kpdesk makes the tables), dropped when the test ends; ``lasting`` for a module's
    or session's fixture, which drops it itself (``drop_location``). For tests not about files."""
    if not ON_POSTGRES:
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name
    location = pg_server().empty_kpdesk()
    if not lasting:
        made_here.append(location)
    return location


def drop_location(location: Location) -> None:
    """A ``lasting`` database on the test server dropped (a file stays for pytest's temp folders)."""
    if isinstance(location, ServerAddress):
        pg_server().drop(location)


def shown(location: Location) -> str:
    """How kpdesk names the database in its sentences: the file's name, or the server's address."""
    return location.shown if isinstance(location, ServerAddress) else location.name


def where(store: Any) -> Location:
    """Where an open ``Store`` is: its file, or its server's database (``Store.path`` is None there)."""
    location = store.path or store.server
    assert location is not None
    return location


sqlite_only = pytest.mark.sqlite_only
"""``@sqlite_only("why, in one line")``: a test about the SQLite file itself (its lock, -wal, backups
in a folder, damage, permissions), skipped on the PostgreSQL leg with that reason."""

needs_eval = pytest.mark.skipif(not (EVAL / "offers.csv").exists(),
                                reason=f"the shared eval files are not at {EVAL} (set KPDESK_EVAL_DIR)")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """``kpdesk …`` in this process: (exit code, stdout, stderr)."""
    from kpdesk.cli import main

    assert None not in argv, "None as an argument (a server store's path?): use support.where(store)"
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_kpdesk(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``python -m kpdesk …`` as its own process, as a coordinator's script runs it."""
    return subprocess.run([sys.executable, "-m", "kpdesk", *args], capture_output=True, text=True, timeout=timeout)


def with_session(path: Location, work: Any) -> Any:
    """``work(session)`` in one session of the database at ``path`` (opened and closed around it)."""
    from kpdesk.db.store import Store

    store = Store.open(path, daily_backup=False)
    try:
        with store.session() as session:
            return work(session)
    finally:
        store.close()


def pdf_fonts(data: bytes) -> dict[str, bool]:
    """Every font the PDF's pages name → whether its program is embedded."""
    import io

    import pypdf

    found: dict[str, bool] = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF (non-breaking spaces as plain ones)."""
    import io

    import pypdf

    return [page.extract_text().replace("\u00a0", " ") for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def count_rows(db: Location, model: Any) -> int:
    """How many rows of ``model`` the database at ``db`` holds."""
    from sqlalchemy import func, select

    from kpdesk.db.store import Store

    store = Store.open(db)
    try:
        with store.session() as s:
            return s.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        store.close()


def read_db(context: Any, work: Any) -> Any:
    """Read what a window's writes left in its database: once the database thread is idle, in a
    session of the test's own (the window's GUI thread never reads synchronously)."""
    from kpdesk.ui.operations import wait_for_all

    assert wait_for_all(), "the database thread did not finish"
    with context.store.session() as session:
        return work(session)


def settle(qtbot: Any, window: Any, timeout: int = 15000) -> None:
    """Wait until every background job of ``window`` has finished and its callbacks have run."""
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=timeout)


def idle(qtbot: Any, timeout: int = 15000) -> None:
    """Wait until no background job is left (their callbacks have run, and what they started too)."""
    from kpdesk.ui.operations import pools

    qtbot.waitUntil(lambda: not pools().dispatcher.jobs, timeout=timeout)


def drain(window: Any, qtbot: Any) -> None:
    """Stop pending previews and let answers on their way arrive while the window lives."""
    from PySide6.QtCore import QTimer

    from kpdesk.ui.operations import wait_for_all

    for timer in window.findChildren(QTimer):
        timer.stop()
    for _ in range(2):
        wait_for_all()
        qtbot.wait(20)


def open_drained(open_window: Any, path: Path, qtbot: Any) -> Any:
    """``open_window(path)``, drained before pytest-qt closes it at teardown (widgets close in the order
    they were registered), so no background answer arrives after the window is gone."""
    from PySide6.QtWidgets import QWidget

    holder: dict[str, Any] = {}
    qtbot.addWidget(QWidget(), before_close_func=lambda _w: drain(holder["window"], qtbot) if holder else None)
    holder["window"] = open_window(path)
    return holder["window"]


# ---------------------------------------------------------------- database files for the db tests

def open_booking_dialog(window: Any, qtbot: Any, start: Any = None, room: str = "Møterom Tind",
                        shown: bool = True, **kwargs: Any) -> Any:
    """The real booking dialog over ``window``, loaded; prefilled with ``room`` for two hours from
    ``start`` when given; ``shown`` and active, so typing and Tab reach its fields."""
    import datetime as dt

    from kpdesk.ui.booking.dialog import BookingDialog

    if start is not None:
        kwargs["prefill"] = {"room": room, "start": start, "end": start + dt.timedelta(hours=2)}
    dialog = BookingDialog(window.context, window, **kwargs)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    if shown:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
    return dialog


def retype(qtbot: Any, field: Any, text: str, leave: bool = False) -> None:
    """Into ``field`` as a person does: select all (Ctrl+A) and type; ``leave`` with Tab after."""
    from PySide6.QtCore import Qt

    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)
    if leave:
        qtbot.keyClick(field, Qt.Key.Key_Tab)


def one_employer_database(path: Location) -> Location:
    """A closed kpdesk database at head with one employer (a template to copy per test)."""
    from kpdesk.db.models import Employer
    from kpdesk.db.store import Store

    store = Store.open(path)
    with store.session() as session:
        session.add(Employer(org_number="988077917", name="Fauske kommune"))
    store.close()
    return path


def database_at(path: Path, revision: str) -> Path:
    """An empty kpdesk file (application_id set, WAL, as Store.open makes it) migrated only up to
    ``revision``: a database an older kpdesk left behind."""
    from sqlalchemy import URL, create_engine

    from kpdesk.db.inspection import APPLICATION_ID
    from kpdesk.db.migrate import upgrade

    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    engine = create_engine(URL.create("sqlite", database=str(path)))
    with engine.begin() as connection:
        upgrade(connection, revision)
    engine.dispose()
    return path


def database_with(path: Path, revision: str, data: str) -> Path:
    """``database_at(path, revision)`` holding the rows ``data`` (SQL statements) inserts."""
    database_at(path, revision)
    conn = sqlite3.connect(path)
    conn.executescript(data)
    conn.commit()
    conn.close()
    return path


def sql_rows(path: Location, sql: str) -> list[tuple[Any, ...]]:
    """What one SQL query gives on the database at ``path`` (opened and closed around it). On a server,
    values come as SQLite gives them (dates and times as ISO text, booleans as 0/1): one expected list
    serves both."""
    if not isinstance(path, ServerAddress):
        conn = sqlite3.connect(path)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.pool import NullPool

    engine = create_engine(make_url(path.url).set(drivername="postgresql+psycopg"), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(sql.replace("%", "%%")).all()  # psycopg reads % as a placeholder
            return [tuple(_as_sqlite_gives(v) for v in row) for row in rows]
    finally:
        engine.dispose()


def stored_bytes(db: Location | Any) -> bytes:
    """All a database holds, to look for a value in (``b"41414141" in stored_bytes(db)``) or to see that
    nothing changed: the file's bytes (with its -wal), or on a server every row of every table as text
    (what the server keeps of deleted rows is its own business: ``Store.compact`` vacuums it). ``db`` may
    be an open ``Store``."""
    if hasattr(db, "engine"):
        db = where(db)
    if not isinstance(db, ServerAddress):
        wal = db.with_name(db.name + "-wal")
        return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    from kpdesk.db.base import Base

    lines = [f"{table.name}: {row!r}" for table in Base.metadata.sorted_tables
             for row in sql_rows(db, f'SELECT * FROM "{table.name}"')]
    return "\n".join(sorted(lines)).encode()


def _as_sqlite_gives(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S.%f")
    return value


def copy_database(template: Location, folder: Path) -> Location:
    """``template`` copied to ``folder/kpdesk.sqlite`` (owner-only), the folder made if needed; on the
    PostgreSQL leg a new database on the test server made from ``template`` (dropped when the test ends)."""
    if isinstance(template, ServerAddress):
        made_here.append(pg_server().create(template))
        return made_here[-1]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kpdesk.sqlite"
    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    return path


def big_database(path: Path, marker: str, rows: int = 12_000) -> Path:
    """A kpdesk database of about 12 MB whose every row says which one it is."""
    from kpdesk.db.store import Store

    Store.open(path, daily_backup=False).close()
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO employer (org_number, name, notes, centre_id) VALUES (?, ?, ?, 1)",
                     [(f"{i:09d}", f"{marker} {i}", marker * 250) for i in range(rows)])
    conn.commit()
    conn.close()
    return path


def damage_index_page(path: Path) -> None:
    """Garbage over the body of ``ix_employer_name``'s root page: the header and tables stay readable."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_employer_name'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    start = (root - 1) * page_size
    data[start + 8:start + page_size] = (bytes(range(256)) * (page_size // 256 + 1))[:page_size - 8]
    path.write_bytes(bytes(data))


_HOLD = """
import sys
from kpdesk.db.store import Store
store = Store.open(sys.argv[1])
print("klar", flush=True)
sys.stdin.read()
store.close()
print("lukket", flush=True)
"""


class Holder:
    """Another kpdesk process with the database open for writing, until told to stop or killed."""

    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _HOLD, str(db)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line == "klar", self.process.stderr.read() if self.process.stderr else line

    @property
    def pid(self) -> int:
        return self.process.pid

    def close(self) -> str:
        out, _ = self.process.communicate("", timeout=30)
        return out

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
