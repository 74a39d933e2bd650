"""The thesaurus of domain synonyms: groups of terms that mean the same to the matcher.

A default list ships as ``resources/data/thesaurus.csv`` (``group;term`` lines); the
coordinator edits a copy in the ``thesaurus_term`` table, and the service layer hands the rows
to ``Thesaurus.from_entries``. The matcher only ever sees a validated ``Thesaurus``.

Validation refuses entries that would make every text a synonym of every other: an empty or
one-letter term, a stop word ("og"), a generic word ("kurs", "kompetanse": a group holding one
would join every course to that group), and a term already in another group (which would merge
the two groups silently). Each refusal is one Norwegian sentence the GUI can show as it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kpdesk.common.errors import UserError
from kpdesk.common.resources import resource_path
from kpdesk.matching.engine.text import STOPWORDS, is_generic, normalise, stem, tokenise

MIN_LETTERS = 2


class ThesaurusError(UserError):
    """A thesaurus entry that cannot be used, with the reason in Norwegian."""


def _signature(term: str) -> tuple[str, ...]:
    """What a term means to the matcher: the stems of its content words."""
    return tuple(stem(w) for w in tokenise(term) if w not in STOPWORDS)


def entry_problem(group: str, term: str) -> str | None:
    """Why ``term`` cannot be a synonym in ``group``, or None if it can (other groups not checked)."""
    group, term = group.strip(), term.strip()
    if not group:
        return "Synonymgruppen mangler navn."
    if not term:
        return f"Synonymet i gruppen «{group}» er tomt."
    letters = sum(ch.isalpha() for ch in term)
    if letters < MIN_LETTERS:
        return (f"«{term}» er for kort: et synonym må ha minst {MIN_LETTERS} bokstaver, ellers ville det "
                "gjort nesten alle ord til synonymer av hverandre.")
    words = tokenise(term)
    content = [w for w in words if w not in STOPWORDS]
    if not content:
        return (f"«{term}» er et småord (stoppord) som står i nesten all tekst, og kan ikke være synonym: "
                "da ville alle tekster blitt synonymer av hverandre.")
    if all(is_generic(w) for w in content):
        return (f"«{term}» er et generelt ord som ikke sier noe om fagområdet (som «kurs» eller «kompetanse»), "
                f"og kan ikke stå i gruppen «{group}»: da ville alle kurs blitt synonymer av den.")
    return None


@dataclass(frozen=True)
class Thesaurus:
    """Validated synonym groups: group key → terms as written, in file order."""

    groups: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict[str, tuple[str, ...]]())

    @classmethod
    def empty(cls) -> Thesaurus:
        return cls({})

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str]]) -> Thesaurus:
        """A thesaurus from ``(group, term)`` pairs; every problem is reported in one ThesaurusError."""
        groups: dict[str, list[str]] = {}
        owner: dict[tuple[str, ...], str] = {}
        problems: list[str] = []
        for group, term in entries:
            group, term = group.strip(), term.strip()
            problem = entry_problem(group, term) or _duplicate_problem(term, group, owner)
            if problem:
                problems.append(problem)
                continue
            signature = _signature(term)
            if signature in owner:  # the same term twice in one group: harmless
                continue
            owner[signature] = group
            groups.setdefault(group, []).append(term)
        if problems:
            noun = "synonym" if len(problems) == 1 else "synonymer"
            raise ThesaurusError(f"Synonymlisten har {len(problems)} {noun} som ikke kan brukes.", details=problems)
        return cls({group: tuple(terms) for group, terms in groups.items()})

    def with_entry(self, group: str, term: str) -> Thesaurus:
        """A copy with ``term`` added to ``group``; raises ThesaurusError with the reason if refused."""
        if self.group_of(term) == group.strip():
            raise ThesaurusError(f"«{term.strip()}» står allerede i gruppen «{group.strip()}».")
        return Thesaurus.from_entries([*self.entries(), (group, term)])

    def entries(self) -> Iterator[tuple[str, str]]:
        for group, terms in self.groups.items():
            for term in terms:
                yield group, term

    def __len__(self) -> int:
        return sum(len(terms) for terms in self.groups.values())

    def group_of(self, term: str) -> str | None:
        """The group ``term`` belongs to (any inflection or case), or None."""
        return self._index().get(_signature(term))

    def synonyms(self, term: str) -> tuple[str, ...]:
        """The other terms of ``term``'s group; () if it has none."""
        group = self.group_of(term)
        if group is None:
            return ()
        own = _signature(term)
        return tuple(t for t in self.groups[group] if _signature(t) != own)

    def expand(self, term: str) -> tuple[str, ...]:
        """``term`` followed by its synonyms."""
        return (term, *self.synonyms(term))

    def _index(self) -> dict[tuple[str, ...], str]:
        index = self.__dict__.get("_index_cache")
        if index is None:
            index = {_signature(t): g for g, t in self.entries()}
            object.__setattr__(self, "_index_cache", index)
        return index


def _duplicate_problem(term: str, group: str, owner: dict[tuple[str, ...], str]) -> str | None:
    other = owner.get(_signature(term))
    if other is not None and other != group:
        return (f"«{term}» står allerede i gruppen «{other}»; et ord kan bare høre til én gruppe "
                "(ellers blir de to gruppene ett).")
    return None


def read_csv(path: Path) -> Thesaurus:
    """A thesaurus file: UTF-8 (BOM allowed), ``group;term`` per line, ``#`` comments, optional header."""
    entries: list[tuple[str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            if len(row) < 2:
                raise ThesaurusError(f"Linjen «{';'.join(row)}» i {path.name} mangler «;» mellom gruppe og synonym.")
            group, term = row[0], row[1]
            if (normalise(group.strip()), normalise(term.strip())) == ("group", "term"):
                continue
            entries.append((group, term))
    return Thesaurus.from_entries(entries)


@cache
def load_default() -> Thesaurus:
    """The thesaurus bundled with kpdesk."""
    return read_csv(resource_path("data", "thesaurus.csv"))
