"""Demand aggregation (the studiesenter's "motor" role): pooling small needs into cohorts.

Only open needs the coordinator has not yet chosen an offer for are demand. A need with a chosen
offer (``NeedInput.chosen``) counts toward that offer only: it is never a course to order nor
interest in another offer. ``commitments`` gathers those needs per offer (the persons already in),
and a demand group going to the same offer counts them against the offer's minimum class.

The demand is grouped by level and region (a municipality in several regions counts in the first
of them alphabetically; a region's own community need in that region), then by topic, across
employers:
1. needs whose best proposal is the same offer are about the same subject and start one group;
2. groups and the remaining needs are then joined, in a fixed order, when they are about the
   same subject: their topic vectors (the engine's terms, weighted by an IDF over the needs
   themselves) have a cosine similarity of at least ``TEXT_SIMILARITY``, or the offers proposed
   to them overlap by at least ``OFFER_OVERLAP`` (Jaccard), so needs whose best offers are twins
   of one course in other formats still pool together;
3. groups whose labels name the same words (in any order) and that go to the same offer, or to
   none, are one group: "helsenorsk, norskopplæring" is not two courses to order.

**Owners.** Needs come from employers, individuals (persons) and communities (a municipality or a
region). A group counts them apart (``Contributors``: «12 ansatte hos 4 arbeidsgivere og 3
privatpersoner»), and each individual and each community is one contributor for disclosure control,
exactly as an employer is (``employer_refs`` holds every contributor's key: organisation number,
person ref or community). **Statistics consent.** A person whose consent in force does not cover
anonymous statistics (``NeedInput.counted`` false) is matched like anyone (the engine ranks offers
for their need, and the coordinator sees them need by need), but is left out here: in no demand
group, no commitment, no headcount and no contributor count. Every printed or exported figure is
made from these groups and commitments (the handout, ``kpdesk match --json``, the Samordning page),
so none of them counts that person.

Each group gets the offer that serves it best: among the offers proposed to its members, the one
with the highest sum of headcount × score. The gap to the offer's minimum class size is shown as
"12 av 15 plasser". Groups with no offer are the courses the centre still has to order. A label
is the group's strongest subject words in base form ("sykehjem", not "sykehjemmet"), in one
order for the same words whatever the group.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain, repeat
from operator import attrgetter, mul

from kpdesk.common.codes import CLOSED_NEED_STATUSES, LEVEL_RANK
from kpdesk.common.norsk import group_thousands as n
from kpdesk.common.norsk import plural, sort_key
from kpdesk.matching.engine.analysis import Term
from kpdesk.matching.engine.matcher import MIN_CORPUS, Matcher, NeedInput, NeedResult, OfferInput
from kpdesk.matching.engine.thesaurus import Thesaurus

TEXT_SIMILARITY = 0.4
OFFER_OVERLAP = 0.5
MAX_LABEL_TERMS = 3
LABEL_SHARE = 0.3
NO_REGION = "Uten region"
_REF = attrgetter("ref")
_ROUNDING_MARGIN = 1e-9  # far above the rounding error of a cosine summed in another order


@dataclass(frozen=True)
class Contributors:
    """Who stands behind a headcount, by kind of owner: employers, individuals and communities."""

    employers: int = 0  # distinct employers
    employees: int = 0  # persons their needs are for
    individuals: int = 0  # distinct persons with needs of their own (one person each)
    communities: int = 0  # distinct communities
    community_headcount: int = 0  # persons the communities' needs are for

    @classmethod
    def of(cls, needs: Iterable[NeedInput]) -> Contributors:
        keys: dict[str, set[str]] = {"employer": set(), "person": set(), "community": set()}
        heads: Counter[str] = Counter()
        for need in needs:
            keys.setdefault(need.owner_kind, set()).add(need.employer_ref or need.employer_name)
            heads[need.owner_kind] += need.headcount
        return cls(len(keys["employer"]), heads["employer"], len(keys["person"]), len(keys["community"]),
                   heads["community"])

    def sentence_part(self) -> str:
        """«12 ansatte hos 4 arbeidsgivere og 3 privatpersoner», «… og 5 personer i 1 lokalsamfunn»."""
        parts: list[str] = []
        if self.employers:
            parts.append(f"{plural(self.employees, 'ansatt', 'ansatte')} hos "
                         f"{plural(self.employers, 'arbeidsgiver', 'arbeidsgivere')}")
        if self.individuals:
            parts.append(plural(self.individuals, "privatperson", "privatpersoner"))
        if self.communities:
            parts.append(f"{plural(self.community_headcount, 'person', 'personer')} i "
                         f"{plural(self.communities, 'lokalsamfunn', 'lokalsamfunn')}")
        if len(parts) < 2:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " og " + parts[-1]


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
    committed: int = 0  # persons already in: needs (in the same input) the coordinator chose the offer for
    application_deadline: dt.date | None = None  # the offer's
    contributors: Contributors = Contributors()  # the headcount by kind of owner

    @property
    def unmet(self) -> bool:
        """No offer fits: a course to order."""
        return self.offer_ref is None

    @property
    def interested(self) -> int:
        """The group's persons and those already in for its offer."""
        return self.headcount + self.committed if self.offer_ref else self.headcount

    @property
    def seats_gap(self) -> int:
        """How many more participants the offer's minimum needs (0 when it is reached)."""
        return max(0, (self.seats_min or 0) - self.interested) if self.offer_ref else 0

    @property
    def seats_text(self) -> str:
        """Against the offer's minimum class: '12 av 15 plasser', '16 personer, minst 15 trengs: nok til
        oppstart', with ', 3 av dem allerede valgt' when some are in already."""
        if self.offer_ref is None or not self.seats_min:
            return ""
        already = f", {n(self.committed)} av dem allerede valgt" if self.committed else ""
        if self.interested < self.seats_min:
            return f"{n(self.interested)} av {n(self.seats_min)} plasser{already}"
        return f"{n(self.interested)} personer, minst {n(self.seats_min)} trengs: nok til oppstart{already}"


