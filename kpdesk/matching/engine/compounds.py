"""Splitting Norwegian compounds into known parts.

Norwegian writes compounds as one word ("sveisesertifikat", "helsearbeiderfaget"), so two texts
about the same subject often share no whole word. The splitter knows a vocabulary (every word
of the offers, the needs it is given, the thesaurus and the generic-word list) and splits a
word into parts from it:

- greedy longest match from the left, with backtracking, so "helsefagarbeider" becomes
  "helsefag" + "arbeider" rather than stopping at the first short word;
- a linking letter ("s" or "e") may stand between two parts ("arbeid-s-miljø", "barn-e-vern");
- a part is known if it, or its stem, is in the vocabulary ("sveise" is known through the
  stem of "sveising"), and has at least four letters; three-letter parts are allowed only
  when they are curated words (thesaurus or generic list: "fag", "IKT", "HMS"), because short
  corpus words ("tør", "het") would otherwise cut many words into nonsense;
- every part is split again, so the result is a tree; ``parts`` returns all its nodes below
  the whole word ("helsefagarbeider" → helsefag, helse, fag, arbeider), ``split`` the top level.

Nothing here is specific to a subject: the vocabulary comes from the data.
"""

from __future__ import annotations

from collections.abc import Iterable

from kpdesk.matching.engine.text import STOPWORDS, stem

_MIN_PART = 4
_MIN_CURATED_PART = 3
_LINKS = "se"


class CompoundSplitter:
    """Splits words into parts known from a vocabulary; results are cached per word."""

    def __init__(self, words: Iterable[str], curated: Iterable[str] = ()) -> None:
        self._surface: set[str] = set()
        self._stems: set[str] = set()
        for word in words:
            self._learn(word, _MIN_PART)
        for word in curated:
            self._learn(word, _MIN_CURATED_PART)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._pieces: dict[str, tuple[str, ...]] = {}

    def _learn(self, word: str, minimum: int) -> None:
        if len(word) >= minimum and word not in STOPWORDS and not word.isdigit():
            self._surface.add(word)
            self._stems.add(stem(word))

    def knows(self, piece: str) -> bool:
        """Whether ``piece`` is a word (or an inflected form of a word) of the vocabulary."""
        if len(piece) < _MIN_CURATED_PART:
            return False
        if piece in self._surface:
            return True
        if len(piece) < _MIN_PART:
            return False
        return stem(piece) in self._stems

    def ends_with_word(self, text: str) -> bool:
        """Whether ``text`` is a vocabulary word as written, or ends with one ("boligtjeneste"
        ends with "tjeneste"): a test for base forms, stricter than ``knows`` (no stems)."""
        return any(text[start:] in self._surface for start in range(len(text) - _MIN_CURATED_PART + 1))

    def split(self, word: str) -> tuple[str, ...]:
        """The top-level pieces of ``word`` ("helsefag", "arbeider"); () if it is not a compound."""
        cached = self._pieces.get(word)
        if cached is None:
            cached = self._pieces[word] = tuple(self._segment(word, 0, top=True, memo={}) or ())
        return cached

    def parts(self, word: str) -> tuple[str, ...]:
        """All parts of ``word`` below the whole word, outermost first; () if it is not a compound."""
        cached = self._cache.get(word)
        if cached is None:
            result: list[str] = []
            for piece in self.split(word):
                result.append(piece)
                result.extend(p for p in self.parts(piece) if p not in result)
            cached = self._cache[word] = tuple(result)
        return cached

    def _segment(self, word: str, start: int, *, top: bool, memo: dict[int, list[str] | None]) -> list[str] | None:
        """Known pieces covering ``word[start:]`` (at least two when ``top``), or None."""
        if not top and start in memo:
            return memo[start]
        found: list[str] | None = None
        length = len(word)
        last = length - _MIN_CURATED_PART if top else length
        for end in range(last, start + _MIN_CURATED_PART - 1, -1):
            piece = word[start:end]
            if not self.knows(piece):
                continue
            if end == length:
                found = [piece]
                break
            rest = self._segment(word, end, top=False, memo=memo)
            if rest is None and word[end] in _LINKS and end + 1 < length:
                rest = self._segment(word, end + 1, top=False, memo=memo)
            if rest is not None:
                found = [piece, *rest]
                break
        if not top:
            memo[start] = found
        return found
