"""The evaluation protocol: chronological 80/20 split, our model against the baselines fitted in
the same run (LApredict: logistic regression on ``la``; logistic regression on the 14 metrics,
log-transformed and class-balanced). Our model is scored through the plain-Python path."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from countersign.errors import UsageError
from countersign.facts.risk import training
from countersign.facts.risk.dataset import Row
from countersign.facts.risk.metrics import METRICS

TEST_SHARE = 0.2
GATES = (5, 10, 20, 50)


def split(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    labelled = sorted((r for r in rows if r.bug is not None), key=lambda r: r.date)
    cut = int(len(labelled) * (1 - TEST_SHARE))
    return labelled[:cut], labelled[cut:]


def auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve by ranks (ties get their mean rank)."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    pos = sum(labels)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return math.nan
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def caught_at(labels: Sequence[int], scores: Sequence[float], percent: float) -> float:
    """Share of positives among the riskiest ``percent`` % of changes; changes tied at the
    boundary are counted pro rata (their expected share under a random order)."""
    total = sum(labels)
    if total == 0:
        return math.nan
    budget = len(scores) * percent / 100
    groups: dict[float, list[int]] = {}
    for s, y in zip(scores, labels, strict=True):
        groups.setdefault(s, []).append(y)
    caught = 0.0
    for s in sorted(groups, reverse=True):
        ys = groups[s]
        take = min(len(ys), budget)
        caught += sum(ys) * take / len(ys)
        budget -= take
        if budget <= 0:
            break
    return caught / total


def figures(labels: Sequence[int], scores: Sequence[float]) -> dict[str, Any]:
    return {
        "auc": round(auc(labels, scores), 4),
        "caught_at": {f"{g}%": round(caught_at(labels, scores, g), 4) for g in GATES},
    }


def evaluate(rows: Sequence[Row], name: str = "dataset", **fit_options: Any) -> dict[str, Any]:
    """The protocol's figures on ``rows``; ``fit_options`` go to ``training.fit``."""
    train, test = split(rows)
    if not test or training.trainable(train):
        why = training.trainable(train) or "no test rows"
        raise UsageError(f"{name}: cannot evaluate: {why}")
    labels = [int(r.bug or 0) for r in test]
    if len(set(labels)) < 2:
        raise UsageError(f"{name}: the test period has only one class; nothing to rank")
    model = training.fit(train, name=name, **fit_options)
    ours = [model.probability(model.vector(r.metrics), r.tokens) for r in test]
    result: dict[str, Any] = {
        "name": name,
        "n_train": len(train),
        "n_test": len(test),
        "test_positives": sum(labels),
        "model": figures(labels, ours),
        "lapredict": figures(labels, _baseline(train, test, ("la",), log=False)),
        "lr14": figures(labels, _baseline(train, test, METRICS, log=True)),
        "model_info": dict(model.info),
    }
    result["model"]["brier"] = round(
        sum((p - y) ** 2 for p, y in zip(ours, labels, strict=True)) / len(labels), 4
    )
    return result


def _baseline(
    train: Sequence[Row], test: Sequence[Row], cols: Sequence[str], log: bool
) -> list[float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def matrix(rows: Sequence[Row]) -> list[list[float]]:
        return [
            [
                math.log1p(max(0.0, r.metrics.get(c, 0.0))) if log else r.metrics.get(c, 0.0)
                for c in cols
            ]
            for r in rows
        ]

    if log:
        model = make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=2000, class_weight="balanced")
        )
    else:
        model = LogisticRegression()
    model.fit(matrix(train), [r.bug for r in train])
    return [float(p) for p in model.predict_proba(matrix(test))[:, 1]]
