"""Alembic environment: runs on the connection kpdesk hands it (``config.attributes``)."""

from __future__ import annotations

from alembic import context

from kpdesk.db import models

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=models.Base.metadata,  # importing models registers every table on it
    render_as_batch=True,  # SQLite cannot ALTER most things in place
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
