"""The matching engine: which course offers to propose for a competence need, and why.

Plain Python over plain data: the service layer turns database rows into ``NeedInput`` and
``OfferInput``; nothing here touches Qt or the database.

Scoring policy
--------------
1. **Open offers only.** An offer whose end date or application deadline lies before the
   reference date (``as_of``) is never proposed. A deadline on the reference date is still open.

2. **Topic is required.** Texts become weighted topic terms (``analysis``): Norwegian stems,
   compound parts (head 0.6, other pieces 0.5; the only topical piece of a compound 1.0; a
   compound the thesaurus names as a whole, "anleggsgartner", is only its concept, plus that
   one topical piece, as a part when it names another trade: "snekker" in "snekkerfaget") and
   thesaurus concepts;
   stop words and generic words ("kurs", "fagbrev", "ansatte", "kompetanse", …) never count.
   Field weights: need title 1.0, need description 0.6; offer title 1.0, keywords 1.0,
   description 0.5. In a title "<subject> for <audience>", the audience counts 0.5
   ("Personvern for ledere" is about personvern, and shares only its audience with
   "Økonomistyring for daglig leder"), and so do the workers in "<who> som skal bli <what>"
   and the workplace a title ends with ("Tegn til tale i barnehagen": a definite noun after
   "i"/"på" is where the subject is needed, not the subject).
   A term is weighted by an IDF over the offer corpus, normalised to [0, 1]:
   ``ln((N+1)/(df+0.5)) / ln(N+1)``, so a word in most offers says little; N is at least 50,
   so that a handful of offers all on one subject do not make that subject look common.
   For a need–offer pair every shared term adds ``need weight × offer weight × idf`` to the
   *evidence*. An offer is relevant only if
     - at least one shared term is *strong*: it names the need's subject (a whole word or
       compound head of its title, not its audience: "Norskopplæring for helsearbeidere" is not
       about helsearbeiderfaget; only when the title names no subject, its description; when
       the title asks for a formal qualification or names a profession to become, "Fagbrev for
       assistenter på sykehjemmet", also the thesaurus concepts of its description, "… fagbrev
       som helsefagarbeider") and
       belongs to the offer's subject (offer weight ≥ 0.6: its title before any "for", its
       keywords, or a compound head there; not only its description or audience); need weight
       × offer weight ≥ 0.4 (so not a compound part on both sides, such as "fører" in
       "truckfører"/"kranfører"); and it is not the subject of most offers (the IDF counted
       over the offers whose subject it is ≥ 0.2; a word many offers only mention, such as
       "ledere", still counts), and
     - the evidence is at least 0.1, and
     - the evidence is at least 30 % of the best relevant offer's evidence for this need, open
       or closed (offers sharing one side-issue word with the need are not proposed beside the
       ones that are about its subject, nor in their place when those are closed: a need whose
       only offers on its subject are closed is unmet, and ``left_out`` names them).
   A need with no relevant offer gets no matches: it is unmet.

3. **Topic first, then fit.** Score = 0.40 × topic + 0.60 × fit, in [0, 1].
   Topic = ``(1 − exp(−evidence / 0.5)) × focus``. The first factor saturates: offers clearly
   about the subject all score near 1. ``focus`` compares the offer with the best relevant
   offer for the same need: 1 for offers with at least 70 % of its evidence (equally on topic,
   so fit decides between them), falling with the square of the ratio below that, so an offer
   that shares only a side issue ("leder" in "Økonomistyring for daglig leder") cannot pass an
   offer on the subject by fitting better. Fit is the weighted sum of
     - level 0.4009: exact 1, one step apart 0.5 (fagskole/bachelor), further 0; a need without
       a level accepts any; an offer without one 0.5;
     - format 0.1337: one the need accepts (a need with no formats accepts any) 1, else 0;
     - start 0.0446: within [earliest_start, latest_start] 1; outside it 0.3, falling to 0 a year
       away; already started 0.2; no start date 0.5;
     - place 0.0178: online or same municipality 1, same region 0.75, further away 0.3;
     - seats 0.0030: enough seats for the headcount 1, not stated 0.8, too few ≤ 0.5.
   The order is the labelling policy's, and it is lexicographic: between two offers on the same
   subject, the smallest step on one criterion (0.5 in level, format and start, 0.2 in place)
   outweighs every criterion below it together, so a better level wins over a twin that is
   better in format, start, place and seats at once; then format, start, place, seats.
   Ties are broken by offer reference, so the order is deterministic.

4. **Explain.** Each proposal carries an ``Explanation``: the shared topic words and, per factor,
   what was compared and whether it fits (``explain``); ``explain`` turns it into sentences
   ("✓ Er på fagskolenivå, som ønsket.") and a verdict ("Passer delvis: …"). It is gathered when
   ``Match.explanation`` is first read: a regional run ranks hundreds of thousands of need–offer
   pairs, and the coordinator reads the reasons of a few.

5. **Decisions.** Offers the coordinator rejected for a need are never proposed for it; the
   offers accepted for it (``NeedInput.chosen``) travel with its result, so a need with a chosen
   offer is not unmet; aggregation leaves it out of the demand and counts it toward that offer
   only (``aggregation.commitments``).

Speed: an inverted index from term key to the offers holding it is built once per offer set
(``index``); a need only visits the offers that share one of its terms. The topic step depends
only on a need's title and description and is cached by them, and by the terms they share with
the offers. Ranking uses tables of factor values shared between needs, and ranks the needs
that share candidates (a topic, a date) together: one numpy table of needs × candidates.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import NamedTuple

from kpdesk.common.codes import CLOSED_NEED_STATUSES
from kpdesk.common.collector import collector_paused
from kpdesk.matching.engine.analysis import CONCEPT_PREFIX, Analyzer, Term
from kpdesk.matching.engine.explain import (
    Explanation,
    Fit,
    TopicFact,
    WhyNot,
    described,
    misfits_of,
    reasons_of,
    said_condition,
    said_deadline,
    said_topic,
    verdict_and_reasons,
    verdict_of,
)
from kpdesk.matching.engine.fit import (
    MAX_OFFERS,
    ONLINE,
    TIE_BITS,
    UNIT,
    Candidates,
    FitTables,
    NeedFit,
    OfferFacts,
    Wish,
)
from kpdesk.matching.engine.index import MIN_CORPUS, TopicIndex
from kpdesk.matching.engine.thesaurus import Thesaurus, load_default

__all__ = ["MIN_CORPUS", "Match", "Matcher", "NeedInput", "NeedResult", "OfferInput", "is_open", "topic_strength"]

W_TOPIC = 0.40
NEED_TITLE, NEED_DESCRIPTION = 1.0, 0.6
OFFER_TITLE, OFFER_KEYWORDS, OFFER_DESCRIPTION = 1.0, 1.0, 0.5
RELATIVE_FLOOR = 0.3
FOCUS = 0.7
TOPIC_SCALE = 0.5
MAX_MATCHES = 5
MAX_TOPIC_TERMS = 3
SHOWN_SHARE = 0.35
_CACHE_LIMIT = 50_000
PROGRESS_EVERY = 2000  # needs between progress reports (and chances to cancel) in ``match_all``

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while ``match_all`` ranks; it may raise to stop the run."""


