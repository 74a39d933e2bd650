"""Rooms as CSV (``name;capacity;equipment;notes``, and ``opens_at;closes_at;site;centre`` when present).

A name that is already there updates that room; equipment names not on the list are added to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.booking.rooms import ROOM, RoomData, get_room, save_room, validate_room
from kpdesk.common import csvfile
from kpdesk.common.norsk import fold
from kpdesk.db.models import Equipment, Room
from kpdesk.transfer.base import ImportPlan, ImportProblem, ImportResult, Kind, stale
from kpdesk.transfer.centres import CENTRE_ALIASES, CENTRE_COLUMN, CentreCells

ROOM_COLUMNS = ("name", "capacity", "equipment", "notes")
_OPTIONAL = ("opens_at", "closes_at", "site", CENTRE_COLUMN)
_ALIASES = {"navn": "name", "rom": "name", "romnavn": "name", "kapasitet": "capacity", "plasser": "capacity",
            "utstyr": "equipment", "notat": "notes", "notater": "notes", "merknad": "notes",
            "åpner": "opens_at", "åpningstid": "opens_at", "stenger": "closes_at", "stengetid": "closes_at",
            "sted": "site", "lokasjon": "site", **CENTRE_ALIASES}
# Room fields a header column controls on update (an absent column keeps the database value).
_ROOM_FIELDS = ("capacity", "equipment", "notes", "opens_at", "closes_at", "site")


@dataclass(frozen=True, slots=True)
class PlannedRoom:
    line: int
    action: str  # "create" | "update"
    data: RoomData
    target_id: int | None = None


def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    existing = {fold(" ".join(name.split())): id_ for id_, name in session.execute(select(Room.id, Room.name))}
    equipment = {fold(name): name for name in session.execute(select(Equipment.name)).scalars()}
    seen: dict[str, int] = {}
    centres = CentreCells(session, plan)
    for row in table:
        data, found = validate_room(row.values)
        plan.problems.extend(ImportProblem(row.line, p.field, p.message, p.warning) for p in found)
        if data is None:
            continue
        plan.problems.extend(_new_equipment(row.line, data.equipment, equipment))
        key = fold(" ".join(data.name.split()))
        if key in seen:
            plan.problems.append(ImportProblem(row.line, "name", f"Rommet «{data.name}» står også på linje "
                                                                 f"{seen[key]}"))
            continue
        seen[key] = row.line
        target = existing.get(key)
        if centres.take(row.line, row.values.get(CENTRE_COLUMN), target is None):
            plan.rows.append(PlannedRoom(row.line, "update" if target else "create", data, target))


def _new_equipment(line: int, names: tuple[str, ...], known: dict[str, str]) -> list[ImportProblem]:
    """A warning for an equipment name not on the list yet that resembles a listed one («skjerm»
    beside «storskjerm»): it would be added as a second kind of equipment. Other new names are
    added as the file says. ``known`` learns each new name, so it is said once."""
    warnings = []
    for name in names:
        folded = fold(name)
        if folded in known:
            continue
        near = sorted((shown for key, shown in known.items() if folded in key or key in folded), key=len)
        if near:
            warnings.append(ImportProblem(line, "equipment", f"«{name}» er ikke på utstyrslisten og legges til; "
                                                             f"mente du «{near[0]}»?", warning=True))
        known[folded] = name
    return warnings


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    columns = set(plan.columns)
    created = updated = 0
    for planned in plan.rows:
        data: RoomData = planned.data
        if planned.action == "update":
            current = session.get(Room, planned.target_id)
            if current is None:
                raise stale()
            row = get_room(session, current.id)
            kept = {"capacity": row.capacity, "equipment": row.equipment, "notes": row.notes,
                    "opens_at": row.opens_at, "closes_at": row.closes_at, "site": row.site}
            values = {f: getattr(data, f) if f in columns else kept[f] for f in _ROOM_FIELDS}
            save_room(session, RoomData(data.name, **values), current.id, create_equipment=True,
                      centre_id=plan.centre_for(planned.line, False))
            updated += 1
        else:
            save_room(session, data, create_equipment=True, centre_id=plan.centre_for(planned.line, True))
            created += 1
    return ImportResult("rooms", created, updated)


KIND = Kind("rooms", ROOM, ROOM_COLUMNS, ("name", "capacity"), _OPTIONAL, _ALIASES, plan, apply, None)
