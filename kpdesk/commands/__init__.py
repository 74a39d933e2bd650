"""Subcommands of ``kpdesk``; see ``kpdesk.cli`` for the shape each module follows.

``date_option`` and ``week_option`` read every date and week a command is given, through the one
pair of parsers in ``kpdesk.common.norsk`` (formats and the 1900–2100 range), so a wrong value
stops each command the same way: a Norwegian sentence naming the option, exit code 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from kpdesk.common.errors import UserError

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
