"""Schema revisions: which one a file is at, and bringing it to head."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

log = logging.getLogger(__name__)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> list[str]:
    """All revisions this kpdesk knows, oldest first.

    Read from the file names (``NNNN_slug.py``, revision id ``NNNN``) so that opening a file
    does not import Alembic; a test checks that Alembic sees the same chain.
    """
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]


def alembic_chain() -> list[str]:
    """The revision chain as Alembic walks it, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]



def upgrade(connection: Connection, target: str = "head") -> None:
    from alembic import command

    log.info("migrating the schema to %s", target)
    command.upgrade(alembic_config(connection), target)
