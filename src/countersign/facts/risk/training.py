"""Fit a risk model on labelled history. scikit-learn is imported here only (lazily, it costs a
second and 300 MB); the result is exported to the plain weights ``model`` scores from.

Nothing is tuned on data that comes after the training rows: the last slice of the training
history (chronologically) picks the hyper-parameters and fits the calibration layer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from countersign.errors import UsageError
from countersign.facts.risk.content import CODE_PREFIXES
from countersign.facts.risk.dataset import Row
from countersign.facts.risk.features import NAMES, vector
from countersign.facts.risk.metrics import METRICS
from countersign.facts.risk.model import Linear, Model, Text, Tree

VALIDATION_SHARE = 0.2
MIN_ROWS = 200
MIN_POSITIVES = 20
# (recency, leaves): recency r weights a row by exp(r * (t - t_end) / span)
GRID = ((0.0, 8), (3.0, 8), (3.0, 16))
MAX_ITER = 400
TEXT_C = 0.1  # the words' L2 strength (picked on a development split of the OpenStack pool)
TEXT_MIN_ROWS = 5
STEP = 25


def require_sklearn() -> None:
    """Fail before any work (mining a long history) when training could not run."""
    _sklearn()


def _sklearn() -> Any:
    try:
        import numpy as np
        import sklearn  # noqa: F401 - presence check with a clear message
    except ImportError as exc:
        raise UsageError("training needs scikit-learn: pip install 'countersign[train]'") from exc
    return np


def trainable(rows: Sequence[Row]) -> str | None:
    """Why these rows cannot train a model, or None when they can."""
    labelled = [r for r in rows if r.bug is not None]
    positives = sum(1 for r in labelled if r.bug)
    if len(labelled) < MIN_ROWS:
        return f"{len(labelled)} labelled changes (need {MIN_ROWS})"
    if positives < MIN_POSITIVES:
        return f"{positives} defect-inducing changes found (need {MIN_POSITIVES})"
    if positives == len(labelled):
        return "every labelled change is defect-inducing (is --gap-days longer than the history?)"
    return None


def fit(
    rows: Sequence[Row],
    name: str = "repository",
    seed: int = 0,
    grid: Sequence[tuple[float, int]] | None = None,
    max_iter: int | None = None,
    features: tuple[str, ...] = NAMES,
    text: bool = False,
) -> Model:
    """Train on ``rows`` (labelled; sorted here by date). ``grid`` lists the (recency, leaves)
    settings tried and ``max_iter`` caps the boosting rounds (tests use small values).
    ``text``: also weigh the rows' words (``Row.tokens``, when they have any) by a linear model
    whose margin joins the calibration beside the trees' and the linear part's."""
    why = trainable(rows)
    if why:
        raise UsageError(f"not enough history to train: {why}")
    grid = grid or GRID
    max_iter = max_iter or MAX_ITER
    np = _sklearn()
    from sklearn.metrics import roc_auc_score

    data = sorted((r for r in rows if r.bug is not None), key=lambda r: r.date)
    x = np.array([vector(r.metrics, features) for r in data], dtype=float)
    y = np.array([r.bug for r in data], dtype=int)
    t = np.array([r.date for r in data], dtype=float)
    cut = int(len(data) * (1 - VALIDATION_SHARE))
    if len(set(y[:cut])) < 2 or len(set(y[cut:])) < 2:
        cut = len(data)  # too few labels to hold some back: no tuning, identity calibration

    best: tuple[float, float, int, int, Any, Any] | None = None
    if cut < len(data):
        for recency, leaves in grid:
            w = _weights(np, t[:cut], recency)
            trees = _boost(x[:cut], y[:cut], w, leaves, max_iter, seed)
            lin = _linear(np, x[:cut], y[:cut], w)
            lin_val = lin.decision_function(lin.scaler.transform(x[cut:]))
            for n, tree_val in enumerate(trees.staged_decision_function(x[cut:]), start=1):
                if n % STEP and n != max_iter:
                    continue
                auc = roc_auc_score(y[cut:], tree_val + lin_val * 0.5)
                if best is None or auc > best[0]:
                    best = (auc, recency, leaves, n, tree_val.copy(), lin_val)
    words = text and any(r.tokens for r in data)
    # the message's and paths' words, then the code words (when the rows have any), each
    # weighed by a linear model of its own whose margin the calibration weighs
    families = (False, True) if words and any(_has_code(r.tokens) for r in data) else (False,)
    text_scales: tuple[float, ...] = ()
    if best is None:
        recency, leaves, n_iter = 3.0, 8, min(200, max_iter)
        calibration = (1.0, 0.0, 0.0)
        words = False  # no later slice to weigh the words' margin against the others
    else:
        _, recency, leaves, n_iter, tree_val, lin_val = best
        if words:
            held = [_text_fit(np, data[:cut], y[:cut], code) for code in families]
            text_val = [np.array([h.margin(r.tokens) for r in data[cut:]]) for h in held]
            calibration, text_scales = _calibrate_text(np, tree_val, lin_val, text_val, y[cut:])
        else:
            calibration = _calibrate(np, tree_val, lin_val, y[cut:])

    w = _weights(np, t, recency)
    trees = _boost(x, y, w, leaves, n_iter, seed)
    lin = _linear(np, x, y, w)
    model = Model(
        name=name,
        base=float(np.ravel(trees._baseline_prediction)[0]),  # noqa: SLF001 - exported once here
        trees=_export_trees(trees),
        linear=Linear(
            tuple(float(v) for v in lin.scaler.mean_),
            tuple(float(v) for v in lin.scaler.scale_),
            tuple(float(v) for v in lin.coef_[0]),
            float(lin.intercept_[0]),
        ),
        calibration=calibration,
        score_quantiles=(),
        metric_quantiles={
            m: _quantiles(np, [r.metrics.get(m, 0.0) for r in data]) for m in METRICS
        },
        info={
            "reference": "this repository" if name == "repository" else "the reference projects",
            "n_train": len(data),
            "positives": int(y.sum()),
            "recency": recency,
            "leaves": leaves,
            "iterations": n_iter,
            "validation_auc": None if best is None else round(best[0], 4),
            "trained_until": int(t[-1]),
        },
        features=features,
        text=_merged(
            [
                _scaled(_text_fit(np, data, y, code), scale)
                for code, scale in zip(families, text_scales, strict=True)
            ]
        )
        if words
        else None,
    )
    scores = [model.probability(row, r.tokens) for row, r in zip(x.tolist(), data, strict=True)]
    return replace(model, score_quantiles=_quantiles(np, scores))


def _weights(np: Any, t: Any, recency: float) -> Any:
    span = max(1.0, float(t[-1] - t[0]))
    return np.exp(recency * (t - t[-1]) / span)


def _boost(x: Any, y: Any, w: Any, leaves: int, n_iter: int, seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        learning_rate=0.03,
        max_iter=n_iter,
        max_leaf_nodes=leaves,
        min_samples_leaf=max(20, min(200, len(y) // 50)),
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )
    return model.fit(x, y, sample_weight=w)


def _linear(np: Any, x: Any, y: Any, w: Any) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scaler.scale_ = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    lr.fit(scaler.transform(x), y, sample_weight=w)
    lr.scaler = scaler
    return lr


def _calibrate(np: Any, tree: Any, lin: Any, y: Any) -> tuple[float, float, float]:
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=100.0, max_iter=1000).fit(np.column_stack([tree, lin]), y)
    a, b = (float(v) for v in platt.coef_[0])
    return a, b, float(platt.intercept_[0])


def _has_code(tokens: frozenset[str]) -> bool:
    return any(t.startswith(CODE_PREFIXES) for t in tokens)


def _text_fit(np: Any, rows: Sequence[Row], y: Any, code: bool = False) -> Text:
    """A class-balanced L2 logistic regression on the rows' words (``code``: their code words
    instead; each 0/1; words in fewer than ``TEXT_MIN_ROWS`` rows left out), as plain
    weights."""
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression

    family = [[t for t in r.tokens if t.startswith(CODE_PREFIXES) == code] for r in rows]
    seen = Counter(t for tokens in family for t in tokens)
    vocab = {t: i for i, t in enumerate(sorted(t for t, n in seen.items() if n >= TEXT_MIN_ROWS))}
    cols = [[vocab[t] for t in tokens if t in vocab] for tokens in family]
    indptr = np.cumsum([0, *(len(c) for c in cols)])
    indices = np.array([i for c in cols for i in c], dtype=np.int64)
    x = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), max(1, len(vocab))))
    if not vocab or len(set(y.tolist())) < 2:
        return Text({}, 0.0)
    lr = LogisticRegression(C=TEXT_C, max_iter=3000, class_weight="balanced").fit(x, y)
    names = sorted(vocab, key=vocab.__getitem__)
    weights = {t: float(w) for t, w in zip(names, lr.coef_[0], strict=True) if abs(w) >= 1e-6}
    return Text(weights, float(lr.intercept_[0]))


def _scaled(t: Text, scale: float) -> Text:
    return Text({k: round(v * scale, 6) for k, v in t.weights.items()}, t.intercept * scale)


def _merged(parts: Sequence[Text]) -> Text:
    """One ``Text`` whose margin is the sum of the parts' (their words are disjoint)."""
    return Text(
        {k: v for t in parts for k, v in t.weights.items()}, sum(t.intercept for t in parts)
    )


