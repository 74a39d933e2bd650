"""A reader of printed figures: what the page says, as integer constraints, and how far each hidden
figure can move (used by test_disclosure.py and test_suppression.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

CAP = 10**6  # "no upper bound" for a hidden figure: far above any figure in the demos
RANDOM_SOLUTIONS = 12  # random directions tried before each hidden figure gets its own programs
HIDDEN_TOKENS = {":", "<3", "?"}  # "<3" is what kpdesk printed before issue 13 (1 or 2); "?" is not printed


def number(token: str) -> int | None:
    digits = token.replace("\u00a0", "").replace(" ", "")
    return int(digits) if digits.isdigit() else None


class Reader:
    """What a reader can know, as integer constraints, and how far each hidden figure can move.

    A number is itself, "–" is 0, ":" is a whole number from 1 up ("<3": 1 or 2), "?" a figure the
    page does not print (a kind of contributor in a number not told by kind): a whole number from 0
    up. The bounds are
    found with ``scipy.optimize.milp``: integer programs, so they are exact without an argument
    about the LP relaxation (for the table alone the constraint matrix is totally unimodular and
    ``linprog`` would give the same bounds; the employers' inequalities make the groups' one not).
    """

    def __init__(self) -> None:
        self.names: list[str] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.hidden: list[int] = []
        self.twin_class: dict[int, Any] = {}
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def figure(self, name: str, token: str, twins: Any = None) -> int:
        """A printed figure; ``twins``: a key shared by figures interchangeable in every constraint
        (swapping them maps every reading of the page to another one), so they have the same range."""
        index = len(self.names)
        self.names.append(name)
        value = number(token)
        if value is not None:
            low = high = float(value)
        elif token == "–":
            low = high = 0.0
        elif token == "<3":
            low, high = 1.0, 2.0
        elif token == "?":
            low, high = 0.0, float(CAP)
        else:
            assert token == ":", f"{name}: unexpected figure {token!r}"
            low, high = 1.0, float(CAP)
        self.lower.append(low)
        self.upper.append(high)
        if token in HIDDEN_TOKENS:
            self.hidden.append(index)
            if twins is not None:
                self.twin_class[index] = twins
        return index

    def flag(self, name: str) -> int:
        """A yes/no (1/0) the reader reasons with, such as whether a kind is behind a figure."""
        self.names.append(name)
        self.lower.append(0.0)
        self.upper.append(1.0)
        return len(self.names) - 1

    def at_least(self, index: int, low: float) -> None:
        self.lower[index] = max(self.lower[index], low)

    def at_most(self, index: int, high: float) -> None:
        self.upper[index] = min(self.upper[index], high)

    def sums(self, parts: Iterable[int], total: int) -> None:
        coefficients = dict.fromkeys(parts, 1.0)
        coefficients[total] = coefficients.get(total, 0.0) - 1.0
        self.rows.append((coefficients, 0.0, 0.0))

    def relation(self, coefficients: dict[int, float], low: float = -np.inf, high: float = np.inf) -> None:
        self.rows.append((coefficients, low, high))

    def _solve(self, objective: np.ndarray) -> np.ndarray:
        """A feasible solution that minimises ``objective``."""
        from scipy.sparse import csr_array

        entries = [(r, index, value) for r, (coefficients, _low, _high) in enumerate(self.rows)
                   for index, value in coefficients.items()]
        matrix = csr_array(([v for _r, _i, v in entries], ([r for r, _i, _v in entries], [i for _r, i, _v in entries])),
                           shape=(len(self.rows), len(self.names)))
        constraints = [LinearConstraint(matrix, [c[1] for c in self.rows], [c[2] for c in self.rows])] if self.rows \
            else None
        result = milp(objective, constraints=constraints, integrality=np.ones(len(self.names)),
                      bounds=Bounds(self.lower, self.upper))
        assert result.status == 0, f"the printed figures contradict each other: {result.message}"
        return np.round(result.x)

    def _unit(self, index: int, sign: float = 1.0) -> np.ndarray:
        objective = np.zeros(len(self.names))
        objective[index] = sign
        return objective

    def smallest(self, index: int) -> float:
        return self.lower[index] if self.lower[index] == self.upper[index] else self._solve(self._unit(index))[index]

    def largest(self, index: int) -> float:
        return self.upper[index] if self.lower[index] == self.upper[index] else \
            self._solve(self._unit(index, -1.0))[index]

    def ranges(self) -> dict[str, tuple[int, int]]:
        """For each hidden figure, two of its possible values: equal only when it has no other.

        Solving is the slow part: one figure of each set of twins is solved for, and when there
        are many, solutions that push the hidden figures up or down at random (seeded weights of
        either sign) first give most of them two values. A figure left at one value gets its own
        smallest and largest possible value.
        """
        representatives: dict[Any, int] = {}
        for index in self.hidden:
            representatives.setdefault(self.twin_class.get(index, ("alone", index)), index)
        solutions: list[np.ndarray] = []
        if len(representatives) > RANDOM_SOLUTIONS:
            mask = np.zeros(len(self.names))
            mask[self.hidden] = 1.0
            weights = np.random.default_rng(13).uniform(-1.0, 1.0, size=(RANDOM_SOLUTIONS, len(self.names)))
            solutions = [self._solve(w * mask) for w in weights]
        found: dict[str, tuple[int, int]] = {}
        for key, index in representatives.items():
            seen = {int(x[index]) for x in solutions}
            if len(seen) < 2:
                seen |= {int(self.smallest(index)), int(self.largest(index))}
            for twin in self.hidden:
                if twin == index or self.twin_class.get(twin, ("alone", twin)) == key:
                    found[self.names[twin]] = (min(seen), max(seen))
        return found
