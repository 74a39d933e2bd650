"""One matching run over the whole database: every open need against every open offer, the
demand groups, and the needs already chosen for an offer (commitments). Shared by ``kpdesk match``,
the GUI's Matching and Samordning pages and the reports.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, partial
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # json.dumps(str, ensure_ascii=False)
from typing import Any, TextIO

from sqlalchemy.orm import Session

from kpdesk.common.codes import LEVELS
from kpdesk.common.collector import collector_paused
from kpdesk.common.errors import UserError
from kpdesk.matching.engine.aggregation import Commitment, DemandGroup, aggregate, commitments, owners_by_kind
from kpdesk.matching.engine.explain import why_not_sentence
from kpdesk.matching.engine.matcher import Match, Matcher, NeedInput, NeedResult, OfferInput, Progress
from kpdesk.matching.persistence import load_inputs

Checkpoint = Progress
"""Called as ``checkpoint(done, total)`` during a run (every ``matcher.PROGRESS_EVERY`` needs or so);
it may raise to cancel the run."""


def in_scope(need: NeedInput, municipalities: Collection[str], regions: Collection[str] = ()) -> bool:
    """Whether a need belongs to a handout for these municipalities (all when none) or regions: its
    municipality is one of them, or it is one of the regions' own community needs."""
    if not municipalities or need.municipality in municipalities:
        return True
    return need.municipality is None and need.owner_kind == "community" and need.employer_ref in regions


