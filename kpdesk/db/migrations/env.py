"""Alembic environment: runs on the connection kpdesk hands it (``config.attributes``)."""

from __future__ import annotations

from alembic import context

from kpdesk.db import models  # noqa: F401  (registers every table on Base.metadata)
from kpdesk.db.base import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things in place
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
