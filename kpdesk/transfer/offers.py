"""Course offers as CSV: keyed by ref, the provider named by name and created when missing.

Canonical columns (the issue's): ``ref;provider;title;description;keywords;credits;level;format;
location;start_date;end_date;application_deadline;seats_min;seats_max;price_nok``. Two more are
read when present and always written, so that an export imported again gives the same data:
``credit_system`` (UH-studiepoeng, fagskolestudiepoeng or ingen; inferred when absent, see
``kpdesk.offers.validation``) and ``sessions`` (the samlinger, "03.02.2027–05.02.2027, 14.04.2027";
absent: the offer's sessions stay as they are).

A row that updates an offer and leaves out some columns keeps the database values of those
columns, and the rules across fields (end before start, seats) are checked on the result. Refs
match in any case ("t00001" updates T00001, whose stored spelling stays). Created offers and
providers get a "create" entry in the audit log, changed fields (sessions too) an "update" entry.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import Session

from kpdesk.common import csvfile
from kpdesk.common.codes import CREDIT_SYSTEMS, FORMATS, LEVELS
from kpdesk.common.fields import FieldError
from kpdesk.common.norsk import format_date, format_decimal
from kpdesk.db.audit import record
from kpdesk.db.models import Offer, OfferSession, Provider
from kpdesk.db.row_writing import AuditBatch, field_changes, ref_key
from kpdesk.offers.service import (
    OFFER,
    OFFER_REF_PREFIX,
    PROVIDER,
    name_key,
    next_offer_ref,
    offer_values,
    sync_sessions,
)
from kpdesk.offers.validation import (
    OfferData,
    SessionData,
    format_sessions,
    infer_provider_kind,
    parse_ref,
    validate_offer,
)
from kpdesk.transfer.base import (
    ImportPlan,
    ImportProblem,
    ImportResult,
    Kind,
    PlannedRow,
    bulk_insert,
    bulk_update,
    chunks,
    count_words,
    now,
    problems_at,
    repeated_ref,
    stale,
)

OFFER_COLUMNS = ("ref", "provider", "title", "description", "keywords", "credits", "level", "format", "location",
                 "start_date", "end_date", "application_deadline", "seats_min", "seats_max", "price_nok")
_OPTIONAL = ("credit_system", "sessions")
OFFER_EXPORT_COLUMNS = OFFER_COLUMNS + _OPTIONAL
_ALIASES = {
    "referanse": "ref", "tilbyder": "provider", "leverandør": "provider", "kursleverandør": "provider",
    "tittel": "title", "kursnavn": "title", "navn": "title", "beskrivelse": "description", "stikkord": "keywords",
    "nøkkelord": "keywords", "studiepoeng": "credits", "nivå": "level", "sted": "location", "kommune": "location",
    "kommunenummer": "location", "startdato": "start_date", "oppstart": "start_date", "sluttdato": "end_date",
    "slutt": "end_date", "søknadsfrist": "application_deadline", "frist": "application_deadline",
    "minste antall plasser": "seats_min", "min plasser": "seats_min", "største antall plasser": "seats_max",
    "maks plasser": "seats_max", "plasser": "seats_max", "pris": "price_nok", "pris nok": "price_nok",
    "studiepoengsystem": "credit_system", "samlinger": "sessions",
}
_FILLED = " (verdien i databasen)"


# ---------------------------------------------------------------- cells

def _cells(row: RowMapping, provider: str) -> dict[str, str]:
    """An offer row of the database as the text the canonical columns hold."""
    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "ref": row["ref"], "provider": provider, "title": row["title"], "description": row["description"] or "",
        "keywords": row["keywords"] or "", "credits": format_decimal(row["credits"]),
        "credit_system": CREDIT_SYSTEMS.label(row["credit_system"]), "level": LEVELS.label(row["level"]),
        "format": FORMATS.label(row["format"]), "location": row["municipality"] or "",
        "start_date": format_date(row["start_date"]), "end_date": format_date(row["end_date"]),
        "application_deadline": format_date(row["application_deadline"]), "seats_min": text(row["seats_min"]),
        "seats_max": text(row["seats_max"]), "price_nok": text(row["price_nok"]),
    }


# ---------------------------------------------------------------- planning

def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    providers: dict[str, tuple[int | None, str, str]] = {}  # name key -> (id or None for new, kind, name)
    for id_, name, kind in session.execute(select(Provider.id, Provider.name, Provider.kind).order_by(Provider.id)):
        providers.setdefault(name_key(name), (id_, kind, name))

    def kind_of(name: str) -> str | None:
        found = providers.get(name_key(name))
        return found[1] if found else None

    existing = {ref_key(ref): id_ for ref, id_ in session.execute(select(Offer.ref, Offer.id))}
    missing = [c for c in (*OFFER_COLUMNS, "credit_system") if c not in table.columns]
    if "credits" in table.columns:
        missing = [c for c in missing if c != "credit_system"]  # inferred from the credits given
    seen: dict[str, int] = {}
    new_providers: list[str] = []
    for chunk in chunks(table):
        stored = _stored_cells(session, _ref_keys(chunk) & existing.keys()) if missing else {}
        for row in chunk:
            raw = dict(row.values)
            filled: set[str] = set()
            key = _ref_key(raw.get("ref", ""))
            if key in stored:
                filled = set(missing)
                raw.update({c: stored[key][c] for c in filled})
            data, found = validate_offer(raw, kind_of)
            for problem in problems_at(row.line, found):
                if problem.column in filled:
                    problem = ImportProblem(problem.line, problem.column, problem.message + _FILLED, problem.warning)
                plan.problems.append(problem)
            if data is None:
                continue
            repeated = repeated_ref(seen, row.line, data.ref) if data.ref else None
            if repeated is not None:
                plan.problems.append(repeated)
                continue
            target = existing.get(ref_key(data.ref)) if data.ref else None
            provider = name_key(data.provider)
            if provider not in providers:
                providers[provider] = (None, infer_provider_kind(data.provider), data.provider)
                new_providers.append(data.provider)
            plan.rows.append(PlannedRow(row.line, "update" if target else "create", data, None, target))
    if new_providers and not plan.has_errors:
        plan.note = f"{_new_providers(len(new_providers))} blir lagt til: {', '.join(new_providers)}."


def _new_providers(count: int) -> str:
    return f"{count} {'ny tilbyder' if count == 1 else 'nye tilbydere'}"


def _ref_key(text: str) -> str | None:
    """The ref key of a cell, or None when it holds no valid ref."""
    try:
        ref = parse_ref(text)
    except FieldError:
        return None
    return ref_key(ref) if ref else None


def _ref_keys(rows: Iterable[csvfile.CsvRow]) -> set[str]:
    return {key for key in (_ref_key(r.values.get("ref") or "") for r in rows) if key}


def _stored_cells(session: Session, keys: Collection[str]) -> dict[str, dict[str, str]]:
    """The database values as text of the offers with these ref keys (for columns the file leaves out)."""
    if not keys:
        return {}
    columns = [*Offer.__table__.c, Provider.name.label("provider_name")]
    stmt = select(*columns).join(Provider, Offer.provider_id == Provider.id).where(func.lower(Offer.ref).in_(keys))
    return {ref_key(row["ref"]): _cells(row, row["provider_name"]) for row in session.execute(stmt).mappings()}


# ---------------------------------------------------------------- applying

def apply(session: Session, plan: ImportPlan) -> ImportResult:
    table = Offer.__table__
    current = {ref_key(r["ref"]): r for r in session.execute(select(*table.c)).mappings()}
    for r in plan.rows:
        if (r.action == "create") == (r.data.ref is not None and ref_key(r.data.ref) in current):
            raise stale()
    stamp = now()
    audit = AuditBatch(session)
    providers, new_providers = _ensure_providers(session, plan, stamp, audit)
    next_number = int(next_offer_ref(session, (r.data.ref for r in plan.rows if r.data.ref))[len(OFFER_REF_PREFIX):])
    creates, updates = [], []
    sessions: dict[str, tuple[SessionData, ...]] = {}  # stored ref -> the sessions the file gives
    for r in plan.rows:
        d: OfferData = r.data
        values = offer_values(d, providers[name_key(d.provider)], d.credit_system or "none")
        if r.action == "create":
            ref = d.ref
            if ref is None:
                ref, next_number = f"{OFFER_REF_PREFIX}{next_number:05d}", next_number + 1
            creates.append({"ref": ref, **values, "created_at": stamp, "updated_at": stamp})
        else:
            assert d.ref is not None  # the stale check above: an update names a ref the database has
            row = current[ref_key(d.ref)]
            ref = row["ref"]
            if d.credit_system is None:  # neither credits nor credit system in the file
                values["credit_system"] = row["credit_system"]
            changes = field_changes(row, values)
            if changes:
                updates.append({"id": row["id"], **values, "updated_at": stamp})
                audit.changed(OFFER, row["id"], changes)
        if d.sessions is not None:
            sessions[ref] = d.sessions
    bulk_insert(session, Offer, creates)
    bulk_update(session, Offer, updates)
    ids = _ids_by_ref(session, [c["ref"] for c in creates] + list(sessions))
    for row in creates:
        audit.created(OFFER, ids[row["ref"]], f"Nytt kurstilbud {row['ref']} «{row['title']}»")
    created_ids = {ids[c["ref"]] for c in creates}
    touched = _sync_sessions(session, {ids[ref]: items for ref, items in sessions.items()}, created_ids, audit)
    audit.flush()
    updated = len({u["id"] for u in updates} | (touched - created_ids))
    note = f"La til {_new_providers(new_providers)}." if new_providers else ""
    return ImportResult(plan.kind, len(creates), updated, plan.updates - updated, note)


def _ids_by_ref(session: Session, refs: list[str]) -> dict[str, int]:
    """Stored ref -> id of these offers."""
    found: dict[str, int] = {}
    for chunk in chunks(refs):
        found.update(session.execute(select(Offer.ref, Offer.id).where(Offer.ref.in_(chunk))).all())
    return found


def _sync_sessions(session: Session, wanted: dict[int, tuple[SessionData, ...]], created: set[int],
                   audit: AuditBatch) -> set[int]:
    """``sync_sessions``, with an "update" entry for each existing offer whose sessions changed."""
    before = _stored_sessions(session, [id_ for id_ in wanted if id_ not in created])
    touched = sync_sessions(session, wanted)
    for offer_id in sorted(touched - created):
        audit.changed(OFFER, offer_id, [("sessions", format_sessions(before.get(offer_id, [])),
                                         format_sessions(wanted[offer_id]))])
    return touched


def _ensure_providers(session: Session, plan: ImportPlan, stamp: Any, audit: AuditBatch) -> tuple[dict[str, int], int]:
    """Name key -> provider id for every provider the plan names, and how many were created."""
    known: dict[str, int] = {}
    for id_, name in session.execute(select(Provider.id, Provider.name).order_by(Provider.id)):
        known.setdefault(name_key(name), id_)
    wanted: dict[str, str] = {}
    for r in plan.rows:
        wanted.setdefault(name_key(r.data.provider), r.data.provider)
    new = [(key, name) for key, name in wanted.items() if key not in known]
    bulk_insert(session, Provider, [{"name": name, "kind": infer_provider_kind(name), "web": "", "notes": "",
                                     "created_at": stamp, "updated_at": stamp} for _, name in new])
    if new:
        for id_, name in session.execute(select(Provider.id, Provider.name)):
            known.setdefault(name_key(name), id_)
        for key, name in new:
            audit.created(PROVIDER, known[key], f"Ny tilbyder «{name}»")
        audit.flush()  # before the summary, so the log reads in order
        record(session, "import", PROVIDER, None,
                     summary=f"Import av kurstilbud fra {plan.source} la til {count_words('providers', len(new))}: "
                             f"{', '.join(name for _, name in new)}.")
    return {key: known[key] for key in wanted}, len(new)


# ---------------------------------------------------------------- export

def _stored_sessions(session: Session, offer_ids: list[int] | None = None) -> dict[int, list[SessionData]]:
    """Offer id -> its sessions in order (of these offers, or of all)."""
    stmt = (select(OfferSession.offer_id, OfferSession.starts_at, OfferSession.ends_at, OfferSession.title)
            .order_by(OfferSession.offer_id, OfferSession.starts_at, OfferSession.id))
    found: dict[int, list[SessionData]] = {}
    for chunk in [None] if offer_ids is None else chunks(offer_ids):
        for offer_id, starts_at, ends_at, title in session.execute(
                stmt if chunk is None else stmt.where(OfferSession.offer_id.in_(chunk))):
            found.setdefault(offer_id, []).append(SessionData(starts_at, ends_at, title or ""))
    return found


def export_rows(session: Session) -> list[tuple[Any, ...]]:
    sessions = _stored_sessions(session)
    stmt = (select(*Offer.__table__.c, Provider.name.label("provider_name"))
            .join(Provider, Offer.provider_id == Provider.id).order_by(Offer.id))
    rows = []
    for row in session.execute(stmt).mappings():
        cells = _cells(row, row["provider_name"])
        cells["sessions"] = format_sessions(sessions.get(row["id"], []))
        rows.append(tuple(cells[c] for c in OFFER_EXPORT_COLUMNS))
    return rows


KIND = Kind("offers", OFFER, OFFER_COLUMNS, ("provider", "title"), _OPTIONAL, _ALIASES, plan, apply, export_rows,
            OFFER_EXPORT_COLUMNS)