@dataclass(frozen=True)
class MatchingRun:
    as_of: dt.date
    needs: list[NeedInput]  # the open needs, in ref order
    offers: list[OfferInput]
    results: list[NeedResult]  # one per open need, in the same order
    groups: list[DemandGroup]  # the demand: open needs no offer has been chosen for
    matcher: Matcher
    commitments: list[Commitment]  # the open needs with a chosen offer, per offer: they count toward it only

    @cached_property
    def _by_ref(self) -> tuple[dict[str, NeedResult], dict[str, OfferInput], dict[str, NeedInput]]:
        return ({r.need_ref: r for r in self.results}, {o.ref: o for o in self.offers},
                {n.ref: n for n in self.needs})

    def counts(self) -> tuple[int, int]:
        """(open needs, of them without a proposal or a chosen offer) as the Matching page and
        ``kpdesk match`` say them: figures, so a person whose consent does not cover statistics
        is not counted (``NeedInput.counted``), though their need is matched and listed."""
        counted = [r for n, r in zip(self.needs, self.results, strict=True) if n.counted]
        return len(counted), sum(1 for r in counted if r.unmet)

    def result_for(self, need_ref: str) -> NeedResult | None:
        return self._by_ref[0].get(need_ref)

    def offer(self, ref: str) -> OfferInput | None:
        return self._by_ref[1].get(ref)

    def need(self, ref: str) -> NeedInput | None:
        return self._by_ref[2].get(ref)

    def scoped(self, municipalities: Collection[str], regions: Collection[str] = ()
               ) -> tuple[list[NeedInput], list[DemandGroup], list[Commitment]]:
        """The open needs of some municipalities (all when none), and the own needs of the ``regions``
        as communities, their demand groups and commitments, aggregated afresh with this run's engine
        (what a handout for those municipalities or that region shows)."""
        if not municipalities:
            return self.needs, self.groups, self.commitments
        needs = [n for n in self.needs if in_scope(n, municipalities, regions)]
        by_ref = {r.need_ref: r for r in self.results}
        results = [by_ref[n.ref] for n in needs if n.ref in by_ref]
        groups = aggregate(needs, results, self.offers, self.matcher.regions, matcher=self.matcher)
        return needs, groups, commitments(needs, self.offers)

    def find_offer(self, text: str) -> OfferInput:
        """The offer a coordinator named: its reference ("T0017", any case), a picker line
        ("T0017 Tittel – Tilbyder") or a unique part of its title; UserError otherwise."""
        typed = text.strip()
        if not typed:
            raise UserError("Skriv referansen eller navnet på tilbudet, for eksempel T0017.")
        by_ref = {o.ref.casefold(): o for o in self.offers}
        found = by_ref.get(typed.casefold()) or by_ref.get(typed.split(" ", 1)[0].casefold())
        if found is not None:
            return found
        matches = [o for o in self.offers if typed.casefold() in o.title.casefold()]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise UserError(f"Fant ikke tilbudet «{typed}». Skriv referansen, for eksempel T0017.")
        raise UserError(f"«{typed}» passer {len(matches)} tilbud; skriv referansen, for eksempel {matches[0].ref}.")

    def why_not(self, need_ref: str, offer_text: str) -> str:
        """Why the offer named by ``offer_text`` is not proposed for the need (or is ranked lower),
        in one sentence (``explain.why_not_sentence``); UserError for an unknown need or offer."""
        need = self.need(need_ref)
        if need is None:
            raise UserError(f"Behovet {need_ref} er ikke med i matchingen (det er lukket eller nytt); "
                            "kjør matchingen på nytt.")
        why = self.matcher.why_not(need, self.find_offer(offer_text).ref, self.as_of)
        assert why is not None  # the offer is one of this run's
        return why_not_sentence(why)

    def left_out(self, need_ref: str) -> list[str]:
        """For a need without proposals: why the nearest offers on its subject were left out."""
        need = self.need(need_ref)
        return [why_not_sentence(w) for w in self.matcher.left_out(need, self.as_of)] if need is not None else []

    def to_json(self) -> dict[str, Any]:
        """The document ``kpdesk match --json`` prints, as one dict (``write_json`` streams it)."""
        return {"as_of": self.as_of.isoformat(), "needs": list(self._json_needs()),
                "groups": list(self._json_groups()), "commitments": list(self._json_commitments())}

    def _json_groups(self) -> Iterator[dict[str, Any]]:
        for g in self.groups:
            yield _group_json(g, [self._by_ref[2][ref] for ref in g.need_refs])

    def _json_commitments(self) -> Iterator[dict[str, Any]]:
        for c in self.commitments:
            yield _commitment_json(c, [self._by_ref[2][ref] for ref in c.need_refs])

    def write_json(self, out: TextIO) -> None:
        """``to_json`` written to ``out`` one need, group or commitment per line, as it is made:
        a regional run explains some 70 000 proposals, and holding them all at once (as objects,
        then as one string) would take hundreds of megabytes. A need's line is written as
        ``json.dumps(need, ensure_ascii=False)`` would write it, from text encoded once each
        (``_NeedLines``): the verdicts and sentences recur by the thousand."""
        dumps = partial(json.dumps, ensure_ascii=False)
        sections = (("needs", _NeedLines(self).lines()), ("groups", map(dumps, self._json_groups())),
                    ("commitments", map(dumps, self._json_commitments())))
        out.write(f'{{"as_of": {json.dumps(self.as_of.isoformat())}')
        for name, lines in sections:
            out.write(f',\n"{name}": [')
            for n, line in enumerate(lines):
                out.write(("," if n else "") + "\n  " + line)
            out.write("\n]")
        out.write("}\n")

    def _json_needs(self) -> Iterator[dict[str, Any]]:
        with collector_paused():
            for r in self.results:
                matches = [{"offer": m.offer_ref, "score": round(m.score, 2), "verdict": verdict, "reasons": reasons}
                           for m, (verdict, reasons) in zip(r.matches, Match.described_together(r.matches),
                                                           strict=True)]
                yield {"ref": r.need_ref, "chosen": list(r.chosen), "matches": matches,
                       **({"left_out": self.left_out(r.need_ref)} if r.unmet else {})}


class _Encoded(dict[str, str]):
    """Text → its JSON string (``json.dumps(text, ensure_ascii=False)``), each encoded once."""

    def __missing__(self, text: str) -> str:
        found = self[text] = encode_basestring(text)
        return found


class _Scores(dict[float, str]):
    """Score → the number ``json.dumps`` writes for ``round(score, 2)``."""

    def __missing__(self, score: float) -> str:
        found = self[score] = repr(round(score, 2))
        return found


