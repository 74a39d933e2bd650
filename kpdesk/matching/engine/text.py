"""Norwegian text as the matcher sees it: folding, tokens, stop and generic words, stems.

Folding keeps what Norwegian keeps apart and folds what it does not:
- case is folded and the text is NFC-normalised;
- æ, ø and å stay distinct letters ("bo" and "bø" are different words); the Swedish and German
  spellings ä and ö fold to æ and ø;
- other diacritics are dropped (é → e, á → a, š → s, ï → i), so "kafé" finds "kafe".

Stemming uses the Snowball Norwegian stemmer (``snowballstemmer``, which runs the C build from
PyStemmer when it is installed, as kpdesk's dependencies ensure), applied until the stem no
longer changes. The
Snowball stemmer removes one suffix per pass, so the plural agent noun "sykepleiere" only
reaches the stem of "sykepleier" on a second pass. Three documented complements cover gaps that
every Norwegian light stemmer has and which matter for course titles:
- the definite plural "-erne" ("lærerne") is read as the indefinite plural "-ere";
- verbal nouns in "-ning"/"-ing" conflate with their verb ("sveising" ~ "sveise",
  "veiledning" ~ "veileder"), when at least four letters remain;
- nouns in "-ikk" conflate with their adjectives in "-isk" ("pedagogikk" ~ "pedagogisk",
  "teknikk" ~ "teknisk"), and so do the agent nouns in "-iker" that Snowball leaves as "-ik"
  ("industrimekaniker" ~ "industrimekanikk", "elektroniker" ~ "elektronikk");
- a few agent nouns that Snowball cuts to another everyday word keep their "-er"/"-ar"
  (``AGENT_NOUNS``: "baker" is not "bak", "maler" not "mal", "fisker" not "fisk").

Stop words are function words (the Snowball list). Generic words are content words that say
nothing about a subject (kurs, fagbrev, opplæring, ansatte, kompetanse, …): they never count as
topic, on their own or as parts of compounds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Protocol

import snowballstemmer  # pyright: ignore[reportMissingTypeStubs]  (the package ships no types)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Snowball's Norwegian stop-word list (bokmål and nynorsk), plus a few abbreviations and
# function words that course texts use as glue ("samt", "blant", "bl.a."), in both written forms
# ("sammen"/"saman", "derfor"/"difor", "bare"/"berre", "hele"/"heile").
STOPWORDS: frozenset[str] = _word_set("""
og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett har
om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva
skal selv sjøl her alle vil bli ble blei blitt kunne inn når være kom noen noe ville dere deres
kun ja etter ned skulle denne for deg si sine sitt mot å meget hvorfor dette disse uten hvordan
ingen din ditt blir samme hvilken hvilke sånn inni mellom vår hver hvem vors hvis både bare enn
fordi før mange også slik vært båe begge siden dykk dykkar dei deira deires deim di då eg ein
eit eitt elles honom hjå ho hoe henne hennar hennes hoss hossen ingi inkje korleis korso kva kvar
kvarhelst kven kvi kvifor me medan mi mine mykje no nokon noka nokor noko nokre sia sidan so somt
somme um upp vere vore verte vort varte vart
hele helt samt blant via per pr bl mv osv etc eks fram frem innen innenfor hos under mellom
rundt gjennom hverandre ved vha inkl ca
sammen saman derfor difor dessuten berre heile heilt
""")

# Content words that describe the form, audience or purpose of learning, never its subject.
# Matched by stem, so inflected forms ("kurset", "ansatte") are generic too.
GENERIC_WORDS: frozenset[str] = _word_set("""
kurs kursdag grunnkurs fag fagbrev svennebrev fagprøve svenneprøve kompetansebevis vitnemål
kursbevis bevis sertifikat sertifisering autorisasjon godkjenning
utdanning videreutdanning etterutdanning opplæring grunnopplæring teori teoriopplæring teorikurs
studium studie studiepoeng emne modul program studieprogram fordypning påbygning
kompetanse kompetanseheving kvalifisering kvalifikasjon praksis praksiskandidat kandidat
grunnleggende grunnlag grunn innføring introduksjon videregående videre avansert nivå trinn del
deltid heltid samling samlingsbasert nettbasert nettstudium nett stedbasert desentralisert
campus klasserom kull semester høst uke dag time år
ansatt nyansatt medarbeider arbeidstaker personale personell kollega deltaker student
bedrift virksomhet arbeidsgiver arbeidsplass kommune kommunal organisasjon sektor tjeneste
arbeid jobb behov trenge ønske mål krav lovpålagt formell formal erfaring erfaren
ny nytt nye lang langt lange god godt gode bedre best mer mest økt økte styrke heve gjennomføre tilbud
liten lite små stor stort store hverdag
assistent ufaglært mannskap besetning
tilsett tilsette medarbeidar arbeidstakar deltakar verksemd arbeidsgjevar teneste treng ønskje røynsle
vidareutdanning grunnleggjande vidare stadbasert heiltid veke betre styrkje tilbod lita kvardag
fire fem seks sju syv åtte elleve tolv tjue flere fleire mangle starte oppstart følge følgje kreve
oppfylle gjerne helst aldri snart samtidig samstundes kunnskap meir auke auka
""")
# (the audience words that outranked a title's subject, "Fagbrev for assistenter på sykehjemmet",
# and the crew, which like "personell" says who, not what: "Mannskapet på sjarkene vil ha fagbrev";
# the nynorsk forms of the words above, "Tilsette i heimetenesta treng …"; and the numbers, verbs
# and adverbs with which needs are phrased, "Fem ansatte mangler …, gjerne med oppstart i vinter".
# Not "tre", also a material, nor "lære", whose stem is the stem of "lærer".)

# Kinds of workplace: at the end of a title ("Tegn til tale i barnehagen", "Demens på sykehjemmet")
# they say where the subject is needed, not what it is (``Analyzer.title_terms``). Places of work
# only, not fields or services ("barnevern", "hjemmetjeneste"); a compound ending in one counts
# ("barneskolen", "settefiskanlegget", "hotellkjøkkenet").
WORKPLACE_WORDS: frozenset[str] = _word_set("""
barnehage barnehagen sykehjem sykehjemmet sjukeheim sjukeheimen skole skolen skule skulen
butikk butikken verksted verkstedet verkstad verkstaden lager lageret kontor kontoret
klinikk klinikken kjøkken kjøkkenet hotell hotellet anlegg anlegget fabrikk fabrikken
avdeling avdelingen avdelinga sykehus sykehuset sjukehus sjukehuset senter senteret
terminal terminalen havn havna havnen ferje ferja fjøs fjøset rådhus rådhuset
""")

# Generic words that ask for a formal qualification (a trade certificate, credits): the trade or
# field is then the subject, and a need often names it by the workers' job or in its description
# ("Fagbrev for assistenter på sykehjemmet", "… vil ta fagbrev som helsefagarbeider"; "Arkivleder
# trenger formell kompetanse", "… studiepoeng i arkivfag").
QUALIFICATION_WORDS: frozenset[str] = _word_set("""
fagbrev fagprøve svennebrev svenneprøve praksiskandidat kompetansebevis formell formelt formal
ufaglært ufaglærte ufaglærd ufaglærde
""")

# Trade titles whose Snowball stem is another, common word (bak, mal, mål, fisk); their inflected
# forms ("bakere", "malerne", "fiskarar") stem to the title itself. "vekter" is left out: it is also
# the plural of "vekt".
AGENT_NOUNS: frozenset[str] = _word_set("baker bakar maler målar fisker fiskar")
_AGENT_RE = re.compile(r"(.*(?:bak|mal|mål|fisk)(?:er|ar))(?:e|en|ne|s|ar|ane)?")

class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...


_WORD_RE = re.compile(r"[^\W_]+")
_STEMMER: _Stemmer = snowballstemmer.stemmer("norwegian")  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
_MAX_PASSES = 4


_SPECIAL_FOLDS = {"ä": "æ", "ö": "ø", "đ": "d", "ŋ": "n", "ŧ": "t", "ł": "l", "ß": "ss"}


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table built lazily: æøå kept, ä/ö as æ/ø, other marks dropped."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "æøå":
            folded = char
        elif char in _SPECIAL_FOLDS:
            folded = _SPECIAL_FOLDS[char]
        else:
            decomposed = unicodedata.normalize("NFD", char)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def normalise(text: str) -> str:
    """Case-folded NFC text with non-Norwegian diacritics dropped ("Kafé Ærø" → "kafe ærø")."""
    lowered = unicodedata.normalize("NFC", text).casefold()
    return lowered if _PLAIN.fullmatch(lowered) else lowered.translate(_FOLD)


_PLAIN = re.compile(r"[\x00-\x7fæøå]*")  # nothing to fold: most Norwegian text (translate looks up every letter)


def raw_words(text: str) -> list[str]:
    """The words of ``text`` as written (letters and digits; hyphens and punctuation split)."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text))


