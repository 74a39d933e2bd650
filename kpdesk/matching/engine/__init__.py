"""Explainable matching of competence needs to course offers (plain Python, no Qt, no database).

- ``text``: Norwegian normalisation, tokens, stop and generic words, stemming.
- ``compounds``: splitting compounds into known parts.
- ``analysis``: texts as weighted topic terms (stems, compound parts, thesaurus concepts).
- ``thesaurus``: the synonym groups, their validation and the bundled default list.
- ``index``: the inverted index over the offers' terms, and which offers are relevant.
- ``fit``: level, format, start, place and seats fit, and the facts behind each.
- ``explain``: those facts as data (``Explanation``), and the one place that writes them as
  bokmål sentences with ✓/!/?, a verdict and the start condition.
- ``matcher``: ``Matcher``: relevance, ranking and explanations (the policy is in its docstring).
- ``aggregation``: demand groups across employers, the courses still to order, and the needs
  already chosen for an offer (``commitments``: they count toward that offer only).
"""

from kpdesk.matching.engine.aggregation import Commitment, DemandGroup, aggregate, commitments, courses_to_order
from kpdesk.matching.engine.explain import Explanation, Fit, Reason, WhyNot, why_not_sentence
from kpdesk.matching.engine.matcher import Match, Matcher, NeedInput, NeedResult, OfferInput, is_open
from kpdesk.matching.engine.thesaurus import Thesaurus, ThesaurusError, load_default

__all__ = [
    "Commitment",
    "DemandGroup",
    "Explanation",
    "Fit",
    "Match",
    "Matcher",
    "NeedInput",
    "NeedResult",
    "OfferInput",
    "Reason",
    "Thesaurus",
    "ThesaurusError",
    "WhyNot",
    "aggregate",
    "commitments",
    "courses_to_order",
    "is_open",
    "load_default",
    "why_not_sentence",
]
