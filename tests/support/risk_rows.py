"""Synthetic labelled rows for the risk tests: a known logistic relation, reproducible."""

import math
import random

from countersign.facts.risk.dataset import Row


def synthetic(n: int, seed: int = 1) -> list[Row]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not crypto
    rows = []
    for i in range(n):
        la = rng.lognormvariate(3, 1.5)
        exp = rng.lognormvariate(4, 2)
        p = 1 / (1 + math.exp(-(-2.5 + 0.5 * math.log1p(la) - 0.2 * math.log1p(exp))))
        metrics = {"la": round(la), "ld": round(la / 3), "nf": 1 + round(la) // 50, "exp": exp}
        rows.append(Row(str(i), float(i), int(rng.random() < p), metrics))
    return rows
