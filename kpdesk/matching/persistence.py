"""The database side of matching: inputs for the engine, the thesaurus, decisions and interest.

``kpdesk.matching.engine`` is plain Python over plain data; this module loads that data (open needs
with their employer's place and the coordinator's decisions on them, offers with their provider,
regions, the thesaurus) in one session, so the command line and the GUI can run the engine
afterwards, off the GUI thread and without a session. A need carries the offers accepted for it
(``NeedInput.chosen``: it counts toward them only) and those rejected (never proposed again).
It also keeps what the coordinator decides about a proposal:

- ``decide`` records "accepted" or "rejected" with a note, one decision per need and offer.
  Accepting moves a need that is new or mapped to "matched" (a need already ordered or running
  stays where it is; a closed or rejected need must be opened again first). When the only
  accepted offer of a matched need is rejected or withdrawn, the need goes back to "mapped".
- Each change returns a ``DecisionSnapshot`` that ``undo_decision`` puts back exactly: the
  earlier decision (or none), the need's status and its status history.

The thesaurus lives in the ``thesaurus_term`` table, seeded once from the bundled list
(``resources/data/thesaurus.csv``) when the table is empty; a setting remembers the seeding, so a
coordinator who deletes every synonym does not get the defaults back behind their back.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, and_, delete, func, insert, select, type_coerce, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kpdesk.common.codes import CLOSED_NEED_STATUSES, DECISIONS, NEED_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.fields import parse_text
from kpdesk.common.norsk import group_thousands, plural
from kpdesk.db import audit
from kpdesk.db.models import (
    Employer,
    MatchDecision,
    Need,
    NeedStatusChange,
    Offer,
    Person,
    Provider,
    Region,
    RegionMunicipality,
    Setting,
    ThesaurusTerm,
)
from kpdesk.db.row_writing import NotFoundError, apply_changes, existing_row, insert_rows, row_dicts, row_exists
from kpdesk.db.stored_values import stored_date
from kpdesk.matching.engine import Matcher, NeedInput, NeedResult, OfferInput, Thesaurus, ThesaurusError, load_default
from kpdesk.register import service as register

# Audit entities. Decision entries carry the need's id, so one query gives a need's decisions.
DECISION, THESAURUS = "match_decision", "thesaurus_term"
SEEDED_SETTING = "thesaurus_seeded"
OFFERED_SETTING = "thesaurus_defaults_offered"  # the bundled entries a database has been given (JSON)
# A need in these states moves to "matched" when an offer is accepted for it.
_BEFORE_MATCHED = frozenset({"new", "mapped"})


# ---------------------------------------------------------------- engine inputs

_NEED_COLUMNS = (Need.ref, Need.title, Need.description, Need.headcount, Need.level, Need.formats,
                 # ISO text and date.fromisoformat: the regional demo has 16 000 open needs
                 type_coerce(Need.earliest_start, String), type_coerce(Need.latest_start, String),
                 func.coalesce(Employer.municipality, Person.municipality, Need.community), Employer.name,
                 Employer.org_number, Need.status, Need.person_id, Person.ref, Need.community)


def _statistics_consent(session: Session) -> dict[int, bool]:
    """Person id → whether their consent in force (the newest) lets them be counted in statistics."""
    return {person_id: c.statistics and c.stored for person_id, c in register.consents_in_force(session).items()}


def _need_inputs(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[NeedInput]:
    """Engine inputs from a select of ``_NEED_COLUMNS`` (more columns than SQLAlchemy types), with
    the coordinator's decisions on each need (``NeedInput.chosen`` and ``rejected``).

    The owner: an employer (its name and organisation number); a person (``register.person_label``
    and their ref, never their name; their municipality; ``counted`` as their consent in force
    says about statistics); a community (its label and key; a region has no municipality).
    """
    day = stored_date
    formats: dict[str, tuple[str, ...]] = {}
    session.flush()  # core execution (as register does) does not autoflush
    rows = session.connection().execute(stmt).all()
    chosen, rejected = _decisions_by_need(session, [row[0] for row in rows])
    statistics = _statistics_consent(session) if any(row[12] is not None for row in rows) else {}
    needs = []
    for (ref, title, description, headcount, level, fmt, earliest, latest, municipality, employer, org,
         status, person_id, person_ref, community) in rows:
        keys = formats.get(fmt)
        if keys is None:
            keys = formats[fmt] = tuple(k for k in (fmt or "").split(",") if k)
        kind, counted = "employer", True
        if person_id is not None:
            kind, org, counted = "person", person_ref, statistics.get(person_id, False)
            employer = register.person_label(person_ref)
        elif community is not None:
            kind, org, employer = "community", community, register.community_label(community)
            if not community.isdigit():
                municipality = None  # a region: no one municipality
        # Keywords, not positions: the engine's dataclasses may grow or reorder fields.
        needs.append(NeedInput(
            ref=ref, title=title, description=description or "", headcount=headcount, level=level, formats=keys,
            earliest_start=day(earliest) if earliest else None, latest_start=day(latest) if latest else None,
            municipality=municipality, employer_name=employer, employer_ref=org, status=status,
            chosen=chosen.get(ref, ()), rejected=rejected.get(ref, ()), owner_kind=kind, counted=counted))
    return needs


_FEW = 500  # up to this many needs, their decisions are asked for by reference; else all are read


def _decisions_by_need(session: Session, need_refs: list[str]
                       ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(need ref → offers accepted for it, need ref → offers rejected for it), offer refs sorted."""
    stmt = (select(Need.ref, Offer.ref, MatchDecision.decision).join(Need, MatchDecision.need_id == Need.id)
            .join(Offer, MatchDecision.offer_id == Offer.id).order_by(Need.ref, Offer.ref))
    if not need_refs:
        return {}, {}
    if len(need_refs) <= _FEW:
        stmt = stmt.where(Need.ref.in_(need_refs))
    found: dict[str, dict[str, list[str]]] = {"accepted": {}, "rejected": {}}
    for need_ref, offer_ref, decision in session.connection().execute(stmt):
        found.setdefault(decision, {}).setdefault(need_ref, []).append(offer_ref)
    return ({k: tuple(v) for k, v in found["accepted"].items()},
            {k: tuple(v) for k, v in found["rejected"].items()})


