"""Demand aggregation's merge step: comparing a candidate only with the groups that could reach
affinity 1 (``_merge``) joins exactly the groups the plain search over every group joins, in the
same order."""

from __future__ import annotations

import random

import pytest

from kpdesk.matching.engine.aggregation import _Cluster, _merge
from kpdesk.matching.engine.matcher import Match, NeedInput, NeedResult

KEYS = [f"k{i}" for i in range(24)]
OFFERS = [f"o{i}" for i in range(8)]
WEIGHTS = [0.05, 0.25, 0.5, 1.0, 2.0]  # few values, so equal affinities (ties) occur


def _candidates(seed: int) -> list[_Cluster]:
    """Groups of one to three needs with sparse topic vectors and proposed offers."""
    rng = random.Random(seed)
    vectors: dict[str, dict[str, float]] = {}
    results: dict[str, NeedResult] = {}
    groups: list[list[NeedInput]] = []
    for g in range(rng.randint(1, 60)):
        needs = [NeedInput(ref=f"n{g}.{n}", title="") for n in range(rng.randint(1, 3))]
        for need in needs:
            keys = rng.sample(KEYS[:6], rng.randint(0, 2)) + rng.sample(KEYS, rng.randint(0, 5))
            weight = rng.choice([rng.choice(WEIGHTS), rng.random()])
            vectors[need.ref] = {k: rng.choice([weight, rng.random() * 2]) for k in keys}
            offers = rng.sample(OFFERS, rng.choice([0, 0, 1, 2, 4]))
            results[need.ref] = NeedResult(need.ref, [Match(offer, 1.0) for offer in offers])
        groups.append(needs)
    return [_Cluster(needs, vectors, results) for needs in groups]


def _plain(candidates: list[_Cluster]) -> list[_Cluster]:
    """The search ``_merge`` stands in for: every group so far, the first of equals."""
    merged: list[_Cluster] = []
    for candidate in candidates:
        target = max(merged, key=candidate.affinity, default=None)
        if target is not None and target.affinity(candidate) >= 1.0:
            target.absorb(candidate)
        else:
            merged.append(candidate)
    return merged


@pytest.mark.parametrize("seed", range(200))
def test_the_filtered_search_joins_the_groups_the_plain_search_joins(seed: int) -> None:
    expected = _plain(_candidates(seed))
    found = _merge(_candidates(seed))
    assert [[n.ref for n in c.needs] for c in found] == [[n.ref for n in c.needs] for c in expected]
    assert [c.vector for c in found] == [c.vector for c in expected]
    assert [c.offers for c in found] == [c.offers for c in expected]