@dataclass(frozen=True, slots=True)
class NeedInput:
    """A competence need as the engine needs it. ``formats`` holds FORMATS keys; empty = any."""

    ref: str
    title: str
    description: str = ""
    headcount: int = 1
    level: str | None = None  # LEVELS key; None or "open" = any level
    formats: tuple[str, ...] = ()
    earliest_start: dt.date | None = None
    latest_start: dt.date | None = None
    municipality: str | None = None  # four-digit number: the employer's, the person's or the community's
    employer_name: str = ""  # the owner as printouts may name it: never a person's name («Privatperson P00003»)
    employer_ref: str = ""  # the owner's key: organisation number, person ref, or community (number or region)
    status: str = "new"
    chosen: tuple[str, ...] = ()  # offers the coordinator has accepted for the need: it counts toward them only
    rejected: tuple[str, ...] = ()  # offers the coordinator has rejected for it: never proposed
    owner_kind: str = "employer"  # "employer" | "person" | "community"
    # In demand figures: False for a person whose consent does not cover anonymous statistics (see
    # ``aggregation``: matched like any need, left out of demand groups, commitments and printed counts).
    counted: bool = True


@dataclass(frozen=True, slots=True)
class OfferInput:
    """A course offer as the engine needs it. ``format`` is a FORMATS key, ``level`` a LEVELS key."""

    ref: str
    title: str
    description: str = ""
    keywords: str = ""
    provider: str = ""
    level: str | None = None
    format: str | None = None
    municipality: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    application_deadline: dt.date | None = None
    seats_min: int | None = None
    seats_max: int | None = None
    credits: Decimal | None = None
    credit_system: str | None = None
    price_nok: int | None = None


