"""Deterministic demo data: one Helgeland learning centre (``small``) or all of Nordland (``regional``).

Every choice comes from ``random.Random(seed)`` and every date from the fixed spring 2027 term
(``DEMO_TODAY``), never from the clock, so one seed always gives the same rows. The rows are
built in memory (``build``) and written with bulk inserts in the caller's one transaction
(``generate``): the regional scale is about 150 000 rows and is a benchmark fixture.

Individuals (``person``, with a consent each: some not to statistics, some not to contact) and
their needs, and community needs of municipalities and regions («Sykepleiere i Rødøy: 5 innen
2030»), are added last, after every other row, so the rest of a seed's data is the same as before
they existed.

Needs and offers are written from one topic catalogue (``catalogue.TOPICS``), so matching finds
the fitting offers; a few topics have no offer at all, so some needs stay unmet. Bookings are
placed on a half-hour grid per room and day (``builder.RoomGrid``), so no two active bookings in
a room overlap, counting the 30 minutes candidates arrive before an exam.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpdesk.common.errors import UserError
from kpdesk.demo.builder import DEMO_TODAY, TABLES, DemoBuilder, norwegian_holidays
from kpdesk.demo.catalogue import SMALL_CENTRE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kpdesk.admin.database_summary import Summary
    from kpdesk.common.paths import ServerAddress

__all__ = ["DATA_TABLES", "DEMO_TODAY", "SCALES", "build", "create_demo", "data_counts", "generate",
           "norwegian_holidays"]

SCALES = ("small", "regional")
# Tables that must be empty before demo data goes in; providers and equipment are merged by name.
DATA_TABLES = ("employer", "contact_person", "person", "need", "offer", "room", "booking_series", "booking")
_LABELS = {"employer": ("arbeidsgiver", "arbeidsgivere"), "contact_person": ("kontaktperson", "kontaktpersoner"),
           "person": ("person", "personer"),
           "need": ("behov", "behov"), "offer": ("kurstilbud", "kurstilbud"), "room": ("rom", "rom"),
           "booking_series": ("bookingserie", "bookingserier"), "booking": ("booking", "bookinger")}
_LINK_TABLES = ("room_equipment", "booking_equipment", "course_run_need", "course_run_booking")


def build(scale: str = "small", seed: int = 1, **existing: Any) -> DemoBuilder:
    """All rows of a demo dataset, in memory. ``existing`` passes ids already used in a database."""
    from kpdesk.demo.runs import add_runs
    from kpdesk.demo.scales import build_regional, build_small

    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}")
    builder = DemoBuilder(seed, **existing)
    (build_small if scale == "small" else build_regional)(builder)
    add_runs(builder)
    return builder


def generate(session: Session, *, scale: str = "small", seed: int = 1) -> None:
    """Write a demo dataset into an empty database, inside the caller's transaction."""
    from sqlalchemy import insert, text

    from kpdesk.db import models
    from kpdesk.db.server import catch_up_sequences
    from kpdesk.demo.centres import demo_centres, first_municipalities, place_in_centres

    counts = _counts(lambda sql: session.execute(text(sql)).scalar_one())
    if any(counts.values()):  # said as for a file: what is there, and that nothing was changed
        raise UserError(f"Databasen har allerede data ({_held(counts)}). Demodata legges bare i en ny eller tom "
                        "database, så den er ikke endret.")
    first_ids = {t: session.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {t}")).scalar_one()
                 for t in TABLES if t not in _LINK_TABLES}
    providers: dict[str, int] = dict(session.execute(text("SELECT name, id FROM provider")).all())
    equipment: dict[str, int] = dict(session.execute(text("SELECT name, id FROM equipment")).all())
    builder = build(scale, seed, first_ids=first_ids, providers=providers, equipment=equipment)
    place_in_centres(builder, demo_centres(session, scale), first_municipalities(session))
    targets = {table.name: table for table in models.Base.metadata.sorted_tables}
    for table in TABLES:
        rows = builder.rows[table]
        if not rows:
            continue
        if any(key.startswith("_") for key in rows[0]):  # the builder's own notes
            rows = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
        # Core executemany on the table: every row has every column, so all rows go in one batch.
        session.execute(insert(targets[table]), rows)
    catch_up_sequences(session)  # the rows came with their ids (PostgreSQL: move the sequences on)
    _write_centre(session, scale, seed)


