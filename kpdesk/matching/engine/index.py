"""The inverted index over the offers' topic terms, and the topic (relevance) step.

Built once per offer set. For a need, only the postings of its own terms are visited, never the
cross product of texts. Postings are kept heaviest first, so the offers where a term is strong
enough (title or keyword, whole word) are a prefix found by bisection.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from kpdesk.matching.engine.analysis import Term

STRONG_PAIR = 0.4
STRONG_SIDE = 0.6
MIN_IDF = 0.2
MIN_EVIDENCE = 0.1
MIN_CORPUS = 50


class TopicIndex:
    """Term key → offers holding it, with IDF weights; finds the offers relevant to a need."""

    def __init__(self, documents: Sequence[Mapping[str, Term]]) -> None:
        postings: dict[str, list[tuple[float, int]]] = {}
        for i, terms in enumerate(documents):
            for key, term in terms.items():
                postings.setdefault(key, []).append((-term.weight, i))
        n = max(len(documents), MIN_CORPUS)
        scale = math.log(n + 1)
        self.idf: dict[str, float] = {}
        self._subject: set[str] = set()  # keys that can be strong: not the subject of most offers
        # key → (offer indexes, weight × idf, negated weights for bisection), heaviest first
        self._postings: dict[str, tuple[np.ndarray, np.ndarray, list[float]]] = {}
        for key, items in postings.items():
            items.sort()
            negated = [w for w, _ in items]
            idf = self.idf[key] = _idf(len(items), n, scale)
            if _idf(bisect_right(negated, -STRONG_SIDE + 1e-12), n, scale) >= MIN_IDF:
                self._subject.add(key)
            self._postings[key] = (np.array([i for _, i in items], dtype=np.intp),
                                   np.array([-w * idf for w, _ in items]), negated)
        self._size = len(documents)

    def relevant(self, terms: Mapping[str, Term], subject: Iterable[str]) -> tuple[tuple[int, float], ...]:
        """``(offer index, evidence)`` of the offers relevant to ``terms``, most evidence first.

        ``subject``: the keys that name the need's subject (its title's, or its description's
        when the title names none). Relevant: at least one subject key is a strong shared term
        (both weights ≥ STRONG_SIDE: in the offer's subject, not only its description or
        audience, and a whole word or compound head on the need's side; their product ≥
        STRONG_PAIR; not the subject of most offers: the IDF over the offers it is the subject of
        ≥ MIN_IDF), and the evidence (Σ need weight × offer weight × idf over every shared term
        and mention) is at least MIN_EVIDENCE.
        """
        evidence = np.zeros(self._size)
        for key, term in terms.items():
            found = self._postings.get(key)
            if found is not None:  # in key order, as the sums were always made: the same floats
                np.add.at(evidence, found[0], term.weight * found[1])
        strong = np.zeros(self._size, dtype=bool)
        for key in subject:
            found = self._postings.get(key)
            need_weight = terms[key].weight
            if found is not None and need_weight >= STRONG_SIDE and key in self._subject:
                least = max(STRONG_PAIR / need_weight, STRONG_SIDE)
                strong[found[0][:bisect_right(found[2], -least + 1e-12)]] = True
        index = np.flatnonzero(strong & (evidence >= MIN_EVIDENCE))
        order = np.lexsort((index, -evidence[index]))  # most evidence first, then by offer index
        chosen = index[order]
        return tuple(zip(chosen.tolist(), evidence[chosen].tolist(), strict=True))


def _idf(df: int, n: int, scale: float) -> float:
    """``ln((n+1)/(df+0.5)) / ln(n+1)``: 1 for a term in no document, near 0 for one in all."""
    return max(0.0, math.log((n + 1) / (df + 0.5)) / scale)