class Match:
    """One proposed offer for a need: score in [0, 1] and why (``explanation``).

    The explanation is gathered when first read (``reasons``, ``verdict``, ``topic_terms`` read
    it): a regional run ranks hundreds of thousands of need–offer pairs, and the coordinator reads
    the reasons of a few.
    """

    __slots__ = ("_explanation", "_source", "offer_ref", "score")

    def __init__(self, offer_ref: str, score: float, explanation: Explanation | None = None,
                 _source: tuple[Matcher, NeedInput, int, dt.date] | None = None) -> None:
        self.offer_ref = offer_ref
        self.score = score
        self._explanation = explanation
        self._source = _source  # (engine, need, offer index, date) until the explanation is read

    @property
    def explanation(self) -> Explanation | None:
        if self._source is not None:
            matcher, need, index, as_of = self._source
            self._explanation = matcher.explain(need, index, as_of)
            self._source = None
        return self._explanation

    def described(self) -> tuple[str, list[str]]:
        """(verdict, reasons), without keeping the explanation when it was not read before: a whole
        run's JSON reads every proposal's once."""
        if self._source is not None:
            matcher, need, index, as_of = self._source
            return matcher.described(need, index, as_of)
        return described(self._explanation) if self._explanation is not None else ("", [])

    @staticmethod
    def described_together(matches: Sequence[Match]) -> list[tuple[str, list[str]]]:
        """``[m.described() for m in matches]`` for the proposals of one need: worked out together
        when none was read before (the need's context once, no call per proposal to find it)."""
        sources = [m._source for m in matches]
        first = sources[0] if sources else None
        if first is None or not all(s is not None and s[0] is first[0] and s[1] is first[1] and s[3] == first[3]
                                    for s in sources):
            return [m.described() for m in matches]
        matcher, need, _, as_of = first
        return matcher.described_many(need, [s[2] for s in sources if s is not None], as_of)

    @property
    def reasons(self) -> list[str]:
        """One marked sentence per factor: '✓ Er på fagskolenivå, som ønsket.' (``explain.reasons_of``)."""
        found = self.explanation
        return [str(r) for r in reasons_of(found)] if found is not None else []

    @property
    def verdict(self) -> str:
        """'Passer godt', 'Passer delvis: …' (``explain.verdict_of``); '' without an explanation."""
        found = self.explanation
        return verdict_of(found) if found is not None else ""

    @property
    def topic_terms(self) -> list[str]:
        found = self.explanation
        return list(found.topic.terms) if found is not None else []

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Match):
            return NotImplemented
        return (self.offer_ref, self.score, self.explanation) == (other.offer_ref, other.score, other.explanation)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Match({self.offer_ref!r}, score={self.score}, verdict={self.verdict!r})"


@dataclass(frozen=True)
class NeedResult:
    """The proposals for one need, best first, and the offers chosen for it.

    A need with neither is unmet: a course to order.
    """

    need_ref: str
    matches: list[Match] = field(default_factory=lambda: list[Match]())
    chosen: tuple[str, ...] = ()  # offers the coordinator has accepted for the need

    @property
    def unmet(self) -> bool:
        return not self.matches and not self.chosen

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


class _Relevance:
    """The relevant offers for one set of shared terms, most evidence first, and their ranking groups.

    Relevance depends only on the terms a need shares with the offers (the signature), so needs
    worded differently but sharing the same terms share this work.
    """

    __slots__ = ("_best", "_evidence", "by_date", "candidates")

    def __init__(self, candidates: tuple[tuple[int, float], ...]) -> None:
        self.candidates = candidates
        self.by_date: dict[dt.date, Candidates | None] = {}  # the open ones on a date, ready to rank
        self._evidence: dict[int, float] | None = None
        self._best: dict[dt.date, float] = {}

    def best_open(self, as_of: dt.date, mask: Sequence[bool]) -> float:
        """The evidence of the best offer open on ``as_of`` (``mask``: which are), 0 if none."""
        best = self._best.get(as_of)
        if best is None:
            best = self._best[as_of] = next((e for i, e in self.candidates if mask[i]), 0.0)
        return best

    @property
    def evidence(self) -> dict[int, float]:
        """Offer index → evidence, most first (for explaining: built when first asked)."""
        if self._evidence is None:
            self._evidence = dict(self.candidates)
        return self._evidence


class _NeedContext(NamedTuple):
    """What explaining any offer for one need on one date starts from, worked out once."""

    need: NeedInput
    as_of: dt.date
    text: tuple[str, str]  # title, description
    fit: NeedFit
    terms: Mapping[str, Term]
    subject: frozenset[str]
    evidence: Mapping[int, float]  # offer index → topic evidence
    focus_from: float  # the evidence that counts as being as much about the subject as the best offer


@cache
def _reference_names() -> dict[str, str]:
    from kpdesk.common.reference import municipalities

    return {m.number: m.name for m in municipalities()}