def load_needs(session: Session, *, include_closed: bool = False, org_number: str | None = None) -> list[NeedInput]:
    """The open needs (status not closed or rejected) as engine input, in registration order;
    only one employer's when ``org_number`` is given."""
    stmt = register.with_owners(select(*_NEED_COLUMNS)).order_by(Need.id)
    if not include_closed:
        stmt = stmt.where(Need.status.not_in(CLOSED_NEED_STATUSES))
    if org_number is not None:
        stmt = stmt.where(Employer.org_number == org_number)
    return _need_inputs(session, stmt)


def load_vocabulary(session: Session) -> list[str]:
    """The distinct titles and descriptions of the open needs: the words the engine's compound
    splitter learns from them (what ``MatchingInputs.matcher`` gives it, without reading every need)."""
    session.flush()
    open_needs = and_(Need.status.not_in(CLOSED_NEED_STATUSES), register.kept_lawfully())
    titles = select(Need.title).where(open_needs)
    descriptions = select(Need.description).where(open_needs, Need.description.is_not(None))
    return [text for (text,) in session.connection().execute(titles.union(descriptions)) if text]


def load_need(session: Session, need_id: int) -> NeedInput:
    """One need as engine input, whatever its status (the GUI's need view)."""
    stmt = register.with_owners(select(*_NEED_COLUMNS)).where(Need.id == need_id)
    found = _need_inputs(session, stmt)
    if not found:
        raise NotFoundError(f"Behovet finnes ikke lenger (id {need_id}).")
    return found[0]


def load_offers(session: Session) -> list[OfferInput]:
    """Every offer as engine input, with its provider's name, in registration order.

    Ended offers are included: the engine leaves them out by the reference date it is given.
    """
    stmt = (select(Offer.ref, Offer.title, Offer.description, Offer.keywords, Provider.name, Offer.level,
                   Offer.format, Offer.municipality, type_coerce(Offer.start_date, String),
                   type_coerce(Offer.end_date, String), type_coerce(Offer.application_deadline, String),
                   Offer.seats_min, Offer.seats_max, Offer.credits, Offer.credit_system, Offer.price_nok)
            .join(Provider, Offer.provider_id == Provider.id).order_by(Offer.id))
    day = stored_date
    session.flush()
    return [OfferInput(ref=ref, title=title, description=description or "", keywords=keywords or "",
                       provider=provider, level=level, format=fmt, municipality=municipality,
                       start_date=day(start) if start else None, end_date=day(end) if end else None,
                       application_deadline=day(deadline) if deadline else None, seats_min=seats_min,
                       seats_max=seats_max, credits=credits, credit_system=system, price_nok=price)
            for (ref, title, description, keywords, provider, level, fmt, municipality, start, end, deadline,
                 seats_min, seats_max, credits, system, price) in session.connection().execute(stmt)]