def _calibrate_text(
    np: Any, tree: Any, lin: Any, words: Sequence[Any], y: Any
) -> tuple[tuple[float, float, float], tuple[float, ...]]:
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=100.0, max_iter=1000).fit(np.column_stack([tree, lin, *words]), y)
    a, b, *d = (float(v) for v in platt.coef_[0])
    return (a, b, float(platt.intercept_[0])), tuple(d)


def _export_trees(model: Any) -> tuple[Tree, ...]:
    # Leaf values carry the learning rate, split nodes do not: scale them alike so a path's
    # steps add up to its leaf (the factors attribute those steps).
    rate = float(model.learning_rate)
    out = []
    for (predictor,) in model._predictors:  # noqa: SLF001 - the only way to the fitted nodes
        nodes = predictor.nodes
        out.append(
            Tree(
                feature=tuple(-1 if n["is_leaf"] else int(n["feature_idx"]) for n in nodes),
                threshold=tuple(float(n["num_threshold"]) for n in nodes),
                left=tuple(int(n["left"]) for n in nodes),
                right=tuple(int(n["right"]) for n in nodes),
                value=tuple(float(n["value"]) * (1.0 if n["is_leaf"] else rate) for n in nodes),
            )
        )
    return tuple(out)


def _quantiles(np: Any, values: Sequence[float]) -> tuple[float, ...]:
    if not values:
        return ()
    return tuple(
        float(v) for v in np.quantile(np.asarray(values, dtype=float), np.linspace(0, 1, 101))
    )
