"""Providers and their course offers, with the offers' sessions (samlinger).

The same pattern as ``kpdesk.register.service``: reads return frozen dataclasses built from column
selects (the GUI holds them across threads); writes take typed data from
``kpdesk.offers.validation``, check what needs the database (unique names and refs, a provider
that exists), write inside the caller's transaction and add audit entries. Deleting returns a
snapshot that ``restore_*`` puts back with the same ids (undo), including the links that
bookings and match decisions had to the deleted rows.

Provider names are matched without regard to case and spacing ("Nord Universitet" is "Nord
universitet"), because offers files name their provider by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, String, delete, func, insert, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from kpdesk.common import reference
from kpdesk.common.errors import UserError
from kpdesk.common.fast_rows import fast_builder
from kpdesk.common.norsk import fold, sort_key
from kpdesk.db import audit
from kpdesk.db.models import Booking, BookingSeries, CourseRun, MatchDecision, Need, Offer, OfferSession, Provider
from kpdesk.db.row_writing import (
    NotFoundError,
    apply_changes,
    create_row,
    existing_row,
    insert_rows,
    next_ref,
    refuse_taken_ref,
    row_dicts,
    row_exists,
)
from kpdesk.db.stored_values import stored_date
from kpdesk.offers.validation import (
    OfferData,
    ProviderData,
    SessionData,
    credit_problems,
    format_sessions,
    infer_credit_system,
    infer_provider_kind,
    offer_rule_problems,
    session_problem,
)
from kpdesk.register.service import plural

PROVIDER, OFFER, OFFER_SESSION = "provider", "offer", "offer_session"
OFFER_REF_PREFIX = "T"


# ---------------------------------------------------------------- read models

@dataclass(frozen=True, slots=True)
class ProviderRow:
    id: int
    name: str
    kind: str
    web: str
    notes: str
    offers: int


@dataclass(frozen=True, slots=True)
class OfferRow:
    id: int
    ref: str
    provider_id: int
    provider_name: str
    provider_kind: str
    title: str
    description: str
    keywords: str
    credits: Decimal | None
    credit_system: str
    level: str
    format: str
    municipality: str | None
    municipality_name: str
    start_date: dt.date | None
    end_date: dt.date | None
    application_deadline: dt.date | None
    seats_min: int | None
    seats_max: int | None
    price_nok: int | None
    sessions: int  # how many sessions (samlinger)


_build_offer_row = fast_builder(OfferRow)


@dataclass(frozen=True, slots=True)
class OfferSessionRow:
    id: int
    offer_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str

    def as_data(self) -> SessionData:
        return SessionData(self.starts_at, self.ends_at, self.title)


# ---------------------------------------------------------------- snapshots for undo

@dataclass(frozen=True)
class ProviderSnapshot:
    provider: dict[str, Any]


@dataclass(frozen=True)
class SessionSnapshot:
    session: dict[str, Any]
    booking_ids: tuple[int, ...] = ()  # bookings that were linked to the session


@dataclass(frozen=True)
class OfferSnapshot:
    offer: dict[str, Any]
    sessions: tuple[dict[str, Any], ...] = ()
    decisions: tuple[dict[str, Any], ...] = ()
    bookings: tuple[tuple[int, int | None], ...] = ()  # (booking id, its offer_session_id)
    series_ids: tuple[int, ...] = ()


# ---------------------------------------------------------------- reads

def name_key(name: str) -> str:
    """How provider names are compared: case-folded, runs of spaces made one."""
    return " ".join(fold(name).split())


def _provider_query() -> Select[int, str, str, str, str, int]:
    counts = select(Offer.provider_id, func.count().label("offers")).group_by(Offer.provider_id).subquery()
    return (select(Provider.id, Provider.name, Provider.kind, Provider.web, Provider.notes,
                   func.coalesce(counts.c.offers, 0))
            .outerjoin(counts, counts.c.provider_id == Provider.id))


def list_providers(session: Session) -> list[ProviderRow]:
    """All providers, in Norwegian alphabetical order, with how many offers each has."""
    rows = [ProviderRow(*row) for row in session.execute(_provider_query())]
    rows.sort(key=lambda r: (sort_key(r.name), r.id))
    return rows


def get_provider(session: Session, provider_id: int) -> ProviderRow:
    row = session.execute(_provider_query().where(Provider.id == provider_id)).first()
    if row is None:
        raise NotFoundError(f"Tilbyderen finnes ikke lenger (id {provider_id}).")
    return ProviderRow(*row)


def provider_ids_by_name(session: Session) -> dict[str, int]:
    """``name_key(name)`` → id for every provider (the lowest id if two differ only in case)."""
    found: dict[str, int] = {}
    for id_, name in session.execute(select(Provider.id, Provider.name).order_by(Provider.id)):
        found.setdefault(name_key(name), id_)
    return found


def find_provider(session: Session, name: str) -> int | None:
    """The id of the provider with this name (any case and spacing), or None."""
    exact = session.execute(select(Provider.id).where(Provider.name == name)).scalar()
    return exact if exact is not None else provider_ids_by_name(session).get(name_key(name))


def offer_query() -> Select[*tuple[Any, ...]]:  # twenty columns: more than SQLAlchemy's select() types
    # A correlated count uses the offer_id index; a grouped subquery made SQLite build an
    # automatic index on every call (twice the time for the 3 000 offers of the regional demo).
    sessions = (select(func.count()).where(OfferSession.offer_id == Offer.id)
                .correlate(Offer).scalar_subquery())
    return (
        select(
            Offer.id, Offer.ref, Offer.provider_id, Provider.name, Provider.kind, Offer.title, Offer.description,
            Offer.keywords, Offer.credits, Offer.credit_system, Offer.level, Offer.format, Offer.municipality,
            # ISO text and date.fromisoformat: several times faster than the generic date processing
            type_coerce(Offer.start_date, String), type_coerce(Offer.end_date, String),
            type_coerce(Offer.application_deadline, String), Offer.seats_min, Offer.seats_max, Offer.price_nok,
            sessions,
        )
        .join(Provider, Offer.provider_id == Provider.id)
    )


def offer_rows(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[OfferRow]:
    places: dict[str | None, str] = {}
    day = stored_date
    build = _build_offer_row
    rows = []
    # Core execution, as register._need_rows does: the ORM's row loading adds nothing for plain
    # columns. Core does not autoflush, so this session's pending writes are flushed first.
    session.flush()
    for (id_, ref, provider_id, provider_name, provider_kind, title, description, keywords, credits, system, level,
         fmt, municipality, start, end, deadline, seats_min, seats_max, price, sessions) \
            in session.connection().execute(stmt):
        place = places.get(municipality)
        if place is None:
            place = places[municipality] = reference.municipality_label(municipality)
        rows.append(build(
            id_, ref, provider_id, provider_name, provider_kind, title, description or "", keywords or "", credits,
            system, level, fmt, municipality, place, day(start) if start else None, day(end) if end else None,
            day(deadline) if deadline else None, seats_min, seats_max, price, sessions,
        ))
    return rows


def list_offers(session: Session, provider_id: int | None = None) -> list[OfferRow]:
    """All offers (or one provider's), in the order they were registered."""
    stmt = offer_query().order_by(Offer.id)
    if provider_id is not None:
        stmt = stmt.where(Offer.provider_id == provider_id)
    return offer_rows(session, stmt)


def get_offer(session: Session, offer_id: int) -> OfferRow:
    rows = offer_rows(session, offer_query().where(Offer.id == offer_id))
    if not rows:
        raise NotFoundError(f"Kurstilbudet finnes ikke lenger (id {offer_id}).")
    return rows[0]


def offer_id_for_ref(session: Session, ref: str) -> int:
    """The id of the offer with this reference, in any case ("t0010" finds T0010)."""
    cleaned = ref.strip()
    found = session.execute(select(Offer.id).where(Offer.ref == cleaned)).scalar()
    if found is None:
        found = session.execute(select(Offer.id).where(func.lower(Offer.ref) == cleaned.casefold())
                                .order_by(Offer.id).limit(1)).scalar()
    if found is None:
        raise NotFoundError(f"Ingen kurstilbud har referansen «{cleaned}».")
    return found


_SESSION_COLUMNS = (OfferSession.id, OfferSession.offer_id, OfferSession.starts_at, OfferSession.ends_at,
                    OfferSession.title)


def list_sessions(session: Session, offer_id: int) -> list[OfferSessionRow]:
    """An offer's sessions (samlinger) in time order."""
    stmt = (select(*_SESSION_COLUMNS).where(OfferSession.offer_id == offer_id)
            .order_by(OfferSession.starts_at, OfferSession.id))
    return [OfferSessionRow(*row) for row in session.execute(stmt)]


# ---------------------------------------------------------------- provider writes

def _check_provider_name_free(session: Session, name: str, provider_id: int | None) -> None:
    wanted = name_key(name)
    for id_, existing in session.execute(select(Provider.id, Provider.name)):
        if id_ != provider_id and name_key(existing) == wanted:
            raise UserError(f"Tilbyderen «{existing}» er allerede registrert.")


def save_provider(session: Session, data: ProviderData, provider_id: int | None = None, *,
                  expected_version: int | None = None) -> int:
    """Create or update a provider; returns its id (``expected_version``: ``kpdesk.db.versions``).

    Without a kind, a new provider gets the kind its name suggests and an update keeps its kind.
    """
    _check_provider_name_free(session, data.name, provider_id)
    values: dict[str, Any] = {"name": data.name, "web": data.web, "notes": data.notes}
    if data.kind is not None:
        values["kind"] = data.kind
    if provider_id is None:
        return create_row(session, Provider, {"kind": infer_provider_kind(data.name), **values}, PROVIDER,
                          f"Ny tilbyder «{data.name}»").id
    provider = existing_row(session, Provider, provider_id, "Tilbyderen", expected_version=expected_version)
    apply_changes(session, provider, values, PROVIDER)
    return provider_id


def delete_provider(session: Session, provider_id: int) -> ProviderSnapshot:
    """Delete a provider that has no offers (its offers would lose their provider)."""
    rows = row_dicts(session, Provider, Provider.id == provider_id)
    if not rows:
        raise NotFoundError(f"Tilbyderen finnes ikke lenger (id {provider_id}).")
    name = rows[0]["name"]
    offers = session.execute(select(func.count()).where(Offer.provider_id == provider_id)).scalar_one()
    if offers:
        raise UserError(f"«{name}» har {plural(offers, 'kurstilbud', 'kurstilbud')} og kan ikke slettes. Slett "
                        f"kurstilbudene eller flytt dem til en annen tilbyder først.")
    session.execute(delete(Provider).where(Provider.id == provider_id))
    audit.record(session, "delete", PROVIDER, provider_id, summary=f"Slettet tilbyderen «{name}»")
    return ProviderSnapshot(rows[0])


def restore_provider(session: Session, snapshot: ProviderSnapshot) -> int:
    row = snapshot.provider
    if row_exists(session, Provider, row["id"]):
        raise UserError(f"«{row['name']}» kan ikke gjenopprettes: id {row['id']} er tatt i bruk igjen.")
    _check_provider_name_free(session, row["name"], None)
    insert_rows(session, Provider, [row])
    audit.record(session, "restore", PROVIDER, row["id"], summary=f"Gjenopprettet tilbyderen «{row['name']}»")
    return row["id"]


# ---------------------------------------------------------------- offer writes

def next_offer_ref(session: Session, taken: Iterable[str] = ()) -> str:
    """The next free automatic ref: "T" and five digits (the demo's "T0001" counts too)."""
    return next_ref(session, Offer.ref, OFFER_REF_PREFIX, taken)


def _refuse(problems: Sequence[str]) -> None:
    if problems:
        raise UserError(problems[0] + ".", details=[p + "." for p in problems[1:]])


def resolve_credit_system(data: OfferData, provider_kind: str | None) -> str:
    """The credit system to store: as given, else inferred; a UserError when it cannot be told."""
    system = data.credit_system
    if system is None:
        system = infer_credit_system(data.credits, data.level, provider_kind)
    _refuse([message for _, message, warning in credit_problems(data.credits, system, data.level) if not warning])
    return system or "none"


def _resolve_provider(session: Session, data: OfferData, provider_id: int | None) -> tuple[int, str]:
    """The offer's provider and its kind; a provider named but not registered is created, as on import."""
    if provider_id is None:
        provider_id = find_provider(session, data.provider)
        if provider_id is None:
            provider_id = save_provider(session, ProviderData(data.provider))
    kind = session.execute(select(Provider.kind).where(Provider.id == provider_id)).scalar()
    if kind is None:
        raise NotFoundError(f"Tilbyderen finnes ikke lenger (id {provider_id}).")
    return provider_id, kind


def offer_values(data: OfferData, provider_id: int, credit_system: str) -> dict[str, Any]:
    """The offer's columns from its data (not its ref)."""
    return {
        "provider_id": provider_id, "title": data.title, "description": data.description,
        "keywords": data.keywords, "credits": data.credits, "credit_system": credit_system, "level": data.level,
        "format": data.format, "municipality": data.municipality, "start_date": data.start_date,
        "end_date": data.end_date, "application_deadline": data.application_deadline, "seats_min": data.seats_min,
        "seats_max": data.seats_max, "price_nok": data.price_nok,
    }


def save_offer(session: Session, data: OfferData, offer_id: int | None = None,
               provider_id: int | None = None, *, expected_version: int | None = None) -> int:
    """Create or update an offer; returns its id (``expected_version``: ``kpdesk.db.versions``).

    The provider is ``provider_id`` if given, else the one named ``data.provider`` (created, with
    the kind its name suggests, when there is none: the same rule as the import). An offer
    without ref gets the next free "T00001"-style ref (an update keeps its ref). Sessions are
    replaced by ``data.sessions`` unless that is None; sessions that stay keep their ids, so
    bookings linked to them stay linked.
    """
    _refuse([message for _, message in offer_rule_problems(data.start_date, data.end_date,
                                                           data.application_deadline, data.seats_min,
                                                           data.seats_max)])
    for item in data.sessions or ():
        _refuse([p for p in (session_problem(item.starts_at, item.ends_at),) if p])
    provider_id, kind = _resolve_provider(session, data, provider_id)
    values = offer_values(data, provider_id, resolve_credit_system(data, kind))
    if data.ref:
        refuse_taken_ref(session, Offer, data.ref, offer_id, "kurstilbudet")
        values = {"ref": data.ref, **values}
    if offer_id is None:
        values.setdefault("ref", next_offer_ref(session))
        offer = create_row(session, Offer, values, OFFER, f"Nytt kurstilbud {values['ref']} «{data.title}»")
        if data.sessions:
            sync_sessions(session, {offer.id: data.sessions})
        return offer.id
    offer = existing_row(session, Offer, offer_id, "Kurstilbudet", expected_version=expected_version)
    apply_changes(session, offer, values, OFFER)
    if data.sessions is not None:
        before = format_sessions([s.as_data() for s in list_sessions(session, offer_id)])
        if sync_sessions(session, {offer_id: data.sessions}):
            audit.record(session, "update", OFFER, offer_id, field="sessions", old=before,
                         new=format_sessions(data.sessions))
    return offer_id


def _linked_bookings(session: Session, offer_id: int | None,
                     session_ids: Sequence[int]) -> list[tuple[int, int | None]]:
    """(booking id, offer_session_id) of the bookings linked to an offer or to some of its sessions."""
    conditions = []
    if offer_id is not None:
        conditions.append(Booking.offer_id == offer_id)
    if session_ids:
        conditions.append(Booking.offer_session_id.in_(session_ids))
    if not conditions:
        return []
    stmt = select(Booking.id, Booking.offer_session_id).where(or_(*conditions)).order_by(Booking.id)
    return [(id_, link) for id_, link in session.execute(stmt)]


def delete_offer(session: Session, offer_id: int) -> OfferSnapshot:
    """Delete an offer with its sessions and match decisions; bookings of it stay, unlinked. An offer
    with course runs is refused (a run is what happened, and needs its offer)."""
    rows = row_dicts(session, Offer, Offer.id == offer_id)
    if not rows:
        raise NotFoundError(f"Kurstilbudet finnes ikke lenger (id {offer_id}).")
    run_refs = list(session.execute(select(CourseRun.ref).where(CourseRun.offer_id == offer_id)
                                    .order_by(CourseRun.ref)).scalars())
    if run_refs:
        raise UserError(f"Kurstilbudet {rows[0]['ref']} «{rows[0]['title']}» har "
                        f"{plural(len(run_refs), 'gjennomføring', 'gjennomføringer')} ({', '.join(run_refs[:5])}"
                        f"{' …' if len(run_refs) > 5 else ''}) og kan ikke slettes. Slett gjennomføringene under "
                        f"Gjennomføringer først.")
    sessions = tuple(row_dicts(session, OfferSession, OfferSession.offer_id == offer_id))
    decisions = tuple(row_dicts(session, MatchDecision, MatchDecision.offer_id == offer_id))
    bookings = tuple(_linked_bookings(session, offer_id, [s["id"] for s in sessions]))
    series = tuple(session.execute(select(BookingSeries.id).where(BookingSeries.offer_id == offer_id)
                                   .order_by(BookingSeries.id)).scalars())
    if bookings:
        session.execute(update(Booking).where(Booking.id.in_([b for b, _ in bookings]))
                        .values(offer_id=None, offer_session_id=None))
    if series:
        session.execute(update(BookingSeries).where(BookingSeries.id.in_(series)).values(offer_id=None))
    session.execute(delete(MatchDecision).where(MatchDecision.offer_id == offer_id))
    session.execute(delete(OfferSession).where(OfferSession.offer_id == offer_id))
    session.execute(delete(Offer).where(Offer.id == offer_id))
    row = rows[0]
    audit.record(session, "delete", OFFER, offer_id,
                 summary=f"Slettet kurstilbud {row['ref']} «{row['title']}» med "
                         f"{plural(len(sessions), 'samling', 'samlinger')}")
    return OfferSnapshot(row, sessions, decisions, bookings, series)


def restore_offer(session: Session, snapshot: OfferSnapshot) -> int:
    """Put a deleted offer back with the same ids, its sessions, decisions and booking links."""
    row = snapshot.offer
    offer_id = row["id"]
    if row_exists(session, Offer, offer_id):
        raise UserError(f"Kurstilbudet {row['ref']} kan ikke gjenopprettes: id {offer_id} er tatt i bruk igjen.")
    if not row_exists(session, Provider, row["provider_id"]):
        raise UserError(f"Kurstilbudet {row['ref']} kan ikke gjenopprettes: tilbyderen er slettet. Gjenopprett "
                        f"tilbyderen først.")
    refuse_taken_ref(session, Offer, row["ref"], None, "kurstilbudet")
    insert_rows(session, Offer, [row])
    insert_rows(session, OfferSession, snapshot.sessions)
    needs = {d["need_id"] for d in snapshot.decisions}
    living = set(session.execute(select(Need.id).where(Need.id.in_(needs))).scalars()) if needs else set()
    insert_rows(session, MatchDecision, [d for d in snapshot.decisions if d["need_id"] in living])
    for booking_id, session_id in snapshot.bookings:
        session.execute(update(Booking).where(Booking.id == booking_id, Booking.offer_id.is_(None))
                        .values(offer_id=offer_id, offer_session_id=session_id))
    if snapshot.series_ids:
        session.execute(update(BookingSeries)
                        .where(BookingSeries.id.in_(snapshot.series_ids), BookingSeries.offer_id.is_(None))
                        .values(offer_id=offer_id))
    audit.record(session, "restore", OFFER, offer_id,
                 summary=f"Gjenopprettet kurstilbud {row['ref']} «{row['title']}»")
    return offer_id


# ---------------------------------------------------------------- session writes

def _offer_label(session: Session, offer_id: int) -> str:
    row = session.execute(select(Offer.ref, Offer.title).where(Offer.id == offer_id)).first()
    if row is None:
        raise NotFoundError(f"Kurstilbudet finnes ikke lenger (id {offer_id}).")
    return f"{row.ref} «{row.title}»"


def save_session(session: Session, offer_id: int, data: SessionData, session_id: int | None = None) -> int:
    """Create or update one session of an offer; returns its id."""
    _refuse([p for p in (session_problem(data.starts_at, data.ends_at),) if p])
    label = _offer_label(session, offer_id)
    values = {"offer_id": offer_id, "starts_at": data.starts_at, "ends_at": data.ends_at, "title": data.title}
    if session_id is None:
        return create_row(session, OfferSession, values, OFFER_SESSION,
                          f"Ny samling {format_sessions([data])} for {label}").id
    block = existing_row(session, OfferSession, session_id, "Samlingen")
    apply_changes(session, block, values, OFFER_SESSION)
    return session_id


def delete_session(session: Session, session_id: int) -> SessionSnapshot:
    """Delete one session; bookings of it stay, unlinked from the session (not from the offer)."""
    rows = row_dicts(session, OfferSession, OfferSession.id == session_id)
    if not rows:
        raise NotFoundError(f"Samlingen finnes ikke lenger (id {session_id}).")
    row = rows[0]
    label = _offer_label(session, row["offer_id"])
    bookings = tuple(b for b, _ in _linked_bookings(session, None, [session_id]))
    if bookings:
        session.execute(update(Booking).where(Booking.id.in_(bookings)).values(offer_session_id=None))
    session.execute(delete(OfferSession).where(OfferSession.id == session_id))
    shown = format_sessions([SessionData(row["starts_at"], row["ends_at"])])
    audit.record(session, "delete", OFFER_SESSION, session_id, summary=f"Slettet samlingen {shown} for {label}")
    return SessionSnapshot(row, bookings)


def restore_session(session: Session, snapshot: SessionSnapshot) -> int:
    row = snapshot.session
    label = _offer_label(session, row["offer_id"])
    if row_exists(session, OfferSession, row["id"]):
        raise UserError(f"Samlingen kan ikke gjenopprettes: id {row['id']} er tatt i bruk igjen.")
    insert_rows(session, OfferSession, [row])
    if snapshot.booking_ids:
        session.execute(update(Booking).where(Booking.id.in_(snapshot.booking_ids),
                                              Booking.offer_session_id.is_(None))
                        .values(offer_session_id=row["id"]))
    audit.record(session, "restore", OFFER_SESSION, row["id"], summary=f"Gjenopprettet en samling for {label}")
    return row["id"]


def sync_sessions(session: Session, wanted: Mapping[int, Sequence[SessionData]]) -> set[int]:
    """Make each offer's sessions exactly ``wanted[offer_id]``, in bulk; returns the offers changed.

    A session with the same start and end as one already there is kept (with its id, title and
    bookings); the others are deleted and the new ones inserted. A wanted session with a title
    sets that title.
    """
    if not wanted:
        return set()
    existing: dict[int, dict[tuple[dt.datetime, dt.datetime], tuple[int, str]]] = {}
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for id_, offer_id, starts_at, ends_at, title in session.execute(
                select(*_SESSION_COLUMNS).where(OfferSession.offer_id.in_(chunk))):
            existing.setdefault(offer_id, {})[(starts_at, ends_at)] = (id_, title)
    inserts: list[dict[str, Any]] = []
    renames: list[dict[str, Any]] = []
    removed: list[int] = []
    changed: set[int] = set()
    for offer_id, sessions in wanted.items():
        have = dict(existing.get(offer_id, {}))
        for item in sessions:
            found = have.pop((item.starts_at, item.ends_at), None)
            if found is None:
                inserts.append({"offer_id": offer_id, "starts_at": item.starts_at, "ends_at": item.ends_at,
                                "title": item.title})
                changed.add(offer_id)
            elif item.title and item.title != found[1]:
                renames.append({"id": found[0], "title": item.title})
                changed.add(offer_id)
        if have:
            removed.extend(id_ for id_, _ in have.values())
            changed.add(offer_id)
    for start in range(0, len(removed), 500):
        chunk = removed[start:start + 500]
        session.execute(update(Booking).where(Booking.offer_session_id.in_(chunk)).values(offer_session_id=None))
        session.execute(delete(OfferSession).where(OfferSession.id.in_(chunk)))
    if inserts:
        session.execute(insert(OfferSession), inserts)
    if renames:
        session.execute(update(OfferSession), renames)
    return changed
