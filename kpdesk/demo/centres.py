"""The demo's centres: the small demo is one centre (its profile's name), the regional demo the six
sites of ``scales.REGIONAL_CENTRES``. Employers, persons' and communities' needs go to the centre
nearest their municipality (``scales.REGIONAL_CENTRE_AREAS``), an employer's needs with it, a
region's own needs to the centre of its first municipality, and rooms to their site's centre."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.db.models import Centre, Region, RegionMunicipality
from kpdesk.demo.builder import DemoBuilder
from kpdesk.demo.catalogue import SMALL_CENTRE
from kpdesk.demo.scales import REGIONAL_CENTRE_AREAS, REGIONAL_CENTRES
from kpdesk.register.centres import FIRST_CENTRE_NAME


def demo_centres(session: Session, scale: str) -> dict[str, int]:
    """The demo's centres by name, made now: the database's placeholder centre («Senteret», which
    migration 0009 makes in a new file) is renamed to the first of them."""
    wanted = ((SMALL_CENTRE.name, SMALL_CENTRE.municipality),) if scale == "small" else tuple(
        (name, REGIONAL_CENTRE_AREAS[name][0]) for name in REGIONAL_CENTRES)
    centres = list(session.scalars(select(Centre).order_by(Centre.id)))
    if len(centres) == 1 and centres[0].name == FIRST_CENTRE_NAME:
        centres[0].name, centres[0].municipality = wanted[0]
    by_name = {c.name: c for c in centres}
    for name, municipality in wanted:
        if name not in by_name:
            by_name[name] = Centre(name=name, municipality=municipality)
            session.add(by_name[name])
    session.flush()
    return {name: by_name[name].id for name, _ in wanted}


def place_in_centres(builder: DemoBuilder, centres: dict[str, int], regions: dict[str, str] | None = None) -> None:
    """Give every employer, need and room of the builder its ``centre_id``. ``regions``: a region's
    name -> its first municipality."""
    first = next(iter(centres.values()))
    nearest = {number: centres[name] for name, (_, numbers) in REGIONAL_CENTRE_AREAS.items() if name in centres
               for number in numbers} if len(centres) > 1 else {}
    regions = regions or {}

    def of(municipality: str | None) -> int:
        return nearest.get(regions.get(municipality or "", municipality or ""), first)

    employers = {}
    for row in builder.rows["employer"]:
        row["centre_id"] = employers[row["id"]] = of(row["municipality"])
    persons = {row["id"]: row["municipality"] for row in builder.rows["person"]}
    for row in builder.rows["need"]:
        if row["employer_id"] is not None:
            row["centre_id"] = employers[row["employer_id"]]
        else:
            row["centre_id"] = of(persons[row["person_id"]] if row["person_id"] is not None else row["community"])
    for row in builder.rows["room"]:
        row["centre_id"] = centres.get(row["site"], first)


def first_municipalities(session: Session) -> dict[str, str]:
    """Each region's name -> its lowest municipality number."""
    found: dict[str, str] = {}
    for name, number in session.execute(select(Region.name, RegionMunicipality.municipality)
                                        .join(RegionMunicipality, RegionMunicipality.region_id == Region.id)
                                        .order_by(RegionMunicipality.municipality)):
        found.setdefault(name, number)
    return found
