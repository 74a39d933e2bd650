"""From a text to weighted topic terms: the representation both needs and offers get.

A term key is a stem ("sveis"), or a thesaurus concept ("≈havbruk") when the stem or phrase
belongs to a synonym group, so "oppdrett" and "akvakultur" meet on the same key.

Each word gives its whole stem at full weight and the parts of a compound less: the head (last
piece, what the word is a kind of: "mekaniker" in "vedlikeholdsmekaniker") at ``HEAD_WEIGHT``,
other pieces at ``PART_WEIGHT``, too little for a match of their own ("helse" in "helsenorsk"
is not about helse). When all other pieces of a compound are generic, its one topical piece is
what the word means and keeps full weight ("sveisekurs" is about sveising, "ledelsesutdanning"
about ledelse). A compound the thesaurus names as a whole is its concept, without head or
parts: "anleggsgartner" and "tannhelsesekretær" are trades of their own, not kinds of "gartner"
or "helsesekretær", and "styringssystemer" (≈automasjon) does not also add "system" to the
evidence of the offers that share it. Only its one topical piece, if the rest is generic, still
counts ("nettmontør" is a montør), at full weight unless it names another trade: "snekkerfaget" is
a trade of its own, so its piece "snekker" (≈tømrer, a group that holds "tømrerfag") counts only
as a part.

Thesaurus phrases ("lindrende behandling", "psykisk helsearbeid") are found on the sequence of
content words and add their concept; the words inside count only as plain stems at part weight,
so that "helsearbeid" in "psykisk helsearbeid" does not also stand for the synonym group of
"helsearbeider".

Stop words and generic words never become terms; nor does a compound made only of generic
parts ("teorikurs"). Two-letter words count only when the thesaurus lists them ("IT", "HR").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from kpdesk.matching.engine.compounds import CompoundSplitter
from kpdesk.matching.engine.text import (
    GENERIC_STEMS,
    GENERIC_WORDS,
    QUALIFICATION_STEMS,
    STOPWORDS,
    WORKPLACE_STEMS,
    base_form,
    display_form,
    normalise,
    raw_words,
    stem,
    tokenise,
    vocabulary,
)

HEAD_WEIGHT = 0.6  # the last piece of a compound
PART_WEIGHT = 0.5  # the other pieces, and the pieces of pieces
AUDIENCE_WEIGHT = 0.5
_TRADE_ENDINGS = ("fag", "faget", "fagene")  # a group holding a term so named is a trade ("tømrerfag")
CONCEPT_PREFIX = "≈"
_AUDIENCE_RE = re.compile(r"\s+for\s+", re.IGNORECASE)
_SETTING_RE = re.compile(r"\s+(?:i|på)\s+([^\W\d_]+)\s*$", re.IGNORECASE)  # "… i barnehagen" at the end
_GOAL_RE = re.compile(r"\s+(?:som\s+)?(?:skal|vil|må|ønsker\s+å)\s+(?:bli|verte)\s+", re.IGNORECASE)


class Term(NamedTuple):
    """One topic term of a text: its weight (field weight × part weight) and how it was written."""

    weight: float
    surface: str


class _Word(NamedTuple):
    """What one written word contributes, computed once per analyser."""

    stem: str
    display: str
    stop: bool
    keys: tuple[tuple[str, float], ...]  # (term key, weight factor), strongest first


class Analyzer:
    """Turns texts into ``{key: Term}``; built once for a vocabulary and a set of synonym groups."""

    def __init__(self, vocabulary_texts: Iterable[str], synonyms: Mapping[str, Sequence[str]]) -> None:
        single: dict[str, str] = {}
        phrases: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        curated: set[str] = set(GENERIC_WORDS)
        trades: set[str] = set()
        for group, terms in synonyms.items():
            concept = CONCEPT_PREFIX + normalise(group)
            for term in terms:
                words = [w for w in tokenise(term) if w not in STOPWORDS]
                curated.update(words)
                if words and words[-1].endswith(_TRADE_ENDINGS):
                    trades.add(concept)
                stems = tuple(stem(w) for w in words)
                if len(stems) == 1:
                    single.setdefault(stems[0], concept)
                elif stems:
                    phrases.setdefault(stems[0], []).append((stems, concept, term.strip()))
        for options in phrases.values():
            options.sort(key=lambda item: -len(item[0]))
        self._single = single
        self._phrases = phrases
        self._trades = trades  # groups that name a trade ("tømrerfag", "kokkefag"): one trade is not another
        self._short_terms = {w for w in curated if len(w) == 2}
        self.splitter = CompoundSplitter(vocabulary(vocabulary_texts), curated)
        self._words: dict[str, _Word | None] = {}
        self._base_forms: dict[str, str] = {}
        self._asks: dict[str, bool] = {}  # title → asks for a qualification

    def base_form(self, surface: str) -> str:
        """How a term is shown in a label or reason: a single word in its base form
        ("sykehjemmet" → "sykehjem"); phrases and acronyms as written."""
        shown = self._base_forms.get(surface)
        if shown is None:
            shown = self._base_forms[surface] = base_form(surface, self.splitter.ends_with_word)
        return shown

    def concept(self, stem_: str) -> str:
        """The term key of a stem: its thesaurus concept, or the stem itself."""
        return self._single.get(stem_, stem_)

    def _word(self, raw: str) -> _Word | None:
        try:
            return self._words[raw]
        except KeyError:
            pass
        word = normalise(raw)
        info: _Word | None
        if word.isdigit() or len(word) < 2 or (len(word) == 2 and word not in self._short_terms):
            info = None
        elif word in STOPWORDS:
            info = _Word(stem(word), display_form(raw), True, ())
        else:
            info = _Word(stem(word), display_form(raw), False, self._keys(word))
        self._words[raw] = info
        return info

    def _keys(self, word: str) -> tuple[tuple[str, float], ...]:
        whole = stem(word)
        parts = [stem(p) for p in self.splitter.parts(word) if p not in STOPWORDS]
        topical = [p for p in parts if p not in GENERIC_STEMS]
        if whole in GENERIC_STEMS or (parts and not topical and whole not in self._single):
            return ()
        keys: dict[str, float] = {self.concept(whole): 1.0}
        pieces = [stem(p) for p in self.splitter.split(word) if p not in STOPWORDS]
        sole = [p for p in pieces if p not in GENERIC_STEMS]
        if len(sole) == 1:  # the only topical piece is what the word is about: "sveisekurs" is sveising
            piece = self.concept(sole[0])
            keys.setdefault(piece, PART_WEIGHT if self._other_trade(whole, piece) else 1.0)
        elif whole in self._single:  # named as a whole ("styringssystem"): its pieces are only parts of it
            return tuple(keys.items())
        elif pieces and pieces[-1] not in GENERIC_STEMS:
            keys.setdefault(self.concept(pieces[-1]), HEAD_WEIGHT)
        for part in topical:
            keys.setdefault(self.concept(part), PART_WEIGHT)
        return tuple(keys.items())

    def _is_workplace(self, raw: str) -> bool:
        """Whether a written word is a kind of workplace ("barnehagen", "settefiskanlegget", not "Bodø")."""
        if not raw.islower():
            return False
        word = normalise(raw)
        pieces = self.splitter.split(word)
        return stem(word) in WORKPLACE_STEMS or (bool(pieces) and stem(pieces[-1]) in WORKPLACE_STEMS)

    def _other_trade(self, whole: str, piece: str) -> bool:
        """Whether the compound ``whole``, a trade or field the thesaurus names, has a piece that names
        another trade: "snekkerfaget" is a trade of its own, not the everyday "snekker" (≈tømrer)."""
        concept = self._single.get(whole)
        return concept is not None and concept != piece and piece in self._trades

    def asks_for_qualification(self, text: str) -> bool:
        """Whether ``text`` asks for a formal qualification ("fagbrev", "fagprøven", "fagbrevkurs",
        "formell kompetanse", "ufaglærte") or a profession to become ("… som skal bli …")."""
        found = self._asks.get(text)
        if found is None:
            found = self._asks[text] = _GOAL_RE.search(text) is not None or any(  # "… som skal bli …"
                stem(word) in QUALIFICATION_STEMS
                or any(stem(part) in QUALIFICATION_STEMS for part in self.splitter.parts(word))
                for word in map(normalise, raw_words(text)))
        return found

    def title_terms(self, title: str, weight: float = 1.0, into: dict[str, Term] | None = None) -> dict[str, Term]:
        """Terms of a title. In "<subject> for <audience>" the audience counts ``AUDIENCE_WEIGHT``.

        "Palliasjon for helsefagarbeidere" is about palliasjon; an offer for the same audience on
        another subject ("Demens for helsefagarbeidere") must not look as close as one on the
        subject. When the part before "for" holds no topic ("Kurs for verneombud"), the audience
        is the subject and keeps full weight. In "<who> (som) skal bli <what>" the workers are
        the audience: "Energimontører som skal bli elkraftteknikere" is about elkraft. A workplace
        the title ends with ("… i barnehagen", "… på sykehjemmet", ``text.WORKPLACE_WORDS``) is where
        the subject is needed, and counts as the audience does: "Tegn til tale i barnehagen" is not
        about barnehagen, and an offer that only shares the workplace is not about its subject. A
        field of work is not a workplace: "Kulturforståelse i barneverntjenesten" is about barnevern.
        """
        result: dict[str, Term] = {} if into is None else into
        parts = _AUDIENCE_RE.split(title, maxsplit=1)
        subject, audience = (parts[0], parts[1]) if len(parts) == 2 else (title, "")
        goal = _GOAL_RE.split(subject, maxsplit=1)
        if len(goal) == 2:  # "Energimontører som skal bli elkraftteknikere": who they are is the audience
            subject, audience = goal[1], f"{goal[0]} {audience}"
        setting = _SETTING_RE.search(subject)
        if setting is not None and self._is_workplace(setting.group(1)):  # "Tegn til tale i barnehagen": where
            subject, audience = subject[:setting.start()], f"{setting.group(1)} {audience}"
        head = self.terms(subject, weight) if audience else {}
        if not head:
            return self.terms(title, weight, result)
        self.terms(audience, weight * AUDIENCE_WEIGHT, result)
        for key, term in head.items():
            _add(result, key, term.weight, term.surface)
        return result

    def terms(self, text: str, weight: float = 1.0, into: dict[str, Term] | None = None) -> dict[str, Term]:
        """The topic terms of ``text`` at field weight ``weight``, merged into ``into`` (max weight wins)."""
        result: dict[str, Term] = {} if into is None else into
        words = [w for w in map(self._word, raw_words(text)) if w is not None and not w.stop]
        get = result.get
        claimed_until = 0
        for i, word in enumerate(words):
            for stems, concept, written in self._phrases.get(word.stem, ()):
                if tuple(w.stem for w in words[i:i + len(stems)]) == stems:
                    _add(result, concept, weight, written)
                    claimed_until = max(claimed_until, i + len(stems))
                    break
            if i < claimed_until:  # a word of a phrase means the phrase: "helsearbeid" in "psykisk helsearbeid"
                if word.keys:
                    _add(result, word.stem, weight * PART_WEIGHT, word.display)
                continue
            for key, factor in word.keys:  # _add, inlined: the hot loop of every analysis
                current = get(key)
                if current is None or weight * factor > current.weight:
                    result[key] = Term(weight * factor, word.display)
        return result


def _add(result: dict[str, Term], key: str, weight: float, surface: str) -> None:
    current = result.get(key)
    if current is None or weight > current.weight:
        result[key] = Term(weight, surface)
