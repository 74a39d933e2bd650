"""The plain rows the Motor page's picture of the region is counted from (``reports/motor_picture.py``).

Every need (a private person's only with their consent in force to storage and to anonymous
statistics, as ``year_rows``) with its owner, where the owner is (municipality, SN2007 section),
its topic, its status history and the runs it is linked to; every run with the owners of its
needs; the bookings held in a period. Nothing here is filtered by the page's choices: that is
the picture's work.

A need's **topic** is the synonym group (the thesaurus the coordinator edits under Rediger ›
Synonymer) that its title is most about, as the matching engine reads titles (compounds split,
the audience after «for» weaker): «Desentralisert sykepleierutdanning» is «sykepleie». A title
that names no group has no topic (``None``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common.reference import industry_section
from kpdesk.db.models import CourseRun, Employer, Need, NeedStatusChange, Person, course_run_need
from kpdesk.matching.engine.analysis import CONCEPT_PREFIX, Analyzer
from kpdesk.matching.persistence import load_thesaurus
from kpdesk.motor.figures import BookingFact, OwnerKey
from kpdesk.motor.year_rows import counted_persons, held_bookings, owner_key


@dataclass(frozen=True, slots=True)
class RunLink:
    """A run a need is linked to: its status and start date."""

    status: str
    start_date: dt.date | None


@dataclass(frozen=True, slots=True)
class NeedRow:
    registered: dt.date
    owner: OwnerKey
    headcount: int
    municipality: str | None  # the owner's municipality number; None for a region's own need or unknown
    industry: str | None  # the employer's SN2007 section letter; None for persons, communities, unknown
    topic: str | None
    status: str  # the status now
    history: tuple[tuple[dt.date, str], ...]  # (changed_on, status), oldest first; may be empty
    runs: tuple[RunLink, ...] = ()


@dataclass(frozen=True, slots=True)
class RunRow:
    status: str
    start_date: dt.date | None
    owners: tuple[tuple[OwnerKey, str | None, str | None], ...]  # (owner, municipality, industry) per need


@dataclass(frozen=True)
class PictureRows:
    needs: list[NeedRow]
    runs: list[RunRow]
    bookings: list[BookingFact]


def _capitalised(term: str) -> str:
    return term[:1].upper() + term[1:]


def topics_of(titles: Iterable[str], groups: Mapping[str, Sequence[str]]) -> dict[str, str | None]:
    """Each title's topic: the first term of the synonym group its title is most about («Palliasjon»,
    «IKT»), or None."""
    distinct = set(titles)
    analyzer = Analyzer(distinct, groups)
    shown = {CONCEPT_PREFIX + key: _capitalised(terms[0] if terms else key) for key, terms in groups.items()}
    found: dict[str, str | None] = {}
    for title in distinct:
        concepts = [(-term.weight, key) for key, term in analyzer.title_terms(title).items()
                    if key.startswith(CONCEPT_PREFIX)]
        found[title] = shown.get(min(concepts)[1]) if concepts else None
    return found


def load_picture_rows(session: Session, first: dt.date, last: dt.date) -> PictureRows:
    """Every counted need and run, and the bookings held from ``first`` to ``last`` (both days included)."""
    counted = counted_persons(session)
    history: dict[int, list[tuple[dt.date, str]]] = {}
    for need_id, changed_on, status in session.execute(
            select(NeedStatusChange.need_id, NeedStatusChange.changed_on, NeedStatusChange.status)
            .order_by(NeedStatusChange.changed_on, NeedStatusChange.id)):
        history.setdefault(need_id, []).append((changed_on, status))
    links: dict[int, list[RunLink]] = {}
    run_needs: dict[int, list[int]] = {}
    for need_id, run_id, status, start in session.execute(
            select(course_run_need.c.need_id, CourseRun.id, CourseRun.status, CourseRun.start_date)
            .join(CourseRun, CourseRun.id == course_run_need.c.run_id)):
        links.setdefault(need_id, []).append(RunLink(status, start))
        run_needs.setdefault(run_id, []).append(need_id)
    rows = session.execute(
        select(Need.id, Need.registered, Need.headcount, Need.title, Need.status, Need.community, Need.person_id,
               Employer.org_number, Employer.municipality.label("employer_municipality"), Employer.industry,
               Person.ref, Person.municipality.label("person_municipality"))
        .outerjoin(Employer, Employer.id == Need.employer_id).outerjoin(Person, Person.id == Need.person_id)).all()
    kept = [r for r in rows if r.person_id is None or r.person_id in counted]
    topics = topics_of((r.title for r in kept), load_thesaurus(session).groups)
    needs: dict[int, NeedRow] = {}
    for r in kept:
        org, person, community = r.org_number, r.ref, r.community
        if org:
            municipality = r.employer_municipality
        elif person:
            municipality = r.person_municipality
        else:
            municipality = community if community and community.isdigit() else None
        section = industry_section(r.industry) if org else None
        needs[r.id] = NeedRow(r.registered, owner_key(org, person, community), r.headcount, municipality,
                              section.code if section else None, topics[r.title], r.status,
                              tuple(history.get(r.id, ())), tuple(links.get(r.id, ())))
    runs = [RunRow(status, start, tuple((needs[n].owner, needs[n].municipality, needs[n].industry)
                                        for n in run_needs.get(run_id, ()) if n in needs))
            for run_id, status, start in session.execute(select(CourseRun.id, CourseRun.status, CourseRun.start_date))]
    bookings = held_bookings(session, dt.datetime.combine(first, dt.time()),
                             dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))
    return PictureRows(list(needs.values()), runs, bookings)
