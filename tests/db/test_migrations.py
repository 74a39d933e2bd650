"""Migrations: the chain, a fresh database, an upgrade with data, refusal of a newer file."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import URL, create_engine, inspect, select, text

from kpdesk.common import reference
from kpdesk.common.errors import UserError
from kpdesk.db import migrate
from kpdesk.db.backup import list_backups
from kpdesk.db.base import Base
from kpdesk.db.inspection import APPLICATION_ID, inspect_file
from kpdesk.db.migrate import alembic_chain, alembic_config, head_revision, known_revisions, upgrade
from kpdesk.db.models import Region
from kpdesk.db.store import Store

TABLES_0001 = (
    "audit_entry", "booking", "booking_equipment", "booking_series", "centre_profile", "contact_person",
    "employer", "equipment", "match_decision", "need", "need_status_change", "offer", "offer_session",
    "provider", "room", "room_equipment", "setting", "thesaurus_term",
)

DATA_0001 = """
INSERT INTO employer (id, org_number, name, municipality, industry, may_be_named, notes, source)
    VALUES (1, '983974899', 'Nordlandssykehuset HF', '1804', '86.101', 1, 'Hovedenhet', 'brreg');
INSERT INTO employer (id, org_number, name, parent_id, municipality, industry)
    VALUES (2, '974795361', 'Nordlandssykehuset Vesterålen', 1, '1870', '86.101');
INSERT INTO employer (id, org_number, name, municipality) VALUES (3, '988077917', 'Hamarøy kommune', '1875');
INSERT INTO contact_person (id, employer_id, name, role, email, phone, legal_basis, registered_on)
    VALUES (1, 1, 'Kari Nordmann', 'HR-rådgiver', 'kari@example.no', '75555000', 'samtykke', '2026-09-01');
INSERT INTO need (id, ref, employer_id, title, description, headcount, level, formats, earliest_start,
                  latest_start, priority, status, status_changed_on, funding_note)
    VALUES (1, 'B-2026-001', 1, 'Videreutdanning i psykisk helse', 'Desentralisert, Bodø', 6, 'bachelor',
            'sessions,online', '2027-01-15', '2027-08-15', 'high', 'mapped', '2026-10-02', 'Kompetanseløftet');
INSERT INTO need (id, ref, employer_id, title, headcount, status, status_changed_on)
    VALUES (2, 'B-2026-002', 3, 'Fagbrev helsearbeider', 3, 'new', '2026-10-05');
INSERT INTO need_status_change (need_id, status, changed_on) VALUES (1, 'new', '2026-09-20');
INSERT INTO need_status_change (need_id, status, changed_on) VALUES (1, 'mapped', '2026-10-02');
INSERT INTO provider (id, name, kind, web) VALUES (1, 'Nord universitet', 'university', 'https://www.nord.no');
INSERT INTO offer (id, ref, provider_id, title, credits, credit_system, level, format, municipality, start_date,
                   end_date, application_deadline, seats_min, seats_max, price_nok)
    VALUES (1, 'T-001', 1, 'Psykisk helsearbeid', 30.0, 'uh', 'bachelor', 'sessions', '1804', '2027-01-15',
            '2027-12-15', '2026-12-01', 10, 30, 12500);
INSERT INTO offer_session (id, offer_id, starts_at, ends_at, title)
    VALUES (1, 1, '2027-01-15 09:00:00', '2027-01-15 15:30:00', 'Samling 1');
INSERT INTO match_decision (need_id, offer_id, decision, note, decided_at)
    VALUES (1, 1, 'accepted', 'God match', '2026-10-10 12:00:00');
INSERT INTO thesaurus_term (group_key, term) VALUES ('helse', 'helsefag'), ('helse', 'sykepleie');
INSERT INTO equipment (id, name) VALUES (1, 'Videokonferanse'), (2, 'Projektor');
INSERT INTO room (id, name, capacity, opens_at, closes_at) VALUES (1, 'Storsalen', 40, '08:00:00', '16:00:00');
INSERT INTO room_equipment (room_id, equipment_id) VALUES (1, 1), (1, 2);
INSERT INTO booking_series (id, room_id, title, kind, rrule, first_start, duration_minutes)
    VALUES (1, 1, 'Samlinger', 'session', 'FREQ=WEEKLY;COUNT=4', '2027-01-15 09:00:00', 390);
INSERT INTO booking (id, room_id, series_id, recurrence_start, title, kind, starts_at, ends_at, offer_id,
                     offer_session_id, arrival_buffer_minutes)
    VALUES (1, 1, 1, '2027-01-15 09:00:00', 'Samling 1', 'session', '2027-01-15 09:00:00',
            '2027-01-15 15:30:00', 1, 1, 15);