def need_formats(value: Iterable[str] | str | None) -> frozenset[str]:
    """FORMATS keys from a tuple or from the comma-separated form the database stores."""
    if not value:
        return frozenset()
    if isinstance(value, tuple):
        return _format_set(value)  # a NeedInput's: a few distinct tuples among thousands of needs
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(item.strip() for item in items if item and item.strip())


@lru_cache(maxsize=256)
def _format_set(value: tuple[str, ...]) -> frozenset[str]:
    return frozenset(item.strip() for item in value if item and item.strip())


class Matcher:
    """Matches needs against one set of offers; build it again when the offers change."""

    def __init__(self, offers: Sequence[OfferInput], thesaurus: Thesaurus | None = None,
                 regions: Mapping[str, Iterable[str]] | None = None, *, vocabulary_texts: Iterable[str] = (),
                 municipality_names: Mapping[str, str] | None = None, max_matches: int = MAX_MATCHES) -> None:
        """``regions``: municipality number → names of the regions it belongs to.

        ``vocabulary_texts``: more texts whose words the compound splitter should know, such as
        the open needs' titles and descriptions (offer and thesaurus words are always known).
        ``municipality_names``: number → name for the reasons; by default kpdesk's reference list.
        """
        self.thesaurus = thesaurus if thesaurus is not None else load_default()
        self.regions = {m: frozenset(names) for m, names in (regions or {}).items()}
        self.max_matches = max(1, max_matches)
        self._names = municipality_names
        self._offers = list(offers)
        self._refs = [o.ref for o in self._offers]
        self._index_of = {ref: i for i, ref in enumerate(self._refs)}
        if len(self._refs) > MAX_OFFERS:
            raise ValueError(f"Kan ikke matche mot flere enn {MAX_OFFERS} kurstilbud om gangen.")
        tie = [0] * len(self._refs)  # tie rank: the lower reference ranks higher, so it wins a tie
        for position, i in enumerate(sorted(range(len(self._refs)), key=self._refs.__getitem__)):
            tie[i] = len(self._refs) - 1 - position
        texts = [t for o in self._offers for t in (o.title, o.description, o.keywords)]
        self.analyzer = Analyzer([*texts, *vocabulary_texts], self.thesaurus.groups)
        self._fields: dict[tuple[str, float, bool], dict[str, Term]] = {}
        self._need_terms: dict[tuple[str, str], dict[str, Term]] = {}
        self._offer_terms = [self._terms_of_offer(o) for o in self._offers]
        self.index = TopicIndex(self._offer_terms)
        none = frozenset[str]()
        self.facts = OfferFacts(
            level=[o.level for o in self._offers],
            format=[o.format for o in self._offers],
            online=[o.format == "online" for o in self._offers],
            place=[o.municipality for o in self._offers],
            regions=[self.regions.get(o.municipality or "", none) for o in self._offers],
            start=[o.start_date for o in self._offers],
            start_day=[o.start_date.toordinal() if o.start_date else None for o in self._offers],
            seats_max=[o.seats_max for o in self._offers],
            place_key=[ONLINE if o.format == "online" else (o.municipality or "") for o in self._offers],
            tie=tie,
        )
        self._tables = FitTables(self.facts, self.regions)
        self._topics: dict[tuple[str, str], _Relevance] = {}  # (title, description) → relevance
        self._relevance: dict[frozenset[tuple[str, float, bool]], _Relevance] = {}
        self._open: dict[dt.date, list[bool]] = {}
        self._shared: dict[tuple[tuple[str, str], frozenset[tuple[str, float]]], tuple[str, ...]] = {}  # → words
        # Offers whose terms weigh the same share any need's words: the shared words per need text and
        # profile (``_profiles``, made when first explaining).
        self._profile: list[int] = []
        self._shared_by_profile: dict[tuple[tuple[str, str], int], tuple[str, ...]] = {}
        self._subjects: dict[tuple[str, str], frozenset[str]] = {}
        self._last_context: _NeedContext | None = None

    @property
    def names(self) -> Mapping[str, str]:
        return self._names if self._names is not None else _reference_names()

    def _terms_of_offer(self, offer: OfferInput) -> dict[str, Term]:
        fields = [self._field_terms(offer.description, OFFER_DESCRIPTION, False),
                  *(self._field_terms(keyword, OFFER_KEYWORDS, False) for keyword in offer.keywords.split(",")),
                  self._field_terms(offer.title, OFFER_TITLE, True)]
        return _merged(fields)

    # ------------------------------------------------------------ topic

    def need_terms(self, need: NeedInput) -> dict[str, Term]:
        """The weighted topic terms of a need (title and description), cached by the two texts:
        needs with the same texts get the same dict, which callers must not change."""
        key = (need.title, need.description)
        cached = self._need_terms.get(key)
        if cached is None:
            cached = _merged([self._field_terms(need.description, NEED_DESCRIPTION, False),
                              self._field_terms(need.title, NEED_TITLE, True)])
            if len(self._need_terms) >= _CACHE_LIMIT:
                self._need_terms.clear()
            self._need_terms[key] = cached
        return cached

    def subject_keys(self, need: NeedInput) -> frozenset[str]:
        """The keys that name a need's subject: its title's, or its description's if the title names none.

        "Kompetanse i guiding og opplevelsesturisme" is about guiding even when its description
        also mentions "sikkerhet"; "Kompetanseheving for ansatte" names no subject, so its
        description does. A title that asks for a formal qualification ("Fagbrev for assistenter på
        sykehjemmet", "Arkivleder trenger formell kompetanse") names the trade or field by the
        workers' job or place, if at all; there the trades, professions and fields that the
        description names with thesaurus words ("… fagbrev som helsefagarbeider") name the
        subject too. Only thesaurus concepts: any other word of the description ("produksjon")
        would make neighbouring trades look like the subject.
        """
        key = (need.title, need.description)
        found = self._subjects.get(key)
        if found is None:
            title = self._field_terms(need.title, NEED_TITLE, True)
            named = frozenset(k for k, t in title.items() if t.weight >= NEED_DESCRIPTION)
            description = self._field_terms(need.description, NEED_DESCRIPTION, False)
            if not named:
                found = frozenset(description)
            elif self.analyzer.asks_for_qualification(need.title):
                found = named | frozenset(k for k in description if k.startswith(CONCEPT_PREFIX))
            else:
                found = named
            if len(self._subjects) >= _CACHE_LIMIT:
                self._subjects.clear()
            self._subjects[key] = found
        return found

    def title_terms(self, need: NeedInput) -> dict[str, Term]:
        """The weighted topic terms of a need's title alone."""
        return self._field_terms(need.title, NEED_TITLE, True)

    def _field_terms(self, text: str, weight: float, title: bool) -> dict[str, Term]:
        """The terms of one title, description or keyword at a field weight, cached: many needs
        share a title, many offers a description. Callers must not change the result."""
        cached = self._fields.get((text, weight, title))
        if cached is None:
            cached = self.analyzer.title_terms(text, weight) if title else self.analyzer.terms(text, weight)
            if len(self._fields) >= _CACHE_LIMIT:
                self._fields.clear()
            self._fields[(text, weight, title)] = cached
        return cached

    def _relevance_of(self, need: NeedInput) -> _Relevance:
        """The relevant offers for a need's text, cached by the text and by the shared terms."""
        key = (need.title, need.description)
        cached = self._topics.get(key)
        if cached is None:
            terms = self.need_terms(need)
            subject = self.subject_keys(need)
            idf = self.index.idf
            signature = frozenset((k, t.weight, k in subject) for k, t in terms.items() if k in idf)
            relevance = self._relevance.get(signature)
            if relevance is None:
                relevance = _Relevance(self.index.relevant(terms, subject))
                if len(self._relevance) >= _CACHE_LIMIT:
                    self._relevance.clear()
                self._relevance[signature] = relevance
            cached = relevance
            if len(self._topics) >= _CACHE_LIMIT:
                self._topics.clear()
            self._topics[key] = cached
        return cached

    def _candidates(self, relevance: _Relevance, as_of: dt.date) -> Candidates | None:
        """The open relevant offers above the relative floor (30 % of the best relevant offer's
        evidence, closed ones included) with their topic parts; None if none."""
        if as_of in relevance.by_date:
            return relevance.by_date[as_of]
        mask = self._open_mask(as_of)
        found = [(i, e) for i, e in relevance.candidates if mask[i]]  # most evidence first
        if found:
            floor = relevance.candidates[0][1] * RELATIVE_FLOOR  # the best relevant offer, open or closed
            if found[-1][1] < floor:
                found = found[:bisect_left(found, -floor, key=_minus_evidence)]
        result: Candidates | None = None
        if found:
            top = found[0][1]
            index: tuple[int, ...]
            evidence: tuple[float, ...]
            index, evidence = zip(*found, strict=True)
            tie = self.facts.tie
            result = self._tables.candidates(
                index, [t << TIE_BITS | tie[i] for t, i in zip(topic_units(evidence, top), index, strict=True)])
        relevance.by_date[as_of] = result
        return result

    def _open_mask(self, as_of: dt.date) -> list[bool]:
        mask = self._open.get(as_of)
        if mask is None:
            mask = self._open[as_of] = [is_open(o, as_of) for o in self._offers]
        return mask

    # ------------------------------------------------------------ matching

    def match_need(self, need: NeedInput, as_of: dt.date) -> NeedResult:
        """The proposals for one need on the reference date ``as_of``, best first (any status).

        Offers the coordinator has rejected for the need are never proposed for it.
        """
        return self._match([need], as_of)[0]

    def match_all(self, needs: Iterable[NeedInput], as_of: dt.date, progress: Progress | None = None,
                  every: int = PROGRESS_EVERY) -> list[NeedResult]:
        """Proposals for every open need (closed and rejected needs are left out), in input order
        (with the cycle collector paused: ``collector``).

        ``progress(done, total)`` is called after every ``every`` needs or so (between the groups of
        needs ranked together) and once at the end; it may raise to stop the run."""
        with collector_paused():
            return self._match([need for need in needs if need.status not in CLOSED_NEED_STATUSES], as_of,
                               progress, every)

    def _match(self, needs: Sequence[NeedInput], as_of: dt.date, progress: Progress | None = None,
               every: int = PROGRESS_EVERY) -> list[NeedResult]:
        """The proposals for each need: needs with the same candidates are ranked together."""
        results: list[NeedResult | None] = [None] * len(needs)
        batches: dict[int, tuple[Candidates, list[int]]] = {}
        done = 0
        for position, need in enumerate(needs):
            candidates = self._candidates(self._relevance_of(need), as_of)
            if candidates is None:
                results[position] = NeedResult(need.ref, [], need.chosen)
                done += 1
            else:
                batches.setdefault(id(candidates), (candidates, []))[1].append(position)
        refs, keep, reported = self._refs, self.max_matches, 0
        for candidates, positions in batches.values():
            batch = [needs[p] for p in positions]
            wishes = [Wish(n.level, need_formats(n.formats), n.earliest_start, n.latest_start, n.municipality,
                           n.headcount) for n in batch]
            ranked = self._tables.rank(candidates, wishes, as_of, keep + max(len(n.rejected) for n in batch))
            for position, need, (scores, offers) in zip(positions, batch, ranked, strict=True):
                if need.rejected:
                    kept = [(score, i) for score, i in zip(scores, offers, strict=True) if refs[i] not in need.rejected]
                    scores, offers = [score for score, _ in kept], [i for _, i in kept]
                results[position] = NeedResult(
                    need.ref, [Match(refs[i], score, None, (self, need, i, as_of))
                               for score, i in zip(scores[:keep], offers[:keep], strict=True)], need.chosen)
            done += len(batch)
            if progress is not None and done - reported >= every:
                progress(done, len(needs))
                reported = done
        if progress is not None and reported < len(needs):
            progress(len(needs), len(needs))
        return results  # type: ignore[return-value]  # every position is filled above

    def _fit(self, need: NeedInput, as_of: dt.date) -> NeedFit:
        return NeedFit(need.level, need_formats(need.formats), need.earliest_start, need.latest_start,
                       need.municipality, need.headcount, self._tables, as_of)

    def _context(self, need: NeedInput, as_of: dt.date) -> _NeedContext:
        context = self._last_context  # a need's proposals are explained one after another: one context
        if context is None or context.need is not need or context.as_of != as_of:
            relevance = self._relevance_of(need)
            context = self._last_context = _NeedContext(
                need, as_of, (need.title, need.description), self._fit(need, as_of), self.need_terms(need),
                self.subject_keys(need), relevance.evidence,
                FOCUS * relevance.best_open(as_of, self._open_mask(as_of)))
        return context

    def described(self, need: NeedInput, i: int, as_of: dt.date) -> tuple[str, list[str]]:
        """``explain.described(self.explain(need, i, as_of))``: the verdict and the reasons as text,
        from what each factor's fact says, remembered per need side and offer value (a whole run's
        JSON says some 70 000 proposals)."""
        return self.described_many(need, (i,), as_of)[0]

    def described_many(self, need: NeedInput, indexes: Iterable[int], as_of: dt.date) -> list[tuple[str, list[str]]]:
        """``described`` for several offers (by index) of one need."""
        context = self._context(need, as_of)
        said, names, offers, headcount, topic_fact = context.fit.said, self.names, self._offers, need.headcount, \
            self._topic_fact
        found: list[tuple[str, list[str]]] = []
        for i in indexes:
            level, fmt, start, place, seats, far = said(i, names)
            offer = offers[i]
            found.append(verdict_and_reasons((said_topic(topic_fact(context, i)), level, fmt, start, place, seats), far,
                                             said_condition(offer.seats_min, headcount),
                                             said_deadline(offer.application_deadline, as_of)))
        return found

    def explain(self, need: NeedInput, i: int, as_of: dt.date) -> Explanation:
        """What was compared for offer number ``i`` and ``need``, factor by factor (``explain``)."""
        context = self._context(need, as_of)
        _, facts = context.fit.explain(i, self.names)
        offer = self._offers[i]
        return Explanation(self._topic_fact(context, i), facts.level, facts.format, facts.start, facts.place,
                           facts.seats, offer.seats_min, offer.application_deadline)

    def explain_offer(self, need: NeedInput, offer_ref: str, as_of: dt.date) -> Explanation | None:
        """The explanation for any offer, proposed or not (an offer the coordinator chose); None if unknown."""
        i = self._index_of.get(offer_ref)
        return self.explain(need, i, as_of) if i is not None else None

    def _topic_fact(self, context: _NeedContext, i: int) -> TopicFact:
        """The shared words, and whether the offer is as much about them as the best open offer
        (the same for every need with the need's text, on one date)."""
        evidence = context.evidence.get(i, 0.0)
        return TopicFact(Fit.YES if evidence > 0.0 and evidence >= context.focus_from else Fit.NO,
                         self._shared_words(context, i))

    def _shared_words(self, context: _NeedContext, i: int) -> tuple[str, ...]:
        """``shared_terms`` of the need and offer ``i``, remembered per need text and offer profile."""
        if not self._profile:
            self._profile = _profiles(self._offer_terms)
        by_profile = (context.text, self._profile[i])
        shared = self._shared_by_profile.get(by_profile)
        if shared is not None:
            return shared
        need_terms, offer_terms = context.terms, self._offer_terms[i]
        # The shared words depend on the need's text and the weights of the offer's terms it shares:
        # offers on one subject often share the same ones.
        key = (context.text, frozenset((k, offer_terms[k].weight) for k in need_terms.keys() & offer_terms.keys()))
        shared = self._shared.get(key)
        if shared is None:
            shared = tuple(self.shared_terms(need_terms, offer_terms, context.subject))
            if len(self._shared) >= _CACHE_LIMIT:
                self._shared.clear()
            self._shared[key] = shared
        if len(self._shared_by_profile) >= _CACHE_LIMIT:
            self._shared_by_profile.clear()
        self._shared_by_profile[by_profile] = shared
        return shared

    def left_out(self, need: NeedInput, as_of: dt.date, limit: int = 3) -> list[WhyNot]:
        """The offers about the need's subject that are closed on ``as_of`` (deadline passed or
        ended), most on the subject first: why a need without proposals has none."""
        candidates = self._relevance_of(need).candidates
        if not candidates:
            return []
        floor = candidates[0][1] * RELATIVE_FLOOR
        mask = self._open_mask(as_of)
        found: list[WhyNot] = []
        for i, evidence in candidates:
            if len(found) == limit or evidence < floor:
                break
            if not mask[i]:
                found.append(self._closed(self._offers[i], as_of))
        return found

    def why_not(self, need: NeedInput, offer_ref: str, as_of: dt.date) -> WhyNot | None:
        """Why the offer ``offer_ref`` is not proposed for ``need`` on ``as_of`` (or ranked lower),
        by the first rule that kept it out: rejected, no shared subject, ended, deadline passed, the
        subject only in passing, or proposals that fit better. None for an unknown offer."""
        i = self._index_of.get(offer_ref)
        if i is None:
            return None
        offer = self._offers[i]
        if offer_ref in need.rejected:
            return WhyNot("rejected", offer.ref, offer.title, offer.provider)
        relevance = self._relevance_of(need)
        evidence = relevance.evidence.get(i, 0.0)
        shared = tuple(self.shared_terms(self.need_terms(need), self._offer_terms[i], self.subject_keys(need)))
        if not shared:  # about something else: that it has also closed is beside the point
            return WhyNot("topic", offer.ref, offer.title, offer.provider)
        if not is_open(offer, as_of):
            return self._closed(offer, as_of)
        best = relevance.candidates[0][1] if relevance.candidates else 0.0  # open or closed, as in ranking
        if evidence <= 0.0 or evidence < RELATIVE_FLOOR * best:
            return WhyNot("passing", offer.ref, offer.title, offer.provider, terms=shared)
        explanation = self.explain(need, i, as_of)
        terms = explanation.topic.terms
        proposed = [m.offer_ref for m in self.match_need(need, as_of).matches]
        if offer_ref in proposed:
            return WhyNot("proposed", offer.ref, offer.title, offer.provider, terms=terms,
                          rank=proposed.index(offer_ref) + 1)
        return WhyNot("ranked", offer.ref, offer.title, offer.provider, terms=terms,
                      misfits=tuple(misfits_of(explanation)))

    @staticmethod
    def _closed(offer: OfferInput, as_of: dt.date) -> WhyNot:
        """Why a closed offer cannot be proposed: it has ended, or its deadline has passed."""
        if offer.end_date is not None and offer.end_date < as_of:
            return WhyNot("ended", offer.ref, offer.title, offer.provider, offer.end_date)
        return WhyNot("deadline", offer.ref, offer.title, offer.provider, offer.application_deadline)

    def shared_terms(self, need_terms: Mapping[str, Term], offer_terms: Mapping[str, Term],
                     subject: frozenset[str] = frozenset()) -> list[str]:
        """The shared topic words as a reader should see them: one per term, the need's own word
        in its base form ("sykehjem", not "sykehjemmet"), the need's subject first, then by weight.

        At most ``MAX_TOPIC_TERMS``, and only terms that weigh at least ``SHOWN_SHARE`` of the
        strongest (not "livets" beside "palliasjon"); a word inside a shown phrase or the start of
        another shown word is left out ("behandling" beside "lindrende behandling", "digital"
        beside "digitalisering").
        """
        idf = self.index.idf
        weight = {k: term.weight * offer_terms[k].weight * idf[k]  # a need has few terms: look them up
                  for k, term in need_terms.items() if k in offer_terms and k in idf}
        if len(weight) <= 1:
            return [self.analyzer.base_form(need_terms[k].surface) for k in weight]
        least = SHOWN_SHARE * max(weight.values())
        ranked = sorted((k for k, w in weight.items() if w >= least), key=lambda k: (k not in subject, -weight[k], k))
        surfaces = [self.analyzer.base_form(need_terms[k].surface) for k in ranked[:2 * MAX_TOPIC_TERMS]]
        phrases = [set(s.casefold().split()) for s in surfaces if " " in s]
        shown: list[str] = []
        folded_shown: list[str] = []
        for surface in surfaces:
            folded = surface.casefold()
            if any(p > {folded} for p in phrases) or any(f.startswith(folded) or folded.startswith(f)
                                                          for f in folded_shown):
                continue  # a word of a shown phrase, the same word again, or one of its family
            shown.append(surface)
            folded_shown.append(folded)
            if len(shown) == MAX_TOPIC_TERMS:
                break
        return shown