def load_regions(session: Session) -> dict[str, set[str]]:
    """Municipality number → the names of the regions it belongs to (one may be in several)."""
    regions: dict[str, set[str]] = {}
    stmt = select(RegionMunicipality.municipality, Region.name).join(Region, Region.id == RegionMunicipality.region_id)
    for municipality, name in session.execute(stmt):
        regions.setdefault(municipality, set()).add(name)
    return regions


@dataclass(frozen=True)
class MatchingInputs:
    """Everything the engine needs, loaded in one session; plain data, safe to hand to a worker."""

    needs: list[NeedInput]
    offers: list[OfferInput]
    regions: dict[str, set[str]]
    thesaurus: Thesaurus

    def matcher(self, **options: Any) -> Matcher:
        """A matcher over these offers; the needs' words help the compound splitter."""
        texts = [t for n in self.needs for t in (n.title, n.description) if t]
        return engine(self.offers, self.thesaurus, self.regions, texts, **options)


def load_inputs(session: Session, *, include_closed: bool = False) -> MatchingInputs:
    """Needs, offers, regions and thesaurus (seeding the thesaurus the first time)."""
    return MatchingInputs(load_needs(session, include_closed=include_closed), load_offers(session),
                          load_regions(session), load_thesaurus(session))


def load_engine(session: Session) -> Matcher:
    """The matcher a whole run would use, without reading every need (one employer's summary)."""
    return engine(load_offers(session), load_thesaurus(session), load_regions(session), load_vocabulary(session))


_engine_lock = threading.Lock()
_last_engine: tuple[Hashable, Matcher] | None = None


def engine(offers: list[OfferInput], thesaurus: Thesaurus, regions: dict[str, set[str]], texts: Iterable[str],
           **options: Any) -> Matcher:
    """A matcher over these inputs: the last one built when the inputs are the same.

    Building one takes a few hundred milliseconds on a regional database, and a coordinator's
    session runs matching, previews and prints over the same offers many times. The key is the
    inputs themselves (offers, synonyms, regions, the needs' distinct texts), so any change to
    them builds afresh; a matcher's results depend on nothing else, and it is safe to share
    between threads (its caches only ever gain entries that are the same whoever adds them).
    """
    global _last_engine
    key = (tuple(offers), tuple(sorted((group, tuple(terms)) for group, terms in thesaurus.groups.items())),
           frozenset((m, frozenset(names)) for m, names in regions.items()), frozenset(texts),
           tuple(sorted(options.items())))
    with _engine_lock:
        if _last_engine is not None and _last_engine[0] == key:
            return _last_engine[1]
    matcher = Matcher(offers, thesaurus, regions, vocabulary_texts=key[3], **options)
    with _engine_lock:
        _last_engine = (key, matcher)
    return matcher


