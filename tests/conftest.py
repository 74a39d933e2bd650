"""Hermetic tests: offscreen Qt, settings and logs in temp folders, a fresh database per test."""

from __future__ import annotations

import os

# Qt aborts the process (uncatchable) without a platform; setdefault misses an empty value.
if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("KPDESK_LOG_DIR", str(home / "logs"))
    monkeypatch.delenv("KPDESK_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database goes (not created yet)."""
    return tmp_path / "kpdesk.sqlite"


@pytest.fixture
def store(db_path: Path):
    """A fresh, migrated, empty database."""
    from kpdesk.db.store import Store

    opened = Store.open(db_path)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo database (one learning centre, seed 1), built once per test process: copy it
    before use (``demo``, ``tests/ui``'s ``demo_db``), never write to it."""
    from kpdesk.cli import main

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small demo database for one test module."""
    from support import copy_database

    return copy_database(demo_template, tmp_path_factory.mktemp("demo"))


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database on the test server that ``KPDESK_TEST_PG`` names (a URL:
    ``scripts/setup.sh test`` starts one with ``scripts/pg_server.sh``), dropped afterwards; the test
    is skipped where no server was given."""
    import uuid

    server = os.environ.get("KPDESK_TEST_PG", "")
    if not server:
        pytest.skip("ingen PostgreSQL-server for testene (KPDESK_TEST_PG)")
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
