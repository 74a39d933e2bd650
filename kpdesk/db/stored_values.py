"""Dates and times as a raw read gives them back: ISO text from SQLite (columns read as text with
``type_coerce(column, String)``, several times faster than SQLAlchemy's own date processing on
16 000 rows), ``date``/``datetime`` objects from PostgreSQL's driver. One reading for both."""

from __future__ import annotations

import datetime as dt

_date = dt.date.fromisoformat
_datetime = dt.datetime.fromisoformat


def stored_date(value: str | dt.date) -> dt.date:
    """A DATE column's value read raw (ISO text or a date)."""
    return _date(value) if isinstance(value, str) else value


def stored_datetime(value: str | dt.datetime) -> dt.datetime:
    """A DATETIME column's value read raw (ISO text or a datetime)."""
    return _datetime(value) if isinstance(value, str) else value
