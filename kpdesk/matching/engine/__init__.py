"""Explainable matching of competence needs to course offers (plain Python, no Qt, no database).

- ``text``: Norwegian normalisation, tokens, stop and generic words, stemming.
- ``compounds``: splitting compounds into known parts.
- ``analysis``: texts as weighted topic terms (stems, compound parts, thesaurus concepts).
- ``thesaurus``: the synonym groups, their validation and the bundled default list.
- ``index``: the inverted index over the offers' terms, and which offers are relevant.
- ``fit``: level, format, start, place and seats fit, with their Norwegian sentences.
- ``engine``: ``Matcher``: relevance, ranking and reasons (the policy is in its docstring).
- ``aggregation``: demand groups across employers, and the courses still to order.
"""

from kpdesk.matching.engine.aggregation import DemandGroup, aggregate, courses_to_order
from kpdesk.matching.engine.matcher import Match, Matcher, NeedInput, NeedResult, OfferInput, is_open
from kpdesk.matching.engine.thesaurus import Thesaurus, ThesaurusError, load_default

__all__ = [
    "DemandGroup",
    "Match",
    "Matcher",
    "NeedInput",
    "NeedResult",
    "OfferInput",
    "Thesaurus",
    "ThesaurusError",
    "aggregate",
    "courses_to_order",
    "is_open",
    "load_default",
]
