"""Matching at regional size: every open need against every offer, beside a floor.

Usage: .venv/bin/python benchmarks/bench_matching.py [--needs 20000] [--offers 3000] [--seed 1] [--db FILE]

Two data sets, each measured on its own:
- synthetic, deterministic: offers and needs combined from Norwegian topic catalogues
  (subject × wording × audience × level × format × place × term), so needs use other words
  than the offers they should find (synonyms, inflections, compounds), and most needs have their
  own text: the engine's per-text cache does not make the run look faster than it is. It is
  dense on purpose: 60 subjects for 3 000 offers, about 50 candidate offers per need;
- the regional demo database (``kpdesk demo --scale regional``), read-only, when it exists.

Prints plain text lines: index build, match-all total, per-need median and max, and the floor:
a plain Python loop over the same needs doing one dict lookup per need word against the offers'
words (the least any indexed matcher must do). Budgets from the issue: match-all ≤ 2 s, one
need ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpdesk.common.codes import CLOSED_NEED_STATUSES
from kpdesk.matching.engine import Matcher, NeedInput, OfferInput

AS_OF = dt.date(2027, 1, 10)
DEMO_DB = Path("/tmp/kpdesk-bench-regional.sqlite")  # where benchmarks/regional_db.py caches it
BUDGET_TOTAL_S = 2.0
BUDGET_NEED_MS = 20.0

# subject: (offer title, keywords, offer description, ways a need names it, typical levels)
SUBJECTS: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("Palliativ omsorg", "palliasjon, lindrende behandling",
     "Symptomlindring, etiske vurderinger og samtaler med pårørende i livets sluttfase.",
     ("lindrende behandling", "palliasjon", "omsorg ved livets slutt"), ("fagskole", "bachelor")),
    ("Demensomsorg", "demens, miljøbehandling", "Personsentrert omsorg og miljøbehandling for personer med demens.",
     ("demens", "demensomsorg", "personer med demenssykdom"), ("fagskole", "bachelor", "kurs")),
    ("Legemiddelhåndtering", "legemidler, medisinhåndtering",
     "Trygg håndtering av legemidler, dosetter og dokumentasjon i hjemmetjenesten.",
     ("medisinhåndtering", "legemidler", "håndtering av medisiner"), ("kurs", "fagskole")),
    ("Velferdsteknologi i omsorgstjenesten", "velferdsteknologi, digitalt tilsyn",
     "Digitalt tilsyn, medisindispensere og trygghetsalarmer i kommunal omsorg.",
     ("velferdsteknologi", "trygghetsteknologi", "digitalt tilsyn"), ("fagskole", "kurs")),
    ("Psykisk helsearbeid og rusarbeid", "psykisk helse, rus",
     "Kartlegging, samtaler og oppfølging av personer med psykiske lidelser og rusproblemer.",
     ("psykisk helse", "rusomsorg", "psykiatri"), ("fagskole", "bachelor")),
    ("Hjerte-lunge-redning og førstehjelp", "HLR, førstehjelp",
     "Praktisk trening i HLR, bruk av hjertestarter og førstehjelp ved ulykker.",
     ("HLR", "førstehjelp", "hjerte-lunge-redning"), ("kurs",)),
    ("Smittevern og hygiene", "smittevern, hygiene",
     "Basale smittevernrutiner, håndhygiene og utbruddshåndtering i helsetjenesten.",
     ("smittevern", "infeksjonsforebygging", "hygiene"), ("kurs",)),
    ("Hverdagsrehabilitering", "rehabilitering, hverdagsmestring",
     "Tverrfaglig rehabilitering i hjemmet med vekt på brukerens egne mål.",
     ("rehabilitering", "hverdagsmestring", "opptrening"), ("fagskole", "bachelor")),
    ("Helsearbeiderfaget for praksiskandidater", "helsefagarbeider, fagbrev",
     "Teori fram mot fagprøve i helsearbeiderfaget for assistenter med lang praksis.",
     ("helsefagarbeider", "helsearbeiderfaget", "fagbrev som helsefagarbeider"), ("fagbrev",)),
    ("Veiledning av studenter i praksis", "veiledning, praksisveileder",
     "Veiledningsteori og praktisk veiledning av studenter i helse- og sosialfag.",
     ("veiledning av studenter", "praksisveiledning", "veileder for studenter"), ("bachelor",)),
    ("Fiskehelse og fiskevelferd", "fiskehelse, fiskevelferd, akvakultur",
     "Sykdomsforebygging, lusebehandling og velferd for laks i merd og settefiskanlegg.",
     ("fiskehelse", "fiskevelferd", "fiskesykdommer"), ("fagskole", "bachelor")),
    ("Driftsleder havbruk", "havbruk, driftsleder",
     "Ledelse av matfisk- og settefiskproduksjon, biologi og økonomi i oppdrett.",
     ("driftsledelse i oppdrett", "ledelse i akvakultur", "driftsleder havbruk"), ("fagskole",)),
    ("Akvakulturfaget", "akvakultur, oppdrett, røkter",
     "Teori for røktere i oppdrettsanlegg fram mot fagbrev.",
     ("akvakultur", "oppdrett av laks", "havbruk"), ("fagbrev",)),
    ("Vannkjemi og vannbehandlingsteknologi", "vannkjemi, vannbehandling, RAS",
     "Vannkvalitet, resirkulering og vannbehandling i landbaserte anlegg.",
     ("vannkjemi", "vannkvalitet", "vannbehandling"), ("bachelor", "fagskole")),
    ("Prosessteknikk", "prosessteknikk, prosessoperatør",
     "Teori for prosessoperatører i kjemisk og metallurgisk industri.",
     ("prosessteknikk", "prosessoperatører", "prosessfaget"), ("fagbrev", "fagskole")),
    ("Automatisering og PLS", "automasjon, PLS, styringssystemer",
     "Programmering av PLS, feilsøking og styringssystemer i produksjonsanlegg.",
     ("automasjon", "PLS-programmering", "automatisering"), ("fagskole", "fagbrev")),
    ("Lean og forbedringsarbeid", "lean, kontinuerlig forbedring",
     "Verdistrømsanalyse, standardisering og kontinuerlig forbedring i produksjon.",
     ("lean", "kontinuerlig forbedring", "forbedringsarbeid"), ("kurs", "fagskole")),
    ("Elkraft og energimontørfaget", "elkraft, energimontør",
     "Teori for montører i kraftforsyning og distribusjonsnett.",
     ("energimontør", "kraftforsyning", "strømnett"), ("fagbrev",)),
    ("Mekanisk vedlikehold", "vedlikehold, industrimekaniker",
     "Forebyggende vedlikehold, tilstandsovervåking og feilsøking på roterende utstyr.",
     ("vedlikehold", "industrimekaniker", "mekanisk vedlikehold"), ("fagbrev", "fagskole")),
    ("Sveising MIG/MAG", "sveising, sveisesertifikat",
     "Praktisk sveiseopplæring med sertifiseringsprøve.",
     ("sveising", "sveisesertifikat", "sveisere"), ("kurs", "fagbrev")),
    ("Byggdrifterfaget", "byggdrift, vaktmester",
     "Drift og vedlikehold av bygg, tekniske anlegg og uteområder.",
     ("byggdrift", "vaktmestere", "drift av bygg"), ("fagbrev",)),
    ("Tømrerfaget", "tømrer, trearbeid", "Konstruksjon, bindingsverk og trearbeid for tømrere.",
     ("tømrerfaget", "tømrere", "snekkere"), ("fagbrev",)),
    ("Anleggsmaskinførerfaget", "anleggsmaskin, maskinfører", "Graving, planering og sikker bruk av anleggsmaskiner.",
     ("anleggsmaskinfører", "maskinførere", "gravemaskin"), ("fagbrev", "kurs")),
    ("Varme arbeider", "varme arbeider, brannvern", "Sertifikat for sveising, skjæring og sliping med brannfare.",
     ("varme arbeider", "brannsikkerhet ved varme arbeider"), ("kurs",)),
    ("Arbeid i høyden og fallsikring", "fallsikring, stillas", "Sikker bruk av fallsikringsutstyr og stillas.",
     ("fallsikring", "arbeid i høyden"), ("kurs",)),
    ("Yrkessjåfør etterutdanning", "yrkessjåfør, yrkestransport",
     "Etterutdanning for yrkessjåfører med vogntog og buss.",
     ("yrkessjåfør", "sjåfører", "lastebilsjåfører"), ("kurs",)),
    ("Truckførerkurs", "truck, truckfører", "Opplæring for førere av motvektstruck og skyvemasttruck.",
     ("truck", "truckførerbevis", "gaffeltruck"), ("kurs",)),
    ("Kranførerkurs", "kran, kranfører", "Sikker bruk av mobilkran og traverskran.",
     ("kranfører", "traverskran", "kranføring"), ("kurs",)),
    ("Farlig gods (ADR)", "farlig gods, ADR", "Regelverk og sikker transport av farlig gods på vei.",
     ("farlig gods", "ADR"), ("kurs",)),
    ("Logistikk og lagerdrift", "logistikk, lager", "Vareflyt, lagerstyring og innkjøp i små og store lagre.",
     ("logistikk", "lagerdrift", "vareflyt"), ("fagbrev", "fagskole")),
    ("Barnehagelærer, deltid", "barnehage, barnehagelærer",
     "Deltidsstudium for assistenter som vil bli barnehagelærere.",
     ("barnehagelærer", "førskolelærer", "barnehagelærerutdanning"), ("bachelor",)),
    ("Barne- og ungdomsarbeiderfaget", "barne- og ungdomsarbeider", "Teori for assistenter i barnehage og skole.",
     ("barne- og ungdomsarbeider", "ungdomsarbeiderfaget"), ("fagbrev",)),
    ("Spesialpedagogikk", "spesialpedagogikk, tilrettelegging",
     "Tilpasset opplæring og spesialundervisning for barn med særskilte behov.",
     ("spesialpedagogikk", "spesialundervisning"), ("bachelor", "master")),
    ("Mentorutdanning", "veiledning, mentor", "Veiledning av nyutdannede lærere i skole og barnehage.",
     ("veiledning av nyutdannede", "mentorordning", "mentorer"), ("bachelor", "master")),
    ("Norsk som andrespråk", "andrespråk, norskopplæring", "Språklæring og norskopplæring for voksne innvandrere.",
     ("norsk som andrespråk", "norskopplæring", "andrespråk"), ("bachelor",)),
    ("Rektorutdanning", "skoleledelse, rektor", "Ledelse av skoler, pedagogisk utviklingsarbeid og juss.",
     ("rektorutdanning", "skoleledelse", "skoleledere"), ("master",)),
    ("Informasjonssikkerhet", "informasjonssikkerhet, cybersikkerhet", "Risikostyring, phishing og beredskap.",
     ("IT-sikkerhet", "datasikkerhet", "cybersikkerhet"), ("kurs", "bachelor")),
    ("Personvern og GDPR", "personvern, GDPR", "Behandling av personopplysninger, innsyn og sletting.",
     ("personvern", "GDPR", "personopplysninger"), ("kurs", "bachelor")),
    ("Programmering med Python", "programmering, Python", "Grunnleggende programmering og automatisering av oppgaver.",
     ("programmering", "koding", "Python"), ("fagskole", "bachelor")),
    ("Regneark og Excel", "Excel, regneark", "Formler, tabeller og rapporter i regneark.",
     ("Excel", "regneark"), ("kurs",)),
    ("Digitalisering i kommunal sektor", "digitalisering, IKT", "Tjenesteutvikling og digitale løsninger i kommunen.",
     ("digitalisering", "IKT", "digitale tjenester"), ("bachelor",)),
    ("Ledelse i offentlig sektor", "ledelse, lederutvikling", "Lederrollen, endringsledelse og personalledelse.",
     ("ledelse", "lederutvikling", "lederopplæring"), ("bachelor", "master")),
    ("Prosjektledelse", "prosjektledelse, prosjektstyring", "Planlegging, styring og avslutning av prosjekter.",
     ("prosjektledelse", "prosjektstyring", "prosjektledere"), ("kurs", "bachelor")),
    ("Økonomistyring", "økonomistyring, budsjett", "Budsjettering, rapportering og økonomistyring i virksomheter.",
     ("økonomistyring", "budsjettering", "budsjett"), ("bachelor", "kurs")),
    ("Regnskap for små bedrifter", "regnskap, bokføring", "Bokføring, mva og årsregnskap.",
     ("regnskap", "bokføring", "regnskapsføring"), ("kurs", "bachelor")),
    ("Offentlige anskaffelser", "innkjøp, anskaffelser", "Regelverk, konkurransegrunnlag og kontraktsoppfølging.",
     ("innkjøp", "offentlige anskaffelser", "anskaffelser"), ("kurs", "bachelor")),
    ("Kvalitetsledelse", "kvalitetssikring, kvalitetsledelse", "Kvalitetssystemer, avvik og revisjon.",
     ("kvalitetssikring", "kvalitetsstyring"), ("fagskole", "bachelor")),
    ("HMS for ledere", "HMS, internkontroll", "Lovpålagt HMS-opplæring, risikovurdering og internkontroll.",
     ("HMS", "helse, miljø og sikkerhet", "internkontroll"), ("kurs",)),
    ("Verneombudskurs", "verneombud, arbeidsmiljø", "Grunnopplæring for verneombud og arbeidsmiljøutvalg.",
     ("verneombud", "verneombudsopplæring", "arbeidsmiljøutvalg"), ("kurs",)),
    ("Brannvern", "brannvern, brannsikkerhet", "Brannforebygging, slokking og evakuering.",
     ("brannvern", "brannsikkerhet", "brannforebygging"), ("kurs",)),
    ("Kjemikaliehåndtering", "kjemikalier, stoffkartotek", "Sikker bruk og lagring av farlige stoffer.",
     ("kjemikalier", "farlige stoffer", "stoffkartotek"), ("kurs",)),
    ("Guiding og naturformidling", "guiding, reiseliv", "Formidling, sikkerhet og gruppeledelse for guider.",
     ("guiding", "guider", "naturguiding"), ("kurs", "fagskole")),
    ("Vertskap og gjestebehandling", "vertskap, gjestebehandling", "Service og gjestebehandling i reiselivet.",
     ("vertskap", "gjestebehandling", "kundeservice"), ("kurs",)),
    ("Engelsk for reiselivet", "engelsk, reiseliv", "Muntlig engelsk for guiding og gjestebehandling.",
     ("engelsk", "språkkurs i engelsk"), ("kurs",)),
    ("Kokkefaget", "kokk, matlaging", "Teori fram mot fagprøve i kokkfaget.",
     ("kokker", "kokkefaget", "matlaging"), ("fagbrev",)),
    ("Mathygiene", "mathygiene, matsikkerhet", "Hygiene, HACCP og internkontroll i storkjøkken.",
     ("mathygiene", "matsikkerhet", "næringsmiddelhygiene"), ("kurs",)),
    ("Agronomi", "landbruk, agronomi", "Plantekultur, jordarbeiding og drift av gårdsbruk.",
     ("landbruk", "agronomi", "jordbruk"), ("fagbrev", "fagskole")),
    ("Husdyrhold og dyrevelferd", "husdyr, dyrevelferd", "Stell, fôring og velferd for storfe og sau.",
     ("husdyrhold", "dyrevelferd", "dyrehold"), ("kurs", "fagskole")),
    ("Skogbruk og motorsag", "skogbruk, motorsag", "Sikker hogst og skogsdrift.",
     ("skogbruk", "skogsdrift", "motorsag"), ("kurs",)),
    ("Reindrift", "reindrift", "Drift, økonomi og dyrevelferd i reindrifta.",
     ("reindrift", "reindriftsutøvere"), ("fagskole",)),
]
AUDIENCES = ("helsefagarbeidere", "sykepleiere", "assistenter", "ledere", "mellomledere", "røktere",
             "operatører", "mekanikere", "lærere", "saksbehandlere", "sjåfører", "guider", "nyansatte",
             "avdelingsledere", "fagarbeidere")
NEED_TITLES = ("{term} for {audience}", "{Term}", "Kurs i {term}", "Fagbrev: {term}", "{Audience} trenger {term}",
               "Opplæring i {term}", "Videreutdanning i {term}")
NEED_DESCRIPTIONS = ("{Audience} hos oss ønsker mer kompetanse i {term}.", "Vi har {n} ansatte som trenger {term}.",
                     "Behovet gjelder {term} for {audience} i {place}.", "", "Ønsker tilbud i {term} før sommeren.")
FILLERS = ("Undervisningen kombinerer forelesninger, gruppearbeid og praksisoppgaver.",
           "Emnet avsluttes med en skriftlig hjemmeeksamen.", "Det gis kursbevis etter fullført kurs.",
           "Opptak skjer etter søknad.", "Studiet er lagt opp for å kunne kombineres med jobb.", "")
FORMATS = ("online", "sessions", "campus", "decentralised")
LEVEL_ORDER = ("kurs", "fagbrev", "fagskole", "bachelor", "master")


def _regions() -> dict[str, set[str]]:
    """Nordland's regions as the database seeds them (migration 0002)."""
    seed = importlib.import_module("kpdesk.db.migrations.versions.0002_regions").SEED
    result: dict[str, set[str]] = {}
    for name, numbers in seed.items():
        for number in numbers:
            result.setdefault(number, set()).add(name)
    return result