def tokenise(text: str) -> list[str]:
    """Normalised words, without pure numbers ("40 timer" → ["timer"])."""
    return [w for w in (normalise(raw) for raw in raw_words(text)) if not w.isdigit()]


def vocabulary(texts: Iterable[str]) -> set[str]:
    """The distinct normalised words of many texts, as ``tokenise`` gives them, in one pass.

    Splitting one joined, case-folded text and folding each distinct word once is far cheaper
    than word by word; a regional run gives tens of thousands of need texts, most repeated.
    """
    joined = unicodedata.normalize("NFC", "\n".join(set(texts))).casefold()
    return {w if _PLAIN.fullmatch(w) else w.translate(_FOLD) for w in set(_WORD_RE.findall(joined))
            if not w.isdigit()}


def display_form(raw: str) -> str:
    """How a word is shown in reasons: lower case, except acronyms (HMS, IKT)."""
    return raw if raw.isupper() and len(raw) > 1 else raw.lower()


# Definite endings whose base form is certain: "produksjonen" → "produksjon", "sykehjemmet" → "sykehjem".
_SURE_ENDINGS = (("sjonen", 2), ("heten", 2), ("ingen", 2), ("elsen", 1), ("eren", 2), ("øren", 2), ("mmet", 3))


def base_form(word: str, known: Callable[[str], bool] = lambda _w: False) -> str:
    """A word as a label shows it: a definite singular in its base form ("sykehjemmet" →
    "sykehjem", "bedriftens" → "bedrift").

    Endings that are certain are cut at once; otherwise "-en"/"-et" are cut only when what is
    left is a word ``known`` knows ("skolen" → "skole", "bedriften" → "bedrift"), so a word whose
    base form ends in "-en" or "-et" ("eksamen", "sikkerhet") is left as written. Names of
    vocational subjects keep their definite form ("helsearbeiderfaget"), as the curricula write
    them; acronyms, phrases and short words are left alone.
    """
    if len(word) < 5 or not word.isalpha() or not word.islower() or word.endswith("faget"):
        return word
    found = _indefinite(word, known)
    if found is None and word.endswith(("ets", "ens")):  # a genitive: "bedriftens"; not "demens"
        found = _indefinite(word[:-1], known)
    return found or word


