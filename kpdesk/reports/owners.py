"""How the reports word who stands behind a figure: employers, private persons and communities.

One wording for every report: «4 arbeidsgivere og 3 privatpersoner» where the kinds may be told
apart, «7 til sammen» (or, in a sentence, «i alt 7 arbeidsgivere, privatpersoner og lokalsamfunn»)
where they may not, and ``:`` where the number is hidden. Which of them a figure may
have is decided by ``kpdesk.reports.suppression`` (rule 6, ``KindSplit``); this module only words it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kpdesk.common.norsk import group_thousands
from kpdesk.reports.suppression import HIDDEN_TEXT, KindSplit, named_phrase

NOUNS = {"employer": ("arbeidsgiver", "arbeidsgivere"), "person": ("privatperson", "privatpersoner"),
         "community": ("lokalsamfunn", "lokalsamfunn")}
EVERY_KIND = "arbeidsgivere, privatpersoner og lokalsamfunn"  # the kinds together, whichever are behind a figure
TOGETHER = "til sammen"  # a number of contributors whose kinds are not told apart


def kind_count(kind: str, count: int) -> str:
    """'1 privatperson', '4 arbeidsgivere', '2 lokalsamfunn'."""
    one, many = NOUNS[kind]
    return f"{group_thousands(count)} {one if count == 1 else many}"


def owners_phrase(counts: Iterable[tuple[str, int]]) -> str:
    """'4 arbeidsgivere og 3 privatpersoner', '4 arbeidsgivere, 3 privatpersoner og 1 lokalsamfunn' (kinds
    with nobody are left out; '' when none has anyone)."""
    parts = [kind_count(kind, count) for kind, count in counts if count]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} og {parts[-1]}" if parts else ""


def contributors_cell(split: KindSplit, names: Sequence[str] = ()) -> str:
    """A table cell: ':', '7 til sammen', or '4 arbeidsgivere og 3 privatpersoner, blant dem A og B'."""
    if split.total_hidden:
        return HIDDEN_TEXT
    if not split.shown:
        return f"{group_thousands(split.total)} {TOGETHER}"
    return ", ".join(filter(None, (owners_phrase(split.counts) or "–", named_phrase(names))))


def contributors_phrase(split: KindSplit) -> str:
    """In a sentence: 'et skjult antall arbeidsgivere, privatpersoner og lokalsamfunn', 'i alt 7
    arbeidsgivere, privatpersoner og lokalsamfunn', or '4 arbeidsgivere og 3 privatpersoner'."""
    if split.total_hidden:
        return f"et skjult antall {EVERY_KIND}"
    if not split.shown:
        return f"i alt {group_thousands(split.total)} {EVERY_KIND}"
    return owners_phrase(split.counts) or f"0 {EVERY_KIND}"


def contributors_label(split: KindSplit) -> str:
    """A key figure's label under the total: the one kind behind it when the split shows only one, else
    every kind (the same words whether the split is shown, hidden or the total hidden)."""
    if split.shown and len(split.counts) == 1:
        return NOUNS[split.counts[0][0]][1]
    return EVERY_KIND