INSERT INTO booking_equipment (booking_id, equipment_id) VALUES (1, 1);
INSERT INTO centre_profile (id, name, coordinator, logo_png) VALUES (1, 'Studiesenteret Bodø', 'Ola', X'89504E47');
INSERT INTO setting (key, value) VALUES ('retention_months', '36');
INSERT INTO audit_entry (at, user, action, entity, entity_id, field, old_value, new_value)
    VALUES ('2026-10-02 10:00:00', 'ola', 'update', 'need', 1, 'status', 'new', 'mapped');
"""


def new_kpdesk_file(path: Path) -> None:
    """An empty file with kpdesk's header, in WAL mode, as Store.open starts one."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def build_at(path: Path, revision: str, data: str = "") -> Path:
    new_kpdesk_file(path)
    engine = create_engine(URL.create("sqlite", database=str(path)))
    with engine.begin() as conn:
        upgrade(conn, revision)
    engine.dispose()
    if data:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(data)
        conn.commit()
        conn.close()
    return path


def dump(path: Path, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    finally:
        conn.close()


# ---------------------------------------------------------------- the chain


def test_known_revisions_are_the_chain_alembic_walks() -> None:
    assert known_revisions() == alembic_chain()
    assert known_revisions()[:2] == ["0001", "0002"]
    assert head_revision() == known_revisions()[-1]


def test_migration_files_are_named_by_their_revision() -> None:
    for path in (migrate.MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"):
        source = path.read_text(encoding="utf-8")
        assert f'revision = "{path.name[:4]}"' in source, path.name


# ---------------------------------------------------------------- a fresh database


def test_fresh_database_matches_the_models(store: Store) -> None:
    """A model change without a migration fails here."""
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()


def test_fresh_database_has_every_table(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_regions_are_seeded_with_nordland_municipalities(store: Store) -> None:
    with store.session() as session:
        regions = {r.name: [m.municipality for m in r.municipalities] for r in session.scalars(select(Region))}
    assert set(regions) == {"Salten", "Helgeland", "Helgelandsrådet", "Polarsirkelrådet", "Ofoten", "Lofoten",
                            "Vesterålen"}
    assert len(regions["Salten"]) == 10
    assert "1875" in regions["Salten"]  # Hamarøy
    assert "1836" in regions["Salten"] and "1836" in regions["Helgeland"]  # Rødøy: both, by definition
    nordland = {m.number for m in reference.municipalities() if m.county_number == "18"}
    for name, numbers in regions.items():
        assert numbers == sorted(numbers), name  # ordered relationship
        assert set(numbers) <= nordland, name
    assert set(regions["Helgelandsrådet"]) | set(regions["Polarsirkelrådet"]) <= set(regions["Helgeland"])
    everything = set().union(*regions.values())
    assert everything == nordland  # every Nordland municipality is in some region


@pytest.mark.sqlite_only("the chain on a file's own engine (a server: test_postgres_schema)")
def test_downgrade_and_upgrade_again(db_path: Path) -> None:
    build_at(db_path, "head")
    engine = create_engine(URL.create("sqlite", database=str(db_path)))
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0001")
        assert "region" not in inspect(engine).get_table_names()
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        with engine.begin() as conn:
            upgrade(conn)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


# ---------------------------------------------------------------- upgrading a 0001 database with data


@pytest.mark.sqlite_only("a 0001 file written with sqlite3, upgraded, its copy in the backups folder")
def test_upgrade_from_0001_keeps_the_data_seeds_regions_and_saves_a_copy(db_path: Path) -> None:
    build_at(db_path, "0001", DATA_0001)
    assert inspect_file(db_path).revision == "0001"
    before = dump(db_path, TABLES_0001)
    assert all(before.values()), [t for t, rows in before.items() if not rows]  # every table has rows

    opened = Store.open(db_path)
    try:
        assert opened.revision() == head_revision()
        with opened.session() as session:
            assert session.scalar(select(Region.id).where(Region.name == "Salten")) is not None
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        opened.close()

    after = dump(db_path, TABLES_0001)  # later revisions add columns at the end of some tables
    assert {t: [row[:len(before[t][0])] for row in rows] for t, rows in after.items()} == before
    # the copy saved before upgrading is in backups/ (issue 7), named by kpdesk.db.backup
    copies = [b.path for b in list_backups(db_path) if b.reason == "before-migration"]
    assert len(copies) == 1
    copy = copies[0]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert inspect_file(copy).revision == "0001"  # a kpdesk database in its own right
    assert dump(copy, TABLES_0001) == before
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'region'").fetchone() == (0,)
    finally:
        conn.close()


def head_with_data_0001(path: Path) -> None:
    """DATA_0001 as every migration since leaves it (it has no centres: 0009 gives it one)."""
    build_at(path, "0001", DATA_0001)
    engine = create_engine(URL.create("sqlite", database=str(path)))
    with engine.begin() as connection:
        upgrade(connection)
    engine.dispose()


@pytest.mark.sqlite_only("a newer file refused and left byte for byte")
def test_newer_database_is_refused_and_left_byte_for_byte(db_path: Path) -> None:
    head_with_data_0001(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    data, mtime = db_path.read_bytes(), db_path.stat().st_mtime_ns
    with pytest.raises(UserError, match="nyere kpdesk") as raised:
        Store.open(db_path)
    assert "9999" in str(raised.value)
    assert db_path.read_bytes() == data
    assert db_path.stat().st_mtime_ns == mtime
    assert list_backups(db_path) == []


# ---------------------------------------------------------------- how future migrations run

REVISIONS = known_revisions()
HEAD = REVISIONS[-1]
NEXT = f"{int(HEAD) + 1:04d}"  # a migration added only inside these tests

MIGRATION_HEADER = '''
import sqlalchemy as sa
from alembic import op

revision = "{next}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def downgrade() -> None:
    pass

'''


@pytest.fixture
def with_migration_0003(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a 0003 migration (in a copy of the migrations folder) for one test."""

    def install(upgrade_body: str) -> None:
        folder = tmp_path / "migrations"
        shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
        body = textwrap.indent(textwrap.dedent(upgrade_body), "    ")
        source = MIGRATION_HEADER.format(next=NEXT, head=HEAD) + "def upgrade() -> None:\n" + body
        (folder / "versions" / f"{NEXT}_test.py").write_text(source, encoding="utf-8")
        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
        assert known_revisions() == alembic_chain() == [*REVISIONS, NEXT]

    return install


@pytest.mark.sqlite_only("SQLite's batch migrations and its foreign_keys pragma")
def test_a_batch_migration_of_a_parent_table_keeps_rows_that_refer_to_it(db_path: Path, with_migration_0003) -> None:
    # SQLite rebuilds the table (copy, DROP, rename); with foreign keys on, the DROP would
    # cascade-delete every contact person and need.
    head_with_data_0001(db_path)
    before = dump(db_path, TABLES_0001)
    with_migration_0003("""
        with op.batch_alter_table("employer", recreate="always") as batch_op:
            batch_op.add_column(sa.Column("homepage", sa.String(300), nullable=True))
    """)
    opened = Store.open(db_path)
    try:
        assert opened.revision() == NEXT
        with opened.session() as session:
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1  # on again afterwards
            assert session.execute(text("SELECT count(*) FROM contact_person")).scalar() == 1
    finally:
        opened.close()
    after = dump(db_path, TABLES_0001)
    assert {t: rows for t, rows in after.items() if t != "employer"} == {
        t: rows for t, rows in before.items() if t != "employer"}
    assert [row[:-1] for row in after["employer"]] == before["employer"]  # same rows, one new column


@pytest.mark.sqlite_only("SQLite's batch migrations and its foreign_keys pragma")
def test_a_migration_that_breaks_references_is_rolled_back(db_path: Path, with_migration_0003) -> None:
    head_with_data_0001(db_path)
    before = dump(db_path, TABLES_0001)
    with_migration_0003("""
        op.create_table("scratch", sa.Column("id", sa.Integer(), primary_key=True))
        op.execute("DELETE FROM employer WHERE id = 1")
    """)
    with pytest.raises(UserError, match="brutte referanser") as raised:
        Store.open(db_path)
    assert "uendret" in str(raised.value)
    assert inspect_file(db_path).revision == HEAD
    assert dump(db_path, TABLES_0001) == before
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'").fetchone() == (0,)
    finally:
        conn.close()


@pytest.mark.sqlite_only("SQLite's batch migrations and its foreign_keys pragma")
def test_references_broken_before_the_upgrade_do_not_block_it(db_path: Path) -> None:
    # made with foreign keys off, outside kpdesk; `kpdesk check` reports these, the upgrade must not refuse
    build_at(db_path, "0001", DATA_0001)
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO contact_person (employer_id, name) VALUES (999, 'Foreldreløs')")
    conn.commit()
    conn.close()
    opened = Store.open(db_path)
    try:
        assert opened.revision() == head_revision()
        with opened.session() as session:
            assert len(session.execute(text("PRAGMA foreign_key_check")).all()) == 1
    finally:
        opened.close()


@pytest.mark.sqlite_only("a failed upgrade of a file, its copy in the backups folder")
def test_a_failing_migration_leaves_the_database_as_it_was(db_path: Path, with_migration_0003) -> None:
    head_with_data_0001(db_path)
    before = dump(db_path, TABLES_0001)
    with_migration_0003("""
        op.add_column("setting", sa.Column("scope", sa.String(20), nullable=True))
        op.execute("INSERT INTO setting (key, value) VALUES ('retention_months', 'duplikat')")
    """)
    with pytest.raises(UserError, match="mislyktes"):
        Store.open(db_path)
    assert inspect_file(db_path).revision == HEAD
    assert dump(db_path, TABLES_0001) == before
    # the copy saved before the attempt is still there for the coordinator
    assert [b.reason for b in list_backups(db_path)] == ["before-migration"]