def _nordland() -> list[str]:
    from kpdesk.common.reference import municipalities

    return [m.number for m in municipalities() if m.county_number == "18"]


def _offers(rng: random.Random, count: int, places: list[str]) -> list[OfferInput]:
    providers = ("Nord universitet", "Nordland fagskole", "UiT Norges arktiske universitet", "Salten Kurs AS",
                 "Helgeland kurssenter", "Fagskolen i Nord", "Campus BLÅ", "Bodø videregående skole")
    offers = []
    for i in range(count):
        title, keywords, description, _, levels = rng.choice(SUBJECTS)
        level = rng.choice(levels)
        fmt = rng.choice(FORMATS)
        start = dt.date(2026, 8, 1) + dt.timedelta(days=rng.randrange(0, 730))
        audience = rng.choice(AUDIENCES)
        shown = rng.choice((title, f"{title} for {audience}", f"{title}, {rng.choice(('kull', 'høst', 'vår'))} "
                                                                f"{start.year}"))
        offers.append(OfferInput(
            ref=f"O{i:05d}", title=shown, description=f"{description} {rng.choice(FILLERS)}".strip(),
            keywords=keywords, provider=rng.choice(providers), level=level, format=fmt,
            municipality=None if fmt == "online" else rng.choice(places), start_date=start,
            end_date=start + dt.timedelta(days=rng.choice((1, 5, 120, 300, 640))),
            application_deadline=start - dt.timedelta(days=rng.choice((7, 30, 90))),
            seats_min=rng.choice((5, 8, 10, 15)), seats_max=rng.choice((12, 20, 30, 60)),
            price_nok=rng.choice((0, 0, 1500, 5900, 12500))))
    return offers


