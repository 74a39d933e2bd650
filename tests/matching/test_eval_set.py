"""The larger labelled matching set in ``tests/matching/eval`` (see its README): does the engine generalise?

The set is imported into a fresh database through the command line, matched with
``kpdesk match --as-of 2027-01-10 --json``, and each half (``tuning``, ``heldout``) is scored:

- best-first: of the needs with a ``best`` offer, how many get exactly that offer as first proposal;
- acceptable-first: of the same needs, how many get a first proposal listed in ``acceptable``;
- no-fit: of the needs with an empty ``best``, how many get no proposal at all.

Run ``python tests/matching/test_eval_set.py`` for both halves' figures, the per-sector counts and
the tuning half's misses (the held-out misses are only counted, so that nobody tunes to them).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support import new_location

EVAL_DIR = Path(__file__).resolve().parent / "eval"
AS_OF = "2027-01-10"
SPLITS = ("tuning", "heldout")
SECTORS = {
    "1": "helse og omsorg",
    "2": "oppvekst",
    "3": "havbruk og fiske",
    "4": "bygg og anlegg",
    "5": "industri",
    "6": "transport og logistikk",
    "7": "handel og reiseliv",
    "8": "offentlig forvaltning",
    "9": "energi",
}
"""The hundreds digit of a ref (EN101, EO512) names its sector."""
MIN_NEEDS, MIN_OFFERS, MIN_NEEDS_PER_SECTOR, MIN_NO_FIT = 130, 160, 12, 15
GOAL_BEST_FIRST, GOAL_ACCEPTABLE_FIRST, GOAL_NO_FIT = 0.97, 1.0, 0.9

Proposals = dict[str, list[str]]
"""Need ref → the offer refs the engine proposes, best first."""


@dataclass(frozen=True)
class Label:
    need: str
    best: str
    acceptable: frozenset[str]
    split: str

    @property
    def sector(self) -> str:
        return sector_of(self.need)


@dataclass
class Score:
    """One half's figures; ``misses`` are (need, title, got, expected) rows."""

    split: str
    with_best: int = 0
    best_first: int = 0
    acceptable_first: int = 0
    without_best: int = 0
    no_fit: int = 0
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "needs": self.with_best + self.without_best,
            "with_best": self.with_best,
            "best_first": self.best_first,
            "acceptable_first": self.acceptable_first,
            "without_best": self.without_best,
            "no_fit": self.no_fit,
            "best_first_rate": _rate(self.best_first, self.with_best),
            "acceptable_first_rate": _rate(self.acceptable_first, self.with_best),
            "no_fit_rate": _rate(self.no_fit, self.without_best),
            "misses": list(self.misses),
        }


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def sector_of(ref: str) -> str:
    return SECTORS[ref[2]]


def read_rows(name: str) -> list[dict[str, str]]:
    """A semicolon-separated file of the set (UTF-8 with BOM) as dicts."""
    with (EVAL_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def load_labels() -> dict[str, Label]:
    labels = {}
    for row in read_rows("labels.csv"):
        acceptable = frozenset(ref.strip() for ref in row["acceptable"].split(",") if ref.strip())
        labels[row["need"]] = Label(row["need"], row["best"].strip(), acceptable, row["split"].strip())
    return labels


def match_eval_set(db: Path) -> Proposals:
    """Import the set into the new database ``db`` with ``kpdesk import`` and run ``kpdesk match --json``."""
    from kpdesk.cli import main

    for kind in ("employers", "offers", "needs"):
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["import", kind, str(EVAL_DIR / f"{kind}.csv"), "--db", str(db)])
        if code != 0:
            raise RuntimeError(f"kpdesk import {kind} ended with exit code {code}")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["match", "--db", str(db), "--as-of", AS_OF, "--json"])
    if code != 0:
        raise RuntimeError(f"kpdesk match ended with exit code {code}")
    result = json.loads(out.getvalue())
    return {need["ref"]: [match["offer"] for match in need["matches"]] for need in result["needs"]}


def _fresh_proposals() -> Proposals:
    with tempfile.TemporaryDirectory(prefix="kpdesk-eval-") as folder:
        return match_eval_set(Path(folder) / "eval.sqlite")


