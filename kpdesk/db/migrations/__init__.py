"""Alembic migrations, shipped inside the package and run in code (no alembic.ini)."""
