"""Scoring from stored weights in plain Python: boosted trees plus a linear term, calibrated by
a logistic layer fitted on a later slice of history. No numpy or scikit-learn here, so ``check``
and hooks stay fast; ``training`` writes the JSON this module reads."""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from countersign.errors import InputError
from countersign.facts.risk.features import EXTENDED, NAMES, READS, vector
from countersign.facts.risk.metrics import METRICS

FORMAT = "countersign-risk/1"


@dataclass(frozen=True)
class Tree:
    """Nodes as parallel arrays; ``feature[i] < 0`` marks a leaf. ``value`` is set on every
    node so a path can be attributed to the features it splits on."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]


@dataclass(frozen=True)
class Linear:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float


@dataclass(frozen=True)
class Text:
    """A linear model on a change's words (``text.tokens``), already scaled by its calibration
    weight: its margin is added to the calibrated margin as is."""

    weights: Mapping[str, float]
    intercept: float

    def margin(self, tokens: Iterable[str]) -> float:
        w = self.weights
        return self.intercept + sum(w.get(t, 0.0) for t in tokens)


@dataclass(frozen=True)
class Model:
    name: str
    base: float
    trees: tuple[Tree, ...]
    linear: Linear | None
    # p = sigmoid(calibration[0] * tree margin + calibration[1] * linear margin + calibration[2])
    calibration: tuple[float, float, float]
    score_quantiles: tuple[float, ...]
    metric_quantiles: Mapping[str, tuple[float, ...]]
    info: Mapping[str, Any] = field(default_factory=dict)
    features: tuple[str, ...] = NAMES  # the 24 of ``NAMES``, then any history features
    text: Text | None = None  # trained on the words of messages and paths (mined history)

    def vector(self, m: Mapping[str, float]) -> list[float]:
        return vector(m, self.features)

    def margins(self, x: Sequence[float]) -> tuple[float, float]:
        tree = self.base
        for t in self.trees:
            feature, threshold, left, right = t.feature, t.threshold, t.left, t.right
            i = 0
            f = feature[0]
            while f >= 0:
                i = left[i] if x[f] <= threshold[i] else right[i]
                f = feature[i]
            tree += t.value[i]
        lin = 0.0
        if self.linear is not None:
            lin = self.linear.intercept + sum(
                c * (v - m) / s
                for c, v, m, s in zip(
                    self.linear.coef, x, self.linear.mean, self.linear.scale, strict=True
                )
            )
        return tree, lin

    def probability(self, x: Sequence[float], tokens: Iterable[str] = ()) -> float:
        """``tokens``: the change's words (``text.tokens``), read when trained with them."""
        tree, lin = self.margins(x)
        a, b, c = self.calibration
        words = self.text.margin(tokens) if self.text is not None else 0.0
        return sigmoid(a * tree + b * lin + c + words)

    def contributions(self, x: Sequence[float]) -> dict[str, float]:
        """Each metric's share of the calibrated margin: tree paths attributed to the feature
        split on (Saabas), linear terms directly, both mapped back to the metric they read."""
        a, b, _ = self.calibration
        per_feature = [0.0] * len(self.features)  # summed by feature, mapped to metrics once
        for t in self.trees:
            feature, threshold, left, right, value = (
                t.feature,
                t.threshold,
                t.left,
                t.right,
                t.value,
            )
            i = 0
            f = feature[0]
            while f >= 0:
                nxt = left[i] if x[f] <= threshold[i] else right[i]
                per_feature[f] += value[nxt] - value[i]
                i = nxt
                f = feature[i]
        out = dict.fromkeys(METRICS, 0.0)
        for f, total in enumerate(per_feature):
            key = READS[self.features[f]]
            out[key] = out.get(key, 0.0) + a * total
        if self.linear is not None:
            lm = self.linear
            for f, (c, v, m, s) in enumerate(zip(lm.coef, x, lm.mean, lm.scale, strict=True)):
                key = READS[self.features[f]]
                out[key] = out.get(key, 0.0) + b * c * (v - m) / s
        return out

    def percentile(self, score: float) -> float:
        return quantile_rank(self.score_quantiles, score)

    def metric_percentile(self, metric: str, value: float) -> float | None:
        qs = self.metric_quantiles.get(metric)
        return quantile_rank(qs, value) if qs else None


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def quantile_rank(quantiles: Sequence[float], value: float) -> float:
    """Percent of the reference distribution at or below ``value`` (ties split evenly)."""
    if not quantiles:
        return 0.0
    lo = bisect_left(quantiles, value)
    hi = bisect_right(quantiles, value)
    return round(100.0 * ((lo + hi) / 2) / len(quantiles), 1)


