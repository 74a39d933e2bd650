"""The employers list from one SQL text: through the store, and read early with plain sqlite3."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from support import sqlite_only

from kpdesk.register import service as register
from kpdesk.register.employer_list import read_early
from kpdesk.register.validation import ContactData, EmployerData, NeedData


def seed(store) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        parent = register.save_employer(s, EmployerData("974760673", "Øksnes kommune", "1868", "84.110"))
        register.save_employer(s, EmployerData("935112346", "Alstahaug sykehjem", "1820", "87.101"))
        register.save_employer(s, EmployerData("968812343", "Aasen Fisk AS", parent_org_number="974760673"))
        register.save_need(s, NeedData("974760673", "Sveising", ref="N1", headcount=3))
        register.save_need(s, NeedData("974760673", "Truck", ref="N2", status="closed"))
        register.save_contact(s, parent, ContactData("Kari Nordmann", email="kari@example.no"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@sqlite_only("the early read opens the file with plain sqlite3")
def test_the_early_read_gives_the_registers_rows(store, db_path: Path) -> None:
    seed(store)
    with store.session() as s:
        through_store = register.list_employers(s)
        one = register.get_employer(s, through_store[-1].id)
    early = read_early(db_path)
    assert early == through_store
    assert [r.name for r in early] == ["Aasen Fisk AS", "Alstahaug sykehjem", "Øksnes kommune"]  # Ø after A
    øksnes = early[-1]
    assert (øksnes.needs, øksnes.open_needs, øksnes.contacts, øksnes.municipality_name) == (2, 1, 1, "Øksnes")
    assert early[0].parent_name == "Øksnes kommune"
    assert one == øksnes  # one employer, counted over its own needs and contacts


@sqlite_only("the early read opens the file with plain sqlite3")
def test_the_early_read_writes_nothing_and_leaves_no_side_files(store, db_path: Path) -> None:
    seed(store)
    store.close()
    before = digest(db_path)
    siblings = sorted(p.name for p in db_path.parent.iterdir())
    assert read_early(db_path) is not None
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings


def test_the_early_read_gives_way_when_the_file_is_not_ready(tmp_path: Path) -> None:
    from kpdesk.db.inspection import APPLICATION_ID
    from kpdesk.db.migrate import known_revisions

    missing = tmp_path / "missing.sqlite"
    assert read_early(missing) is None and not missing.exists()
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE employer (id INTEGER)").connection.close()
    assert read_early(other) is None  # another program's database
    older = tmp_path / "older.sqlite"
    conn = sqlite3.connect(older)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    conn.execute("INSERT INTO alembic_version VALUES (?)", (known_revisions()[0],))
    conn.commit()
    conn.close()
    assert read_early(older) is None  # the store migrates it first; then the list is read
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert read_early(garbage) is None
