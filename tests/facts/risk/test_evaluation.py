import math

import pytest
from risk_rows import synthetic

from countersign.facts.risk.dataset import Row
from countersign.facts.risk.evaluation import auc, caught_at, evaluate, split


def test_auc_counts_ties_as_half():
    assert auc([0, 1], [0.1, 0.9]) == 1.0
    assert auc([1, 0], [0.1, 0.9]) == 0.0
    assert auc([0, 1, 0, 1], [0.5, 0.5, 0.1, 0.9]) == 0.875
    assert math.isnan(auc([1, 1], [0.1, 0.2]))


def test_caught_at_shares_a_tied_boundary_pro_rata():
    labels = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    scores = [0.9, 0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1]
    assert caught_at(labels, scores, 10) == 0.5
    assert caught_at(labels, scores, 30) == pytest.approx((1 + 2 / 4) / 2)
    assert caught_at(labels, scores, 100) == 1.0


def test_split_is_chronological_and_drops_unlabelled_rows():
    rows = [Row(str(i), float(10 - i), None if i == 0 else i % 2, {}) for i in range(11)]
    train, test = split(rows)
    assert (len(train), len(test)) == (8, 2)
    assert max(r.date for r in train) < min(r.date for r in test)


def test_evaluation_reports_our_model_beside_the_baselines():
    report = evaluate(synthetic(1200), "synthetic", grid=((3.0, 8),), max_iter=50)
    assert (report["n_train"], report["n_test"]) == (960, 240)
    for who in ("model", "lapredict", "lr14"):
        assert set(report[who]["caught_at"]) == {"5%", "10%", "20%", "50%"}
        assert 0.5 < report[who]["auc"] <= 1.0
