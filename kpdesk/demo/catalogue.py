"""What the demo is made of: topics, employer profiles, providers, the small centre's offers and rooms.

Providers are real institutions (names only). Employers, vendors, people and the centre itself are
invented and carry "(DEMO)" where a name could be mistaken for a real one. Codes are SN2007 for
industries and the keys of ``kpdesk.common.codes`` for levels, formats and kinds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

# ---------------------------------------------------------------- topics (shared by needs and offers)


@dataclass(frozen=True, slots=True)
class Topic:
    """A competence topic: the words employers use for it and the words course descriptions use."""

    key: str
    name: str  # short label, for booking titles
    level: str  # the level employers usually ask for
    keywords: tuple[str, ...]
    need_titles: tuple[str, ...]
    need_texts: tuple[str, ...]
    offer_text: str = ""  # empty: no provider offers this in the demo, so its needs stay unmet


TOPICS: tuple[Topic, ...] = (
    Topic("helsefagarbeider", "Helsearbeiderfaget", "fagbrev",
          ("helsefagarbeider", "helsearbeiderfaget", "fagbrev", "praksiskandidat", "omsorg"),
          ("Fagbrev som helsefagarbeider for assistenter", "Helsefagarbeidere blant ufaglærte i hjemmetjenesten",
           "Praksiskandidater til fagprøve i helsearbeiderfaget"),
          ("Flere assistenter har lang praksis og ønsker fagbrev som helsefagarbeider.",
           "Vi mangler helsefagarbeidere og vil kvalifisere egne ansatte som praksiskandidater.",
           "Ufaglærte i turnus trenger teoriopplæring fram mot fagprøven."),
          "Teoriopplæring i helsearbeiderfaget for voksne med lang praksis, fram mot fagprøve som "
          "praksiskandidat."),
    Topic("velferdsteknologi", "Velferdsteknologi", "fagskole",
          ("velferdsteknologi", "digitalt tilsyn", "trygghetsalarm", "medisindispenser", "e-helse"),
          ("Opplæring i velferdsteknologi", "Velferdsteknologi i hjemmetjenesten",
           "Kompetanse på digitalt tilsyn og medisindispensere"),
          ("Kommunen tar i bruk digitalt tilsyn, medisindispensere og trygghetsalarmer, og ansatte trenger "
           "opplæring.", "Helsefagarbeidere skal bli superbrukere på velferdsteknologi i hjemmetjenesten."),
          "Fagskoleemne om velferdsteknologi og e-helse: digitalt tilsyn, trygghetsalarmer og medisindispensere "
          "i helse- og omsorgstjenesten."),
    Topic("palliasjon", "Palliasjon", "fagskole",
          ("palliasjon", "lindrende behandling", "kreftomsorg", "livets sluttfase", "smertelindring"),
          ("Lindrende behandling på sykehjemmet", "Videreutdanning i palliasjon",
           "Kompetanse i omsorg ved livets slutt"),
          ("Pleierne ønsker mer kompetanse i palliasjon og omsorg ved livets slutt.",
           "Det palliative teamet trenger formell kompetanse i smertelindring og samtaler med pårørende."),
          "Palliativ omsorg: symptomlindring, smertebehandling, etiske vurderinger og ivaretakelse av pårørende "
          "i livets sluttfase."),
    Topic("psykisk_helse", "Psykisk helse og rus", "fagskole",
          ("psykisk helse", "rusarbeid", "psykisk helsearbeid", "avhengighet", "miljøterapi"),
          ("Kompetanse i psykisk helse og rus", "Psykisk helsearbeid for miljøarbeidere",
           "Rus og psykisk helse i boligtjenesten"),
          ("Miljøarbeidere møter flere brukere med rusproblemer og psykiske lidelser og trenger mer kompetanse.",
           "Ansatte i bofellesskapet ønsker fagskoleutdanning i psykisk helsearbeid og rusarbeid."),
          "Fagskoleutdanning i psykisk helsearbeid og rusarbeid: relasjonsarbeid, miljøterapi, rusmidler og "
          "samarbeid med brukere og pårørende."),
    Topic("demens", "Demensomsorg", "fagskole",
          ("demens", "alderspsykiatri", "eldreomsorg", "miljøbehandling", "kognitiv svikt"),
          ("Demensomsorg for ansatte i skjermet enhet", "Kompetanse i demens og alderspsykiatri"),
          ("Vi har mange brukere med demens, og ansatte trenger kompetanse i miljøbehandling.",
           "Stadig flere av dem vi følger opp har kognitiv svikt eller demens."),
          "Demensomsorg og alderspsykiatri: miljøbehandling, personsentrert omsorg, kommunikasjon og "
          "utfordrende atferd."),
    Topic("sykepleie", "Sykepleie", "bachelor",
          ("sykepleie", "sykepleier", "sykepleierutdanning", "desentralisert", "autorisasjon"),
          ("Sykepleierutdanning for helsefagarbeidere", "Desentralisert sykepleierutdanning for egne ansatte"),
          ("Kommunen mangler sykepleiere og vil utdanne egne helsefagarbeidere til sykepleiere mens de jobber.",
           "Flere helsefagarbeidere ønsker å ta sykepleierutdanning nær hjemstedet."),
          "Bachelor i sykepleie på deltid med nettundervisning, samlinger og praksis i egen region. Gir "
          "autorisasjon som sykepleier."),
    Topic("praksisveiledning", "Veiledning i praksis", "bachelor",
          ("veiledning", "praksisveileder", "veiledningskompetanse", "studenter i praksis", "lærlinger"),
          ("Veilederutdanning for praksisveiledere", "Kompetanse i veiledning av studenter og lærlinger"),
          ("Vi tar imot studenter i praksis og trenger flere med formell veiledningskompetanse.",
           "Ansatte som veileder studenter og lærlinger ønsker videreutdanning i veiledning."),
          "Videreutdanning i veiledning av studenter i praksis: veiledningsteori, vurdering og "
          "samtaleferdigheter."),
    Topic("ledelse", "Ledelse", "fagskole",
          ("ledelse", "leder", "førstelinjeleder", "personalledelse", "endringsledelse"),
          ("Lederutdanning for avdelingsledere", "Førstelinjeledelse", "Personal- og endringsledelse for mellomledere"),
          ("Nye avdelingsledere mangler formell lederutdanning og trenger kompetanse i personalledelse.",
           "Mellomledere skal lede omstilling og ønsker utdanning i endringsledelse."),
          "Ledelse i praksis: personalledelse, arbeidsrett, økonomistyring og endringsledelse for ledere på "
          "første og andre nivå."),
    Topic("helsenorsk", "Helsenorsk", "kurs",
          ("norskopplæring", "helsenorsk", "fagspråk", "fremmedspråklige", "andrespråk"),
          ("Norskopplæring for fremmedspråklige helsearbeidere", "Helsenorsk for vikarer fra utlandet"),
          ("Flere ansatte har norsk som andrespråk og trenger fagspråk for dokumentasjon og rapportering.",
           "Sommervikarer fra EU trenger helsenorsk før de begynner i turnus.")),
    Topic("barnehagelaerer", "Barnehagepedagogikk", "bachelor",
          ("barnehagelærer", "barnehagepedagogikk", "barnehage", "pedagogisk leder", "deltid"),
          ("Barnehagelærerutdanning for assistenter", "Pedagogiske ledere uten barnehagelærerutdanning",
           "Barnehagepedagogikk for ansatte med annen bakgrunn"),
          ("Barnehagen har dispensasjon fra utdanningskravet og ønsker at assistenter tar barnehagelærerutdanning "
           "på deltid.", "Pedagogiske ledere med annen utdanning trenger videreutdanning i barnehagepedagogikk."),
          "Barnehagelærerutdanning og barnehagepedagogikk på deltid for ansatte i barnehage, med samlinger og "
          "nettundervisning."),
    Topic("barne_ungdom", "Barne- og ungdomsarbeiderfaget", "fagbrev",
          ("barne- og ungdomsarbeider", "fagbrev", "barnehageassistent", "praksiskandidat", "oppvekst"),
          ("Fagbrev som barne- og ungdomsarbeider", "Barne- og ungdomsarbeiderfaget for assistenter"),
          ("Assistenter i barnehagen har lang praksis og vil ta fagbrev som barne- og ungdomsarbeider.",
           "Ansatte i SFO ønsker fagbrev gjennom praksiskandidatordningen."),
          "Teoriopplæring i barne- og ungdomsarbeiderfaget for voksne praksiskandidater."),
    Topic("spesialpedagogikk", "Spesialpedagogikk", "bachelor",
          ("spesialpedagogikk", "tilpasset opplæring", "spesialundervisning", "lærevansker", "inkludering"),
          ("Videreutdanning i spesialpedagogikk", "Spesialpedagogisk kompetanse i skole og barnehage"),
          ("Flere barn og elever har vedtak om spesialpedagogisk hjelp, og for få ansatte har spesialpedagogikk.",
           "Pedagogene ønsker kompetanse i lærevansker og inkluderende opplæring."),
          "Spesialpedagogikk: lærevansker, tilpasset opplæring, inkludering og samarbeid med PP-tjenesten."),
    Topic("digitalisering", "Digital kompetanse", "kurs",
          ("digitalisering", "IKT", "digital kompetanse", "Microsoft 365", "informasjonssikkerhet",
           "tjenesteinnovasjon"),
          ("Digital kompetanse for ansatte", "Digitalisering av tjenester", "IKT og informasjonssikkerhet i hverdagen"),
          ("Ansatte trenger grunnleggende digital kompetanse i Microsoft 365, Teams og informasjonssikkerhet.",
           "Ledelsen vil digitalisere tjenester og trenger kompetanse i tjenesteinnovasjon."),
          "Digital kompetanse og digitalisering: digitalt samarbeid, informasjonssikkerhet, personvern og "
          "tjenesteinnovasjon."),
    Topic("vannkjemi", "Vannkjemi og RAS", "bachelor",
          ("vannkjemi", "vannbehandling", "RAS", "resirkulering", "vannkvalitet", "landbasert"),
          ("Vannkjemi og vannkvalitet i RAS-anlegg", "Kompetanse i vannbehandling for settefiskanlegg"),
          ("Operatører i det landbaserte RAS-anlegget trenger kompetanse i vannkjemi og vannbehandling.",
           "Settefiskanlegget bygges om til resirkulering, og driftspersonellet må forstå vannkvalitet og "
           "biofilter."),
          "Vannkjemi og vannbehandlingsteknologi for akvakultur: vannkvalitet, biofilter, lufting og drift av "
          "resirkuleringsanlegg (RAS)."),
    Topic("fiskehelse", "Fiskehelse", "bachelor",
          ("fiskehelse", "fiskevelferd", "lakselus", "sykdomsforebygging", "akvakultur"),
          ("Fiskehelse og fiskevelferd for røktere", "Kompetanse i fiskevelferd og lusebehandling"),
          ("Røkterne skal ta mer ansvar for fiskevelferd og trenger kompetanse i fiskehelse og "
           "sykdomsforebygging.", "Nye krav til dokumentasjon av fiskevelferd ved avlusing krever opplæring."),
          "Fiskehelse og fiskevelferd: sykdommer, lakselus, velferdsindikatorer og regelverk i akvakultur."),
    Topic("driftsleder_havbruk", "Driftsledelse i havbruk", "fagskole",
          ("driftsleder", "havbruk", "akvakultur", "oppdrett", "produksjonsplanlegging"),
          ("Driftslederutdanning for havbruk", "Fagskole for driftsledere i oppdrett"),
          ("Erfarne røktere skal bli driftsledere og trenger fagskoleutdanning i havbruksdrift.",
           "Lokaliteten mangler nestledere med formell kompetanse i produksjonsplanlegging."),
          "Fagskoleutdanning for driftsledere i havbruk: produksjonsplanlegging, ledelse, HMS og biologi. "
          "Klasserom på nett."),
    Topic("akvakultur_fagbrev", "Akvakulturfaget", "fagbrev",
          ("akvakulturfaget", "fagbrev", "røkter", "oppdrett", "praksiskandidat"),
          ("Fagbrev i akvakultur for røktere", "Akvakulturfaget for ansatte uten fagbrev"),
          ("Røktere med flere års praksis ønsker fagbrev i akvakulturfaget.",
           "Nye medarbeidere på merdanlegget skal ta fagbrev som praksiskandidater."),
          "Teoriopplæring i akvakulturfaget for praksiskandidater, fram mot fagprøve."),
    Topic("prosessoperator", "Prosessfaget", "fagbrev",
          ("prosessoperatør", "prosessfaget", "fagbrev", "praksiskandidat", "industri"),
          ("Fagbrev som prosessoperatør", "Prosessfaget for operatører uten fagbrev",
           "Praksiskandidater i prosessfaget"),
          ("Operatørene i smelteverket har lang praksis og trenger teori fram mot fagbrev i prosessfaget.",
           "Bedriften erstatter rundt 20 operatører i året og vil kvalifisere egne ansatte som prosessoperatører."),
          "Teoriopplæring i prosessfaget for voksne praksiskandidater i industrien, fram mot fagbrev som "
          "prosessoperatør."),
    Topic("automasjon", "Automatisering", "fagskole",
          ("automatisering", "automasjon", "automatiker", "PLS", "styringssystemer", "elkraft"),
          ("Automatisering og styringssystemer", "Fagskole i automatisering for automatikere"),
          ("Vedlikeholdsavdelingen trenger flere med kompetanse i PLS og automatiserte styringssystemer.",
           "Automatikere med fagbrev ønsker fagskole i automatisering."),
          "Fagskoleutdanning i automatisering: PLS, reguleringsteknikk, instrumentering og elkraft."),
    Topic("sveising", "Sveising", "kurs",
          ("sveising", "sveiser", "sveisesertifikat", "MAG", "TIG", "ISO 9606"),
          ("Sveisesertifikat for mekanikere", "Sveisekurs MAG og TIG"),
          ("Mekanikerne må fornye og utvide sveisesertifikatene etter NS-EN ISO 9606-1.",
           "Verkstedet trenger flere sertifiserte sveisere til reparasjonsarbeid."),
          "Praktisk sveisekurs i MAG og TIG med sertifiseringsprøve etter NS-EN ISO 9606-1."),
    Topic("truck_kran", "Truck og kran", "kurs",
          ("truck", "traverskran", "kran", "sikkerhetsopplæring", "arbeidsutstyr", "løfteoperasjoner"),
          ("Truck- og kranførerkurs", "Dokumentert sikkerhetsopplæring for truck og kran"),
          ("Lagermedarbeidere trenger dokumentert sikkerhetsopplæring for truck T1–T4.",
           "Operatører skal bruke traverskran og må ha opplæring i løfteoperasjoner."),
          "Dokumentert sikkerhetsopplæring i bruk av truck (T1–T4) og traverskran (G4) etter forskrift om "
          "utførelse av arbeid."),
    Topic("hms", "HMS og arbeidsmiljø", "kurs",
          ("HMS", "verneombud", "arbeidsmiljø", "internkontroll", "risikovurdering"),
          ("Opplæring for nytt verneombud", "HMS-opplæring for ledere", "Grunnkurs i arbeidsmiljø"),
          ("Nyvalgte verneombud og medlemmer av arbeidsmiljøutvalget må ha lovpålagt opplæring.",
           "Ledere skal ha dokumentert HMS-opplæring etter arbeidsmiljøloven."),
          "Grunnopplæring i arbeidsmiljø og HMS for verneombud, AMU-medlemmer og ledere: internkontroll, "
          "risikovurdering og regelverk."),
    Topic("lean", "Lean og forbedring", "kurs",
          ("lean", "kontinuerlig forbedring", "forbedringsarbeid", "produksjonsstyring", "5S"),
          ("Lean og kontinuerlig forbedring", "Forbedringsarbeid i produksjonen"),
          ("Skiftlederne skal lede daglig forbedringsarbeid og trenger opplæring i lean.",
           "Bedriften innfører kontinuerlig forbedring og vil lære opp operatører i 5S og tavlemøter."),
          "Lean og kontinuerlig forbedring: 5S, tavlemøter, verdistrømanalyse og forbedringsledelse i produksjon."),
    Topic("teknologiledelse", "Teknologiledelse", "master",
          ("teknologiledelse", "MBA", "ledelse", "innovasjon", "strategi"),
          ("Master i teknologiledelse for ingeniører", "Ledelsesutdanning på masternivå for ingeniører"),
          ("Ingeniører i ledende stillinger ønsker en erfaringsbasert master i teknologiledelse.",
           "Bedriften vil styrke strategisk ledelse av teknologiprosjekter."),
          "Erfaringsbasert MBA i teknologiledelse på deltid med samlinger: strategi, innovasjon, prosjekt- og "
          "endringsledelse."),
    Topic("regnskap", "Regnskap og økonomi", "kurs",
          ("regnskap", "økonomi", "økonomistyring", "budsjett", "lønn"),
          ("Regnskap og økonomistyring", "Kurs i budsjett og økonomistyring for ledere"),
          ("Daglig leder og kontoransatte trenger bedre kompetanse i regnskap, budsjett og lønn.",
           "Enhetsledere har fått budsjettansvar og trenger opplæring i økonomistyring."),
          "Regnskap og økonomistyring for små virksomheter og enheter: budsjett, rapportering, lønn og "
          "merverdiavgift."),
    Topic("logistikk", "Logistikkfaget", "fagbrev",
          ("logistikk", "logistikkfaget", "lager", "fagbrev", "vareflyt"),
          ("Fagbrev i logistikk for lagermedarbeidere", "Logistikkfaget som praksiskandidat"),
          ("Lagermedarbeidere med lang erfaring ønsker fagbrev i logistikkfaget.",
           "Vareflyten har økt, og vi trenger flere med formell logistikkompetanse."),
          "Teoriopplæring i logistikkfaget for praksiskandidater: lagerstyring, vareflyt, transport og HMS."),
    Topic("anleggsmaskin", "Anleggsmaskinførerfaget", "fagbrev",
          ("anleggsmaskinfører", "anleggsmaskin", "gravemaskin", "hjullaster", "fagbrev"),
          ("Fagbrev som anleggsmaskinfører", "Opplæring på gravemaskin og hjullaster"),
          ("Maskinførerne har kompetansebevis, men mangler fagbrev som anleggsmaskinførere.",
           "Vi trenger flere med dokumentert opplæring på gravemaskin og hjullaster.")),
    Topic("reiseliv", "Reiseliv og vertskap", "kurs",
          ("reiseliv", "vertskap", "guiding", "opplevelser", "turisme"),
          ("Vertskapsopplæring for sesongansatte", "Kompetanse i guiding og opplevelsesturisme"),
          ("Sesongansatte skal ta imot internasjonale gjester og trenger vertskapsopplæring.",
           "Bedriften utvikler vinteropplevelser og trenger kompetanse i guiding og sikkerhet.")),
    Topic("samisk", "Samisk språk", "kurs",
          ("samisk", "lulesamisk", "sørsamisk", "samisk språk", "kulturforståelse"),
          ("Samisk språk og kultur for ansatte", "Lulesamisk for ansatte i tjenester til samiske brukere"),
          ("Kommunen er i forvaltningsområdet for samisk språk og trenger ansatte som kan møte brukere på samisk.",
           "Ansatte ønsker grunnleggende sørsamisk språk og kulturforståelse.")),
)
TOPIC = {topic.key: topic for topic in TOPICS}


# ---------------------------------------------------------------- employer profiles


@dataclass(frozen=True, slots=True)
class Profile:
    """A kind of employer: its SN2007 codes, the topics it asks for (weighted) and who we talk to."""

    key: str
    industries: tuple[str, ...]
    topics: tuple[tuple[str, int], ...]
    roles: tuple[str, ...]
    names: tuple[str, ...] = ()  # patterns for generated private employers ({place}, {surname})
    weight: int = 0  # share of generated private employers


PROFILES = {p.key: p for p in (
    Profile("kommune", ("84.110",), (("digitalisering", 4), ("ledelse", 3), ("hms", 2), ("regnskap", 1),
                                      ("samisk", 1)),
            ("Kommunalsjef", "HR-rådgiver", "Personalsjef", "Kommunedirektør")),
    Profile("helse", ("87.101", "87.102", "88.101"),
            (("helsefagarbeider", 5), ("velferdsteknologi", 4), ("palliasjon", 3), ("demens", 3),
             ("psykisk_helse", 3), ("sykepleie", 3), ("praksisveiledning", 2), ("ledelse", 2), ("helsenorsk", 2),
             ("hms", 1)),
            ("Enhetsleder", "Avdelingsleder", "Fagutviklingssykepleier", "Opplæringsansvarlig"),
            ("{place} Omsorgssenter AS", "{place} Bo- og Aktivitetssenter AS", "{surname} Helsetjenester AS"), 6),
    Profile("barnehage", ("88.911",),
            (("barnehagelaerer", 5), ("barne_ungdom", 4), ("spesialpedagogikk", 2), ("ledelse", 1)),
            ("Styrer", "Pedagogisk leder", "Daglig leder"),
            ("{place} Naturbarnehage SA", "{place} Barnehage AS", "{place} Gårdsbarnehage AS"), 6),
    Profile("skole", ("85.201",),
            (("spesialpedagogikk", 4), ("digitalisering", 3), ("praksisveiledning", 2), ("ledelse", 1),
             ("samisk", 1)),
            ("Rektor", "Inspektør", "Assisterende rektor")),
    Profile("havbruk", ("03.211", "03.212"),
            (("vannkjemi", 4), ("fiskehelse", 4), ("driftsleder_havbruk", 3), ("akvakultur_fagbrev", 4),
             ("hms", 2), ("truck_kran", 1)),
            ("Driftsleder", "Produksjonssjef", "HR-ansvarlig", "Kvalitetsleder"),
            ("{place} Sjømat AS", "{place} Laks AS", "{place} Settefisk AS", "{place} Havbruk AS",
             "{surname} Fiskeoppdrett AS"), 10),
    Profile("industri", ("24.100", "24.420", "20.130"),
            (("prosessoperator", 5), ("automasjon", 4), ("sveising", 2), ("truck_kran", 2), ("hms", 2),
             ("lean", 2), ("teknologiledelse", 2)),
            ("Opplæringskoordinator", "Produksjonsleder", "HR-partner", "Vedlikeholdsleder"),
            ("{place} Metall AS", "{place} Smelteverk AS", "{place} Prosessindustri AS", "{place} Mineral AS"), 4),
    Profile("verksted", ("25.110", "33.120"),
            (("sveising", 4), ("automasjon", 3), ("truck_kran", 2), ("hms", 2), ("lean", 1)),
            ("Verkstedsjef", "Daglig leder", "Prosjektleder"),
            ("{place} Mekaniske Verksted AS", "{place} Sveis og Stål AS", "{surname} Mek AS",
             "{place} Industriservice AS"), 8),
    Profile("bygg", ("41.200", "43.210", "43.120"),
            (("hms", 3), ("truck_kran", 3), ("anleggsmaskin", 3), ("sveising", 1), ("automasjon", 1)),
            ("Daglig leder", "Prosjektleder", "HMS-leder", "Anleggsleder"),
            ("{place} Bygg AS", "{surname} Bygg AS", "{place} Entreprenør AS", "{surname} Elektro AS",
             "{place} Maskin og Anlegg AS", "{surname} og Sønn AS"), 20),
    Profile("transport", ("49.410", "52.100"),
            (("truck_kran", 4), ("logistikk", 4), ("hms", 2), ("digitalisering", 1)),
            ("Trafikkleder", "Lagersjef", "Daglig leder"),
            ("{place} Transport AS", "{place} Logistikk AS", "{surname} Transport AS", "{place} Havnelager AS"), 10),
    Profile("energi", ("35.110",),
            (("automasjon", 3), ("hms", 2), ("digitalisering", 2), ("teknologiledelse", 1)),
            ("Driftssjef", "HR-rådgiver", "Nettsjef"),
            ("{place} Kraft AS", "{place} Energi AS", "{place} Nett AS"), 3),
    Profile("kontor", ("62.030", "69.201", "70.220"),
            (("digitalisering", 4), ("regnskap", 4), ("ledelse", 2)),
            ("Daglig leder", "Kontorleder", "Partner"),
            ("{place} Regnskap AS", "{place} IT-drift AS", "{surname} Rådgivning AS", "{place} Revisjon AS"), 12),
    Profile("reiseliv", ("55.101", "56.101"),
            (("reiseliv", 4), ("ledelse", 2), ("hms", 1), ("regnskap", 1), ("digitalisering", 1)),
            ("Daglig leder", "Hotelldirektør", "Driftsleder"),
            ("{place} Hotell AS", "{place} Rorbuer AS", "{place} Reiseliv AS", "{place} Kro og Camping AS"), 12),
    Profile("handel", ("47.111", "47.520"),
            (("ledelse", 2), ("digitalisering", 2), ("regnskap", 1), ("logistikk", 2)),
            ("Butikksjef", "Daglig leder", "Regionleder"),
            ("{place} Handel AS", "{surname} Byggevare AS", "{place} Dagligvare AS"), 12),
)}

# A municipality's own units: (name, profile, SN2007); "{place}" units repeat per place in big ones.
KOMMUNE_UNITS = (
    ("helse og omsorg", "helse", "87.101"),
    ("hjemmetjenesten", "helse", "88.101"),
    ("oppvekst", "skole", "85.201"),
    ("teknisk drift", "bygg", "84.110"),
    ("{place} sykehjem", "helse", "87.101"),
    ("{place} skole", "skole", "85.201"),
    ("{place} barnehage", "barnehage", "88.911"),
)

# Nordland's 41 municipalities: a rough size weight (for spreading employers) and real place names.
MUNICIPALITY_PLACES: dict[str, tuple[float, tuple[str, ...]]] = {
    "1804": (53, ("Bodø", "Saltstraumen", "Kjerringøy", "Misvær", "Skjerstad", "Løding", "Tverlandet")),
    "1806": (22, ("Narvik", "Ballangen", "Bjerkvik", "Beisfjord", "Kjøpsvik")),
    "1811": (1.4, ("Terråk", "Bindalseidet", "Åbygda")),
    "1812": (2, ("Vik", "Berg")),
    "1813": (8, ("Brønnøysund", "Salhus", "Lande", "Tosbotn")),
    "1815": (1.2, ("Gladstad", "Ylvingen")),
    "1816": (0.5, ("Vevelstad", "Forvik")),
    "1818": (1.8, ("Silvalen", "Tenna")),
    "1820": (7.5, ("Sandnessjøen", "Tjøtta", "Søvik")),
    "1822": (2.3, ("Leland", "Sundøy")),
    "1824": (13, ("Mosjøen", "Drevvatnet", "Elsfjord", "Drevja", "Halsøy")),
    "1825": (1.5, ("Trofors", "Majavatn")),
    "1826": (1.3, ("Hattfjelldal", "Varntresk")),
    "1827": (1.4, ("Solfjellsjøen", "Løkta")),
    "1828": (1.8, ("Nesna", "Hugla", "Tomma")),
    "1832": (4.5, ("Korgen", "Hemnesberget", "Bjerka", "Finneidfjord")),
    "1833": (26, ("Mo i Rana", "Utskarpen", "Skonseng", "Storforshei", "Båsmoen", "Dunderland")),
    "1834": (1.9, ("Lovund", "Stokkvågen", "Onøy", "Aldersund")),
    "1835": (0.5, ("Husøy", "Selvær")),
    "1836": (1.2, ("Vågaholmen", "Jektvik", "Tjongsfjord")),
    "1837": (6.2, ("Ørnes", "Glomfjord", "Reipå", "Halsa", "Engavågen")),
    "1838": (2, ("Inndyr", "Sandhornøy", "Sørarnøy", "Storvik")),
    "1839": (1, ("Moldjord", "Tollå")),
    "1840": (4.6, ("Rognan", "Røkland", "Lønsdal")),
    "1841": (9.8, ("Fauske", "Sulitjelma", "Valnesfjord", "Finneid")),
    "1845": (1.9, ("Straumen", "Rørstad", "Røsvik")),
    "1848": (2.5, ("Leinesfjord", "Nordfold", "Bogøy")),
    "1851": (2.1, ("Lødingen", "Vestbygd")),
    "1853": (1.4, ("Bogen", "Liland")),
    "1856": (0.5, ("Røst",)),
    "1857": (0.7, ("Værøy", "Sørland")),
    "1859": (1.3, ("Ramberg", "Napp", "Fredvang")),
    "1860": (11.5, ("Leknes", "Stamsund", "Ballstad", "Gravdal")),
    "1865": (9.7, ("Svolvær", "Kabelvåg", "Henningsvær", "Laukvik")),
    "1866": (8.1, ("Stokmarknes", "Melbu", "Sandnes")),
    "1867": (2.5, ("Straume", "Malnes", "Vinje")),
    "1868": (4.5, ("Myre", "Alsvåg", "Strønstad")),
    "1870": (10.7, ("Sortland", "Sigerfjord", "Holmstad")),
    "1871": (4.6, ("Andenes", "Risøyhamn", "Dverberg", "Bleik")),
    "1874": (1, ("Reine", "Sørvågen", "Hamnøy")),
    "1875": (2.8, ("Oppeid", "Drag", "Ulvsvåg", "Tranøy")),
}


@dataclass(frozen=True, slots=True)
class EmployerSpec:
    name: str  # without the DEMO tag
    municipality: str
    profile: str
    industry: str
    parent: str | None = None  # name of the main unit, for a sub-unit
    named: bool = False  # may be named in handouts
    note: str = ""


E = EmployerSpec
SMALL_EMPLOYERS: tuple[EmployerSpec, ...] = (
    E("Rana kommune", "1833", "kommune", "84.110", named=True, note="Deltar i kompetanseforumet 3–4 ganger i året."),
    E("Rana kommune, helse og omsorg", "1833", "helse", "87.101", "Rana kommune", True),
    E("Rana kommune, Ytteren sykehjem", "1833", "helse", "87.101", "Rana kommune", True),
    E("Rana kommune, Båsmoen barnehage", "1833", "barnehage", "88.911", "Rana kommune"),
    E("Vefsn kommune", "1824", "kommune", "84.110", named=True),
    E("Vefsn kommune, helse og omsorg", "1824", "helse", "87.101", "Vefsn kommune", True),
    E("Vefsn kommune, oppvekst", "1824", "skole", "85.201", "Vefsn kommune", True),
    E("Hemnes kommune", "1832", "kommune", "84.110", named=True),
    E("Hemnes kommune, Bjerka barnehage", "1832", "barnehage", "88.911", "Hemnes kommune"),
    E("Hemnes kommune, hjemmetjenesten", "1832", "helse", "88.101", "Hemnes kommune"),
    E("Meløy kommune", "1837", "kommune", "84.110", named=True),
    E("Meløy kommune, helse og omsorg", "1837", "helse", "87.101", "Meløy kommune", True),
    E("Alstahaug kommune", "1820", "kommune", "84.110", named=True),
    E("Alstahaug kommune, Sandnessjøen sykehjem", "1820", "helse", "87.101", "Alstahaug kommune"),
    E("Fauske kommune", "1841", "kommune", "84.110", named=True),
    E("Fauske kommune, hjemmetjenesten", "1841", "helse", "88.101", "Fauske kommune", True),
    E("Nesna kommune, skole og barnehage", "1828", "skole", "85.201", named=True),
    E("Meløy Smolt AS", "1837", "havbruk", "03.212", named=True, note="Landbasert RAS-anlegg for settefisk."),
    E("Rødøy Sjømat AS", "1836", "havbruk", "03.211"),
    E("Herøy Havbruk AS", "1818", "havbruk", "03.211", named=True),
    E("Gildeskål Settefisk AS", "1838", "havbruk", "03.212"),
    E("Rana Stålverk AS", "1833", "industri", "24.100", named=True,
      note="Trenger rundt 20 nye operatører i året: prosessoperatører, automatikere og mekanikere."),
    E("Rana Stålverk AS, valseverket", "1833", "industri", "24.100", "Rana Stålverk AS"),
    E("Mo Ferrolegering AS", "1833", "industri", "24.100", named=True),
    E("Mosjøen Aluminium Prosess AS", "1824", "industri", "24.420"),
    E("Mo Industriservice AS", "1833", "verksted", "33.120", named=True),
    E("Helgeland Mekaniske Verksted AS", "1824", "verksted", "25.110"),
    E("Fauske Bygg og Anlegg AS", "1841", "bygg", "41.200", named=True),
    E("Saltdal Maskin og Transport AS", "1840", "bygg", "43.120"),
    E("Gildeskål Elektro AS", "1838", "bygg", "43.210"),
    E("Bodø Havnelogistikk AS", "1804", "transport", "52.100", named=True),
    E("Hemnes Trelast og Transport AS", "1832", "transport", "49.410"),
    E("Sørfold Kraft AS", "1845", "energi", "35.110", named=True),
    E("Vefsn Regnskapskontor AS", "1824", "kontor", "69.201"),
    E("Helgeland IKT-drift AS", "1824", "kontor", "62.030", named=True),
    E("Nesna Fjordhotell AS", "1828", "reiseliv", "55.101", note="Sesongbedrift; flest ansatte mai–september."),
    E("Lurøy Naturbarnehage SA", "1834", "barnehage", "88.911"),
    E("Leirfjord Bo- og Aktivitetssenter AS", "1822", "helse", "87.102"),
)
del E


# ---------------------------------------------------------------- providers and offers


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    name: str
    kind: str  # kpdesk.common.codes.PROVIDER_KINDS key
    municipality: str  # where its courses are held by default
    web: str = ""
    notes: str = ""


NORD, UIT = "Nord universitet", "UiT Norges arktiske universitet"
NFS, FIN, BLA = "Nordland fagskole", "Fagskolen i Nord", "Campus BLÅ / Norsk Havbruksfagskole"
POLAR, MOSJ = "Polarsirkelen videregående skole", "Mosjøen videregående skole"
MELOY, FAUSKE = "Meløy videregående skole", "Fauske videregående skole"
HKS, SKH = "Helgeland Kurssenter AS (DEMO)", "Salten Kurs og HMS AS (DEMO)"
_EXAMS = "Desentralisert eksamen: søknad innen 15.02 (vår) og 15.09 (høst)."

REAL_PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec(NORD, "university", "1804", "https://www.nord.no", _EXAMS),
    ProviderSpec(UIT, "university", "1806", "https://uit.no", _EXAMS),
    ProviderSpec(NFS, "vocational_college", "1806", "https://www.nordlandfagskole.no",
                 "Opptak via Samordna opptak: åpner 1. februar, frist 15. april."),
    ProviderSpec(FIN, "vocational_college", "1804", notes="Nettstøttet og samlingsbasert deltid."),
    ProviderSpec(BLA, "vocational_college", "1813", notes="Klasserom på nett."),
    *(ProviderSpec(name, "upper_secondary", number) for name, number in (
        (POLAR, "1833"), (MOSJ, "1824"), (MELOY, "1837"), (FAUSKE, "1841"),
        ("Bodø videregående skole", "1804"), ("Bodin videregående skole", "1804"),
        ("Saltdal videregående skole", "1840"), ("Inndyr videregående skole", "1838"),
        ("Knut Hamsun videregående skole", "1875"), ("Hemnes videregående skole", "1832"),
        ("Sandnessjøen videregående skole", "1820"), ("Brønnøysund videregående skole", "1813"),
        ("Narvik videregående skole", "1806"), ("Sortland videregående skole", "1870"),
        ("Andøy videregående skole", "1871"), ("Hadsel videregående skole", "1866"),
        ("Vest-Lofoten videregående skole", "1860"), ("Aust-Lofoten videregående skole", "1865"),
    )),
)
SMALL_VENDORS = (ProviderSpec(HKS, "vendor", "1833", notes="Oppdiktet kursleverandør (demo)."),
                 ProviderSpec(SKH, "vendor", "1841", notes="Oppdiktet kursleverandør (demo)."))
VENDOR_PREFIXES = ("Helgeland", "Salten", "Rana", "Vefsn", "Lofoten", "Vesterålen", "Ofoten", "Bodø", "Nordland",
                   "Polarsirkel", "Nordkyst", "Fjordland")
VENDOR_WORDS = ("Kurssenter", "Kurs og HMS", "Kompetanse", "Bedriftsskole", "Opplæring", "Kursforum",
                "Industriskole", "Sikkerhetskurs")


@dataclass(frozen=True, slots=True)
class OfferSpec:
    topic: str
    provider: str
    title: str
    credits: int | None
    format: str  # kpdesk.common.codes.FORMATS key
    municipality: str | None
    start: dt.date
    days: int | None = None  # a short course's length; None: from the credits
    price: int = 0


Of, D = OfferSpec, dt.date
SMALL_OFFERS: tuple[OfferSpec, ...] = (
    Of("velferdsteknologi", NFS, "Velferdsteknologi i helse- og omsorgstjenesten", 30, "online", None, D(2027, 1, 7)),
    Of("velferdsteknologi", NFS, "Velferdsteknologi i helse- og omsorgstjenesten", 30, "sessions", "1824",
      D(2027, 8, 23)),
    Of("palliasjon", NFS, "Kreftomsorg og lindrende pleie", 30, "online", None, D(2027, 8, 23)),
    Of("palliasjon", NORD, "Palliativ omsorg for sykepleiere", 30, "sessions", "1804", D(2027, 8, 20)),
    Of("psykisk_helse", FIN, "Psykisk helsearbeid og rusarbeid", 60, "sessions", "1833", D(2027, 1, 13)),
    Of("demens", NFS, "Demensomsorg og alderspsykiatri", 30, "online", None, D(2027, 8, 23)),
    Of("helsefagarbeider", MOSJ, "Helsearbeiderfaget for praksiskandidater", None, "sessions", "1824", D(2027, 2, 1)),
    Of("helsefagarbeider", POLAR, "Helsearbeiderfaget for praksiskandidater", None, "sessions", "1833", D(2027, 9, 6)),
    Of("sykepleie", NORD, "Bachelor i sykepleie, desentralisert deltid", 180, "decentralised", "1833", D(2027, 8, 16)),
    Of("praksisveiledning", NORD, "Veiledning av studenter i praksis", 15, "sessions", "1833", D(2027, 1, 25)),
    Of("ledelse", NFS, "Førstelinjeledelse", 30, "online", None, D(2027, 1, 8)),
    Of("ledelse", NORD, "Ledelse i helse- og omsorgstjenesten", 30, "sessions", "1804", D(2027, 8, 26)),
    Of("barnehagelaerer", NORD, "Barnehagepedagogikk, videreutdanning", 30, "online", None, D(2027, 1, 5)),
    Of("barnehagelaerer", NORD, "Barnehagelærerutdanning, deltid og samlingsbasert", 180, "sessions", "1833",
      D(2027, 8, 16)),
    Of("barne_ungdom", POLAR, "Barne- og ungdomsarbeiderfaget for praksiskandidater", None, "sessions", "1833",
      D(2027, 2, 8)),
    Of("spesialpedagogikk", UIT, "Spesialpedagogikk 1", 30, "online", None, D(2027, 1, 7)),
    Of("digitalisering", NORD, "Digital transformasjon i offentlig sektor", 15, "online", None, D(2027, 8, 25)),
    Of("digitalisering", HKS, "Microsoft 365 og digitalt samarbeid", None, "campus", "1833", D(2027, 2, 15), 2, 3900),
    Of("vannkjemi", NORD, "Vannkjemi og vannbehandlingsteknologi", 15, "online", None, D(2027, 1, 11)),
    Of("fiskehelse", NORD, "Fiskehelse og fiskevelferd", 15, "online", None, D(2027, 8, 23)),
    Of("driftsleder_havbruk", BLA, "Driftsleder havbruk", 60, "online", "1813", D(2027, 8, 23)),
    Of("akvakultur_fagbrev", MELOY, "Akvakulturfaget for praksiskandidater", None, "sessions", "1837", D(2027, 2, 1)),
    Of("prosessoperator", POLAR, "Prosessfaget for praksiskandidater", None, "sessions", "1833", D(2027, 1, 18)),
    Of("prosessoperator", MOSJ, "Prosessfaget for praksiskandidater", None, "sessions", "1824", D(2027, 9, 1)),
    Of("automasjon", NFS, "Automatisering, deltid", 60, "sessions", "1833", D(2027, 8, 23)),
    Of("sveising", HKS, "Sveisekurs MAG og TIG med sertifisering (NS-EN ISO 9606-1)", None, "campus", "1824",
      D(2027, 3, 1), 10, 24900),
    Of("truck_kran", SKH, "Truckførerkurs T1–T4 og traverskran G4", None, "campus", "1841", D(2027, 2, 22), 3, 7900),
    Of("hms", SKH, "Verneombudskurs (40 timer)", None, "decentralised", "1841", D(2027, 2, 8), 5, 5900),
    Of("hms", HKS, "HMS for ledere", None, "campus", "1833", D(2027, 4, 12), 2, 4900),
    Of("lean", HKS, "Lean og kontinuerlig forbedring i industrien", None, "sessions", "1833", D(2027, 3, 8), 56, 9800),
    Of("teknologiledelse", NORD, "MBA i teknologiledelse", 90, "sessions", "1833", D(2027, 8, 26), price=135000),
    Of("regnskap", SKH, "Regnskap og økonomistyring for små virksomheter", None, "online", None, D(2027, 3, 3), 42,
      6500),
    Of("logistikk", FAUSKE, "Logistikkfaget for praksiskandidater", None, "sessions", "1841", D(2027, 9, 6)),
)
del Of, D


# ---------------------------------------------------------------- the centre, rooms and the term


@dataclass(frozen=True, slots=True)
class Centre:
    name: str
    municipality: str
    address: str
    phone: str
    email: str
    web: str
    coordinator: str

    def regional(self) -> Centre:
        return replace(self, name="Studiesentrene i Nordland (DEMO)", municipality="1804",
                       address="Demogata 2\n8006 Bodø", email="post@studiesentre-demo.example.no",
                       web="https://studiesentre-demo.example.no")


SMALL_CENTRE = Centre("Kunnskapsparken Helgeland (DEMO)", "1833", "Demogata 1\n8622 Mo i Rana", "75 00 00 00",
                      "post@kph-demo.example.no", "https://kph-demo.example.no", "Kari Nordmann")


@dataclass(frozen=True, slots=True)
class KindMix:
    """How a regional room is used: its share of bookings and the kinds of them."""

    weight: int
    kinds: tuple[str, ...]
    shares: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RoomSpec:
    name: str
    regional_name: str
    capacity: int
    opens: dt.time
    closes: dt.time
    equipment: tuple[str, ...]
    kinds: KindMix
    notes: str = ""


EQUIPMENT = ("videokonferanse", "projektor", "storskjerm", "PC-er", "eksamensrom", "universell utforming",
             "teleslynge")
_DAY, _EVENING = (dt.time(8), dt.time(16)), (dt.time(8), dt.time(21))
SMALL_ROOMS: tuple[RoomSpec, ...] = (
    RoomSpec("Auditoriet", "Auditoriet", 60, *_EVENING,
             ("videokonferanse", "projektor", "universell utforming", "teleslynge"),
             KindMix(6, ("video_lecture", "session", "meeting", "other"), (40, 35, 15, 10)),
             "Amfi med kamera og mikrofoner for hybridundervisning."),
    RoomSpec("Videorom 1", "Videorom 1", 14, *_EVENING, ("videokonferanse", "storskjerm", "universell utforming"),
             KindMix(8, ("video_lecture", "meeting", "other"), (50, 35, 15))),
    RoomSpec("Grupperom Lundu", "Grupperom", 8, *_DAY, ("storskjerm",),
             KindMix(10, ("meeting", "other"), (50, 50))),
    RoomSpec("Eksamensrom", "Eksamensrom", 24, *_DAY, ("eksamensrom", "PC-er", "universell utforming"),
             KindMix(5, ("exam", "session", "other"), (45, 20, 35)), "24 eksamensplasser med låste PC-er."),
    RoomSpec("Møterom Tind", "Møterom", 10, *_DAY, ("videokonferanse", "projektor"),
             KindMix(9, ("meeting", "video_lecture", "other"), (60, 25, 15))),
)


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    title: str
    kind: str
    room: str
    first: dt.datetime
    minutes: int
    until: dt.date
    organiser: str
    attendees: int
    offer_title: str | None = None
    interval: int = 1
    cancel_one: str = ""  # cancel one future occurrence, with this reason


S, T = SeriesSpec, dt.datetime
SMALL_SERIES: tuple[SeriesSpec, ...] = (
    S("Nettforelesning: Barnehagepedagogikk", "video_lecture", "Videorom 1", T(2027, 1, 5, 9), 150,
      dt.date(2027, 6, 15), NORD, 9, "Barnehagepedagogikk, videreutdanning",
      cancel_one="Foreleseren er syk; opptak legges ut."),
    S("Nettforelesning: Velferdsteknologi", "video_lecture", "Auditoriet", T(2027, 1, 7, 12, 30), 150,
      dt.date(2027, 6, 10), NFS, 18, "Velferdsteknologi i helse- og omsorgstjenesten",
      cancel_one="Flyttet til Campus Helgeland denne uka."),
    S("Videoforelesning: Vannkjemi og vannbehandlingsteknologi", "video_lecture", "Videorom 1", T(2027, 1, 11, 13),
      150, dt.date(2027, 5, 31), NORD, 7, "Vannkjemi og vannbehandlingsteknologi"),
    S("Nettsamling: Psykisk helsearbeid og rusarbeid", "video_lecture", "Auditoriet", T(2027, 1, 13, 17), 180,
      dt.date(2027, 6, 9), FIN, 22, "Psykisk helsearbeid og rusarbeid"),
    S("Videoforelesning: Førstelinjeledelse", "video_lecture", "Videorom 1", T(2027, 1, 8, 9), 120,
      dt.date(2027, 6, 11), NFS, 10, "Førstelinjeledelse"),
    S("Nettforelesning: Spesialpedagogikk 1", "video_lecture", "Videorom 1", T(2027, 1, 7, 17), 150,
      dt.date(2027, 6, 10), UIT, 8, "Spesialpedagogikk 1"),
    S("Koordinatormøte", "meeting", "Møterom Tind", T(2027, 1, 4, 8, 30), 60, dt.date(2027, 6, 14),
      SMALL_CENTRE.name, 5),
    S("Studieverksted for nettstudenter", "other", "Grupperom Lundu", T(2027, 1, 6, 12), 60, dt.date(2027, 6, 16),
      SMALL_CENTRE.name, 6, interval=2),
)
del S, T

MEETING_TITLES = (
    "Behovsmøte: {employer}",
    "Oppfølging av kompetanseplan: {employer}",
    "Rekrutteringsmøte fagbrev for voksne: {employer}",
    "Informasjonsmøte om videreutdanning: {employer}",
    "Nettverksmøte studiesentre i Nordland (video)",
    "Møte med Nord universitet om nye samlinger",
    "Planmøte eksamensavvikling",
    "Styremøte i studiesenteret",
)

FUNDING_NOTES = (
    "", "", "", "Arbeidsgiver dekker lønn under samlinger.", "Søker kompetansemidler fra fylkeskommunen.",
    "Egenandel avklares.", "Finansieres over opplæringsbudsjettet.", "Aktuelt for Kompetansepilot-midler.",
)

# Invented people: common Norwegian first names and surnames, combined at random.
FIRST_NAMES = (
    "Anne", "Kari", "Marit", "Ingrid", "Liv", "Hilde", "Tone", "Silje", "Ida", "Maren", "Ragnhild", "Sigrid",
    "Hanne", "Elin", "Kristin", "Torunn", "Nina", "Camilla", "Åse", "Solveig", "Ole", "Per", "Jon", "Lars",
    "Knut", "Arne", "Geir", "Trond", "Eirik", "Håkon", "Jørgen", "Sindre", "Øystein", "Tor", "Bjørn", "Rune",
    "Espen", "Magnus", "Stian", "Vegard",
)
LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Karlsen", "Pettersen",
    "Eriksen", "Berg", "Haugen", "Hagen", "Jakobsen", "Strand", "Solheim", "Bakken", "Rognan", "Sandvik",
    "Lund", "Moen", "Nordvik", "Kristiansen", "Mikalsen", "Hanssen", "Jenssen", "Edvardsen", "Danielsen",
    "Amundsen", "Mathisen", "Kvalø", "Bøe", "Lorentzen", "Fagerli", "Storli", "Aasen",
)