def _indefinite(word: str, known: Callable[[str], bool]) -> str | None:
    for ending, cut in _SURE_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[:-cut]
    if word.endswith(("en", "et")):
        for candidate in (word[:-1], word[:-2]):
            if len(candidate) >= 3 and known(candidate):
                return candidate
    return None


_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """The stem of a normalised word (see the module docstring for the policy)."""
    cached = _stem_cache.get(word)
    if cached is not None:
        return cached
    agent = _agent_noun(word)
    if agent is not None:
        _stem_cache[word] = agent
        return agent
    current = word
    if len(current) > 6 and current.endswith("erne"):
        current = current[:-4] + "ere"
    for _ in range(_MAX_PASSES):
        nxt = _STEMMER.stemWord(current)
        for suffix in ("ning", "ing"):
            if nxt.endswith(suffix) and len(nxt) - len(suffix) >= 4:
                nxt = nxt[: -len(suffix)]
                break
        if nxt == current:
            break
        current = nxt
    if current.endswith("ikk") and len(current) >= 6:
        current = current[:-3] + "isk"
    elif current.endswith("ik") and len(current) >= 6:  # "mekaniker" → "mekanik" → "mekanisk"
        current = current[:-2] + "isk"
    _stem_cache[word] = current
    return current


def _agent_noun(word: str) -> str | None:
    """The title of ``word`` if it is a form of one of the AGENT_NOUNS ("bakerne" → "baker")."""
    found = _AGENT_RE.fullmatch(word)
    if found is None:
        return None
    title = found.group(1)
    return title if any(title.endswith(noun) for noun in AGENT_NOUNS) else None


GENERIC_STEMS: frozenset[str] = frozenset(stem(w) for w in GENERIC_WORDS)
QUALIFICATION_STEMS: frozenset[str] = frozenset(stem(w) for w in QUALIFICATION_WORDS)
WORKPLACE_STEMS: frozenset[str] = frozenset(stem(w) for w in WORKPLACE_WORDS)


def is_stopword(word: str) -> bool:
    """A normalised function word ("og", "for", "med")."""
    return word in STOPWORDS


def is_generic(word: str) -> bool:
    """A normalised content word that says nothing about a subject ("kurs", "ansatte")."""
    return stem(word) in GENERIC_STEMS


def content_words(text: str) -> list[str]:
    """Normalised words without stop words (generic words kept)."""
    return [w for w in tokenise(text) if not is_stopword(w)]
