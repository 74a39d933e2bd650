"""Hermetic tests: offscreen Qt, settings and logs in temp folders, a fresh database per test."""

from __future__ import annotations

import os

# Qt aborts the process (uncatchable) without a platform; setdefault misses an empty value.
if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ON_POSTGRES

from kpdesk.common.paths import Location, ServerAddress


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("KPDESK_LOG_DIR", str(home / "logs"))
    monkeypatch.delenv("KPDESK_DB", raising=False)


@pytest.fixture(autouse=True)
def _drop_made_databases() -> Iterator[None]:
    """On the PostgreSQL leg: drop the databases the test made (``new_location``, ``copy_database``)."""
    if not ON_POSTGRES:
        yield
        return
    from support import made_here, pg_server

    before = len(made_here)
    yield
    while len(made_here) > before:
        pg_server().drop(made_here.pop())


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("sqlite_only")
    if marker is None:
        return
    if len(marker.args) != 1 or not str(marker.args[0]).strip():
        raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs its reason, in one line")
    if ON_POSTGRES:
        pytest.skip(f"bare SQLite: {marker.args[0]}")


@pytest.fixture(scope="session", autouse=True)
def _test_server() -> Iterator[None]:
    """On the PostgreSQL leg: the databases the session kept on the test server (templates) are
    dropped when it ends."""
    yield
    if ON_POSTGRES:
        from support import pg_server

        pg_server().close()


@pytest.fixture
def db_path(tmp_path: Path) -> Location:
    """Where a test's database goes: a file not created yet, or on the PostgreSQL leg a database on
    the test server with kpdesk's empty tables (``support.new_location``)."""
    from support import new_location

    return new_location(tmp_path)


@pytest.fixture
def store(db_path: Location):
    """A fresh, migrated, empty database."""
    from kpdesk.db.store import Store

    opened = Store.open(db_path)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Location]:
    """The small demo database (one learning centre, seed 1), built once per test process: copy it
    before use (``demo``, ``tests/ui``'s ``demo_db``), never write to it. On the PostgreSQL leg a
    database on the test server, copied with ``support.copy_database``."""
    from support import pg_server

    from kpdesk.cli import main

    location: Location = tmp_path_factory.mktemp("demo-template") / "demo.sqlite"
    if ON_POSTGRES:
        location = pg_server().create()
    assert main(["demo", "--db", location.url if isinstance(location, ServerAddress) else str(location)]) == 0
    yield location
    if isinstance(location, ServerAddress):
        pg_server().drop(location)


@pytest.fixture(scope="module")
def demo(demo_template: Location, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Location]:
    """A copy of the small demo database for one test module."""
    from support import pg_server

    if isinstance(demo_template, ServerAddress):
        copy = pg_server().create(demo_template)
        yield copy
        pg_server().drop(copy)
        return
    from support import copy_database

    yield copy_database(demo_template, tmp_path_factory.mktemp("demo"))


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database on the test server that ``KPDESK_TEST_PG`` names (a URL:
    ``scripts/setup.sh test`` starts one with ``scripts/pg_server.sh``), dropped afterwards; the test
    is skipped where no server was given, and on the PostgreSQL leg (it ran on the first)."""
    import uuid

    server = os.environ.get("KPDESK_TEST_PG", "")
    if not server:
        pytest.skip("ingen PostgreSQL-server for testene (KPDESK_TEST_PG)")
    if ON_POSTGRES:  # a test that sets a file beside the server gives the same answer on either leg
        pytest.skip("compares a file with the server: run once, on the SQLite leg")
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"kpdesk_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