def score_metrics(model: Model, metrics: Mapping[str, float], tokens: Iterable[str] = ()) -> float:
    return model.probability(model.vector(metrics), tokens)


def to_json(model: Model) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "name": model.name,
        "features": list(model.features),
        "base": model.base,
        "trees": [[t.feature, t.threshold, t.left, t.right, t.value] for t in model.trees],
        "linear": None
        if model.linear is None
        else {
            "mean": model.linear.mean,
            "scale": model.linear.scale,
            "coef": model.linear.coef,
            "intercept": model.linear.intercept,
        },
        "calibration": model.calibration,
        "score_quantiles": model.score_quantiles,
        "metric_quantiles": dict(model.metric_quantiles),
        "info": dict(model.info),
        "text": None
        if model.text is None
        else {"intercept": model.text.intercept, "weights": dict(model.text.weights)},
    }


def from_json(data: Mapping[str, Any], origin: str) -> Model:
    if data.get("format") != FORMAT:
        raise InputError(f"{origin}: not a countersign risk model; retrain with `risk train`")
    features = tuple(data.get("features", ()))
    if features[: len(NAMES)] != NAMES or not set(features) <= set(EXTENDED):
        raise InputError(f"{origin}: trained on other features; retrain with `risk train`")
    lin = data.get("linear")
    return Model(
        name=str(data["name"]),
        base=float(data["base"]),
        trees=tuple(Tree(*(tuple(part) for part in t)) for t in data["trees"]),
        linear=None
        if lin is None
        else Linear(
            tuple(lin["mean"]), tuple(lin["scale"]), tuple(lin["coef"]), float(lin["intercept"])
        ),
        calibration=(
            float(data["calibration"][0]),
            float(data["calibration"][1]),
            float(data["calibration"][2]),
        ),
        score_quantiles=tuple(data["score_quantiles"]),
        metric_quantiles={k: tuple(v) for k, v in data["metric_quantiles"].items()},
        info=dict(data.get("info", {})),
        features=features,
        text=None
        if not data.get("text")
        else Text(
            {str(k): float(v) for k, v in data["text"]["weights"].items()},
            float(data["text"]["intercept"]),
        ),
    )


def with_reference(model: Model, data: Mapping[str, Any]) -> Model:
    """``model`` with its percentiles taken against a repository's own history (as saved by
    ``reference``), so "top 5 %" means of this repository."""
    return replace(
        model,
        score_quantiles=tuple(data["score_quantiles"]),
        metric_quantiles={k: tuple(v) for k, v in data["metric_quantiles"].items()},
        info={**model.info, "reference": "this repository"},
    )


def reference(
    model: Model,
    metrics: Sequence[Mapping[str, float]],
    tokens: Sequence[Iterable[str]] | None = None,
) -> dict[str, Any]:
    """Percentile tables of a repository's history under ``model``: scores and raw metrics
    (``tokens``: each change's words, for a model trained with them)."""
    words = tokens if tokens is not None else [()] * len(metrics)
    scores = sorted(
        model.probability(model.vector(m), t) for m, t in zip(metrics, words, strict=True)
    )
    return {
        "model": model.name,
        "score_quantiles": _quantiles(scores),
        "metric_quantiles": {
            k: _quantiles(sorted(m.get(k, 0.0) for m in metrics)) for k in METRICS
        },
    }


def _quantiles(ordered: Sequence[float]) -> list[float]:
    if not ordered:
        return []
    last = len(ordered) - 1
    return [ordered[round(last * q / 100)] for q in range(101)]


def load(path: Path) -> Model:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the risk model ({exc}); retrain it") from exc
    return from_json(data, str(path))


def prior() -> Model:
    """The model packaged with countersign, trained on the ISSTA'21 dataset (six projects)."""
    text = resources.files("countersign.facts.risk").joinpath("prior.json").read_text("utf-8")
    return from_json(json.loads(text), "countersign prior model")
