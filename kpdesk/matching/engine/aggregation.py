"""Demand aggregation (the studiesenter's "motor" role): pooling small needs into cohorts.

Open needs are grouped by level and region (a municipality in several regions counts in the
first of them alphabetically), then by topic, across employers:
1. needs whose best proposal is the same offer are about the same subject and start one group;
2. groups and the remaining needs are then joined, in a fixed order, when they are about the
   same subject: their topic vectors (the engine's terms, weighted by an IDF over the needs
   themselves) have a cosine similarity of at least ``TEXT_SIMILARITY``, or the offers proposed
   to them overlap by at least ``OFFER_OVERLAP`` (Jaccard), so needs whose best offers are twins
   of one course in other formats still pool together.

Each group gets the offer that serves it best: among the offers proposed to its members, the
one with the highest sum of headcount × score. The gap to the offer's minimum class size is shown
as "12 av 15 plasser". Groups with no offer are the courses the centre still has to order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import add, mul

from kpdesk.common.codes import CLOSED_NEED_STATUSES, LEVEL_RANK
from kpdesk.common.norsk import sort_key
from kpdesk.matching.engine.analysis import Term
from kpdesk.matching.engine.matcher import MIN_CORPUS, Matcher, NeedInput, NeedResult, OfferInput
from kpdesk.matching.engine.thesaurus import Thesaurus

TEXT_SIMILARITY = 0.4
OFFER_OVERLAP = 0.5
MAX_LABEL_TERMS = 3
LABEL_SHARE = 0.3
NO_REGION = "Uten region"


@dataclass(frozen=True)
class DemandGroup:
    """Needs on one subject, at one level, in one region, with the offer that could take them."""

    topic: str
    level: str | None
    region: str
    need_refs: tuple[str, ...]
    employers: tuple[str, ...]
    employer_refs: tuple[str, ...]
    headcount: int
    offer_ref: str | None = None
    offer_title: str = ""
    seats_min: int | None = None
    seats_max: int | None = None

    @property
    def unmet(self) -> bool:
        """No offer fits: a course to order."""
        return self.offer_ref is None

    @property
    def seats_gap(self) -> int:
        """How many more participants the offer's minimum needs (0 when it is reached)."""
        return max(0, (self.seats_min or 0) - self.headcount) if self.offer_ref else 0

    @property
    def seats_text(self) -> str:
        """The pooled headcount against the offer's minimum class size: '12 av 15 plasser'."""
        if self.offer_ref is None or not self.seats_min:
            return ""
        if self.headcount < self.seats_min:
            return f"{self.headcount} av {self.seats_min} plasser"
        return f"{self.headcount} personer, minst {self.seats_min} plasser: nok til oppstart"


class _Cluster:
    """A growing group: its needs and the sum of their topic vectors."""

    __slots__ = ("_norm", "needs", "offers", "vector")

    def __init__(self) -> None:
        self.needs: list[NeedInput] = []
        self.vector: dict[str, float] = {}
        self.offers: set[str] = set()
        self._norm: float | None = 0.0

    def add(self, need: NeedInput, vector: Mapping[str, float], offers: Iterable[str]) -> None:
        self.needs.append(need)
        self.offers.update(offers)
        self._sum(vector)

    def absorb(self, other: _Cluster) -> None:
        self.needs.extend(other.needs)
        self.offers |= other.offers
        self._sum(other.vector)

    def _sum(self, vector: Mapping[str, float]) -> None:
        get = self.vector.get
        self.vector.update(zip(vector, map(add, map(get, vector, repeat(0.0)), vector.values()), strict=True))
        self._norm = None  # found again when next asked: a seed cluster grows by many needs in a row

    @property
    def norm(self) -> float:
        if self._norm is None:
            self._norm = math.sqrt(sum(map(mul, self.vector.values(), self.vector.values())))
        return self._norm

    def cosine(self, other: _Cluster) -> float:
        if not self.norm or not other.norm:
            return 0.0
        small, large = sorted((self.vector, other.vector), key=len)
        dot = sum(map(mul, small.values(), map(large.get, small, repeat(0.0))))
        return dot / (self.norm * other.norm)

    def overlap(self, other: _Cluster) -> float:
        union = self.offers | other.offers
        return len(self.offers & other.offers) / len(union) if union else 0.0

    def affinity(self, other: _Cluster) -> float:
        """How surely two groups are about one subject: 1 or more is sure, below 1 is not."""
        return max(self.cosine(other) / TEXT_SIMILARITY, self.overlap(other) / OFFER_OVERLAP)


def aggregate(needs: Iterable[NeedInput], results: Iterable[NeedResult], offers: Sequence[OfferInput],
              regions: Mapping[str, Iterable[str]], *, thesaurus: Thesaurus | None = None,
              matcher: Matcher | None = None) -> list[DemandGroup]:
    """Demand groups of the open ``needs``, largest headcount first.

    ``results`` are the engine's proposals for those needs; ``matcher`` (optional) is the engine
    that made them, reused for its text analysis, else one is built from ``offers``.
    """
    open_needs = sorted((n for n in needs if n.status not in CLOSED_NEED_STATUSES), key=lambda n: n.ref)
    if matcher is None:
        matcher = Matcher(offers, thesaurus, regions,
                          vocabulary_texts=[t for n in open_needs for t in (n.title, n.description)])
    by_need = {r.need_ref: r for r in results}
    by_offer = {o.ref: o for o in offers}
    vectors = _vectors({n.ref: matcher.need_terms(n) for n in open_needs})

    buckets: dict[tuple[str, str], list[NeedInput]] = {}
    region_of: dict[str | None, str] = {}  # municipality → region
    for need in open_needs:
        region = region_of.get(need.municipality)
        if region is None:
            region = region_of[need.municipality] = _region_of(need, regions)
        buckets.setdefault((need.level or "open", region), []).append(need)

    groups: list[DemandGroup] = []
    for (level, region), members in buckets.items():
        for cluster in _cluster(members, by_need, vectors):
            groups.append(_group(cluster, level, region, by_need, by_offer, matcher))
    groups.sort(key=lambda g: (-g.headcount, sort_key(g.region), LEVEL_RANK.get(g.level or "", 0),
                               sort_key(g.topic), g.need_refs))
    return groups