@dataclass(frozen=True)
class Commitment:
    """The open needs the coordinator has chosen one offer for: persons already in, who count
    toward that offer only (a need with several chosen offers counts toward the first by reference)."""

    offer_ref: str
    offer_title: str
    need_refs: tuple[str, ...]
    employers: tuple[str, ...]
    employer_refs: tuple[str, ...]
    headcount: int
    seats_min: int | None = None
    seats_max: int | None = None
    application_deadline: dt.date | None = None


class _Cluster:
    """A growing group: its needs, the sum of their topic vectors and the offers proposed to them."""

    __slots__ = ("_norm", "needs", "offers", "vector")

    def __init__(self, needs: list[NeedInput], vectors: Mapping[str, Mapping[str, float]],
                 by_need: Mapping[str, NeedResult]) -> None:
        self.needs = needs
        self.vector: dict[str, float] = {}
        results = (by_need.get(n.ref) for n in needs)
        self.offers = {m.offer_ref for result in results if result for m in result.matches}
        self._norm: float | None = None
        self._sum(vectors.get(n.ref, {}) for n in needs)

    def absorb(self, other: _Cluster) -> None:
        self.needs.extend(other.needs)
        self.offers |= other.offers
        self._sum((other.vector,))

    def _sum(self, vectors: Iterable[Mapping[str, float]]) -> None:
        """Add the vectors to this group's, one after the other."""
        total = self.vector
        get = total.get
        for vector in vectors:
            if not total:
                total.update(vector)  # as 0.0 + each weight would be: the weights are positive
                continue
            for key, value in vector.items():
                total[key] = get(key, 0.0) + value
        self._norm = None  # found again when next asked

    @property
    def norm(self) -> float:
        if self._norm is None:
            self._norm = math.sqrt(sum(map(mul, self.vector.values(), self.vector.values())))
        return self._norm

    def cosine(self, other: _Cluster) -> float:
        norm, other_norm = self.norm, other.norm
        if not norm or not other_norm:
            return 0.0
        # over the smaller vector's keys, in its order (this one's when as long): the sum is rounded in that order
        small, large = self.vector, other.vector
        if len(small) > len(large):
            small, large = large, small
        dot = sum(map(mul, small.values(), map(large.get, small, repeat(0.0))))
        return dot / (norm * other_norm)

    def overlap(self, other: _Cluster) -> float:
        shared = len(self.offers & other.offers)
        union = len(self.offers) + len(other.offers) - shared
        return shared / union if union else 0.0

    def affinity(self, other: _Cluster) -> float:
        """How surely two groups are about one subject: 1 or more is sure, below 1 is not."""
        return max(self.cosine(other) / TEXT_SIMILARITY, self.overlap(other) / OFFER_OVERLAP)