def ids_by_ref(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """(need ref → id, offer ref → id): the engine speaks refs, the services ids."""
    needs = dict(session.execute(select(Need.ref, Need.id)).all())
    offers = dict(session.execute(select(Offer.ref, Offer.id)).all())
    return needs, offers


# ---------------------------------------------------------------- thesaurus

@dataclass(frozen=True, slots=True)
class ThesaurusTermRow:
    id: int
    group: str
    term: str


@dataclass(frozen=True)
class ThesaurusSnapshot:
    term: dict[str, Any]


def seed_thesaurus(session: Session, *, force: bool = False) -> int:
    """Fill an empty thesaurus table from the bundled list, once; returns the terms added.

    Without ``force`` nothing happens when the table has terms or was seeded before.
    """
    has_terms = session.execute(select(ThesaurusTerm.id).limit(1)).first() is not None
    seeded = session.get(Setting, SEEDED_SETTING) is not None
    if has_terms or (seeded and not force):
        return 0
    entries = [{"group_key": group, "term": term} for group, term in load_default().entries()]
    if entries:
        session.execute(insert(ThesaurusTerm), entries)
    if not seeded:
        session.add(Setting(key=SEEDED_SETTING, value=dt.date.today().isoformat()))
    audit.record(session, "create", THESAURUS, None, summary=f"La inn standard synonymliste ({len(entries)} ord)")
    session.flush()
    return len(entries)


def add_new_defaults(session: Session) -> int:
    """Give a database in use the bundled synonyms that are new since it was last given them
    (an upgrade's vocabulary); returns the terms added.

    Each bundled entry is offered once: one the coordinator has deleted since is not brought back,
    and a database whose list was emptied gets nothing. An entry that would clash with the
    coordinator's own (the same word in another group) is left out.
    """
    import json

    bundled = [(group, term) for group, term in load_default().entries()]
    current = [(r.group, r.term) for r in list_thesaurus_terms(session)]
    setting = session.get(Setting, OFFERED_SETTING)
    if setting is None:  # first time: what the database holds now counts as offered
        offered = {term.casefold() for _group, term in current} if current else set()
        session.add(setting := Setting(key=OFFERED_SETTING, value="[]"))
    else:
        offered = set(json.loads(setting.value or "[]"))
    new = [(g, t) for g, t in bundled if t.casefold() not in offered]
    setting.value = json.dumps(sorted({t.casefold() for _g, t in bundled} | offered), ensure_ascii=False)
    if not current or not new:
        session.flush()
        return 0
    known = {t.casefold() for _g, t in current}
    added = [(g, t) for g, t in new if t.casefold() not in known]
    if not _valid([*current, *added]):  # a clash with the coordinator's own: only whole new groups
        groups = {g for g, _t in current}
        added = [(g, t) for g, t in added if g not in groups]
        if not _valid([*current, *added]):
            added = []
    if added:
        session.execute(insert(ThesaurusTerm), [{"group_key": g, "term": t} for g, t in added])
        audit.record(session, "create", THESAURUS, None,
                     summary=f"La inn {len(added)} nye ord fra standard synonymliste")
    session.flush()
    return len(added)


def list_thesaurus_terms(session: Session) -> list[ThesaurusTermRow]:
    """Every synonym, grouped, in the order they were added."""
    stmt = select(ThesaurusTerm.id, ThesaurusTerm.group_key, ThesaurusTerm.term).order_by(ThesaurusTerm.id)
    return [ThesaurusTermRow(*row) for row in session.execute(stmt)]


def load_thesaurus(session: Session) -> Thesaurus:
    """The coordinator's thesaurus (seeded the first time, see ``seed_thesaurus``).

    Entries the current rules refuse (say, after an upgrade made them stricter) are left out
    rather than stopping matching; ``thesaurus_problems`` lists them for the GUI.
    """
    seed_thesaurus(session)
    try:
        with session.begin_nested():  # a database opened read-only matches with what it has
            add_new_defaults(session)
    except DBAPIError:
        pass
    entries = [(r.group, r.term) for r in list_thesaurus_terms(session)]
    try:
        return Thesaurus.from_entries(entries)
    except ThesaurusError:
        return _tolerant(entries)[0]


def thesaurus_problems(session: Session) -> list[str]:
    """Why some stored synonyms are not used, one sentence each (empty when all are fine)."""
    return _tolerant([(r.group, r.term) for r in list_thesaurus_terms(session)])[1]


def _valid(entries: list[tuple[str, str]]) -> bool:
    try:
        Thesaurus.from_entries(entries)
    except ThesaurusError:
        return False
    return True


def _tolerant(entries: list[tuple[str, str]]) -> tuple[Thesaurus, list[str]]:
    kept: list[tuple[str, str]] = []
    problems: list[str] = []
    for entry in entries:
        try:
            Thesaurus.from_entries([*kept, entry])
        except ThesaurusError as exc:
            problems.extend(exc.details or [exc.message])
            continue
        kept.append(entry)
    return Thesaurus.from_entries(kept), problems


def add_thesaurus_term(session: Session, group: str, term: str) -> int:
    """Add a synonym to a group (a new group if the name is new); ThesaurusError says why not."""
    current = load_thesaurus(session)
    current.with_entry(group, term)  # raises with the reason when refused
    row = ThesaurusTerm(group_key=group.strip(), term=term.strip())
    session.add(row)
    session.flush()
    audit.record(session, "create", THESAURUS, row.id, summary=f"Nytt synonym «{row.term}» i gruppen «{row.group_key}»")
    return row.id


def delete_thesaurus_term(session: Session, term_id: int) -> ThesaurusSnapshot:
    rows = row_dicts(session, ThesaurusTerm, ThesaurusTerm.id == term_id)
    if not rows:
        raise NotFoundError(f"Synonymet finnes ikke lenger (id {term_id}).")
    session.execute(delete(ThesaurusTerm).where(ThesaurusTerm.id == term_id))
    row = rows[0]
    audit.record(session, "delete", THESAURUS, term_id,
                 summary=f"Slettet synonymet «{row['term']}» fra gruppen «{row['group_key']}»")
    return ThesaurusSnapshot(row)


def restore_thesaurus_term(session: Session, snapshot: ThesaurusSnapshot) -> int:
    row = snapshot.term
    if row_exists(session, ThesaurusTerm, row["id"]):
        raise UserError(f"Synonymet «{row['term']}» kan ikke gjenopprettes: id {row['id']} er tatt i bruk igjen.")
    load_thesaurus(session).with_entry(row["group_key"], row["term"])
    insert_rows(session, ThesaurusTerm, [row])
    audit.record(session, "restore", THESAURUS, row["id"], summary=f"Gjenopprettet synonymet «{row['term']}»")
    return row["id"]


# ---------------------------------------------------------------- decisions

@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: int
    need_id: int
    need_ref: str
    need_title: str
    employer_id: int | None  # None for a person's or a community's need
    employer_name: str  # the owner's label (``register.owner_label``)
    offer_id: int
    offer_ref: str
    offer_title: str
    provider_name: str
    decision: str  # accepted | rejected
    note: str
    decided_at: dt.datetime


@dataclass(frozen=True)
class DecisionSnapshot:
    """What ``undo_decision`` needs to put a need and its decision for one offer back."""

    need_id: int
    offer_id: int
    previous: dict[str, Any] | None  # the decision row before, or None
    need_status: str
    status_changed_on: dt.date
    last_status_change_id: int  # status history rows above this id were added by the change


def list_decisions(session: Session, need_id: int | None = None, offer_id: int | None = None) -> list[DecisionRow]:
    """Decisions, newest first; for one need, one offer, or both."""
    stmt = register.with_owners(select(
        MatchDecision.id, Need.id, Need.ref, Need.title, Employer.id, Employer.name, Offer.id, Offer.ref, Offer.title,
        Provider.name, MatchDecision.decision, MatchDecision.note, MatchDecision.decided_at, Person.ref,
        Need.community)
                  .join(Need, MatchDecision.need_id == Need.id)
                  .join(Offer, MatchDecision.offer_id == Offer.id).join(Provider, Offer.provider_id == Provider.id)
                  .order_by(MatchDecision.decided_at.desc(), MatchDecision.id.desc()))
    if need_id is not None:
        stmt = stmt.where(MatchDecision.need_id == need_id)
    if offer_id is not None:
        stmt = stmt.where(MatchDecision.offer_id == offer_id)
    rows = []
    for *row, person_ref, community in session.execute(stmt):
        row[5] = register.owner_label(_kind(row[4], person_ref), row[5], person_ref, community)
        rows.append(DecisionRow(*row))
    return rows


def _kind(employer_id: int | None, person_ref: str | None) -> str:
    """A need's owner kind from its owner columns."""
    if employer_id is not None:
        return "employer"
    return "person" if person_ref is not None else "community"


def _snapshot(session: Session, need: Need, offer_id: int) -> DecisionSnapshot:
    previous = row_dicts(session, MatchDecision, MatchDecision.need_id == need.id,
                              MatchDecision.offer_id == offer_id)
    last = session.execute(select(func.coalesce(func.max(NeedStatusChange.id), 0))
                           .where(NeedStatusChange.need_id == need.id)).scalar_one()
    return DecisionSnapshot(need.id, offer_id, previous[0] if previous else None, need.status,
                            need.status_changed_on, last)


def _offer_label(session: Session, offer_id: int) -> str:
    row = session.execute(select(Offer.ref, Offer.title).where(Offer.id == offer_id)).first()
    if row is None:
        raise NotFoundError(f"Kurstilbudet finnes ikke lenger (id {offer_id}).")
    return f"{row.ref} «{row.title}»"


def _other_accepted(session: Session, need_id: int, offer_id: int) -> bool:
    stmt = select(MatchDecision.id).where(MatchDecision.need_id == need_id, MatchDecision.offer_id != offer_id,
                                          MatchDecision.decision == "accepted")
    return session.execute(stmt.limit(1)).first() is not None


def _step_back(session: Session, need: Need, offer_id: int, was_accepted: bool) -> None:
    """A matched need whose only accepted offer goes away is mapped again."""
    if was_accepted and need.status == "matched" and not _other_accepted(session, need.id, offer_id):
        register.set_need_status(session, need.id, "mapped")


def decide(session: Session, need_id: int, offer_id: int, decision: str, note: str = "") -> DecisionSnapshot:
    """Accept or reject one proposed offer for a need, with a note; returns the undo snapshot.

    ``decision`` is "accepted" or "rejected" (the Norwegian words work too). A second decision
    on the same pair replaces the first.
    """
    key = DECISIONS.parse(decision or "")
    if key is None:
        raise UserError(f"Ukjent beslutning «{decision}»; bruk {DECISIONS.words().replace(', ', ' eller ')}.")
    note = parse_text(note, "Notatet")
    need = existing_row(session, Need, need_id, "Behovet")
    label = _offer_label(session, offer_id)
    if key == "accepted" and need.status in CLOSED_NEED_STATUSES:
        raise UserError(f"Behovet {need.ref} er {NEED_STATUSES.label(need.status)}; åpne det igjen før du "
                        f"aksepterer et kurstilbud for det.")
    snapshot = _snapshot(session, need, offer_id)
    now = dt.datetime.now().replace(microsecond=0)
    if snapshot.previous is None:
        session.execute(insert(MatchDecision).values(need_id=need_id, offer_id=offer_id, decision=key, note=note,
                                                     decided_at=now))
    else:
        session.execute(update(MatchDecision).where(MatchDecision.id == snapshot.previous["id"])
                        .values(decision=key, note=note, decided_at=now))
    was_accepted = snapshot.previous is not None and snapshot.previous["decision"] == "accepted"
    if key == "accepted" and need.status in _BEFORE_MATCHED:
        register.set_need_status(session, need_id, "matched")
    elif key == "rejected":
        _step_back(session, need, offer_id, was_accepted)
    verb = "Aksepterte" if key == "accepted" else "Avviste"
    audit.record(session, "accept" if key == "accepted" else "reject", DECISION, need_id, field="offer",
                 new=label, summary=f"{verb} {label} for behov {need.ref}" + (f": {note}" if note else ""))
    session.flush()
    return snapshot


def withdraw_decision(session: Session, need_id: int, offer_id: int) -> DecisionSnapshot:
    """Remove the decision on a pair (the proposal is open again); returns the undo snapshot."""
    need = existing_row(session, Need, need_id, "Behovet")
    label = _offer_label(session, offer_id)
    snapshot = _snapshot(session, need, offer_id)
    if snapshot.previous is None:
        raise UserError(f"Det er ingen beslutning om {label} for behov {need.ref}.")
    session.execute(delete(MatchDecision).where(MatchDecision.id == snapshot.previous["id"]))
    _step_back(session, need, offer_id, snapshot.previous["decision"] == "accepted")
    audit.record(session, "delete", DECISION, need_id, field="offer", old=label,
                 summary=f"Trakk tilbake beslutningen om {label} for behov {need.ref}")
    session.flush()
    return snapshot


def undo_decision(session: Session, snapshot: DecisionSnapshot) -> None:
    """Put the decision on the pair, the need's status and its status history back as they were."""
    need = session.get(Need, snapshot.need_id)
    if need is None:
        raise UserError("Beslutningen kan ikke angres: behovet er slettet.")
    if not row_exists(session, Offer, snapshot.offer_id):
        raise UserError("Beslutningen kan ikke angres: kurstilbudet er slettet.")
    session.execute(delete(MatchDecision).where(MatchDecision.need_id == snapshot.need_id,
                                                MatchDecision.offer_id == snapshot.offer_id))
    if snapshot.previous is not None:
        insert_rows(session, MatchDecision, [snapshot.previous])
    if need.status != snapshot.need_status:
        apply_changes(session, need, {"status": snapshot.need_status}, register.NEED)
    need.status_changed_on = snapshot.status_changed_on
    session.execute(delete(NeedStatusChange).where(NeedStatusChange.need_id == snapshot.need_id,
                                                   NeedStatusChange.id > snapshot.last_status_change_id))
    audit.record(session, "restore", DECISION, snapshot.need_id,
                 summary=f"Angret beslutningen om {_offer_label(session, snapshot.offer_id)} for behov {need.ref}")
    session.flush()


# ---------------------------------------------------------------- interest in an offer

@dataclass(frozen=True, slots=True)
class InterestRow:
    """A need interested in an offer: accepted by the coordinator, or proposed by the engine."""

    need_id: int
    need_ref: str
    need_title: str
    employer_id: int | None  # None for a person's or a community's need
    employer_name: str  # the owner's label (``register.owner_label``: never a person's name)
    org_number: str  # the owner's key: organisation number, person ref or community
    municipality: str | None
    headcount: int
    status: str  # the need's status
    source: str  # "accepted" | "proposed"
    score: float | None  # the engine's score, for proposals
    note: str  # the decision's note, for accepted ones
    owner_kind: str = "employer"
    counted: bool = True  # False: a person whose consent does not cover statistics (in no printed figure)


@dataclass(frozen=True, slots=True)
class EmployerInterest:
    """One owner's interest (an employer, a person or a community, keyed by ``org_number``)."""

    employer_id: int | None
    name: str
    org_number: str
    headcount: int
    need_refs: tuple[str, ...]


@dataclass(frozen=True)
class OfferInterest:
    """Who wants an offer, and how far the headcount is from the provider's minimum class."""

    offer_id: int
    offer_ref: str
    offer_title: str
    seats_min: int | None
    seats_max: int | None
    needs: tuple[InterestRow, ...]

    @property
    def headcount(self) -> int:
        return sum(n.headcount for n in self.needs)

    @property
    def accepted_headcount(self) -> int:
        return sum(n.headcount for n in self.needs if n.source == "accepted")

    @property
    def proposed_headcount(self) -> int:
        return sum(n.headcount for n in self.needs if n.source == "proposed")

    @property
    def employers(self) -> tuple[EmployerInterest, ...]:
        """Per employer, biggest headcount first."""
        grouped: dict[str, list[InterestRow]] = {}
        for row in self.needs:
            grouped.setdefault(row.org_number, []).append(row)
        found = [EmployerInterest(rows[0].employer_id, rows[0].employer_name, rows[0].org_number,
                                  sum(r.headcount for r in rows), tuple(r.need_ref for r in rows))
                 for rows in grouped.values()]
        return tuple(sorted(found, key=lambda e: (-e.headcount, e.name)))

    @property
    def seats_gap(self) -> int:
        """How many more participants the minimum class needs (0 when reached or not stated)."""
        return max(0, (self.seats_min or 0) - self.headcount)

    @property
    def reaches_minimum(self) -> bool:
        return self.seats_min is None or self.headcount >= self.seats_min

    @property
    def over_capacity(self) -> bool:
        return self.seats_max is not None and self.headcount > self.seats_max

    @property
    def seats_text(self) -> str:
        """"12 av 15 plasser" (against the minimum), or "12 personer" when no minimum is stated."""
        if self.seats_min:
            return f"{group_thousands(self.headcount)} av {group_thousands(self.seats_min)} plasser"
        return plural(self.headcount, "person", "personer")


def offer_interest(session: Session, offer_id: int, proposals: Iterable[NeedResult] = ()) -> OfferInterest:
    """The open needs interested in an offer: accepted decisions, then the engine's proposals.

    ``proposals`` are the engine's results (for all needs, or some); a proposal counts when it
    names this offer and the coordinator has not decided on the pair (a rejected pair is out,
    an accepted one is already counted) nor chosen another offer for the need (it counts toward
    that offer only). Closed and rejected needs are left out.
    """
    offer = session.execute(select(Offer.ref, Offer.title, Offer.seats_min, Offer.seats_max)
                            .where(Offer.id == offer_id)).first()
    if offer is None:
        raise NotFoundError(f"Kurstilbudet finnes ikke lenger (id {offer_id}).")
    columns = (Need.id, Need.ref, Need.title, Employer.id, Employer.name, Employer.org_number,
               func.coalesce(Employer.municipality, Person.municipality, Need.community), Need.headcount,
               Need.status, Person.ref, Need.community)
    decided = {need_id: (decision, note) for need_id, decision, note in session.execute(
        select(MatchDecision.need_id, MatchDecision.decision, MatchDecision.note)
        .where(MatchDecision.offer_id == offer_id))}
    scores = {}
    for result in proposals:
        for match in result.matches:
            if match.offer_ref == offer.ref:
                scores[result.need_ref] = match.score
    rows: list[InterestRow] = []
    accepted = [need_id for need_id, (decision, _) in decided.items() if decision == "accepted"]
    elsewhere = set(session.execute(select(MatchDecision.need_id).where(
        MatchDecision.offer_id != offer_id, MatchDecision.decision == "accepted")).scalars())
    base = register.with_owners(select(*columns, Need.person_id)).where(Need.status.not_in(CLOSED_NEED_STATUSES))
    statistics: dict[int, bool] = {}

    def interest(row: Any, source: str, note: str) -> InterestRow:
        (need_id, ref, title, employer_id, name, org, municipality, headcount, status, person_ref,
         community, person_id) = row
        if person_id is not None and not statistics:
            statistics.update(_statistics_consent(session))
        kind = _kind(employer_id, person_ref)
        if kind != "employer":
            name = register.owner_label(kind, name, person_ref, community)
            org = person_ref if kind == "person" else community
            municipality = municipality if municipality and municipality.isdigit() else None
        return InterestRow(need_id, ref, title, employer_id, name, org, municipality, headcount, status, source,
                           scores.get(ref), note, kind, person_id is None or statistics.get(person_id, False))

    if accepted:
        for row in session.execute(base.where(Need.id.in_(accepted)).order_by(Need.id)):
            rows.append(interest(row, "accepted", decided[row[0]][1]))
    if scores:
        proposed = []
        refs = list(scores)
        for start in range(0, len(refs), 500):
            proposed.extend(session.execute(base.where(Need.ref.in_(refs[start:start + 500]))))
        for row in sorted(proposed, key=lambda r: (-scores[r[1]], r[1])):
            if row[0] not in decided and row[0] not in elsewhere:  # chosen for another offer: counts there
                rows.append(interest(row, "proposed", ""))
    return OfferInterest(offer_id, offer.ref, offer.title, offer.seats_min, offer.seats_max, tuple(rows))


def committed_needs(session: Session, offer_refs: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """Offer ref → (owner's key, headcount) of each open need that counts toward it: who stands
    behind "3 er med nå", for disclosure control. The key is an employer's organisation number, a
    person's ref (each person one contributor) or a community; a person without consent to
    statistics is left out (see ``aggregation``).

    A need chosen for several offers counts toward one only, the first by reference: the rule of
    ``aggregation.chosen_offer``, which the demand groups and the handout follow.
    """
    refs = set(offer_refs)
    chosen_here = (select(MatchDecision.need_id).join(Offer, MatchDecision.offer_id == Offer.id)
                   .where(Offer.ref.in_(sorted(refs)), MatchDecision.decision == "accepted"))
    stmt = (select(Need.id, Offer.ref, func.coalesce(Employer.org_number, Person.ref, Need.community),
                   Need.headcount, Need.person_id)
            .join(MatchDecision, MatchDecision.need_id == Need.id).join(Offer, MatchDecision.offer_id == Offer.id)
            .outerjoin(Employer, Need.employer_id == Employer.id).outerjoin(Person, Need.person_id == Person.id)
            .where(MatchDecision.decision == "accepted", Need.status.not_in(CLOSED_NEED_STATUSES),
                   Need.id.in_(chosen_here)))  # every chosen offer of these needs: the first one counts
    first: dict[int, tuple[str, str, int]] = {}
    statistics: dict[int, bool] | None = None
    for need_id, ref, org, headcount, person_id in session.execute(stmt):
        if person_id is not None:  # a person counts in figures only with consent to statistics
            statistics = _statistics_consent(session) if statistics is None else statistics
            if not statistics.get(person_id, False):
                continue
        if need_id not in first or ref < first[need_id][0]:
            first[need_id] = (ref, org, int(headcount or 0))
    found: dict[str, list[tuple[str, int]]] = {ref: [] for ref in sorted(refs)}
    for ref, org, headcount in first.values():
        if ref in refs:
            found[ref].append((org, headcount))
    return found
