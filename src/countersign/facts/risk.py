"""Risk: a probability that the change causes a defect or incident, with its top factors."""

from __future__ import annotations

import math
from dataclasses import dataclass

from countersign.facts.context import Context
from countersign.intake.change import Change


@dataclass(frozen=True)
class RiskFactor:
    name: str
    value: float
    contribution: float
    text: str


@dataclass(frozen=True)
class Risk:
    score: float = 0.0
    factors: tuple[RiskFactor, ...] = ()
    percentile: float | None = None
    model: str = "heuristic"


def analyze(change: Change, context: Context) -> Risk:
    """First version: a logistic curve over lines added and files touched."""
    la = sum(f.lines_added for f in change.files)
    nf = len(change.files)
    z = -3.0 + 0.35 * math.log1p(la) + 0.3 * math.log1p(nf)
    score = 1 / (1 + math.exp(-z))
    factors = (
        RiskFactor("la", la, 0.35 * math.log1p(la), f"{la} lines added"),
        RiskFactor("nf", nf, 0.3 * math.log1p(nf), f"{nf} files changed"),
    )
    return Risk(round(score, 4), tuple(sorted(factors, key=lambda f: -f.contribution)))
