"""The region's learning centres (issue 17): which exist, which is the coordinator's own, and the
centre a new employer, need or room gets.

Several centres (Mo i Rana, Mosjøen, Sandnessjøen, …) may share one register; every employer, need
and room belongs to one (``db.models.Centre``), a booking to its room's. Lists show one centre or
the whole region: a ``centre_id`` of None means «Hele regionen» in every read that takes one.

The coordinator's own centre is a per-user choice, not stored in the database: the window keeps it
in its settings, the command line takes ``--centre NAME`` (default ``$KPDESK_CENTRE``). Without a
choice, a database of one centre has that one as everyone's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError
from kpdesk.common.fields import parse_text
from kpdesk.common.norsk import fold, sort_key
from kpdesk.db import audit
from kpdesk.db.models import Centre, Employer
from kpdesk.db.row_writing import existing_row

CENTRE = "centre"
WHOLE_REGION = "Hele regionen"
FIRST_CENTRE_NAME = "Senteret"  # what migration 0009 calls the centre of a database whose profile had no name


@dataclass(frozen=True, slots=True)
class CentreRow:
    id: int
    name: str
    municipality: str | None = None


def list_centres(session: Session) -> list[CentreRow]:
    """Every centre, in Norwegian alphabetical order."""
    rows = [CentreRow(*r) for r in session.execute(select(Centre.id, Centre.name, Centre.municipality))]
    rows.sort(key=lambda r: (sort_key(r.name), r.id))
    return rows


def find_centre(session: Session, name: str) -> CentreRow:
    """The centre called ``name`` (case and spacing aside); an unknown name is a UserError that
    lists the centres there are."""
    centres = list_centres(session)
    wanted = centre_key(name)
    for centre in centres:
        if centre_key(centre.name) == wanted:
            return centre
    raise UserError(unknown_centre(name, centres))


def unknown_centre(name: str, centres: list[CentreRow]) -> str:
    """The sentence for a centre name that is not there, naming those that are."""
    known = ", ".join(c.name for c in centres) or "ingen"
    return f"Finner ikke senteret «{' '.join(name.split())}». Sentrene i databasen er: {known}."


def centre_ids_by_key(session: Session) -> dict[str, int]:
    """Every centre's id by its folded name, for readers of many rows (the importers)."""
    return {centre_key(name): id_ for id_, name in session.execute(select(Centre.id, Centre.name))}


def centre_key(name: str) -> str:
    """A centre's name as it is compared: case, ÆØÅ and spacing aside."""
    return fold(" ".join(name.split()))


def own_centre(session: Session, name: str | None = None) -> CentreRow:
    """The coordinator's own centre: the one named (``--centre``, the window's setting), else the
    only centre there is. With several centres and no name, a UserError asks which."""
    if name and name.strip():
        return find_centre(session, name)
    centres = list_centres(session)
    if len(centres) == 1:
        return centres[0]
    names = ", ".join(c.name for c in centres)
    raise UserError(f"Databasen har flere sentre ({names}). Si hvilket som er ditt.")


def known_own_centre(session: Session, name: str | None) -> CentreRow | None:
    """The own centre when it can be told (``name`` known, else the only centre); None otherwise:
    the window then opens on «Hele regionen» and asks no one."""
    try:
        return own_centre(session, name)
    except UserError:
        return own_centre(session) if len(list_centres(session)) == 1 else None


def centre_for_new(session: Session, centre_id: int | None = None) -> int:
    """The centre a new row gets: ``centre_id`` if given (checked), else the only centre there is."""
    if centre_id is None:
        return own_centre(session).id
    return existing_row(session, Centre, centre_id, "Senteret").id


def employer_centre(session: Session, employer_id: int) -> int | None:
    """The employer's centre, which a need registered for it gets unless told otherwise."""
    return session.execute(select(Employer.centre_id).where(Employer.id == employer_id)).scalar()


def centre_name(session: Session, centre_id: int | None) -> str:
    """A centre's name, or «Hele regionen» for None (the title of a list or a handout)."""
    if centre_id is None:
        return WHOLE_REGION
    return existing_row(session, Centre, centre_id, "Senteret").name


def _checked_name(session: Session, name: str, centre_id: int | None) -> str:
    clean = parse_text(name, "Navnet på senteret")
    clean = " ".join(clean.split())
    if not clean:
        raise UserError("Senteret må ha et navn.")
    if len(clean) > 200:
        raise UserError(f"Navnet på senteret kan ha høyst 200 tegn, ikke {len(clean)}.")
    taken = centre_ids_by_key(session).get(centre_key(clean))  # the same comparison as find_centre's
    if taken is not None and taken != centre_id:
        raise UserError(f"Det finnes allerede et senter som heter «{clean}».")
    return clean


def create_centre(session: Session, name: str, municipality: str | None = None) -> int:
    """A new centre; returns its id. The name must be free (case aside)."""
    clean = _checked_name(session, name, None)
    centre = Centre(name=clean, municipality=municipality)
    session.add(centre)
    session.flush()
    audit.record(session, "create", CENTRE, centre.id, summary=f"Nytt senter «{clean}»")
    return centre.id


def rename_centre(session: Session, centre_id: int, name: str) -> None:
    """Give a centre a new name (free, case aside); its rows stay with it."""
    centre = existing_row(session, Centre, centre_id, "Senteret")
    clean = _checked_name(session, name, centre_id)
    if clean != centre.name:
        audit.record(session, "update", CENTRE, centre_id, field="name", old=centre.name, new=clean)
        centre.name = clean
        session.flush()
