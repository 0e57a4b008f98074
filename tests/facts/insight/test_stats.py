"""The statistics against independent computations on generated data with known answers: each
95 % interval covers the true value at its nominal rate over many seeds (fixed seeds: the
same draws every run). With 400 seeds the coverage's standard error is about 1.1 points, so
the accepted band [0.925, 0.975] is about +-2.2 standard errors around 0.95."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from countersign.facts.insight.records import ChangeRecord
from countersign.facts.insight.regression import adjusted
from countersign.facts.insight.stats import (
    bootstrap_difference,
    newcombe,
    per_group,
    power,
    quantile,
    wilson,
)

SEEDS = 400
BAND = (0.925, 0.975)


@pytest.mark.parametrize(("failed", "n"), [(0, 10), (3, 40), (17, 200), (200, 200), (1, 1)])
def test_wilson_matches_statsmodels(failed, n):
    rate = wilson(failed, n)
    low, high = proportion_confint(failed, n, alpha=0.05, method="wilson")
    assert rate.low == pytest.approx(low, abs=1e-9)
    assert rate.high == pytest.approx(high, abs=1e-9)


@pytest.mark.parametrize(("p", "n"), [(0.08, 300), (0.25, 120)])
def test_wilson_covers_the_true_rate_at_its_nominal_rate(p, n):
    rng = np.random.default_rng(7)
    hits = 0
    for k in rng.binomial(n, p, size=SEEDS):
        r = wilson(int(k), n)
        hits += r.low <= p <= r.high
    assert BAND[0] <= hits / SEEDS <= BAND[1]


def test_bootstrap_difference_covers_the_true_difference():
    p_ai, p_other, n_ai, n_other = 0.12, 0.08, 500, 900
    truth = p_ai - p_other
    hits = 0
    for seed in range(SEEDS):
        rng = np.random.default_rng(1000 + seed)
        a = list(rng.random(n_ai) < p_ai)
        b = list(rng.random(n_other) < p_other)
        d = bootstrap_difference(a, b, resamples=1000, seed=seed)
        assert d is not None
        hits += d.low <= truth <= d.high
    assert BAND[0] <= hits / SEEDS <= BAND[1]


def _confounded(rng: np.random.Generator, n: int, odds_ratio: float) -> list[ChangeRecord]:
    """Bigger changes are more often AI-assisted and fail more: the raw comparison is biased,
    the adjusted one is not."""
    size = rng.lognormal(3.5, 1.2, n)
    z = np.log1p(size)
    ai = rng.random(n) < 1 / (1 + np.exp(-(z - 3.5)))
    logit = -4.2 + 0.5 * z + math.log(odds_ratio) * ai
    failed = rng.random(n) < 1 / (1 + np.exp(-logit))
    return [
        ChangeRecord(str(i), 0.0, bool(a), bool(f), size=float(s))
        for i, (a, f, s) in enumerate(zip(ai, failed, size, strict=True))
    ]


def test_adjusted_odds_ratio_interval_covers_the_true_effect():
    truth = 1.5
    hits = raw_hits = 0
    seeds = 200
    for seed in range(seeds):
        rows = _confounded(np.random.default_rng(seed), 2500, truth)
        adj = adjusted(rows)
        assert adj.estimable, adj.note
        assert adj.covariates == ("log_size",)
        hits += adj.low <= truth <= adj.high
        unadjusted = adjusted([ChangeRecord(r.id, 0.0, r.ai, r.failed) for r in rows])
        raw_hits += unadjusted.low <= truth <= unadjusted.high
    # 200 fits: standard error about 1.5 points
    assert 0.91 <= hits / seeds <= 0.985
    assert raw_hits / seeds < 0.6  # the raw comparison is confounded by size


def test_no_effect_rarely_excludes_one():
    seeds = 200
    wrong = sum(adjusted(_confounded(np.random.default_rng(500 + s), 2000, 1.0)).excludes_one
                for s in range(seeds))  # fmt: skip
    assert wrong / seeds <= 0.09  # nominal 5 %


def test_power_formula_matches_simulated_tests():
    base, delta = 0.10, 0.05
    n = per_group(base, delta)
    assert power(base, delta, n, n) == pytest.approx(0.8, abs=0.01)
    rng = np.random.default_rng(3)
    rejected = 0
    sims = 1000
    for _ in range(sims):
        a, b = rng.binomial(n, base + delta), rng.binomial(n, base)
        pooled = (a + b) / (2 * n)
        se = math.sqrt(pooled * (1 - pooled) * 2 / n)
        rejected += abs(a / n - b / n) / se > 1.96
    assert rejected / sims == pytest.approx(0.8, abs=0.04)


def test_quantile_matches_numpy():
    xs = [5.0, 1.0, 9.0, 2.5, 7.0, 3.0]
    for q in (0.0, 0.1, 0.5, 0.9, 1.0):
        assert quantile(xs, q) == pytest.approx(float(np.quantile(xs, q)))
    assert quantile([], 0.5) is None


def test_too_few_failures_are_not_fitted():
    rows = [ChangeRecord(str(i), 0.0, i % 2 == 0, i < 3) for i in range(100)]
    adj = adjusted(rows)
    assert not adj.estimable
    assert "fewer than 10 failures (3 of 100)" in adj.note


def test_newcombe_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, Table II example (a): 56/70 - 48/80
    low, high = newcombe(56, 70, 48, 80)
    assert low == pytest.approx(0.0524, abs=1e-4)
    assert high == pytest.approx(0.3339, abs=1e-4)


def test_no_failures_in_one_group_is_not_a_difference_by_the_bootstrap_alone():
    # 0/164 against 12/1861: the bootstrap resamples 0 % as 0 % and its interval excludes
    # zero; Fisher's exact test (p about 0.6) and Newcombe's interval do not
    from scipy.stats import fisher_exact

    d = bootstrap_difference([False] * 164, [True] * 12 + [False] * 1849)
    assert d is not None
    assert d.high < 0  # the degenerate bootstrap
    assert d.score_low < 0 < d.score_high
    assert not d.excludes_zero
    assert fisher_exact([[0, 164], [12, 1849]]).pvalue > 0.05