def evaluate(split: str, proposals: Proposals | None = None) -> dict[str, Any]:
    """The figures for one half (``tuning`` or ``heldout``); matches in a fresh database unless given."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    if proposals is None:
        proposals = _fresh_proposals()
    titles = {row["ref"]: row["title"] for row in read_rows("needs.csv")}
    score = Score(split)
    for label in sorted(load_labels().values(), key=lambda lab: lab.need):
        if label.split != split:
            continue
        proposed = proposals.get(label.need, [])
        first = proposed[0] if proposed else ""
        if label.best:
            score.with_best += 1
            score.best_first += first == label.best
            score.acceptable_first += first in label.acceptable
            if first != label.best:
                score.misses.append((label.need, titles.get(label.need, ""), first or "(ingen)", label.best))
        else:
            score.without_best += 1
            score.no_fit += not proposed
            if proposed:
                score.misses.append((label.need, titles.get(label.need, ""), first, "(ingen)"))
    return score.as_dict()


def sector_table() -> list[tuple[str, int, int, int, int, int]]:
    """Per sector: (sector, needs in tuning, needs held out, no-fit needs, offers, offers closed or ended)."""
    labels = load_labels().values()
    offers = read_rows("offers.csv")
    closed = {row["ref"] for row in offers if _closed(row)}
    rows = []
    for name in SECTORS.values():
        mine = [lab for lab in labels if lab.sector == name]
        splits = Counter(lab.split for lab in mine)
        sector_offers = [row["ref"] for row in offers if sector_of(row["ref"]) == name]
        rows.append((name, splits["tuning"], splits["heldout"], sum(not lab.best for lab in mine),
                     len(sector_offers), len(closed.intersection(sector_offers))))
    return rows


def _closed(offer: dict[str, str]) -> bool:
    """The deadline has passed or the offer has ended by the reference date (dates are dd.mm.yyyy)."""
    def iso(text: str) -> str:
        day, month, year = text.split(".")
        return f"{year}-{month}-{day}"

    return any(offer[column] and iso(offer[column]) < AS_OF for column in ("application_deadline", "end_date"))


# ---------------------------------------------------------------- tests

def test_the_set_is_well_formed() -> None:
    labels = load_labels()
    needs = {row["ref"] for row in read_rows("needs.csv")}
    offers = {row["ref"]: row for row in read_rows("offers.csv")}
    employers = {row["org_number"] for row in read_rows("employers.csv")}

    assert set(labels) == needs, "every need has exactly one label row"
    assert all(row["employer"] in employers for row in read_rows("needs.csv"))
    for label in labels.values():
        assert label.split in SPLITS, label
        if label.best:
            assert label.best in label.acceptable, label
            assert label.acceptable <= set(offers), label
            assert not any(_closed(offers[ref]) for ref in label.acceptable), f"{label.need}: a closed offer"
        else:
            assert not label.acceptable, label
    assert len(needs) >= MIN_NEEDS
    assert len(offers) >= MIN_OFFERS
    assert sum(not lab.best for lab in labels.values()) >= MIN_NO_FIT
    for name, tuning, heldout, _no_fit, _offers, _closed_offers in sector_table():
        assert tuning + heldout >= MIN_NEEDS_PER_SECTOR, name
        assert tuning and heldout, f"{name} has needs in both halves"


# What the engine reaches today (issue 14 is open): a change that loses ground fails here at once,
# while the goal below stays marked until it is met.
FLOORS = {"tuning": (0.96, 0.90), "heldout": (0.90, 0.82)}  # best-first, no-fit (55/57, 9/10; 48/53, 14/17)


@pytest.mark.parametrize("split", SPLITS)
def test_no_half_falls_below_todays_figures(tmp_path: Path, split: str) -> None:
    score = evaluate(split, match_eval_set(new_location(tmp_path, "eval.sqlite")))
    best_first, no_fit = FLOORS[split]
    assert score["best_first_rate"] >= best_first - 1e-9, score
    assert score["no_fit_rate"] >= no_fit - 1e-9, score


@pytest.mark.xfail(strict=True, reason="issue 14 is open: the held-out half is at 0.91 best-first and 0.82 no-fit "
                                      "(goals 0.97 and 0.9); "
                                      "strict, so this marker must go when the engine reaches the goal")
def test_heldout_half_meets_the_goal(tmp_path: Path) -> None:
    score = evaluate("heldout", match_eval_set(new_location(tmp_path, "eval.sqlite")))
    figures = (f"best-first {score['best_first_rate']:.1%}, acceptable-first {score['acceptable_first_rate']:.1%}, "
               f"no-fit {score['no_fit_rate']:.1%}")
    assert score["best_first_rate"] >= GOAL_BEST_FIRST, figures
    assert score["acceptable_first_rate"] >= GOAL_ACCEPTABLE_FIRST, figures
    assert score["no_fit_rate"] >= GOAL_NO_FIT, figures


# ---------------------------------------------------------------- report

def _report() -> None:
    print(f"{'sektor':<24} {'tuning':>6} {'heldout':>7} {'no-fit':>6} {'tilbud':>6} {'lukket':>6}")
    for name, tuning, heldout, no_fit, offers, closed in sector_table():
        print(f"{name:<24} {tuning:>6} {heldout:>7} {no_fit:>6} {offers:>6} {closed:>6}")
    proposals = _fresh_proposals()
    for split in SPLITS:
        s = evaluate(split, proposals)
        print(f"\n{split}: {s['needs']} behov")
        print(f"  best-first        {s['best_first']:>3}/{s['with_best']:<3} {s['best_first_rate']:.1%}")
        print(f"  acceptable-first  {s['acceptable_first']:>3}/{s['with_best']:<3} {s['acceptable_first_rate']:.1%}")
        print(f"  no-fit            {s['no_fit']:>3}/{s['without_best']:<3} {s['no_fit_rate']:.1%}")
        if split == "tuning":
            for need, title, got, expected in s["misses"]:
                print(f"  miss {need} {title!r}: fikk {got}, ventet {expected}")
        else:
            print(f"  {len(s['misses'])} bom (ikke listet)")


if __name__ == "__main__":
    _report()