def _write_centre(session: Session, scale: str, seed: int) -> None:
    """The centre's own details (unless already filled in) and settings saying what this file is."""
    from sqlalchemy import select

    from kpdesk.db.models import CentreProfile, Setting

    centre = SMALL_CENTRE if scale == "small" else SMALL_CENTRE.regional()
    profile = session.scalars(select(CentreProfile).order_by(CentreProfile.id)).first()
    if profile is None:
        profile = CentreProfile()
        session.add(profile)
    if not profile.name:
        profile.name, profile.address, profile.phone = centre.name, centre.address, centre.phone
        profile.email, profile.web, profile.coordinator = centre.email, centre.web, centre.coordinator
    for key, value in (("demo_scale", scale), ("demo_seed", str(seed)), ("demo_today", DEMO_TODAY.isoformat())):
        session.merge(Setting(key=key, value=value))


def _counts(scalar: Any) -> dict[str, int]:
    return {table: scalar(f"SELECT count(*) FROM {table}") for table in DATA_TABLES}


def _held(counts: dict[str, int]) -> str:
    """«7 arbeidsgivere, 15 behov»: the data tables that hold rows."""
    from kpdesk.common.norsk import group_thousands

    return ", ".join(f"{group_thousands(n)} {_LABELS[t][n != 1]}" for t, n in counts.items() if n)


def data_counts(path: Path) -> dict[str, int]:
    """Rows in the data tables of an existing SQLite file, read without changing anything.

    Without a write-ahead log beside the file it is opened as immutable: a plain read-only
    connection to a WAL database would leave empty -wal and -shm files behind.
    """
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "immutable=1"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)

    def scalar(sql: str) -> int:
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:  # a file whose schema does not have the table yet
            return 0

    try:
        return _counts(scalar)
    finally:
        conn.close()


def _refuse_if_used(path: Path) -> None:
    """Refuse a file that holds data before anything (Store.open, its checks) touches it."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        counts = data_counts(path)
    except sqlite3.DatabaseError:
        return  # not a readable database: Store.open says what is wrong with it
    if any(counts.values()):
        example = path.with_name(f"{path.stem}-demo{path.suffix or '.sqlite'}")
        raise UserError(f"{path} har allerede data ({_held(counts)}). Demodata legges bare i en ny eller tom database, "
                        f"så filen er ikke endret. Oppgi en ny fil, for eksempel {example}.")


def create_demo(path: Path | ServerAddress, *, scale: str = "small", seed: int = 1) -> Summary:
    """Create a kpdesk database at ``path`` (or fill an empty one) with demo data.

    A file that already holds data is refused and left byte for byte as it was: it is read
    read-only before anything opens it for writing. If generating fails, nothing is written, and a
    file this call created is removed again. On a server (``ServerAddress``) the database must be
    empty of data too; generating is one transaction there, so a failure leaves nothing behind.
    """
    from kpdesk.admin.database_summary import summarise
    from kpdesk.common.paths import ServerAddress
    from kpdesk.db.store import Store

    if isinstance(path, ServerAddress):
        store = Store.open(path)
        try:
            store.transaction(lambda session: generate(session, scale=scale, seed=seed))
            return store.transaction(summarise)
        finally:
            store.close()
    _refuse_if_used(path)
    created = not path.exists()
    store = None
    try:
        store = Store.open(path)
        with store.session() as session:
            generate(session, scale=scale, seed=seed)
        with store.session() as session:
            return summarise(session)
    except BaseException:
        if store is not None:
            store.close()
        if created:
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        if store is not None:
            store.close()
