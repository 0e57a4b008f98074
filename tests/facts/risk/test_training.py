import json

import pytest
from risk_rows import synthetic

from countersign.errors import UsageError
from countersign.facts.risk import training
from countersign.facts.risk.dataset import Row
from countersign.facts.risk.features import vector
from countersign.facts.risk.model import from_json, to_json


@pytest.fixture(scope="module")
def model():
    return training.fit(synthetic(600), name="test", grid=((3.0, 8),), max_iter=50)


def test_a_trained_model_survives_its_json_round_trip(model):
    back = from_json(json.loads(json.dumps(to_json(model))), "x")
    x = vector({"la": 120, "ld": 4, "nf": 3, "exp": 2})
    assert back.probability(x) == model.probability(x)


def test_scores_are_probabilities_that_rise_with_size(model):
    small = model.probability(vector({"la": 1, "ld": 0, "nf": 1, "exp": 500}))
    big = model.probability(vector({"la": 2000, "ld": 600, "nf": 40, "exp": 500}))
    assert 0 < small < big < 1


def test_exported_trees_reproduce_scikit_learn():
    import numpy as np

    rows = synthetic(400)
    x = np.array([vector(r.metrics) for r in rows])
    y = np.array([r.bug for r in rows])
    fitted = training._boost(x, y, np.ones(len(y)), 8, 30, 0)
    trees = training._export_trees(fitted)
    base = float(np.ravel(fitted._baseline_prediction)[0])
    ours = []
    for row in x.tolist():
        total = base
        for t in trees:
            i = 0
            while t.feature[i] >= 0:
                i = t.left[i] if row[t.feature[i]] <= t.threshold[i] else t.right[i]
            total += t.value[i]
        ours.append(total)
    assert np.allclose(ours, fitted.decision_function(x))


def test_too_little_history_is_refused_with_the_reason():
    rows = [Row(str(i), float(i), 0, {"la": 1.0}) for i in range(50)]
    with pytest.raises(
        UsageError, match=r"not enough history to train: 50 labelled changes \(need 200\)"
    ):
        training.fit(rows)