def aggregate(needs: Iterable[NeedInput], results: Iterable[NeedResult], offers: Sequence[OfferInput],
              regions: Mapping[str, Iterable[str]], *, thesaurus: Thesaurus | None = None,
              matcher: Matcher | None = None) -> list[DemandGroup]:
    """Demand groups of the open ``needs`` no offer has been chosen for, largest headcount first.

    ``results`` are the engine's proposals for those needs; ``matcher`` (optional) is the engine
    that made them, reused for its text analysis, else one is built from ``offers``. The needs
    with a chosen offer are not demand (see ``commitments``); they only add to ``committed``.
    """
    open_needs = _open(needs)
    by_offer = {o.ref: o for o in offers}
    chosen, demand = _by_chosen_offer(open_needs, by_offer)
    if matcher is None:
        matcher = Matcher(offers, thesaurus, regions,
                          vocabulary_texts=[t for n in open_needs for t in (n.title, n.description)])
    by_need = {r.need_ref: r for r in results}
    committed = {ref: sum(n.headcount for n in members) for ref, members in chosen.items()}
    vectors = _vectors({n.ref: matcher.need_terms(n) for n in demand})

    buckets: dict[tuple[str, str], list[NeedInput]] = {}
    region_of: dict[str | None, str] = {}  # municipality → region
    for need in demand:
        if need.municipality is None and need.owner_kind == "community" and need.employer_ref:
            region = need.employer_ref  # a region's own need («Helsefagarbeidere på Helgeland»)
        else:
            region = region_of.get(need.municipality)
            if region is None:
                region = region_of[need.municipality] = _region_of(need, regions)
        buckets.setdefault((need.level or "open", region), []).append(need)

    groups: list[DemandGroup] = []
    for (level, region), members in buckets.items():
        labelled = [_Labelled(cluster, by_need, matcher) for cluster in _cluster(members, by_need, vectors)]
        for same in _same_label(labelled):
            groups.append(_group(same, level, region, by_offer, committed))
    groups.sort(key=lambda g: (-g.headcount, sort_key(g.region), LEVEL_RANK.get(g.level or "", 0),
                               sort_key(g.topic), g.need_refs))
    return groups


def commitments(needs: Iterable[NeedInput], offers: Sequence[OfferInput]) -> list[Commitment]:
    """The open needs with a chosen offer, per offer (largest headcount first): the persons already in."""
    by_offer = {o.ref: o for o in offers}
    chosen, _ = _by_chosen_offer(_open(needs), by_offer)
    found: list[Commitment] = []
    for ref, members in chosen.items():
        offer = by_offer[ref]
        found.append(Commitment(ref, offer.title, tuple(n.ref for n in members), *_employers(members),
                                sum(n.headcount for n in members),
                                offer.seats_min, offer.seats_max, offer.application_deadline))
    found.sort(key=lambda c: (-c.headcount, c.offer_ref))
    return found


def chosen_offer(need: NeedInput, offers: Mapping[str, OfferInput]) -> str | None:
    """The offer a decided need counts toward: the first (by reference) of its chosen offers that exists."""
    return min((ref for ref in need.chosen if ref in offers), default=None)


def _open(needs: Iterable[NeedInput]) -> list[NeedInput]:
    """The needs not closed or rejected that may be counted (``NeedInput.counted``), by reference."""
    return sorted((n for n in needs if n.status not in CLOSED_NEED_STATUSES and n.counted), key=_REF)


def _by_chosen_offer(needs: Iterable[NeedInput], offers: Mapping[str, OfferInput]
                     ) -> tuple[dict[str, list[NeedInput]], list[NeedInput]]:
    """The needs with a chosen offer, per that offer, and the others (the demand), in the given order."""
    chosen: dict[str, list[NeedInput]] = {}
    undecided: list[NeedInput] = []
    for need in needs:
        ref = chosen_offer(need, offers) if need.chosen else None
        if ref is None:
            undecided.append(need)
        else:
            chosen.setdefault(ref, []).append(need)
    return chosen, undecided


