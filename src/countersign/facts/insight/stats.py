"""The statistics, each a small pure function checked against an independent computation on
generated data with known answers (tests/facts/insight): Wilson intervals for rates, a
percentile bootstrap for a difference of rates, and the power of a two-proportion comparison."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Rate:
    failed: int
    changes: int
    low: float
    high: float

    @property
    def rate(self) -> float | None:
        return self.failed / self.changes if self.changes else None

    def as_dict(self) -> dict[str, object]:
        return {
            "changes": self.changes,
            "failed": self.failed,
            "rate": _r(self.rate),
            "ci95": [_r(self.low), _r(self.high)] if self.changes else None,
        }


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def wilson(failed: int, changes: int, z: float = Z95) -> Rate:
    """The Wilson score interval: right near 0 % and 100 %, where the normal one is not."""
    if changes == 0:
        return Rate(0, 0, 0.0, 1.0)
    p = failed / changes
    denom = 1 + z * z / changes
    centre = (p + z * z / (2 * changes)) / denom
    half = z * math.sqrt(p * (1 - p) / changes + z * z / (4 * changes * changes)) / denom
    return Rate(failed, changes, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Difference:
    """``a`` minus ``b`` (rates as fractions), with a percentile-bootstrap 95 % interval and
    Newcombe's hybrid score interval (from the two Wilson intervals). The bootstrap degenerates
    when a group has no failures (or only failures): it resamples a rate of 0 as 0 every time,
    so a difference is only called when both intervals exclude zero."""

    estimate: float
    low: float
    high: float
    resamples: int
    score_low: float = 0.0
    score_high: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "estimate": _r(self.estimate),
            "ci95": [_r(self.low), _r(self.high)],
            "method": f"percentile bootstrap, {self.resamples} resamples",
            "ci95_newcombe": [_r(self.score_low), _r(self.score_high)],
        }

    @property
    def excludes_zero(self) -> bool:
        boot = self.low > 0 or self.high < 0
        score = self.score_low > 0 or self.score_high < 0
        return boot and score and (self.low > 0) == (self.score_low > 0)


def newcombe(ka: int, na: int, kb: int, nb: int) -> tuple[float, float]:
    """Newcombe's (1998) method 10: the difference of two proportions' interval from each
    one's Wilson interval; good coverage near 0 % and 100 %, where others fail."""
    a, b = wilson(ka, na), wilson(kb, nb)
    pa, pb = ka / na, kb / nb
    d = pa - pb
    low = d - math.sqrt((pa - a.low) ** 2 + (b.high - pb) ** 2)
    high = d + math.sqrt((a.high - pa) ** 2 + (pb - b.low) ** 2)
    return low, high


def bootstrap_difference(
    a: Sequence[bool], b: Sequence[bool], *, resamples: int = 2000, seed: int = 0
) -> Difference | None:
    """Resample each group with replacement (stratified: the group sizes stay), so the interval
    reflects both groups' sampling error. None when a group is empty."""
    if not a or not b:
        return None
    import numpy as np

    rng = np.random.default_rng(seed)
    ka, kb = sum(a), sum(b)
    na, nb = len(a), len(b)
    # resampling n Bernoulli outcomes with replacement is a binomial draw at the observed rate
    ra = rng.binomial(na, ka / na, size=resamples) / na
    rb = rng.binomial(nb, kb / nb, size=resamples) / nb
    diffs = ra - rb
    low, high = np.quantile(diffs, [0.025, 0.975])
    s_low, s_high = newcombe(ka, na, kb, nb)
    return Difference(ka / na - kb / nb, float(low), float(high), resamples, s_low, s_high)


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def power(base: float, delta: float, n_a: int, n_b: int, z_alpha: float = Z95) -> float:
    """The chance a two-sided test at 5 % detects a true difference ``delta`` (rate ``base +
    delta`` against ``base``) with these group sizes (normal approximation)."""
    if n_a == 0 or n_b == 0:
        return 0.0
    p1, p2 = min(max(base + delta, 1e-9), 1 - 1e-9), min(max(base, 1e-9), 1 - 1e-9)
    pooled = (p1 * n_a + p2 * n_b) / (n_a + n_b)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    se1 = math.sqrt(p1 * (1 - p1) / n_a + p2 * (1 - p2) / n_b)
    return _phi((abs(p1 - p2) - z_alpha * se0) / se1)


def per_group(base: float, delta: float, target: float = 0.8, z_alpha: float = Z95) -> int:
    """Changes per group (equal groups) for ``power`` to reach ``target``."""
    p1 = min(max(base + delta, 1e-6), 1 - 1e-6)
    p2 = min(max(base, 1e-6), 1 - 1e-6)
    pbar = (p1 + p2) / 2
    z_beta = _inverse_phi(target)
    n = (
        z_alpha * math.sqrt(2 * pbar * (1 - pbar))
        + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / (p1 - p2) ** 2
    return math.ceil(n)


def _inverse_phi(p: float) -> float:
    lo, hi = -10.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if _phi(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile with linear interpolation (numpy's default), None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
