"""A course run's fields as people write them, and its rules: the moves between statuses, the
dates and numbers each status needs, completed ≤ participants, end ≥ start. Pure: no database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpdesk.common.codes import RUN_STATUSES
from kpdesk.common.fields import (
    Collector,
    FieldError,
    Problem,
    clean,
    code_parser,
    parse_date,
    parse_line,
    parse_ref,
)
from kpdesk.common.norsk import format_date
from kpdesk.offers.validation import parse_count, parse_credits, parse_price

# A class of 100 passing 60 studiepoeng each: credits passed are the whole class's together.
MAX_CREDITS_PASSED = Decimal(99_999)
MAX_COFUNDING_SOURCE = 200
RUN_REF_PREFIX = "G"

# planned → ordered → started → completed; every status but completed may be cancelled, and a
# cancelled run may be planned again. A run never goes back along the way (a mistake is corrected
# by cancelling and planning again, so the history tells what happened).
PATH = ("planned", "ordered", "started", "completed")
CANCELLABLE = frozenset({"planned", "ordered", "started"})
# statuses in which a run has started (its participants are counted)
STARTED = frozenset({"started", "completed"})

parse_run_status = code_parser(RUN_STATUSES, "status", "planned")


@dataclass(frozen=True, slots=True)
class RunData:
    """A run as entered: the offer by ref, the needs it serves by ref."""

    offer: str
    ref: str | None = None  # None: the next free "G0001"-style ref
    status: str = "planned"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    participants: int | None = None  # at start
    completed: int | None = None
    credits_passed: Decimal | None = None  # the whole class's studiepoeng passed
    needs: tuple[str, ...] = ()
    cofunding_source: str = ""
    cofunding_nok: int | None = None


def allowed_moves(old: str) -> tuple[str, ...]:
    """The statuses a run in ``old`` may go to (itself not included)."""
    if old == "cancelled":
        return ("planned",)
    if old not in PATH:
        return ()
    later = PATH[PATH.index(old) + 1:]
    return (*later, "cancelled") if old in CANCELLABLE else later


def status_choices(current: str) -> tuple[str, ...]:
    """The statuses a run in ``current`` may have after an edit: itself and its allowed moves, in
    the code list's order (what the form's status list offers); every status for a new run."""
    order = RUN_STATUSES.keys()
    if not current:
        return tuple(order)
    allowed = {current, *allowed_moves(current)}
    return tuple(key for key in order if key in allowed)


def transition_problem(old: str, new: str) -> str | None:
    """Why a run may not go from ``old`` to ``new``, or None."""
    if old == new or new in allowed_moves(old):
        return None
    moves = allowed_moves(old)
    if not moves:
        return (f"Statusen kan ikke endres fra «{RUN_STATUSES.label(old)}» til «{RUN_STATUSES.label(new)}»: "
                f"et gjennomført kurs er avsluttet")
    words = " eller ".join(f"«{RUN_STATUSES.label(m)}»" for m in moves)
    return (f"Statusen kan ikke endres fra «{RUN_STATUSES.label(old)}» til «{RUN_STATUSES.label(new)}»; "
            f"herfra kan den bare bli {words}")


def rule_problems(data: RunData) -> list[Problem]:
    """What the status, dates and numbers together forbid, by field."""
    found: list[Problem] = []
    status = RUN_STATUSES.label(data.status)
    if data.start_date and data.end_date and data.end_date < data.start_date:
        found.append(Problem("end_date", f"Sluttdatoen {format_date(data.end_date)} er før startdatoen "
                                         f"{format_date(data.start_date)}"))
    if data.status in STARTED:
        if data.start_date is None:
            found.append(Problem("start_date", f"{_a_run(data.status)} må ha startdato"))
        if data.participants is None:
            found.append(Problem("participants", f"{_a_run(data.status)} må ha antall deltakere ved start"))
    if data.status == "completed":
        if data.end_date is None:
            found.append(Problem("end_date", "Et gjennomført kurs må ha sluttdato"))
        if data.completed is None:
            found.append(Problem("completed", "Et gjennomført kurs må ha antall som fullførte (0 om ingen)"))
    else:
        for field, what in (("completed", "Antall som fullførte"), ("credits_passed", "Beståtte studiepoeng")):
            if getattr(data, field) is not None:
                found.append(Problem(field, f"{what} oppgis først når kurset er gjennomført, ikke "
                                            f"når det er {status}"))
    if data.participants is not None and data.completed is not None and data.completed > data.participants:
        found.append(Problem("completed", f"{data.completed} fullførte, men bare {data.participants} startet; "
                                          f"flere kan ikke fullføre enn som startet"))
    return found


def _a_run(status: str) -> str:
    """«Et startet kurs», «Et gjennomført kurs»: how the rules name a run by its status."""
    return f"Et {RUN_STATUSES.label(status)} kurs"


def date_warnings(data: RunData, today: dt.date) -> list[Problem]:
    """Warnings, not refusals: a run said to have started or ended on a day not yet come."""
    found: list[Problem] = []
    if data.status in STARTED and data.start_date is not None and data.start_date > today:
        found.append(Problem("start_date", f"Startdatoen {format_date(data.start_date)} er ennå ikke nådd; "
                                           f"har kurset virkelig startet?", warning=True))
    if data.status == "completed" and data.end_date is not None and data.end_date > today:
        found.append(Problem("end_date", f"Sluttdatoen {format_date(data.end_date)} er ennå ikke nådd; "
                                         f"er kurset virkelig gjennomført?", warning=True))
    return found


def parse_need_refs(text: str) -> tuple[str, ...]:
    """Need refs separated by commas or spaces ("B0001, B0002"), each once."""
    refs: list[str] = []
    for word in re.split(r"[,\s]+", clean(text)):
        if not word:
            continue
        ref = parse_ref(word)
        if ref and ref not in refs:
            refs.append(ref)
    return tuple(refs)


def _participants(text: str) -> int | None:
    return parse_count(text, "Antall deltakere")


def _completed(text: str) -> int | None:
    return parse_count(text, "Antall som fullførte")


def _credits_passed(text: str) -> Decimal | None:
    return parse_credits(text, MAX_CREDITS_PASSED)


def _required_offer(text: str) -> str:
    ref = parse_ref(text)
    if ref is None:
        raise FieldError("Kurstilbudet mangler: oppgi tilbudets referanse, for eksempel T0001")
    return ref


def validate_run(raw: Mapping[str, str | None]) -> tuple[RunData | None, list[Problem]]:
    """A run from raw text under the canonical column names, with its rules (``rule_problems``)."""
    get = Collector(raw)
    ref = get("ref", parse_ref)
    offer = get("offer", _required_offer)
    status = get("status", parse_run_status)
    start = get("start_date", parse_date)
    end = get("end_date", parse_date)
    participants = get("participants", _participants)
    completed = get("completed", _completed)
    credits_passed = get("credits_passed", _credits_passed)
    needs = get("needs", parse_need_refs)
    source = get("cofunding_source", parse_line, "Medfinansieringen", MAX_COFUNDING_SOURCE)
    amount = get("cofunding_nok", parse_price, "Medfinansieringen")
    if not get.ok:
        return None, get.problems
    data = RunData(offer, ref, status, start, end, participants, completed, credits_passed, needs or (),
                   source or "", amount)
    found = rule_problems(data)
    return (None if found else data), [*get.problems, *found]
