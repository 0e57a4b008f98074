"""The blast score: grows with reach (every service touched or depending on one) and with
criticality (lower tier, critical lists), and fades with distance in the dependency graph.

    points = weight(tier) / (depth + 1)      weight: tier 1 -> 8, 2 -> 4, 3 -> 2, 4 -> 1
    a critical system counts as tier 1; a touched service has depth 0

Each term is kept so the output can say where the score comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

WEIGHT = {1: 8, 2: 4, 3: 2, 4: 1}


@dataclass(frozen=True)
class ScoreTerm:
    service: str
    tier: int
    depth: int  # 0: touched by the change
    critical: bool
    points: float

    @property
    def text(self) -> str:
        role = "touched" if self.depth == 0 else f"dependent at depth {self.depth}"
        tier = f"tier {self.tier}{', critical' if self.critical else ''}"
        return f"{self.service}: {role}, {tier} -> {self.points:g}"


def term(service: str, tier: int, depth: int, critical: bool) -> ScoreTerm:
    weight = WEIGHT[1] if critical else WEIGHT.get(tier, 1)
    return ScoreTerm(service, tier, depth, critical, round(weight / (depth + 1), 2))


def total(terms: Iterable[ScoreTerm]) -> float:
    return round(sum(t.points for t in terms), 2)