def _merged(fields: Iterable[Mapping[str, Term]]) -> dict[str, Term]:
    """Terms of several fields in one: the heaviest of each key, the first of equal weights."""
    terms: dict[str, Term] = {}
    for field_terms in fields:
        for key, term in field_terms.items():
            current = terms.get(key)
            if current is None or term.weight > current.weight:
                terms[key] = term
    return terms


def _profiles(offer_terms: Sequence[Mapping[str, Term]]) -> list[int]:
    """Each offer's term profile: offers whose terms and weights are the same get one number."""
    profiles: dict[frozenset[tuple[str, float]], int] = {}
    return [profiles.setdefault(frozenset((k, t.weight) for k, t in terms.items()), len(profiles))
            for terms in offer_terms]


def _minus_evidence(item: tuple[int, float]) -> float:
    return -item[1]


def topic_strength(evidence: float, best: float) -> float:
    """Topic score in [0, 1): saturating in the evidence, scaled down when far below the best offer's."""
    ratio = evidence / best if best > 0 else 0.0
    focus = 1.0 if ratio >= FOCUS else (ratio / FOCUS) ** 2
    return (1.0 - math.exp(-evidence / TOPIC_SCALE)) * focus


def topic_units(evidence: Iterable[float], best: float) -> list[int]:
    """``units(W_TOPIC × topic_strength(e, best))`` for many evidences (inlined: called per candidate)."""
    scale, exp, focus_from = W_TOPIC * UNIT, math.exp, FOCUS * best
    return [round(scale * (1.0 - exp(-e / TOPIC_SCALE)) * (1.0 if e >= focus_from else (e / focus_from) ** 2))
            for e in evidence]


def is_open(offer: OfferInput, as_of: dt.date) -> bool:
    """Whether ``offer`` can still be proposed on ``as_of``: not ended, deadline not passed."""
    if offer.end_date is not None and offer.end_date < as_of:
        return False
    return not (offer.application_deadline is not None and offer.application_deadline < as_of)