def _employers(needs: Iterable[NeedInput]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The needs' employers: their names in Norwegian order, and their organisation numbers (or
    names, when none) sorted."""
    by_ref = {n.employer_ref or n.employer_name: n.employer_name for n in needs}
    return tuple(sorted(set(by_ref.values()), key=_name_key)), tuple(sorted(k for k in by_ref if k))


OWNER_KINDS = ("employer", "person", "community")


def owners_by_kind(needs: Iterable[NeedInput]) -> dict[str, tuple[str, ...]]:
    """The needs' owners by kind (``OWNER_KINDS``), each kind's names as ``DemandGroup.employers``
    gives them all: employers by name, persons as «Privatperson P0003», communities by label."""
    by_kind: dict[str, list[NeedInput]] = {kind: [] for kind in OWNER_KINDS}
    for need in needs:
        by_kind.setdefault(need.owner_kind, []).append(need)
    return {kind: _employers(members)[0] for kind, members in by_kind.items()}


@lru_cache(maxsize=8192)
def _name_key(name: str) -> str:
    """``sort_key`` of an employer's name, remembered: one employer's needs are in many groups."""
    return sort_key(name)


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
    df = Counter(chain.from_iterable(terms.values()))  # the needs each key occurs in
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
    """One bucket's demand in groups: the needs whose best proposal is one offer start one group,
    each other need one of its own; then they are merged (``_merge``)."""
    seeds: dict[str, list[NeedInput]] = {}  # the offer proposed first → the needs
    singles: list[list[NeedInput]] = []
    for need in members:
        result = by_need.get(need.ref)
        if result and result.matches:
            seeds.setdefault(result.matches[0].offer_ref, []).append(need)
        else:
            singles.append([need])
    return _merge([_Cluster(needs, vectors, by_need) for needs in [*seeds.values(), *singles]])


def _merge(candidates: Iterable[_Cluster]) -> list[_Cluster]:
    """The candidates, each joined to the group so far it has the highest affinity with (the first
    of equals) when that reaches 1, else a group of its own."""
    merged: list[_Cluster] = []
    for candidate in candidates:
        target = max(_near(candidate, merged), key=candidate.affinity, default=None)
        if target is not None and target.affinity(candidate) >= 1.0:
            target.absorb(candidate)
        else:
            merged.append(candidate)
    return merged


def _near(candidate: _Cluster, groups: Iterable[_Cluster]) -> list[_Cluster]:
    """The groups that could reach affinity 1 with the candidate, in order.

    A group sharing no offer with it has an overlap of 0, and one sharing none of its
    ``_heavy_keys`` a cosine below ``TEXT_SIMILARITY`` whichever way the cosine's sum is
    rounded: such a group has an affinity below 1, and as the best group is joined only when
    it reaches 1 (the first of equals), leaving them out joins the same groups.
    """
    heavy = _heavy_keys(candidate)
    offers = candidate.offers
    return [g for g in groups if not g.vector.keys().isdisjoint(heavy) or not offers.isdisjoint(g.offers)]


def _heavy_keys(cluster: _Cluster) -> set[str]:
    """The keys another group must share some of for its cosine with ``cluster`` to reach
    ``TEXT_SIMILARITY``: the lighter keys left out have too little of the norm between them
    (by Cauchy-Schwarz, a cosine through them alone is at most their share), with a margin
    for rounding."""
    vector = cluster.vector
    limit = (TEXT_SIMILARITY * (1.0 - _ROUNDING_MARGIN) * cluster.norm) ** 2
    ranked = sorted(vector, key=vector.__getitem__)
    light = 0.0
    for i, key in enumerate(ranked):
        light += vector[key] ** 2
        if light >= limit:
            return set(ranked[i:])
    return set()


class _Labelled:
    """A cluster with the offer it goes to and the keys of its label (what groups are merged by)."""

    __slots__ = ("cluster", "keys", "label", "offer_ref")

    def __init__(self, cluster: _Cluster, by_need: Mapping[str, NeedResult], matcher: Matcher) -> None:
        self.cluster = cluster
        self.offer_ref = _best_offer(cluster.needs, by_need)
        needs = sorted(cluster.needs, key=_REF)
        titles = [matcher.title_terms(n) for n in {n.title: n for n in needs}.values()]  # each title once, in order
        self.keys = _label_keys(cluster, titles)
        self.label = _label_text(self.keys, titles, matcher) or (needs[0].title if needs else "")


def _same_label(labelled: list[_Labelled]) -> list[_Labelled]:
    """Clusters whose labels name the same words (any order) and go to the same offer (or none), as one."""
    kept: list[_Labelled] = []
    by_key: dict[tuple[frozenset[str], str | None], _Labelled] = {}
    for item in labelled:
        key = (frozenset(item.keys), item.offer_ref)
        first = by_key.get(key) if item.keys else None
        if first is None:
            kept.append(item)
            by_key.setdefault(key, item)
        else:
            first.cluster.absorb(item.cluster)
    return kept


def _best_offer(needs: Iterable[NeedInput], by_need: Mapping[str, NeedResult]) -> str | None:
    """The offer proposed to the needs with the highest sum of headcount × score (ties: lowest ref)."""
    value: dict[str, float] = {}
    get = value.get
    for need in needs:
        result = by_need.get(need.ref)
        headcount = need.headcount
        for match in result.matches if result else ():
            ref = match.offer_ref
            value[ref] = get(ref, 0.0) + headcount * match.score
    return min(value, key=lambda ref: (-value[ref], ref)) if value else None


def _group(item: _Labelled, level: str, region: str, by_offer: Mapping[str, OfferInput],
           committed: Mapping[str, int]) -> DemandGroup:
    needs = sorted(item.cluster.needs, key=_REF)
    offer = by_offer.get(item.offer_ref) if item.offer_ref else None
    employers, employer_refs = _employers(needs)
    return DemandGroup(
        topic=item.label,
        level=level,
        region=region,
        need_refs=tuple(n.ref for n in needs),
        employers=employers,
        employer_refs=employer_refs,
        headcount=sum(n.headcount for n in needs),
        offer_ref=item.offer_ref,
        offer_title=offer.title if offer else "",
        seats_min=offer.seats_min if offer else None,
        seats_max=offer.seats_max if offer else None,
        committed=committed.get(item.offer_ref, 0) if item.offer_ref else 0,
        application_deadline=offer.application_deadline if offer else None,
        contributors=Contributors.of(needs),
    )


@cache
def _place_names() -> frozenset[str]:
    """Municipality names, case-folded: a place is where a need is, not what it is about
    («Sykepleiere i Rødøy» is a group on nursing, not on «rødøy»)."""
    from kpdesk.common.reference import municipalities

    names: set[str] = set()
    for m in municipalities():
        names.add(m.name.casefold())
        names.update(part.strip().casefold() for part in m.official_name.split("–"))
    return frozenset(names)


def _label_keys(cluster: _Cluster, titles: Sequence[Mapping[str, Term]]) -> tuple[str, ...]:
    """The group's strongest subject terms: whole title words outside the audience ("… for
    mellomledere") and not place names; terms much weaker in the group than its strongest are left out."""
    places = _place_names()
    subject = {key for terms in titles for key, term in terms.items()
               if term.weight >= 1.0 and term.surface.casefold() not in places}
    ranked = sorted(subject or {k for terms in titles for k in terms}, key=lambda k: (-cluster.vector.get(k, 0.0), k))
    strongest = cluster.vector.get(ranked[0], 0.0) if ranked else 0.0
    keys: list[str] = []
    for key in ranked[:MAX_LABEL_TERMS]:
        if cluster.vector.get(key, 0.0) < LABEL_SHARE * strongest:
            break
        keys.append(key)
    return tuple(keys)


def _label_text(keys: Iterable[str], titles: Sequence[Mapping[str, Term]], matcher: Matcher) -> str:
    """The label's words in base form, as the needs' titles write them.

    In alphabetical order, so the same words make the same label in every group (ordering by
    how rare a word is made "demensomsorg, alderspsykiatri" in one region and "alderspsykiatri,
    demensomsorg" in the next: one word can come from terms of different weight).
    """
    shown: dict[str, str] = {}  # case-folded → surface
    for key in keys:
        surface = matcher.analyzer.base_form(next(terms[key].surface for terms in titles if key in terms))
        shown.setdefault(surface.casefold(), surface)
    phrases = [set(folded.split()) for folded in shown if " " in folded]  # "varme" beside "varme arbeider"
    words = [s for folded, s in shown.items() if not any(p > {folded} for p in phrases)]
    return ", ".join(sorted(words, key=sort_key))