def _needs(rng: random.Random, count: int, places: list[str]) -> list[NeedInput]:
    employers = [(f"9{rng.randrange(10**7, 10**8)}", f"DEMO Arbeidsgiver {i}", rng.choice(places))
                 for i in range(count // 8)]
    needs = []
    for i in range(count):
        _, _, _, terms, levels = rng.choice(SUBJECTS)
        term, audience = rng.choice(terms), rng.choice(AUDIENCES)
        org, name, place = rng.choice(employers)
        words = dict(term=term, Term=term[:1].upper() + term[1:], audience=audience,
                     Audience=audience.capitalize(), n=rng.randrange(2, 30), place=name)
        earliest = dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
        level = rng.choice((*levels, *levels, "open", rng.choice(LEVEL_ORDER)))
        needs.append(NeedInput(
            ref=f"N{i:05d}", title=rng.choice(NEED_TITLES).format(**words),
            description=rng.choice(NEED_DESCRIPTIONS).format(**words), headcount=rng.randrange(1, 16),
            level=level, formats=tuple(rng.sample(FORMATS, rng.choice((0, 0, 1, 2)))),
            earliest_start=earliest, latest_start=earliest + dt.timedelta(days=rng.choice((60, 120, 240))),
            municipality=place, employer_name=name, employer_ref=org,
            status=rng.choice(("new",) * 8 + ("mapped", "closed"))))
    return needs


def _timed(action: Callable[[], object]) -> tuple[float, float, object]:
    """Wall time, this process's CPU time, and the result. CPU time is the steadier figure on a
    shared machine; the budgets are wall time."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _floor(needs: list[NeedInput], offers: list[OfferInput]) -> float:
    """One dict lookup per need word against the offers' words, after lower-casing and splitting."""
    vocabulary: dict[str, list[int]] = {}
    for i, o in enumerate(offers):
        for word in f"{o.title} {o.description} {o.keywords}".lower().split():
            vocabulary.setdefault(word, []).append(i)
    started = time.perf_counter()
    found = 0
    for n in needs:
        for word in f"{n.title} {n.description}".lower().split():
            if vocabulary.get(word) is not None:
                found += 1
    return time.perf_counter() - started


def _from_database(path: Path) -> tuple[list[OfferInput], list[NeedInput], dict[str, set[str]]]:
    """Offers, needs (with their employer's municipality) and regions from a kpdesk database, read-only."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    day = dt.date.fromisoformat
    try:
        offers = [OfferInput(ref, title, description or "", keywords or "", provider, level, fmt, municipality,
                             day(start) if start else None, day(end) if end else None,
                             day(deadline) if deadline else None, seats_min, seats_max, None, system, price)
                  for (ref, title, description, keywords, provider, level, fmt, municipality, start, end, deadline,
                       seats_min, seats_max, system, price) in conn.execute(
                      "SELECT o.ref, o.title, o.description, o.keywords, p.name, o.level, o.format, o.municipality,"
                      " o.start_date, o.end_date, o.application_deadline, o.seats_min, o.seats_max,"
                      " o.credit_system, o.price_nok FROM offer o JOIN provider p ON p.id = o.provider_id"
                      " ORDER BY o.id")]
        needs = [NeedInput(ref, title, description or "", headcount, level, tuple(k for k in (fmt or "").split(",")
                                                                                   if k),
                           day(earliest) if earliest else None, day(latest) if latest else None, municipality,
                           name, org, status)
                 for (ref, title, description, headcount, level, fmt, earliest, latest, municipality, name, org,
                      status) in conn.execute(
                     "SELECT n.ref, n.title, n.description, n.headcount, n.level, n.formats, n.earliest_start,"
                     " n.latest_start, e.municipality, e.name, e.org_number, n.status FROM need n"
                     " JOIN employer e ON e.id = n.employer_id ORDER BY n.id")]
        regions: dict[str, set[str]] = {}
        for municipality, name in conn.execute(
                "SELECT rm.municipality, r.name FROM region_municipality rm JOIN region r ON r.id = rm.region_id"):
            regions.setdefault(municipality, set()).add(name)
    finally:
        conn.close()
    return offers, needs, regions


def measure(label: str, offers: list[OfferInput], needs: list[NeedInput], regions: dict[str, set[str]]) -> bool:
    """Print the figures for one data set; True when within both budgets."""
    open_needs = [n for n in needs if n.status not in CLOSED_NEED_STATUSES]
    texts = [t for n in open_needs for t in (n.title, n.description)]
    distinct = len({(n.title, n.description) for n in open_needs})
    print(f"[{label}] data: {len(offers)} offers, {len(needs)} needs ({len(open_needs)} open, {distinct} distinct "
          f"texts), as of {AS_OF:%d.%m.%Y}")

    build_s, build_cpu, matcher = _timed(lambda: Matcher(offers, regions=regions, vocabulary_texts=texts))
    print(f"[{label}] index build (offers + need vocabulary): {build_s * 1000:.0f} ms (cpu {build_cpu * 1000:.0f} ms)")

    match_s, match_cpu, results = _timed(lambda: matcher.match_all(needs, AS_OF))
    unmet = sum(1 for r in results if r.unmet)
    proposals = sum(len(r.matches) for r in results)
    total_s = build_s + match_s
    print(f"[{label}] match_all, all open needs: {match_s * 1000:.0f} ms (cpu {match_cpu * 1000:.0f} ms); "
          f"{len(results)} needs, {proposals} proposals, {unmet} unmet")
    print(f"[{label}] index build + match_all (a cold run): {total_s * 1000:.0f} ms "
          f"(budget {BUDGET_TOTAL_S * 1000:.0f} ms)")

    fresh = Matcher(offers, regions=regions, vocabulary_texts=texts)
    per_need = []
    gc.collect()
    gc.disable()  # as in match_all: a collector pass over the whole heap is not the engine's work
    try:
        for n in open_needs:
            started = time.perf_counter()
            fresh.match_need(n, AS_OF)
            per_need.append((time.perf_counter() - started) * 1000)
    finally:
        gc.enable()
    per_need.sort()
    print(f"[{label}] per need (fresh engine, collector paused): median {statistics.median(per_need):.3f} ms, "
          f"p99 {per_need[int(len(per_need) * 0.99)]:.3f} ms, max {per_need[-1]:.2f} ms "
          f"(budget {BUDGET_NEED_MS:.0f} ms)")

    warm_s, warm_cpu, _ = _timed(lambda: matcher.match_all(needs, AS_OF))
    print(f"[{label}] match_all again on the same engine (text caches warm): {warm_s * 1000:.0f} ms "
          f"(cpu {warm_cpu * 1000:.0f} ms)")

    reasons_s, _, _ = _timed(lambda: [m.reasons for r in results for m in r.matches])
    print(f"[{label}] writing the reasons of all {proposals} proposals (done on first read): "
          f"{reasons_s * 1000:.0f} ms")

    floor_s = _floor(open_needs, offers)
    print(f"[{label}] floor, one dict lookup per need word: {floor_s * 1000:.0f} ms "
          f"(match_all is {match_s / floor_s:.0f}× the floor)")
    within = total_s <= BUDGET_TOTAL_S and per_need[-1] <= BUDGET_NEED_MS
    print(f"[{label}] result: {'within' if within else 'OVER'} budget")
    return within


def whole_run(path: Path) -> None:
    """The run a coordinator waits for (``run_matching``: read the database, build, match, aggregate)."""
    import shutil
    import tempfile

    from kpdesk.db.store import Store
    from kpdesk.matching.run import run_matching

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "regional.sqlite"
        shutil.copy(path, copy)
        store = Store.open(copy)
        try:
            with store.session() as session:
                run_s, run_cpu, run = _timed(lambda: run_matching(session, AS_OF))
        finally:
            store.close()
    print(f"[regional demo] whole run (database read, build, match, demand groups): {run_s * 1000:.0f} ms "
          f"(cpu {run_cpu * 1000:.0f} ms); {len(run.results)} needs, {len(run.groups)} demand groups")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--offers", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, default=DEMO_DB,
                        help=f"a regional demo database (kpdesk demo --scale regional), read-only; default {DEMO_DB}, "
                             "used when it exists")
    args = parser.parse_args(argv)

    if args.db.exists():  # first, in a process that holds nothing else yet, as the window's would not
        whole_run(args.db)
    rng = random.Random(args.seed)
    places = _nordland()
    measure("synthetic", _offers(rng, args.offers, places), _needs(rng, args.needs, places), _regions())
    if args.db.exists():
        measure("regional demo", *_from_database(args.db))
    else:
        print(f"[regional demo] skipped: no database at {args.db} (make one with "
              "`kpdesk demo --db FILE --scale regional`)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
