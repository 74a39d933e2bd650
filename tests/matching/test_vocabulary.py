"""The shipped vocabulary (resources/data/thesaurus.csv, sources in resources/data/SOURCES.md):
every lærefag of the LK20 curriculum is there, each in a group of its own with its profession
name and everyday and nynorsk forms, and the engine uses it end to end (a need for
"helsefagarbeidere" finds the helsearbeiderfag offer, not barne- og ungdomsarbeiderfaget)."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.common.resources import resource_path
from kpdesk.matching.engine import Matcher, NeedInput, OfferInput, load_default
from kpdesk.matching.engine.analysis import Analyzer
from kpdesk.matching.engine.thesaurus import read_csv

AS_OF = dt.date(2027, 1, 10)

# Vg3 / opplæring i bedrift in the LK20 offer structure (Utdanningsdirektoratet), by programme.
LAEREFAG: dict[str, tuple[str, ...]] = {
    "bygg- og anleggsteknikk": (
        "anleggsgartnerfaget", "anleggsmaskinførerfaget", "anleggsrørleggerfaget", "asfaltfaget",
        "banemontørfaget", "betongfaget", "brannforebyggerfaget", "brønn- og borefaget", "byggdrifterfaget",
        "byggmontasjefaget", "fjell- og bergverksfaget", "fundamenteringsfaget", "glassfaget",
        "industrimalerfaget", "isolatørfaget", "maler- og overflateteknikkfaget", "murer- og flisleggerfaget",
        "renholdsoperatørfaget", "rørleggerfaget", "snekkerfaget", "steinfaget", "stillasbyggerfaget",
        "tak- og membrantekkerfaget", "trelast- og limtreproduksjonsfaget", "tømrerfaget",
        "veidrift- og veivedlikeholdsfaget", "vei- og anleggsfaget", "ventilasjons- og blikkenslagerfaget"),
    "elektro og datateknologi": (
        "automatiseringsfaget", "avionikerfaget", "dataelektronikerfaget", "droneoperatørfaget",
        "elektrikerfaget", "elektroreparatørfaget", "energimontørfaget", "energioperatørfaget",
        "fjernstyrte undervannsoperasjoner", "flymotormekanikerfaget", "flystrukturmekanikerfaget",
        "flysystemmekanikerfaget", "heismontørfaget", "kulde- og varmepumpeteknikkfaget", "låsesmedfaget",
        "maritim elektrikerfaget", "optronikerfaget", "produksjonselektronikerfaget", "signalmontørfaget",
        "tavlemontørfaget", "telekommunikasjonsmontørfaget", "togelektrikerfaget", "ventilasjonsteknikkfaget",
        "viklerfaget"),
    "frisør, blomster, interiør og eksponeringsdesign": (
        "blomsterdekoratørfaget", "frisørfaget", "maskør- og parykkmakerfaget", "profileringsdesignfaget"),
    "helse- og oppvekstfag": (
        "aktivitørfaget", "ambulansefaget", "barne- og ungdomsarbeiderfaget", "helsearbeiderfaget",
        "ortopediteknikkfaget", "portørfaget"),
    "informasjonsteknologi og medieproduksjon": (
        "innholdsproduksjonsfaget", "IT-driftsfaget", "IT-utviklerfaget", "mediedesignfaget", "medieteknikkfaget"),
    "naturbruk": (
        "akvakulturfaget", "dyrefaget", "fiske og fangst", "fiskeri- og akvakulturredskapsfaget", "gartnerfaget",
        "havbruksteknikkfaget", "hestefaget", "hovslagerfaget", "landbruksfaget", "reindriftsfaget", "skogfaget"),
    "restaurant- og matfag": (
        "bakerfaget", "ernæringskokkfaget", "ferskvarehandlerfaget", "industriell matproduksjon",
        "kjøttskjærerfaget", "kokkfaget", "konditorfaget", "pølsemakerfaget", "servitørfaget", "sjømatproduksjon",
        "slakterfaget"),
    "salg, service og reiseliv": (
        "reiselivsfaget", "salgsfaget", "service- og administrasjonsfaget", "sikkerhetsfaget"),
    "teknologi- og industrifag": (
        "aluminiumskonstruksjonsfaget", "anleggsmaskinmekanikerfaget", "bilfaget, demontering av kjøretøy",
        "bilfaget, lette kjøretøy", "bilfaget, tunge kjøretøy", "billakkererfaget", "bilpleiefaget",
        "bilskadefaget", "boreoperatørfaget", "brønnfaget", "børsemakerfaget", "chassispåbyggerfaget",
        "CNC-maskineringsfaget", "dimensjonskontrollfaget", "finmekanikerfaget", "gjenvinningsfaget",
        "grafisk produksjonsteknikkfaget", "hjulutrustningsfaget", "industriell overflatebehandling",
        "industrimekanikerfaget", "industrimontørfaget", "industrioppmålingsfaget", "industrirørleggerfaget",
        "industrisnekkerfaget", "industritapetsererfaget", "industritekstilfaget", "kjemiprosessfaget",
        "kran- og løfteoperasjonsfaget", "laboratoriefaget", "landbruksmaskinmekanikerfaget", "logistikkfaget",
        "matrosfaget", "modellbyggerfaget", "motormekanikerfaget", "motorsykkelfaget", "NDT-kontrollørfaget",
        "plastfaget", "platearbeiderfaget", "polymerkomposittfaget", "produksjonsteknikkfaget", "reservedelsfaget",
        "serigrafifaget", "skipsmotormekanikerfaget", "sveisefaget", "sykkelmekanikerfaget", "tekstilrensfaget",
        "truck- og liftmekanikerfaget", "vaskerifaget", "verktøymakerfaget", "yrkessjåførfaget"),
    "håndverk, design og produktutvikling": (
        "bilsalmakerfaget", "blyglasshåndverkerfaget", "bunadtilvirkerfaget", "buntmakerfaget", "bøkkerfaget",
        "filigranssølvsmedfaget", "forgyllerfaget", "gipsmakerfaget", "gjørtlerfaget", "glassblåserfaget",
        "glassliperfaget", "gravørfaget", "gullsmedfaget", "herreskredderfaget", "horn-, bein- og metallduodjifaget",
        "håndbokbinderfaget", "håndveverfaget", "keramikerfaget", "kjole- og draktsyerfaget",
        "komposittbåtbyggerfaget", "kostymesyerfaget", "kurvmakerfaget", "modistfaget", "møbelsnekkerfaget",
        "møbeltapetsererfaget", "orgelbyggerfaget", "repslagerfaget", "salmakerfaget", "seilmakerfaget",
        "skinn- og pelsduodjifaget", "skomakerfaget", "smedfaget", "strikkefaget", "sølvsmedfaget",
        "taksidermistfaget", "tekstilduodjifaget", "trebåtbyggerfaget", "tredreierfaget", "treduodjifaget",
        "treskjærerfaget", "ull- og garnduodjifaget", "urmakerfaget"),
}
ALL_LAEREFAG = [trade for trades in LAEREFAG.values() for trade in trades]


# ------------------------------------------------------------------ the list itself


def test_default_vocabulary_loads_and_is_large():
    thesaurus = load_default()
    assert len(thesaurus.groups) >= 250
    assert all(thesaurus.groups.values())  # no empty group
    # read again from the file (load_default is cached): no entry is refused
    assert read_csv(resource_path("data", "thesaurus.csv")).groups == thesaurus.groups


def test_every_laerefag_has_a_group_of_its_own():
    thesaurus = load_default()
    assert len(ALL_LAEREFAG) >= 180
    missing = [trade for trade in ALL_LAEREFAG if thesaurus.group_of(trade) is None]
    assert not missing, f"lærefag uten synonymgruppe: {missing}"
    groups: dict[str, list[str]] = {}
    for trade in ALL_LAEREFAG:
        groups.setdefault(thesaurus.group_of(trade) or "", []).append(trade)
    shared = {group: trades for group, trades in groups.items() if len(trades) > 1}
    assert not shared, f"ulike lærefag i samme gruppe: {shared}"


@pytest.mark.parametrize(("trade", "names"), [
    ("helsearbeiderfaget", ("helsefagarbeider", "helsefagarbeidarar", "helsearbeidarfaget", "hjelpepleier")),
    ("barne- og ungdomsarbeiderfaget", ("barne- og ungdomsarbeider", "barne- og ungdomsarbeidar",
                                        "barne- og ungdomsarbeidarfaget")),
    ("tømrerfaget", ("tømrer", "tømrar", "tømrarfaget", "snekker", "snikkar")),  # snekker: everyday for tømrer
    ("snekkerfaget", ("snikkarfaget",)),
    ("rørleggerfaget", ("rørlegger", "røyrleggjar", "røyrleggjarfaget")),
    ("elektrikerfaget", ("elektriker", "elektrikar")),
    ("sveisefaget", ("sveiser", "sveising")),
    ("kokkfaget", ("kokk",)),
    ("bakerfaget", ("baker", "bakar")),
    ("frisørfaget", ("frisør",)),
    ("industrimekanikerfaget", ("industrimekaniker",)),
    ("anleggsmaskinførerfaget", ("anleggsmaskinfører", "maskinfører")),
    ("byggdrifterfaget", ("byggdrifter", "vaktmester")),
    ("renholdsoperatørfaget", ("renholdsoperatør", "renholder", "reinhaldsoperatør", "reinhaldar")),
    ("murer- og flisleggerfaget", ("murer", "flislegger", "flisleggjar", "murerfaget")),
    ("energimontørfaget", ("energimontør", "nettmontør")),
    ("akvakulturfaget", ("fagoperatør i akvakultur",)),
    ("havbruksteknikkfaget", ("havbrukstekniker",)),
    ("ambulansefaget", ("ambulansearbeider", "ambulansearbeidar")),
    ("logistikkfaget", ("logistikkoperatør",)),
    ("ernæringskokkfaget", ("ernæringskokk", "institusjonskokk")),
    ("brannforebyggerfaget", ("feier", "brannførebyggjar")),
    ("maler- og overflateteknikkfaget", ("maler", "malere", "målar")),
    ("fiske og fangst", ("fisker", "fiskere", "fiskar")),
    ("service- og administrasjonsfaget", ("kontor- og administrasjonsfaget", "kontorfaget")),  # the LK06 name
])
def test_trade_name_and_profession_name_are_one_group(trade, names):
    thesaurus = load_default()
    group = thesaurus.group_of(trade)
    assert group is not None
    for name in names:
        assert thesaurus.group_of(name) == group, f"{name} er ikke i gruppen til {trade}"


@pytest.mark.parametrize(("a", "b"), [
    ("helsearbeiderfaget", "barne- og ungdomsarbeiderfaget"),
    ("helsefagarbeider", "barne- og ungdomsarbeider"),
    ("helsefagarbeider", "sykepleier"),
    ("sykepleie", "vernepleie"),
    ("tømrerfaget", "snekkerfaget"),
    ("snekkerfaget", "møbelsnekkerfaget"),
    ("bilfaget, lette kjøretøy", "bilfaget, tunge kjøretøy"),
    ("elektrikerfaget", "maritim elektrikerfaget"),
    ("kokkfaget", "ernæringskokkfaget"),
    ("akvakulturfaget", "havbruksteknikkfaget"),
    ("motormekanikerfaget", "skipsmotormekanikerfaget"),
    ("brannforebyggerfaget", "brannvern"),
    ("barnehagelærer", "barnehage"),  # the profession, not the workplace
    ("faglig leder", "ledelse"),  # the lærebedrift's role
    ("maskinist", "styrmann"),  # engine room and deck are different studies
    ("klasseledelse", "ledelse"),  # leading a class, not an organisation
    ("vindkraft", "vannkraft"),
])
def test_different_trades_and_professions_stay_apart(a, b):
    thesaurus = load_default()
    assert thesaurus.group_of(a) is not None and thesaurus.group_of(b) is not None
    assert thesaurus.group_of(a) != thesaurus.group_of(b)


@pytest.mark.parametrize(("a", "b"), [
    ("sjukepleiar", "sykepleie"),
    ("sjukepleie", "sykepleier"),
    ("vernepleiar", "vernepleie"),
    ("oppdrett", "akvakultur"),
    ("fiskeoppdrett", "havbruk"),
    ("truckførerbevis", "truck"),
    ("truckførar", "truckfører"),
    ("spesialpedagogisk", "spesialpedagogikk"),
    ("rekneskap", "regnskap"),
    ("leiing", "ledelse"),
    ("rettleiing", "veiledning"),
    ("informasjonstryggleik", "informasjonssikkerhet"),
    ("demensomsorg", "demens"),
    ("kreftsjukepleie", "kreftomsorg"),
    ("helsesøster", "helsesykepleie"),
    ("matte", "matematikk"),
    ("skjenkestyrer", "kunnskapsprøven"),
    ("skjenkebevilling", "alkohollova"),
    # everyday and formal words per sector (SOURCES.md, section 4)
    ("vindturbin", "vindkraft"),
    ("solcelleanlegg", "solenergi"),
    ("vasskraft", "kraftstasjon"),
    ("høgspent", "høyspenning"),
    ("FSE", "elsikkerhet"),
    ("styrmann", "skipsfører"),
    ("styrmenn", "styrmann"),  # an irregular plural: stemming does not join them
    ("maskinarbeiderfaget", "CNC-maskineringsfaget"),  # the LK06 name
    ("resepsjonsfaget", "reiselivsfaget"),  # LK06: now part of reiselivsfaget
    ("lakselus", "fiskehelse"),
    ("klasseleiing", "klasseledelse"),
    ("sakshandsaming", "saksbehandling"),
    ("offentleglova", "offentlighetsloven"),
    ("kosthold", "ernæring"),
])
def test_further_education_fields_and_nynorsk_forms(a, b):
    thesaurus = load_default()
    assert thesaurus.group_of(a) is not None
    assert thesaurus.group_of(a) == thesaurus.group_of(b)


# ------------------------------------------------------------------ end to end through the engine


def _offer(ref: str, title: str, level: str) -> OfferInput:
    return OfferInput(ref=ref, title=title, level=level, format="sessions", municipality="1804",
                      start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 12, 1),
                      application_deadline=dt.date(2027, 2, 1), seats_min=4, seats_max=20)


OFFERS = [
    _offer("HEA", "Helsearbeiderfaget for praksiskandidater", "fagbrev"),
    _offer("BUA", "Barne- og ungdomsarbeiderfaget for praksiskandidater", "fagbrev"),
    _offer("HAV", "Driftsledelse i havbruk", "fagskole"),
    _offer("AKV", "Akvakultur for driftsledere", "fagskole"),
    _offer("SYK", "Videreutdanning i sykepleie", "bachelor"),
    _offer("VER", "Vernepleie, deltid", "bachelor"),
    _offer("TØM", "Tømrerfaget for praksiskandidater", "fagbrev"),
    _offer("SNE", "Snekkerfaget for praksiskandidater", "fagbrev"),
    _offer("REG", "Regnskap for små bedrifter", "kurs"),
]


@pytest.fixture(scope="module")
def engine() -> Matcher:
    return Matcher(OFFERS, load_default())


def _proposed(engine: Matcher, title: str, description: str = "") -> list[str]:
    need = NeedInput(ref="N1", title=title, description=description, headcount=4, municipality="1804")
    return [match.offer_ref for match in engine.match_need(need, AS_OF).matches]


def test_assistants_becoming_helsefagarbeidere_get_helsearbeiderfaget_not_barne_og_ungdomsarbeiderfaget(engine):
    proposed = _proposed(engine, "Assistenter på sykehjemmet skal bli helsefagarbeidere")
    assert proposed and proposed[0] == "HEA"
    assert proposed[0] != "BUA"


def test_a_certificate_title_that_names_only_its_audience_takes_the_trade_from_its_description(engine):
    proposed = _proposed(engine, "Fagbrev for assistenter på sykehjemmet",
                         "Ufaglærte assistenter med lang erfaring ønsker å ta fagbrev som helsefagarbeider.")
    assert proposed and proposed[0] == "HEA"


def test_a_title_that_asks_for_formal_competence_takes_the_field_from_its_description(engine):
    proposed = _proposed(engine, "Ufaglærte i hjemmetjenesten", "De vil bli helsefagarbeidere.")
    assert proposed and proposed[0] == "HEA"


def test_who_the_workers_are_is_the_audience_of_what_they_will_become(engine):
    proposed = _proposed(engine, "Helsefagarbeidere som skal bli sykepleiere")
    assert proposed and proposed[0] == "SYK"
    assert "HEA" not in proposed


def test_a_title_with_a_subject_of_its_own_does_not_take_it_from_its_description(engine):
    assert _proposed(engine, "Demens for assistenter på sykehjemmet",
                     "Assistentene skal senere ta fagbrev som helsefagarbeider.") == []


def test_fish_farming_managers_get_an_aquaculture_management_offer(engine):
    proposed = _proposed(engine, "Oppdrett: driftsledere trenger mer kompetanse")
    assert proposed and proposed[0] in {"HAV", "AKV"}


@pytest.mark.parametrize(("title", "first", "never"), [
    ("Sjukepleiarar i kommunen", "SYK", {"VER", "HEA"}),
    ("Vernepleiarar", "VER", {"SYK"}),
    ("Rekneskap for dagleg leiar", "REG", set()),
])
def test_nynorsk_needs_find_bokmaal_offers(engine, title, first, never):
    proposed = _proposed(engine, title)
    assert proposed and proposed[0] == first
    assert not never & set(proposed)


def test_everyday_snekker_finds_the_tomrer_offer(engine):
    assert "TØM" in _proposed(engine, "Snekkere uten svennebrev")


def test_a_tomrer_need_gets_tomrerfaget_first_and_not_snekkerfaget(engine):
    proposed = _proposed(engine, "Fagbrev for tømrarar")
    assert proposed and proposed[0] == "TØM"
    assert "SNE" not in proposed


@pytest.mark.parametrize(("title", "other_trade"), [
    ("Tannhelsesekretærer", "Helsesekretær – Vg3 for voksne"),
    ("Anleggsgartnere uten fagbrev", "Gartnerfaget for praksiskandidater"),
])
def test_a_trade_named_as_a_whole_does_not_match_the_trade_its_last_part_names(title, other_trade):
    # the first part is a word of the vocabulary (other needs' texts), so the compound splits
    engine = Matcher([_offer("OTHER", other_trade, "fagbrev"), *OFFERS], load_default(),
                     vocabulary_texts=("Tann- og munnhelse", "Anlegg og drift"))
    assert "OTHER" not in _proposed(engine, title)


def test_a_compound_the_thesaurus_names_counts_as_its_concept_not_also_as_its_parts():
    analyzer = Analyzer(["styring", "system", "montør"], load_default().groups)
    assert set(analyzer.terms("styringssystemer")) == {"≈automasjon"}  # not also "system" and "styring"
    assert "montør" in analyzer.terms("nettmontør")  # its only topical piece still counts


def test_a_trade_named_as_a_whole_counts_a_piece_that_names_another_trade_only_as_a_part():
    analyzer = Analyzer([], load_default().groups)
    snekkerfaget = analyzer.terms("Snekkerfaget")
    assert snekkerfaget["≈snekkerfaget"].weight == 1.0
    assert snekkerfaget["≈tømrer"].weight < 0.6  # «snekker» is the everyday tømrer; snekkerfaget is not tømrerfaget
    assert analyzer.terms("Reiselivsfaget")["≈reiseliv"].weight == 1.0  # a field, not another trade
    assert analyzer.terms("Sveisekurs")["≈sveising"].weight == 1.0  # not named as a whole: the piece is the word
