"""Providers, offers and sessions: field rules with their exact sentences, reads, writes, undo."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kpdesk.admin.audit_log import history
from kpdesk.common.errors import UserError
from kpdesk.common.fields import FieldError, Problem
from kpdesk.db.models import Booking, MatchDecision, Offer, OfferSession, Provider, Room
from kpdesk.offers import service as offers
from kpdesk.offers.validation import (
    OfferData,
    ProviderData,
    SessionData,
    default_format,
    format_session,
    format_sessions,
    infer_credit_system,
    infer_provider_kind,
    parse_credit_system,
    parse_credits,
    parse_keywords,
    parse_offer_format,
    parse_price,
    parse_provider_kind,
    parse_seats_max,
    parse_seats_min,
    parse_session,
    parse_sessions,
    parse_web,
    validate_offer,
    validate_provider,
)
from kpdesk.register.service import NotFoundError


def message(parser, *args) -> str:
    with pytest.raises(FieldError) as caught:
        parser(*args)
    return caught.value.message


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute))


RAW = {  # a good offer row as a CSV gives it
    "ref": "PO01", "provider": "Nordland fagskole", "title": "Kreftomsorg og lindrende pleie",
    "description": "Fagskoleemne om palliativ omsorg.", "keywords": "palliasjon, kreft", "credits": "30",
    "level": "fagskole", "format": "nettbasert", "location": "", "start_date": "23.08.2027",
    "end_date": "01.06.2028", "application_deadline": "15.04.2027", "seats_min": "10", "seats_max": "40",
    "price_nok": "0",
}


def problems(**changes: str) -> list[tuple[str, str]]:
    _, found = validate_offer({**RAW, **changes})
    return [(p.field, p.message) for p in found if not p.warning]


# ---------------------------------------------------------------- providers

@pytest.mark.parametrize(("name", "kind"), [
    ("Nord universitet", "university"), ("UiT Norges arktiske universitet", "university"),
    ("Høgskulen på Vestlandet", "university"), ("Høyskolen Kristiania", "university"), ("NTNU", "university"),
    ("Nordland fagskole", "vocational_college"), ("Norsk Havbruksfagskole", "vocational_college"),
    ("Fagskolen i Nord", "vocational_college"), ("Fauske videregående skole", "upper_secondary"),
    ("Mosjøen vgs", "upper_secondary"), ("Salten Kurs AS", "vendor"), ("Kursakademiet", "vendor"),
    ("Campus BLÅ", "other"), ("Karriere Nordland Salten", "other"), ("Assistentkompaniet", "other"),
])
def test_provider_kind_from_the_name(name: str, kind: str) -> None:
    assert infer_provider_kind(name) == kind


def test_provider_fields() -> None:
    assert parse_provider_kind("Universitet") == "university"
    assert parse_provider_kind("fagskole") == "vocational_college"
    assert parse_provider_kind("VGS") == "upper_secondary"
    assert parse_provider_kind("") is None
    assert message(parse_provider_kind, "bedrift") == (
        "Ukjent tilbydertype «bedrift»; bruk en av: universitet/høgskole, fagskole, videregående skole, "
        "kursleverandør, annen")
    assert parse_web(" www.nord.no ") == "www.nord.no"
    assert parse_web("https://uit.no/evu") == "https://uit.no/evu"
    assert parse_web("") == ""
    assert message(parse_web, "nord universitet") == (
        "«nord universitet» ser ikke ut som en nettadresse (skriv for eksempel www.nord.no)")
    assert message(parse_web, "post@nord.no") == (
        "«post@nord.no» ser ikke ut som en nettadresse (skriv for eksempel www.nord.no)")


def test_validate_provider() -> None:
    data, found = validate_provider({"name": "  Nord   universitet ", "kind": "", "web": "nord.no", "notes": ""})
    assert (data, found) == (ProviderData("Nord universitet", None, "nord.no", ""), [])
    data, found = validate_provider({"name": "", "kind": "skole", "web": "x y"})
    assert data is None
    assert [p.field for p in found] == ["name", "kind", "web"]
    assert found[0].message == "Navnet på tilbyderen mangler"


# ---------------------------------------------------------------- offer fields

def test_credits() -> None:
    assert parse_credits("30") == Decimal(30)
    assert parse_credits("7,5") == Decimal("7.5")
    assert parse_credits("7.5") == Decimal("7.5")
    assert parse_credits("15 sp") == Decimal(15)
    assert parse_credits("10 studiepoeng") == Decimal(10)
    assert parse_credits("0") == Decimal(0)
    assert parse_credits("") is None
    assert message(parse_credits, "-5") == "Studiepoeng kan ikke være negative («-5»)"
    assert message(parse_credits, "−7,5") == "Studiepoeng kan ikke være negative («−7,5»)"
    assert message(parse_credits, "7,25") == "Studiepoeng oppgis med høyst én desimal, ikke «7,25»"
    assert message(parse_credits, "tretti") == "Studiepoeng må være et tall, «tretti» er ikke et tall"
    assert message(parse_credits, "1200") == "1200 studiepoeng er urimelig mye (høyst 999)"


def test_credit_system_and_its_inference() -> None:
    assert parse_credit_system("UH-studiepoeng") == "uh"
    assert parse_credit_system("ECTS") == "uh"
    assert parse_credit_system("fagskolepoeng") == "fagskole"
    assert parse_credit_system("ingen") == "none"
    assert parse_credit_system("") is None
    assert message(parse_credit_system, "vekttall") == (
        "Ukjent studiepoengsystem «vekttall»; bruk en av: UH-studiepoeng, fagskolestudiepoeng, ingen")
    assert infer_credit_system(Decimal(30), "fagskole", "university") == "fagskole"  # the level first
    assert infer_credit_system(Decimal(15), "bachelor", None) == "uh"
    assert infer_credit_system(Decimal(10), "kurs", "university") == "uh"
    assert infer_credit_system(Decimal(10), "open", "vocational_college") == "fagskole"
    assert infer_credit_system(Decimal(10), "kurs", "vendor") is None
    assert infer_credit_system(None, "kurs", "vendor") == "none"
    assert infer_credit_system(Decimal(0), "fagbrev", "upper_secondary") == "none"


def test_seats_and_price() -> None:
    assert (parse_seats_min("0"), parse_seats_min("12"), parse_seats_min("")) == (0, 12, None)
    assert parse_seats_max("1 000") == 1000
    assert message(parse_seats_min, "-3") == "Minste antall plasser kan ikke være negativt («-3»)"
    assert message(parse_seats_min, "2,5") == "Minste antall plasser må være et helt tall, ikke «2,5»"
    assert message(parse_seats_min, "mange") == "Minste antall plasser må være et tall, «mange» er ikke et tall"
    assert message(parse_seats_max, "0") == "Største antall plasser må være minst 1, ikke 0"
    assert message(parse_seats_max, "200000") == (
        "Største antall plasser 200\u00a0000 er urimelig høyt (høyst 100\u00a0000)")
    for text, value in (("5900", 5900), ("5 900", 5900), ("kr 5 900,-", 5900), ("5900 kr", 5900), ("5.900", 5900),
                        ("12 500,00", 12500), ("NOK 0", 0), ("", None)):
        assert parse_price(text) == value, text
    assert message(parse_price, "-100") == "Prisen kan ikke være negativ («-100»)"
    assert message(parse_price, "99,50") == "Prisen oppgis i hele kroner, ikke «99,50»"
    assert message(parse_price, "gratis") == "Prisen må være et beløp i kroner, «gratis» er ikke et tall"


def test_format_and_keywords() -> None:
    assert parse_offer_format("Nettbasert") == "online"
    assert parse_offer_format("samlinger") == "sessions"
    assert parse_offer_format("stedbasert") == "campus"
    assert parse_offer_format("") is None
    assert message(parse_offer_format, "hybrid") == (
        "Ukjent format «hybrid»; bruk en av: campus, nettbasert, samlingsbasert, desentralisert")
    assert message(parse_offer_format, "nettbasert, samlinger") == (
        "Et kurstilbud har ett format, ikke flere («nettbasert, samlinger»); velg ett av: campus, nettbasert, "
        "samlingsbasert, desentralisert")
    assert (default_format(None), default_format("1804")) == ("online", "campus")
    assert parse_keywords(" palliasjon ,kreft;; lindrende behandling ") == "palliasjon, kreft, lindrende behandling"


def test_sessions_text() -> None:
    assert parse_session("03.02.2027") == SessionData(at("2027-02-03"), at("2027-02-03", 15, 30))
    assert parse_session("03.02.2027–05.02.2027") == SessionData(at("2027-02-03"), at("2027-02-05", 15, 30))
    assert parse_session("2027-02-03 - 2027-02-05") == SessionData(at("2027-02-03"), at("2027-02-05", 15, 30))
    assert parse_session("03.02.2027 til 05.02.2027") == SessionData(at("2027-02-03"), at("2027-02-05", 15, 30))
    assert parse_session("14.04.2027 kl. 10.00–14.00") == SessionData(at("2027-04-14", 10), at("2027-04-14", 14))
    assert parse_session("03.02.2027 kl 12:00–05.02.2027 kl. 14.15") == SessionData(
        at("2027-02-03", 12), at("2027-02-05", 14, 15))
    assert parse_sessions("14.04.2027, 03.02.2027–05.02.2027") == (
        SessionData(at("2027-02-03"), at("2027-02-05", 15, 30)),
        SessionData(at("2027-04-14"), at("2027-04-14", 15, 30)))
    assert parse_sessions("") == ()
    assert message(parse_session, "uke 5") == (
        "Samlingen «uke 5» er ikke en dato eller et datoområde; skriv for eksempel 03.02.2027–05.02.2027")
    assert message(parse_session, "05.02.2027–03.02.2027") == (
        "Samlingen «05.02.2027–03.02.2027» slutter før den begynner")
    assert message(parse_session, "31.02.2027") == "«31.02.2027» finnes ikke: februar 2027 har 28 dager"
    assert message(parse_session, "03.02.2027 kl. 25.00–26.00") == (
        "Samlingen «03.02.2027 kl. 25.00–26.00» har et klokkeslett som ikke finnes («kl. 25.00»)")
    assert message(parse_sessions, "03.02.2027, 03.02.2027") == "Samlingen 03.02.2027 står to ganger"


@pytest.mark.parametrize("text", [
    "03.02.2027", "03.02.2027–05.02.2027", "14.04.2027 kl. 10.00–14.00", "03.02.2027 kl. 12.00–05.02.2027 kl. 14.00",
    "03.02.2027 kl. 09.00–05.02.2027 kl. 16.00",
])
def test_sessions_round_trip(text: str) -> None:
    assert format_session(parse_session(text)) == text
    assert format_sessions(parse_sessions(f"{text}, 01.12.2027")) == f"{text}, 01.12.2027"


# ---------------------------------------------------------------- offer records

def test_validate_offer_good() -> None:
    data, found = validate_offer(RAW)
    assert found == []
    assert data == OfferData(
        "Nordland fagskole", "Kreftomsorg og lindrende pleie", "PO01", "Fagskoleemne om palliativ omsorg.",
        "palliasjon, kreft", Decimal(30), "fagskole", "fagskole", "online", None, dt.date(2027, 8, 23),
        dt.date(2028, 6, 1), dt.date(2027, 4, 15), 10, 40, 0, None)


def test_validate_offer_every_rule_has_its_sentence() -> None:
    assert problems(end_date="01.08.2027") == [
        ("end_date", "Sluttdatoen 01.08.2027 er før startdatoen 23.08.2027")]
    assert problems(application_deadline="24.08.2027") == [
        ("application_deadline", "Søknadsfristen 24.08.2027 er etter startdatoen 23.08.2027")]
    assert problems(seats_min="50") == [
        ("seats_min", "Minste antall plasser (50) er større enn største antall plasser (40)")]
    assert problems(credits="-30") == [("credits", "Studiepoeng kan ikke være negative («-30»)")]
    assert problems(price_nok="-1") == [("price_nok", "Prisen kan ikke være negativ («-1»)")]
    assert problems(level="doktorgrad") == [
        ("level", "Ukjent nivå «doktorgrad»; bruk en av: kurs, fagbrev, fagskole, bachelor, master, åpent")]
    assert problems(format="webinar") == [
        ("format", "Ukjent format «webinar»; bruk en av: campus, nettbasert, samlingsbasert, desentralisert")]
    assert problems(title="", provider="") == [("provider", "Navnet på tilbyderen mangler"),
                                               ("title", "Tittelen mangler")]
    assert problems(ref="PO 01") == [("ref", "Referansen «PO 01» kan ikke ha mellomrom")]
    assert problems(location="Atlantis") == [
        ("location", "Finner ingen kommune som heter «Atlantis»; skriv navnet eller kommunenummeret")]


def test_validate_offer_collects_every_problem_at_once() -> None:
    found = problems(end_date="01.01.2027", application_deadline="01.09.2027", seats_min="41", price_nok="-5")
    assert [field for field, _ in found] == ["price_nok", "end_date", "application_deadline", "seats_min"]


def test_credits_without_a_credit_system() -> None:
    vendor = {**RAW, "provider": "Salten Kurs AS", "level": "kurs", "credits": "10"}
    assert validate_offer(vendor)[1] == [Problem(
        "credit_system", "10 studiepoeng uten studiepoengsystem: oppgi UH-studiepoeng eller fagskolestudiepoeng (det "
                         "går ikke fram av nivået eller tilbyderen)")]
    assert validate_offer({**vendor, "credit_system": "UH-studiepoeng"})[0].credit_system == "uh"
    # the provider's known kind decides when the name says nothing
    assert validate_offer(vendor, lambda name: "university")[0].credit_system == "uh"
    assert validate_offer({**RAW, "level": "bachelor", "provider": "Nord universitet"})[0].credit_system == "uh"
    assert validate_offer({**RAW, "credits": "7,5", "level": "kurs", "provider": "Nord universitet"})[0].credits == (
        Decimal("7.5"))
    assert validate_offer({**RAW, "credits": "0"})[0].credit_system == "none"
    assert validate_offer({**RAW, "credits": ""})[0].credit_system == "none"
    assert problems(credits="", credit_system="UH-studiepoeng") == [
        ("credits", "Studiepoengsystemet er UH-studiepoeng, men studiepoeng mangler")]
    assert problems(credit_system="ingen") == [
        ("credit_system", "30 studiepoeng, men studiepoengsystemet er «ingen»; oppgi UH-studiepoeng eller "
                          "fagskolestudiepoeng")]


def test_warnings_keep_the_data() -> None:
    data, found = validate_offer({**RAW, "credit_system": "UH-studiepoeng"})
    assert data is not None and data.credit_system == "uh"
    assert found == [Problem("credit_system", "Et tilbud på fagskolenivå gir vanligvis fagskolestudiepoeng, ikke "
                                              "UH-studiepoeng", warning=True)]
    data, found = validate_offer({**RAW, "format": "samlingsbasert"})
    assert data is not None
    assert found == [Problem("location", "Stedet (kommunen) mangler, men formatet er samlingsbasert; skriv kommunen, "
                                         "eller velg nettbasert", warning=True)]
    data, found = validate_offer({**RAW, "sessions": "20.08.2027, 10.01.2028–12.01.2028"})
    assert data is not None and len(data.sessions) == 2
    assert found == [Problem("sessions", "Samlingen 20.08.2027 ligger utenfor kursperioden 23.08.2027–01.06.2028",
                             warning=True)]


def test_format_follows_the_place_when_empty() -> None:
    assert validate_offer({**RAW, "format": ""})[0].format == "online"
    assert validate_offer({**RAW, "format": "", "location": "Bodø"})[0].format == "campus"
    assert validate_offer({**RAW, "location": "1804 Bodø"})[0].municipality == "1804"


def test_sessions_only_when_the_column_is_there() -> None:
    assert validate_offer(RAW)[0].sessions is None
    assert validate_offer({**RAW, "sessions": ""})[0].sessions == ()


# ---------------------------------------------------------------- provider services

def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def offer(title: str = "Kreftomsorg og lindrende pleie", **kw) -> OfferData:
    values = {"provider": "Nordland fagskole", "title": title, "credits": Decimal(30), "level": "fagskole",
              "format": "online", "start_date": dt.date(2027, 8, 23), "end_date": dt.date(2028, 6, 1),
              "application_deadline": dt.date(2027, 4, 15), "seats_min": 10, "seats_max": 40, "price_nok": 0}
    return OfferData(**{**values, **kw})


@pytest.fixture
def provider_id(store) -> int:
    with store.session() as s:
        return offers.save_provider(s, ProviderData("Nordland fagskole", web="www.nordlandfagskole.no"))


def test_providers_create_read_update(store, provider_id: int) -> None:
    with store.session() as s:
        uh = offers.save_provider(s, ProviderData("Nord universitet"))
        offers.save_provider(s, ProviderData("Ålesund kurs AS", "other"))
        rows = offers.list_providers(s)
    assert [(r.name, r.kind, r.offers) for r in rows] == [
        ("Nord universitet", "university", 0), ("Nordland fagskole", "vocational_college", 0),
        ("Ålesund kurs AS", "other", 0)]
    with store.session() as s:
        offers.save_provider(s, ProviderData("Nord universitet", None, "nord.no", "Campus Helgeland"), uh)
        row = offers.get_provider(s, uh)
        assert (row.kind, row.web, row.notes) == ("university", "nord.no", "Campus Helgeland")  # kind kept
        assert offers.find_provider(s, "nord  UNIVERSITET") == uh
        assert offers.find_provider(s, "Nord") is None
        assert [(e.field, e.old_value, e.new_value) for e in history(s, "provider", uh)[:2]] == [
            ("notes", "", "Campus Helgeland"), ("web", "", "nord.no")]
        with pytest.raises(UserError, match=r"Tilbyderen «Nordland fagskole» er allerede registrert\."):
            offers.save_provider(s, ProviderData("NORDLAND Fagskole"))
        with pytest.raises(NotFoundError, match=r"Tilbyderen finnes ikke lenger \(id 99\)"):
            offers.get_provider(s, 99)


def test_provider_delete_is_refused_while_it_has_offers(store, provider_id: int) -> None:
    with store.session() as s:
        offers.save_offer(s, offer())
        offers.save_offer(s, offer("Demensomsorg"))
    with pytest.raises(UserError) as caught, store.session() as s:
        offers.delete_provider(s, provider_id)
    assert caught.value.message == ("«Nordland fagskole» har 2 kurstilbud og kan ikke slettes. Slett kurstilbudene "
                                    "eller flytt dem til en annen tilbyder først.")
    with store.session() as s:
        other = offers.save_provider(s, ProviderData("Fagskolen i Nord"))
        snapshot = offers.delete_provider(s, other)
        assert offers.find_provider(s, "Fagskolen i Nord") is None
        assert offers.restore_provider(s, snapshot) == other
        assert offers.get_provider(s, other).name == "Fagskolen i Nord"
        assert [e.action for e in history(s, "provider", other)][:2] == ["restore", "delete"]


# ---------------------------------------------------------------- offer services

def test_offer_create_and_read(store, provider_id: int) -> None:
    sessions = (SessionData(at("2027-08-23"), at("2027-08-25", 15, 30), "Oppstart"),
                SessionData(at("2028-01-10"), at("2028-01-12", 15, 30)))
    with store.session() as s:
        offer_id = offers.save_offer(s, offer(municipality="1824", sessions=sessions))
        row = offers.get_offer(s, offer_id)
        assert offers.list_offers(s) == [row] == offers.list_offers(s, provider_id)
        assert offers.list_offers(s, provider_id + 1) == []
        assert [(x.title, x.starts_at) for x in offers.list_sessions(s, offer_id)] == [
            ("Oppstart", at("2027-08-23")), ("", at("2028-01-10"))]
        assert offers.get_provider(s, provider_id).offers == 1
        assert offers.offer_id_for_ref(s, "T00001") == offer_id
    assert type(row) is offers.OfferRow and dataclasses.is_dataclass(row)
    assert (row.ref, row.provider_name, row.provider_kind, row.credits, row.credit_system, row.level, row.format) == (
        "T00001", "Nordland fagskole", "vocational_college", Decimal(30), "fagskole", "fagskole", "online")
    assert (row.municipality, row.municipality_name, row.start_date, row.sessions) == (
        "1824", "Vefsn", dt.date(2027, 8, 23), 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.title = "x"  # type: ignore[misc]


def test_automatic_refs_follow_the_highest(store, provider_id: int) -> None:
    with store.session() as s:
        offers.save_offer(s, offer(ref="T0041"))  # the demo's four-digit refs count, and set the width
        offers.save_offer(s, offer(ref="PO01"))
        new = offers.save_offer(s, offer())
        assert offers.get_offer(s, new).ref == "T0042"
        assert offers.next_offer_ref(s, ["T00100"]) == "T00101"
        with pytest.raises(UserError, match="Referansen «PO01» er allerede brukt av kurstilbudet «Kreftomsorg"):
            offers.save_offer(s, offer(ref="PO01"))


def test_offer_rules_are_enforced_on_save(store, provider_id: int) -> None:
    with store.session() as s:
        with pytest.raises(UserError) as caught:
            offers.save_offer(s, offer(end_date=dt.date(2027, 1, 1), seats_min=50))
        assert caught.value.message == "Sluttdatoen 01.01.2027 er før startdatoen 23.08.2027."
        assert caught.value.details == ["Minste antall plasser (50) er større enn største antall plasser (40)."]
        with pytest.raises(UserError, match="uten studiepoengsystem"):
            offers.save_offer(s, offer(provider="Salten Kurs AS", level="kurs"), provider_id=offers.save_provider(
                s, ProviderData("Salten Kurs AS")))
        with pytest.raises(UserError, match="slutter"):
            offers.save_offer(s, offer(sessions=(SessionData(at("2027-09-01", 12), at("2027-09-01", 10)),)))
        assert count(s, Offer) == 0


def test_a_provider_named_on_an_offer_is_created_when_missing(store) -> None:
    with store.session() as s:
        offer_id = offers.save_offer(s, offer(provider="Fagskolen i Nord"))
        row = offers.get_offer(s, offer_id)
        assert (row.provider_name, row.provider_kind, row.credit_system) == (
            "Fagskolen i Nord", "vocational_college", "fagskole")
        assert offers.save_offer(s, offer("Annet", provider="fagskolen i NORD")) == offer_id + 1
        assert [p.offers for p in offers.list_providers(s)] == [2]
        assert history(s, "provider")[0].summary == "Ny tilbyder «Fagskolen i Nord»"


def test_offer_update_audits_fields_and_sessions(store, provider_id: int) -> None:
    first = (SessionData(at("2027-08-23"), at("2027-08-25", 15, 30)),)
    with store.session() as s:
        offer_id = offers.save_offer(s, offer(sessions=first))
        kept = offers.list_sessions(s, offer_id)[0].id
        second = SessionData(at("2028-01-10"), at("2028-01-10", 12))
        offers.save_offer(s, offer(seats_max=30, sessions=(*first, second)), offer_id)
        offers.save_offer(s, offer(seats_max=30), offer_id)  # sessions None: left as they are
        entries = history(s, "offer", offer_id)
        blocks = offers.list_sessions(s, offer_id)
    assert [(e.action, e.field, e.old_value, e.new_value) for e in entries] == [
        ("update", "sessions", "23.08.2027–25.08.2027",
         "23.08.2027–25.08.2027, 10.01.2028 kl. 09.00–12.00"),
        ("update", "seats_max", "40", "30"),
        ("create", "", None, None),
    ]
    assert blocks[0].id == kept  # an unchanged session keeps its id (and its bookings)


def test_delete_and_restore_offer_with_sessions_decisions_and_bookings(store, provider_id: int) -> None:
    from kpdesk.register import service as register
    from kpdesk.register.validation import EmployerData, NeedData

    with store.session() as s:
        offer_id = offers.save_offer(s, offer(sessions=(SessionData(at("2027-08-23"), at("2027-08-25", 15, 30)),)))
        session_id = offers.list_sessions(s, offer_id)[0].id
        register.save_employer(s, EmployerData("988077917", "Fauske kommune"))
        need_id = register.save_need(s, NeedData("988077917", "Lindrende behandling", headcount=4))
        s.add(MatchDecision(need_id=need_id, offer_id=offer_id, decision="accepted", note="Passer"))
        room = Room(name="Store sal", capacity=40)
        s.add(room)
        s.flush()
        booking = Booking(room_id=room.id, title="Oppstartssamling", starts_at=at("2027-08-23"),
                          ends_at=at("2027-08-23", 15, 30), offer_id=offer_id, offer_session_id=session_id)
        s.add(booking)
        s.flush()
        booking_id = booking.id
    with store.session() as s:
        snapshot = offers.delete_offer(s, offer_id)
        assert (count(s, Offer), count(s, OfferSession), count(s, MatchDecision)) == (0, 0, 0)
        assert s.execute(select(Booking.offer_id, Booking.offer_session_id)).one() == (None, None)
        assert history(s, "offer", offer_id)[0].summary == (
            "Slettet kurstilbud T00001 «Kreftomsorg og lindrende pleie» med 1 samling")
    with store.session() as s:
        assert offers.restore_offer(s, snapshot) == offer_id
    with store.session() as s:
        assert offers.get_offer(s, offer_id).sessions == 1
        assert offers.list_sessions(s, offer_id)[0].id == session_id
        assert s.execute(select(MatchDecision.note)).scalar_one() == "Passer"
        assert s.execute(select(Booking.offer_id, Booking.offer_session_id).where(Booking.id == booking_id)).one() == (
            offer_id, session_id)
        with pytest.raises(UserError, match="er tatt i bruk igjen"):
            offers.restore_offer(s, snapshot)


def test_restore_offer_needs_its_provider(store, provider_id: int) -> None:
    with store.session() as s:
        snapshot = offers.delete_offer(s, offers.save_offer(s, offer()))
        offers.delete_provider(s, provider_id)
        with pytest.raises(UserError, match=r"tilbyderen er slettet\. Gjenopprett tilbyderen først\."):
            offers.restore_offer(s, snapshot)


def test_session_services(store, provider_id: int) -> None:
    with store.session() as s:
        offer_id = offers.save_offer(s, offer())
        first = offers.save_session(s, offer_id, SessionData(at("2027-08-23"), at("2027-08-25", 15, 30), "Oppstart"))
        offers.save_session(s, offer_id, SessionData(at("2027-08-23", 10), at("2027-08-25", 15), "Oppstart"), first)
        assert [(b.starts_at, b.title) for b in offers.list_sessions(s, offer_id)] == [
            (at("2027-08-23", 10), "Oppstart")]
        with pytest.raises(UserError, match=r"Samlingen slutter \(23.08.2027 08.00\) før den begynner"):
            offers.save_session(s, offer_id, SessionData(at("2027-08-23"), at("2027-08-23", 8)))
        snapshot = offers.delete_session(s, first)
        assert offers.list_sessions(s, offer_id) == []
        assert offers.restore_session(s, snapshot) == first
        assert offers.get_offer(s, offer_id).sessions == 1
        assert [e.action for e in history(s, "offer_session", first)] == ["restore", "delete", "update", "update",
                                                                         "create"]
        with pytest.raises(NotFoundError):
            offers.delete_session(s, 999)


def test_sync_sessions_in_bulk(store, provider_id: int) -> None:
    a = SessionData(at("2027-08-23"), at("2027-08-25", 15, 30))
    b = SessionData(at("2027-10-04"), at("2027-10-05", 15, 30))
    c = SessionData(at("2028-01-10"), at("2028-01-10", 12))
    with store.session() as s:
        one = offers.save_offer(s, offer(sessions=(a, b)))
        two = offers.save_offer(s, offer("Demensomsorg"))
        kept = offers.list_sessions(s, one)[0].id
        assert offers.sync_sessions(s, {one: (a, c), two: (c,)}) == {one, two}
        assert offers.sync_sessions(s, {one: (a, c), two: (c,)}) == set()
        assert [x.starts_at for x in offers.list_sessions(s, one)] == [a.starts_at, c.starts_at]
        assert offers.list_sessions(s, one)[0].id == kept
        assert offers.sync_sessions(s, {one: (dataclasses.replace(a, title="Oppstart"), c)}) == {one}
        assert offers.list_sessions(s, one)[0].title == "Oppstart"
        assert offers.sync_sessions(s, {two: ()}) == {two}
        assert offers.get_offer(s, two).sessions == 0


def test_list_offers_reads_thousands(store) -> None:
    """3 000 offers (the regional demo's count) with sessions: well under the GUI's 100 ms."""

    from sqlalchemy import insert

    with store.session() as s:
        s.execute(insert(Provider), [{"id": i, "name": f"Tilbyder {i}"} for i in range(1, 61)])
        s.execute(insert(Offer), [{"id": i, "ref": f"T{i:05d}", "provider_id": i % 60 + 1, "title": f"Kurs {i}",
                                   "credits": Decimal("7.5"), "credit_system": "uh", "municipality": "1804",
                                   "start_date": dt.date(2027, 8, 23), "end_date": dt.date(2027, 12, 1)}
                                  for i in range(1, 3001)])
        s.execute(insert(OfferSession), [{"offer_id": i % 3000 + 1, "starts_at": at("2027-08-23"),
                                          "ends_at": at("2027-08-23", 15, 30)} for i in range(6000)])
    with store.session() as s:
        rows = offers.list_offers(s)
    assert len(rows) == 3000 and rows[0].sessions == 2 and rows[0].credits == Decimal("7.5")


def test_offer_delete_is_refused_while_it_has_course_runs(store, provider_id: int) -> None:
    from kpdesk.motor.runs import save_run
    from kpdesk.motor.validation import RunData

    with store.session() as s:
        offer_id = offers.save_offer(s, offer())
        ref = offers.get_offer(s, offer_id).ref
        save_run(s, RunData(ref, "G1"))
    with pytest.raises(UserError) as caught, store.session() as s:
        offers.delete_offer(s, offer_id)
    assert caught.value.message.endswith("har 1 gjennomføring (G1) og kan ikke slettes. Slett gjennomføringene "
                                         "under Gjennomføringer først.")
    with store.session() as s:
        assert offers.get_offer(s, offer_id).ref == ref