class _NeedLines:
    """The ``needs`` of ``MatchingRun.to_json`` as JSON lines, byte for byte what ``json.dumps(…,
    ensure_ascii=False)`` makes of each (its separators ", " and ": ", a float's ``repr``), with
    every string encoded once and a need's proposals described together (``Match.described_together``)."""

    def __init__(self, run: MatchingRun) -> None:
        self.run = run

    def lines(self) -> Iterator[str]:
        text, scores = _Encoded(), _Scores()
        texts = partial(map, text.__getitem__)
        with collector_paused():
            for r in self.run.results:
                matches = [f'{{"offer": {text[m.offer_ref]}, "score": {scores[m.score]}, '
                           f'"verdict": {text[verdict]}, "reasons": [{", ".join(texts(reasons))}]}}'
                           for m, (verdict, reasons) in zip(r.matches, Match.described_together(r.matches),
                                                           strict=True)]
                left_out = f', "left_out": [{", ".join(texts(self.run.left_out(r.need_ref)))}]' if r.unmet else ""
                yield (f'{{"ref": {text[r.need_ref]}, "chosen": [{", ".join(texts(r.chosen))}], '
                       f'"matches": [{", ".join(matches)}]{left_out}}}')


def _owners_json(needs: Iterable[NeedInput]) -> dict[str, list[str]]:
    """The owners apart: ``employers`` (only employers), ``persons`` («Privatperson P0003», never a
    name) and ``communities``, each in Norwegian order."""
    owners = owners_by_kind(needs)
    return {"employers": list(owners["employer"]), "persons": list(owners["person"]),
            "communities": list(owners["community"])}


def _group_json(g: DemandGroup, needs: list[NeedInput]) -> dict[str, Any]:
    return {"topic": g.topic, "level": g.level, "region": g.region, "headcount": g.headcount,
            "needs": list(g.need_refs), **_owners_json(needs), "offer": g.offer_ref,
            "seats_min": g.seats_min, "seats_max": g.seats_max, "seats": g.seats_text, "committed": g.committed,
            "contributors": {"employers": g.contributors.employers, "employees": g.contributors.employees,
                             "individuals": g.contributors.individuals, "communities": g.contributors.communities,
                             "community_headcount": g.contributors.community_headcount}}


def _commitment_json(c: Commitment, needs: list[NeedInput]) -> dict[str, Any]:
    return {"offer": c.offer_ref, "needs": list(c.need_refs), **_owners_json(needs),
            "headcount": c.headcount, "seats_min": c.seats_min}


def run_matching(session: Session, as_of: dt.date, checkpoint: Checkpoint | None = None) -> MatchingRun:
    """Match every open need; ``checkpoint`` reports progress and may cancel by raising."""
    with collector_paused():
        inputs = load_inputs(session)
        return match_inputs(inputs.needs, inputs.offers, inputs.regions, inputs.matcher(), as_of, checkpoint)


def match_inputs(needs: list[NeedInput], offers: list[OfferInput], regions: dict[str, set[str]], matcher: Matcher,
                 as_of: dt.date, checkpoint: Checkpoint | None = None) -> MatchingRun:
    """The run on inputs already loaded (plain data: safe on a worker thread), with the cycle
    collector paused (``collector``)."""
    with collector_paused():
        return _match_inputs(needs, offers, regions, matcher, as_of, checkpoint)


def _match_inputs(needs: list[NeedInput], offers: list[OfferInput], regions: dict[str, set[str]], matcher: Matcher,
                  as_of: dt.date, checkpoint: Checkpoint | None) -> MatchingRun:
    ordered = sorted(needs, key=lambda n: n.ref)
    results = matcher.match_all(ordered, as_of, checkpoint)
    groups = aggregate(ordered, results, offers, regions, matcher=matcher)
    open_refs = {r.need_ref for r in results}
    open_needs = [n for n in ordered if n.ref in open_refs]
    return MatchingRun(as_of, open_needs, offers, results, groups, matcher, commitments(open_needs, offers))


def level_label(key: str | None) -> str:
    return LEVELS.label(key) if key else "alle nivåer"
