"""CSV import (plan, then all-or-nothing apply) and export of providers and course offers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import EVAL, needs_eval, new_location

from kpdesk import transfer
from kpdesk.admin.audit_log import history
from kpdesk.common.errors import UserError
from kpdesk.db.models import AuditEntry, Offer, OfferSession, Provider
from kpdesk.offers import service as offers
from kpdesk.offers.validation import ProviderData, parse_sessions
from kpdesk.transfer import ImportProblem, apply_import, plan_bytes, plan_import

HEADER = ("ref;provider;title;description;keywords;credits;level;format;location;start_date;end_date;"
          "application_deadline;seats_min;seats_max;price_nok")
PO01 = ("PO01;Nordland fagskole;Kreftomsorg og lindrende pleie;Palliativ omsorg.;palliasjon, kreft;30;fagskole;"
        "nettbasert;;23.08.2027;01.06.2028;15.04.2027;10;40;0")
PO03 = ("PO03;Salten Kurs AS;Verneombudskurs (40 timer);Grunnopplæring for verneombud.;verneombud, HMS;0;kurs;"
        "desentralisert;1841;08.02.2027;12.02.2027;01.02.2027;6;20;5900")


def csv_bytes(*lines: str, encoding: str = "utf-8-sig", newline: str = "\r\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def plan(store, kind: str, data: bytes, source: str = "fil.csv") -> transfer.ImportPlan:
    with store.session() as s:
        return plan_bytes(s, kind, data, source)


def run(store, kind: str, data: bytes) -> transfer.ImportResult:
    with store.session() as s:
        return apply_import(s, plan_bytes(s, kind, data, "fil.csv"))


def contents(store) -> tuple:
    with store.session() as s:
        return tuple(tuple(map(tuple, s.execute(select(*m.__table__.c).order_by(m.id)).all()))
                     for m in (Provider, Offer, OfferSession))


def data_of(store) -> tuple[list, list]:
    """Providers and offers as data, without ids (a copy numbers its rows in its own order)."""
    with store.session() as s:
        providers = [dataclasses.replace(p, id=0) for p in offers.list_providers(s)]
        rows = [dataclasses.replace(o, id=0, provider_id=0) for o in offers.list_offers(s)]
        sessions = [[(x.starts_at, x.ends_at) for x in offers.list_sessions(s, o.id)] for o in offers.list_offers(s)]
    return providers, list(zip(rows, sessions, strict=True))


def messages(result: transfer.ImportPlan) -> list[str]:
    return [str(p) for p in result.problems]


# ---------------------------------------------------------------- the shared eval file

@needs_eval
def test_import_eval_offers(store) -> None:
    with store.session() as s:
        result = plan_import(s, "offers", EVAL / "offers.csv")
    assert (result.encoding, result.delimiter, result.problems) == ("utf-8-sig", ";", [])
    assert (result.creates, result.updates) == (16, 0)
    assert result.sentence() == (
        "offers.csv: 16 kurstilbud, 16 nye og 0 finnes fra før. 6 nye tilbydere blir lagt til: Nordland fagskole, "
        "Nord universitet, Salten Kurs AS, Fauske videregående skole, UiT Norges arktiske universitet, Bodø "
        "videregående skole.")
    with store.session() as s:
        done = apply_import(s, result)
    assert done.sentence() == "Importerte 16 kurstilbud: 16 nye, 0 oppdatert. La til 6 nye tilbydere."
    with store.session() as s:
        rows = {o.ref: o for o in offers.list_offers(s)}
        kinds = {p.name: p.kind for p in offers.list_providers(s)}
        entries = history(s)
    assert kinds == {"Nordland fagskole": "vocational_college", "Nord universitet": "university",
                     "Salten Kurs AS": "vendor", "Fauske videregående skole": "upper_secondary",
                     "UiT Norges arktiske universitet": "university", "Bodø videregående skole": "upper_secondary"}
    po07 = rows["PO07"]
    assert (po07.credits, po07.credit_system, po07.level, po07.format, po07.municipality) == (
        Decimal("7.5"), "uh", "bachelor", "online", None)
    po01 = rows["PO01"]
    assert (po01.credit_system, po01.start_date, po01.application_deadline, po01.seats_min, po01.seats_max) == (
        "fagskole", dt.date(2027, 8, 23), dt.date(2027, 4, 15), 10, 40)
    po03 = rows["PO03"]
    assert (po03.credits, po03.credit_system, po03.format, po03.municipality, po03.price_nok) == (
        Decimal(0), "none", "decentralised", "1841", 5900)
    assert [r for r in rows] == [f"PO{n:02d}" for n in (*range(1, 14), 16, 17, 14)]  # file order
    imports = [e for e in entries if e.action == "import"]
    assert [(e.action, e.entity) for e in imports] == [("import", "offer"), ("import", "provider")]
    assert imports[0].summary == "Import av 16 kurstilbud fra offers.csv: 16 nye, 0 oppdatert, 0 uendret."


@needs_eval
def test_reimport_updates_instead_of_duplicating(store) -> None:
    data = (EVAL / "offers.csv").read_bytes()
    run(store, "offers", data)
    again = run(store, "offers", data)
    assert again.sentence() == "Importerte 16 kurstilbud: 0 nye, 0 oppdatert, 16 uendret."
    changed = data.replace(b";30;fagskole;nettbasert;;23.08.2027;01.06.2028;15.04.2027;10;40;0",
                           b";30;fagskole;nettbasert;;23.08.2027;01.06.2028;15.04.2027;12;40;0")
    result = run(store, "offers", changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 15)
    with store.session() as s:
        assert s.execute(select(func.count()).select_from(Offer)).scalar_one() == 16
        assert s.execute(select(func.count()).select_from(Provider)).scalar_one() == 6
        assert offers.get_offer(s, offers.offer_id_for_ref(s, "PO01")).seats_min == 12


@needs_eval
def test_export_then_import_gives_the_same_data(store, tmp_path: Path) -> None:
    from kpdesk.db.store import Store

    run(store, "offers", (EVAL / "offers.csv").read_bytes())
    with store.session() as s:  # sessions, a provider's details and an explicit credit system come along too
        po02 = offers.offer_id_for_ref(s, "PO02")
        offers.sync_sessions(s, {po02: parse_sessions("20.08.2027–21.08.2027, 10.01.2028 kl. 10.00–14.00")})
        uit = offers.find_provider(s, "UiT Norges arktiske universitet")
        offers.save_provider(s, ProviderData("UiT Norges arktiske universitet", "university", "uit.no",
                                             "Campus Helgeland; samlinger i Mo i Rana"), uit)
        assert transfer.export(s, "providers", tmp_path / "a-providers.csv") == 6
        assert transfer.export(s, "offers", tmp_path / "a-offers.csv") == 16
    original = data_of(store)
    copy = Store.open(new_location(tmp_path, "copy.sqlite"))
    try:
        run(copy, "providers", (tmp_path / "a-providers.csv").read_bytes())
        run(copy, "offers", (tmp_path / "a-offers.csv").read_bytes())
        with copy.session() as s:
            transfer.export(s, "providers", tmp_path / "b-providers.csv")
            transfer.export(s, "offers", tmp_path / "b-offers.csv")
        copied = data_of(copy)
    finally:
        copy.close()
    assert (tmp_path / "a-offers.csv").read_bytes() == (tmp_path / "b-offers.csv").read_bytes()
    assert (tmp_path / "a-providers.csv").read_bytes() == (tmp_path / "b-providers.csv").read_bytes()
    assert copied == original
    exported = (tmp_path / "a-offers.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert exported[0] == HEADER + ";credit_system;sessions"
    assert exported[2].endswith(";1804;20.08.2027;01.06.2028;15.04.2027;15;40;0;UH-studiepoeng;"
                                "20.08.2027–21.08.2027, 10.01.2028 kl. 10.00–14.00")
    assert ";7,5;bachelor;nettbasert;;" in exported[7]
    providers = (tmp_path / "a-providers.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert providers[0] == "name;kind;web;notes"
    assert providers[1] == "Bodø videregående skole;videregående skole;;"  # Norwegian order
    assert providers[-1] == 'UiT Norges arktiske universitet;universitet/høgskole;uit.no;"Campus Helgeland; ' \
                            'samlinger i Mo i Rana"'


# ---------------------------------------------------------------- providers

def test_providers_import_with_norwegian_headers(store) -> None:
    data = csv_bytes("Navn;Type;Nettside;Merknad", "Nord universitet;;www.nord.no;Campus Bodø",
                     "Campus BLÅ;fagskole;;Brønnøysund", "Salten Kurs AS;;;")
    result = run(store, "providers", data)
    assert result.sentence() == "Importerte 3 tilbydere: 3 nye, 0 oppdatert."
    with store.session() as s:
        rows = {p.name: p for p in offers.list_providers(s)}
    assert {n: (p.kind, p.web, p.notes) for n, p in rows.items()} == {
        "Campus BLÅ": ("vocational_college", "", "Brønnøysund"), "Nord universitet": ("university", "www.nord.no",
                                                                                         "Campus Bodø"),
        "Salten Kurs AS": ("vendor", "", "")}
    # the name is the key, compared without case; an empty kind keeps the kind already there
    again = run(store, "providers", csv_bytes("name;kind;notes", "CAMPUS blå;;Klasserom på nett",
                                              "Nord universitet;;Campus Bodø"))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    with store.session() as s:
        blaa = offers.get_provider(s, offers.find_provider(s, "Campus BLÅ"))
    assert (blaa.name, blaa.kind, blaa.notes) == ("CAMPUS blå", "vocational_college", "Klasserom på nett")


def test_provider_problems(store) -> None:
    result = plan(store, "providers", csv_bytes("name;kind;web", ";fagskole;", "Nord universitet;skole;",
                                                "Nord universitet;;nord universitet", "Nordland fagskole;;",
                                                "NORDLAND  fagskole;;"))
    assert messages(result) == [
        "linje 2, kolonne name: Navnet på tilbyderen mangler",
        "linje 3, kolonne kind: Ukjent tilbydertype «skole»; bruk en av: universitet/høgskole, fagskole, "
        "videregående skole, kursleverandør, annen",
        "linje 4, kolonne web: «nord universitet» ser ikke ut som en nettadresse (skriv for eksempel www.nord.no)",
        "linje 6, kolonne name: Tilbyderen «NORDLAND fagskole» står også på linje 5",
    ]


# ---------------------------------------------------------------- tolerant input

def test_windows_1252_commas_iso_dates_and_norwegian_headers(store) -> None:
    data = csv_bytes("Referanse,Tilbyder,Tittel,Studiepoeng,Nivå,Format,Sted,Startdato,Sluttdato,Søknadsfrist,Pris",
                     'Æ1,Nord universitet,"Økonomi, regnskap og budsjett","7,5",Bachelor/NKR 6,Nett,Bodø,2027-02-01,'
                     '2027-05-15,2027-01-25,"kr 4 500,-"',
                     encoding="cp1252")
    result = plan(store, "offers", data)
    assert (result.encoding, result.delimiter, result.problems) == ("cp1252", ",", [])
    run(store, "offers", data)
    with store.session() as s:
        [row] = offers.list_offers(s)
    assert (row.ref, row.title, row.credits, row.credit_system, row.level, row.format, row.municipality) == (
        "Æ1", "Økonomi, regnskap og budsjett", Decimal("7.5"), "uh", "bachelor", "online", "1804")
    assert (row.start_date, row.end_date, row.application_deadline, row.price_nok) == (
        dt.date(2027, 2, 1), dt.date(2027, 5, 15), dt.date(2027, 1, 25), 4500)


def test_offers_without_ref_get_automatic_refs(store) -> None:
    run(store, "offers", csv_bytes("ref;provider;title", "T00007;Nord universitet;Først"))
    run(store, "offers", csv_bytes("provider;title", "Nord universitet;Andre", "nord universitet;Tredje"))
    with store.session() as s:
        assert [o.ref for o in offers.list_offers(s)] == ["T00007", "T00008", "T00009"]
        assert len(offers.list_providers(s)) == 1


def test_sessions_column(store) -> None:
    header = "ref;provider;title;start_date;end_date;sessions"
    run(store, "offers", csv_bytes(header, "A1;Nord universitet;Kurs;01.02.2027;01.06.2027;"
                                           '"01.02.2027–03.02.2027, 14.04.2027 kl. 10.00–14.00"'))
    with store.session() as s:
        offer_id = offers.offer_id_for_ref(s, "A1")
        first = offers.list_sessions(s, offer_id)
    assert [(x.starts_at, x.ends_at) for x in first] == [
        (dt.datetime(2027, 2, 1, 9), dt.datetime(2027, 2, 3, 15, 30)),
        (dt.datetime(2027, 4, 14, 10), dt.datetime(2027, 4, 14, 14))]
    # absent column: sessions stay; the same sessions again: unchanged; one less: updated
    assert run(store, "offers", csv_bytes("ref;provider;title", "A1;Nord universitet;Kurs")).unchanged == 1
    same = run(store, "offers", csv_bytes(header, 'A1;Nord universitet;Kurs;01.02.2027;01.06.2027;"01.02.2027–'
                                                  '03.02.2027, 14.04.2027 kl. 10.00–14.00"'))
    assert same.unchanged == 1
    fewer = run(store, "offers", csv_bytes(header, "A1;Nord universitet;Kurs;01.02.2027;01.06.2027;01.02.2027–"
                                                   "03.02.2027"))
    assert (fewer.updated, fewer.unchanged) == (1, 0)
    with store.session() as s:
        assert [x.id for x in offers.list_sessions(s, offer_id)] == [first[0].id]  # kept with its id


def test_partial_columns_update_only_those_fields(store) -> None:
    run(store, "offers", csv_bytes(HEADER, PO01))
    result = run(store, "offers", csv_bytes("ref;provider;title;seats_max", "PO01;Nordland fagskole;Kreftomsorg;30"))
    assert (result.updated, result.created) == (1, 0)
    with store.session() as s:
        [row] = offers.list_offers(s)
    assert (row.title, row.seats_max, row.seats_min, row.description, row.credits, row.credit_system, row.format) == (
        "Kreftomsorg", 30, 10, "Palliativ omsorg.", Decimal(30), "fagskole", "online")
    # a rule broken together with the values already stored
    problems = plan(store, "offers", csv_bytes("ref;provider;title;start_date", "PO01;Nordland fagskole;K;01.07.2028"))
    assert problems.problems == [
        ImportProblem(2, "end_date", "Sluttdatoen 01.06.2028 er før startdatoen 01.07.2028 (verdien i databasen)")]
    seats = plan(store, "offers", csv_bytes("ref;provider;title;seats_min", "PO01;Nordland fagskole;K;31"))
    assert messages(seats) == ["linje 2, kolonne seats_min: Minste antall plasser (31) er større enn største antall "
                               "plasser (30)"]
    # credits given without their system: inferred again, not taken from the database
    run(store, "offers", csv_bytes("ref;provider;title;credits;level", "PO01;Nordland fagskole;K;15;bachelor"))
    with store.session() as s:
        [row] = offers.list_offers(s)
    assert (row.credits, row.credit_system, row.level) == (Decimal(15), "uh", "bachelor")


# ---------------------------------------------------------------- problems, with their line and column

def test_every_bad_value_is_reported_on_its_line_and_column(store) -> None:
    data = csv_bytes(
        HEADER,
        PO01.replace("01.06.2028", "01.06.2027"),  # end before start
        PO01.replace("PO01", "PO02").replace("15.04.2027", "01.09.2027"),  # deadline after start
        PO01.replace("PO01", "PO03").replace(";10;40;", ";50;40;"),  # seats
        PO01.replace("PO01", "PO04").replace(";30;fagskole;", ";-30;fagskole;"),  # negative credits
        PO03.replace("PO03", "PO05").replace(";5900", ";-5900"),  # negative price
        PO03.replace("PO03", "PO06").replace(";kurs;", ";doktorgrad;").replace(";desentralisert;", ";hybrid;"),
        PO03.replace("PO03", "PO07").replace(";0;kurs;", ";10;kurs;"),  # credits, no system to be found
        PO01.replace("PO01", "PO08").replace("23.08.2027", "31.02.2027"),  # no such date
        PO01,
        PO01.replace(";10;40;", ";tre;40;"),  # ref already on line 10 (and a bad number)
    )
    before = contents(store)
    result = plan(store, "offers", data)
    assert messages(result) == [
        "linje 2, kolonne end_date: Sluttdatoen 01.06.2027 er før startdatoen 23.08.2027",
        "linje 3, kolonne application_deadline: Søknadsfristen 01.09.2027 er etter startdatoen 23.08.2027",
        "linje 4, kolonne seats_min: Minste antall plasser (50) er større enn største antall plasser (40)",
        "linje 5, kolonne credits: Studiepoeng kan ikke være negative («-30»)",
        "linje 6, kolonne price_nok: Prisen kan ikke være negativ («-5900»)",
        "linje 7, kolonne level: Ukjent nivå «doktorgrad»; bruk en av: kurs, fagbrev, fagskole, bachelor, master, "
        "åpent",
        "linje 7, kolonne format: Ukjent format «hybrid»; bruk en av: campus, nettbasert, samlingsbasert, "
        "desentralisert",
        "linje 8, kolonne credit_system: 10 studiepoeng uten studiepoengsystem: oppgi UH-studiepoeng eller "
        "fagskolestudiepoeng (det går ikke fram av nivået eller tilbyderen)",
        "linje 9, kolonne start_date: «31.02.2027» finnes ikke: februar 2027 har 28 dager",
        "linje 11, kolonne seats_min: Minste antall plasser må være et tall, «tre» er ikke et tall",
    ]
    assert [r.line for r in result.rows] == [10]
    assert result.sentence() == "fil.csv har 10 feil; ingenting kan importeres."
    with pytest.raises(UserError) as caught, store.session() as s:
        apply_import(s, result)
    assert caught.value.message == "fil.csv har 10 feil, så ingenting er importert. Rett feilene og prøv igjen."
    assert contents(store) == before  # not even the providers


def test_duplicate_refs_and_missing_columns(store) -> None:
    result = plan(store, "offers", csv_bytes("ref;provider;title", "X1;A AS;Kurs", "", "X1;A AS;Kurs 2"))
    assert messages(result) == ["linje 4, kolonne ref: Referansen «X1» står også på linje 2 (store og små bokstaver "
                                "regnes som like)"]
    headless = plan(store, "offers", csv_bytes("ref;title", "X1;Kurs"))
    assert messages(headless) == [
        "linje 1: Overskriftsraden mangler kolonnen «provider» (eller «tilbyder»). Forventede kolonner: " + HEADER]


def test_warnings_do_not_block(store) -> None:
    data = csv_bytes(HEADER + ";credit_system;sessions",
                     PO01.replace(";nettbasert;;", ";samlingsbasert;;") + ";UH-studiepoeng;20.08.2027")
    result = plan(store, "offers", data)
    assert [(p.column, p.warning) for p in result.problems] == [
        ("credit_system", True), ("location", True), ("sessions", True)]
    assert str(result.problems[2]) == ("linje 2, kolonne sessions: advarsel: Samlingen 20.08.2027 ligger utenfor "
                                       "kursperioden 23.08.2027–01.06.2028")
    assert run(store, "offers", data).created == 1


def test_a_stale_plan_is_refused(store) -> None:
    data = csv_bytes(HEADER, PO01)
    stale = plan(store, "offers", data)
    run(store, "offers", data)
    with pytest.raises(UserError, match="Databasen er endret siden filen ble kontrollert"), store.session() as s:
        apply_import(s, stale)
    providers = plan(store, "providers", csv_bytes("name", "Ny tilbyder"))
    run(store, "providers", csv_bytes("name", "Ny tilbyder"))
    with pytest.raises(UserError, match="Databasen er endret"), store.session() as s:
        apply_import(s, providers)


def test_a_failure_while_writing_rolls_everything_back(store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(transfer.offers, "sync_sessions", broken)
    with pytest.raises(RuntimeError), store.session() as s:
        apply_import(s, plan_bytes(s, "offers", csv_bytes(HEADER + ";sessions", PO01 + ";01.09.2027"), "f.csv"))
    with store.session() as s:
        assert [s.execute(select(func.count()).select_from(m)).scalar_one() for m in (Provider, Offer, AuditEntry)] == [
            0, 0, 0]


# ---------------------------------------------------------------- bulk speed

def test_three_thousand_offers_import_in_bulk(store, tmp_path: Path) -> None:
    lines = [HEADER + ";sessions"]
    for i in range(3000):
        lines.append(f"T{i:05d};Tilbyder {i % 60} AS;Kurs nummer {i};Beskrivelse {i};a, b;7,5;bachelor;samlinger;"
                     f"1804;01.09.2027;01.12.2027;01.06.2027;5;25;1000;01.09.2027–02.09.2027, 01.11.2027")
    data = csv_bytes(*lines)
    started = time.perf_counter()
    result = run(store, "offers", data)
    first = time.perf_counter() - started
    assert (result.created, result.note) == (3000, "La til 60 nye tilbydere.")
    started = time.perf_counter()
    again = run(store, "offers", data)
    second = time.perf_counter() - started
    assert again.unchanged == 3000
    with store.session() as s:
        assert s.execute(select(func.count()).select_from(OfferSession)).scalar_one() == 6000
        started = time.perf_counter()
        transfer.export(s, "offers", tmp_path / "ut.csv")
        exported = time.perf_counter() - started
    assert (tmp_path / "ut.csv").read_bytes() == data.replace(b"samlinger", b"samlingsbasert").replace(
        b"1000;01.09", b"1000;UH-studiepoeng;01.09").replace(HEADER.encode() + b";sessions",
                                                              HEADER.encode() + b";credit_system;sessions")
    assert first < 10 and second < 10 and exported < 5, (first, second, exported)
