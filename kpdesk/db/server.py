"""A region's shared register on a PostgreSQL server (issue 17): the engine, bringing the schema to
head through the same Alembic migrations as a file, and what a server that does not answer means
in bokmål.

Several coordinators use one server at once, so there is no lock file: transactions keep writes
apart, and a migration holds a PostgreSQL advisory lock so that two kpdesk opening an old schema
at the same moment do not both upgrade it. A password is never kept by kpdesk: libpq reads it from
``~/.pgpass`` or a service file (``PGSERVICE``), or from the URL as typed, and error messages name
the server by ``ServerAddress.shown`` (no password); SQL parameters are hidden from messages.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kpdesk.common.errors import UserError
from kpdesk.common.paths import ServerAddress

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
MIGRATION_LOCK = 0x6B706465736B  # "kpdesk": the advisory lock a migration holds
DRIVER = "postgresql+psycopg"
NO_ANSWER = ("connection refused", "could not connect", "timeout", "timed out", "could not translate host name",
             "name or service not known", "no route to host", "server closed the connection",
             "terminating connection", "connection is lost", "connection is closed",
             "the database system is shutting down", "the database system is starting up")
"""What the driver says (first line, lower case) when the server does not answer or went away."""


class ServerUnavailable(UserError):
    """The server does not answer, or the connection to it broke: trying again later may work (the
    window offers «Prøv igjen»). The message is the same sentence the command line prints."""


def create_server_engine(address: ServerAddress) -> Engine:
    """An engine on the server (psycopg 3), checked by one round trip: a UserError says why not."""
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(address.url).set(drivername=DRIVER)
        _ = url.port  # a port that is not a number fails here, not inside the driver
    except (ArgumentError, ValueError):
        raise UserError(f"«{address.shown}» er ikke en databaseadresse kpdesk kan lese. Skriv den som "
                        "postgresql://bruker@tjener:5432/database.") from None
    from importlib.util import find_spec

    if find_spec("psycopg") is None:  # said clearly here rather than as SQLAlchemy's ImportError
        raise UserError("kpdesk mangler PostgreSQL-driveren (psycopg). Installer kpdesk med tillegget "
                        "postgres: pip install 'kpdesk[postgres]'.")
    engine = create_engine(url, hide_parameters=True, pool_pre_ping=True,
                           connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "kpdesk"})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        engine.dispose()
        raise server_error(address, exc) from None
    return engine


def server_error(address: ServerAddress, exc: BaseException) -> UserError:
    """What went wrong with the server, in one sentence a coordinator can act on."""
    from sqlalchemy.exc import DBAPIError

    original = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    where = address.shown
    lowered = text.casefold()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return UserError(f"Databaseserveren godtok ikke innloggingen til {where}. Sjekk brukernavnet, og legg "
                         "passordet i ~/.pgpass (Windows: %APPDATA%\\postgresql\\pgpass.conf), ikke i kpdesk.")
    if "role" in lowered and "does not exist" in lowered:
        return UserError(f"Databaseserveren kjenner ikke brukeren i {where}. Sjekk brukernavnet, eller be den som "
                         "drifter serveren om å opprette brukeren.")
    if "does not exist" in lowered and "database" in lowered:
        return UserError(f"Databasen i {where} finnes ikke på serveren. Be den som drifter serveren om å "
                         "opprette den (createdb), eller rett navnet.")
    invalidated = isinstance(exc, DBAPIError) and exc.connection_invalidated
    if invalidated or any(words in lowered for words in NO_ANSWER):
        log.info("server does not answer: %s", text)  # the driver's English goes to the log, not the user
        return ServerUnavailable(f"Databaseserveren svarer ikke ({where}). Sjekk at du er koblet til "
                                 "nettverket og at serveren kjører, og prøv igjen.")
    return UserError(f"Databaseserveren {where} svarte med en feil: {text}.")


def is_server_trouble(exc: BaseException) -> bool:
    """An error that means the server went away (not a rule in kpdesk's data)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def migrate_server(engine: Engine, address: ServerAddress) -> None:
    """Bring the server's schema to head (creating it in an empty database), holding the migration
    lock; a schema from a newer kpdesk is refused and left as it is."""
    from kpdesk.db.migrate import head_revision, known_revisions, upgrade

    with engine.begin() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        revision = server_revision(conn)
        if revision == head_revision():
            return
        if revision is not None and revision not in known_revisions():
            raise UserError(f"Databasen i {address.shown} er laget av en nyere kpdesk (skjemaversjon {revision}). "
                            "Oppdater kpdesk før du åpner den.")
        log.info("migrating the server's schema from %s", revision or "empty")
        upgrade(conn)


def server_revision(conn: Connection) -> str | None:
    """The schema revision in ``alembic_version``; None in a database kpdesk has not set up."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def catch_up_sequences(session: Session) -> None:
    """After rows were written with their ids given (demo data, a copy between databases), move each
    table's id sequence past the highest id, as SQLite does by itself. Nothing on SQLite."""
    from sqlalchemy import Integer, text

    from kpdesk.db import models  # importing the models registers every table on the metadata

    if session.get_bind().dialect.name != "postgresql":
        return
    for table in models.Base.metadata.sorted_tables:
        key = table.c.get("id")
        if key is None or not key.primary_key or not isinstance(key.type, Integer):
            continue
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                             f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
