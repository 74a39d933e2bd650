"""Subcommands of ``kpdesk``; see ``kpdesk.cli`` for the shape each module follows.

``date_option`` and ``week_option`` read every date and week a command is given, through the one
pair of parsers in ``kpdesk.common.norsk`` (formats and the 1900–2100 range), so a wrong value
stops each command the same way: a Norwegian sentence naming the option, exit code 1.

``add_centre_option`` and ``centre_option`` are how a command learns the coordinator's own centre:
--centre NAVN, else $KPDESK_CENTRE, else (in a database of one centre) that one.

``database`` and ``open_database`` are how every command finds and opens its database: --db or
$KPDESK_DB, a file or a ``postgresql://`` server, and a missing file said the same way everywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from kpdesk.common.errors import UserError

if TYPE_CHECKING:
    from kpdesk.common.paths import Location
    from kpdesk.db.store import Store

_T = TypeVar("_T")


def date_option(text: str, option: str) -> dt.date:
    """The date an option gives (dd.mm.åååå or åååå-mm-dd); UserError «--date: …» otherwise."""
    from kpdesk.common.norsk import parse_date

    return _parsed(parse_date, text, option)


def week_option(text: str, option: str) -> tuple[int, int]:
    """(ISO year, ISO week) from an option's '2027-W20' or '20/2027'; UserError «--week: …» otherwise."""
    from kpdesk.common.norsk import parse_week

    return _parsed(parse_week, text, option)


def _parsed(parse: Callable[[str], _T], text: str, option: str) -> _T:
    try:
        return parse(text)
    except ValueError as exc:
        raise UserError(f"{option}: {exc}.") from None


def add_centre_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--centre NAVN``: the coordinator's own centre; the default is $KPDESK_CENTRE (``centre_option``)."""
    parser.add_argument("--centre", metavar="NAVN", default=None, help=f"{help_text} (standard: $KPDESK_CENTRE; "
                                                                       "i en database med ett senter, det)")


def centre_option(value: str | None) -> str | None:
    """The coordinator's centre as --centre or $KPDESK_CENTRE names it; None when neither does."""
    import os

    chosen = value if value is not None else os.environ.get("KPDESK_CENTRE")
    return chosen.strip() or None if chosen else None


def database(db: str | None, *, must_exist: bool = True) -> Location:
    """The database --db (or $KPDESK_DB, or the data folder's file) names; a file that must exist
    and does not is a UserError. A server is asked when it is opened."""
    from pathlib import Path

    from kpdesk.common.paths import resolve_location

    location = resolve_location(db)
    if must_exist and isinstance(location, Path) and not location.exists():
        raise UserError(f"{location} finnes ikke.")
    return location


def open_database(db: str | None, *, must_exist: bool = True, read_only: bool = False, migrate: bool = True,
                  daily_backup: bool = True) -> Store:
    """``database`` opened (``Store.open``)."""
    from kpdesk.db.store import Store

    return Store.open(database(db, must_exist=must_exist), read_only=read_only, migrate=migrate,
                      daily_backup=daily_backup)