def courses_to_order(groups: Iterable[DemandGroup]) -> list[DemandGroup]:
    """The groups no offer fits: what the centre should order from providers."""
    return [g for g in groups if g.unmet]


def _region_of(need: NeedInput, regions: Mapping[str, Iterable[str]]) -> str:
    """The need's region: the first (alphabetically) region its municipality belongs to."""
    names = sorted(regions.get(need.municipality or "", ()), key=sort_key)
    return names[0] if names else NO_REGION


def _vectors(terms: Mapping[str, Mapping[str, Term]]) -> dict[str, dict[str, float]]:
    """Topic vectors: term weight × IDF over the needs, so words every need uses count little.

    Needs with the same text share their terms (the engine caches them) and so one vector.
    """
    df: dict[str, int] = {}
    for need_terms in terms.values():
        for key in need_terms:
            df[key] = df.get(key, 0) + 1
    n = max(len(terms), MIN_CORPUS)
    scale = math.log(n + 1)
    idf = {k: max(0.05, math.log((n + 1) / (count + 0.5)) / scale) for k, count in df.items()}
    shared: dict[int, dict[str, float]] = {}
    vectors: dict[str, dict[str, float]] = {}
    for ref, need_terms in terms.items():
        vector = shared.get(id(need_terms))
        if vector is None:
            vector = shared[id(need_terms)] = {k: t.weight * idf[k] for k, t in need_terms.items()}
        vectors[ref] = vector
    return vectors


def _cluster(members: list[NeedInput], by_need: Mapping[str, NeedResult],
             vectors: Mapping[str, Mapping[str, float]]) -> list[_Cluster]:
    seeds: dict[str, _Cluster] = {}
    singles: list[_Cluster] = []
    for need in members:
        result = by_need.get(need.ref)
        proposed = [m.offer_ref for m in result.matches] if result else []
        cluster = seeds.setdefault(proposed[0], _Cluster()) if proposed else _Cluster()
        cluster.add(need, vectors.get(need.ref, {}), proposed)
        if not proposed:
            singles.append(cluster)
    merged: list[_Cluster] = []
    for candidate in [*seeds.values(), *singles]:
        target = max(merged, key=candidate.affinity, default=None)
        if target is not None and target.affinity(candidate) >= 1.0:
            target.absorb(candidate)
        else:
            merged.append(candidate)
    return merged


def _group(cluster: _Cluster, level: str, region: str, by_need: Mapping[str, NeedResult],
           by_offer: Mapping[str, OfferInput], matcher: Matcher) -> DemandGroup:
    needs = sorted(cluster.needs, key=lambda n: n.ref)
    value: dict[str, float] = {}
    for need in needs:
        result = by_need.get(need.ref)
        for match in result.matches if result else ():
            value[match.offer_ref] = value.get(match.offer_ref, 0.0) + need.headcount * match.score
    offer_ref = min(value, key=lambda ref: (-value[ref], ref)) if value else None
    offer = by_offer.get(offer_ref) if offer_ref else None
    employers = {n.employer_ref or n.employer_name: n.employer_name for n in needs}
    return DemandGroup(
        topic=_label(cluster, needs, matcher),
        level=level,
        region=region,
        need_refs=tuple(n.ref for n in needs),
        employers=tuple(sorted(set(employers.values()), key=sort_key)),
        employer_refs=tuple(sorted(k for k in employers if k)),
        headcount=sum(n.headcount for n in needs),
        offer_ref=offer_ref,
        offer_title=offer.title if offer else "",
        seats_min=offer.seats_min if offer else None,
        seats_max=offer.seats_max if offer else None,
    )


def _label(cluster: _Cluster, needs: Sequence[NeedInput], matcher: Matcher) -> str:
    """The group's strongest subject terms, as the needs' titles write them.

    Subject terms are whole title words outside the audience ("… for mellomledere"); terms much
    weaker in the group than its strongest are left out.
    """
    titles = [matcher.title_terms(n) for n in needs]
    subject = {key for terms in titles for key, term in terms.items() if term.weight >= 1.0}
    ranked = sorted(subject or {k for terms in titles for k in terms}, key=lambda k: (-cluster.vector.get(k, 0.0), k))
    strongest = cluster.vector.get(ranked[0], 0.0) if ranked else 0.0
    shown: list[str] = []
    for key in ranked[:MAX_LABEL_TERMS]:
        if cluster.vector.get(key, 0.0) < LABEL_SHARE * strongest:
            break
        surface = next(terms[key].surface for terms in titles if key in terms)
        if surface.casefold() not in (s.casefold() for s in shown):
            shown.append(surface)
    phrases = [set(s.casefold().split()) for s in shown if " " in s]
    shown = [s for s in shown if not any(p > {s.casefold()} for p in phrases)]  # "varme" beside "varme arbeider"
    return ", ".join(shown) or (needs[0].title if needs else "")
