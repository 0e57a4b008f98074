"""Risk: a calibrated probability that the change introduces a defect, with its top factors in
words. The 14 Kamei metrics of the change (``metrics``) go through a model scored in plain
Python (``model``): the repository's own once ``risk train`` has run, else the packaged prior.

Mining, labelling, training and evaluation (``mining``, ``szz``, ``training``, ``evaluation``)
run from ``countersign risk``; nothing here imports scikit-learn."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from countersign.facts.context import Context
from countersign.facts.risk import content, repo_features, text
from countersign.facts.risk import model as _model
from countersign.facts.risk.features import NAMES
from countersign.facts.risk.metrics import FileDelta, History, compute
from countersign.facts.risk.szz import is_fix
from countersign.intake.change import Change

__all__ = ["Risk", "RiskFactor", "analyze", "change_metrics", "factors", "percentile"]

HISTORY_METRICS = ("lt", "ndev", "age", "nuc", "exp", "rexp", "sexp")


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
    note: str = ""
    # What the percentile ranks against: "repository" (this repository's own recent changes,
    # as `risk mine` or `risk train` saved them) or "prior" (the packaged model's reference
    # projects, before either has run here).
    reference: str = "prior"


@functools.cache
def _prior() -> _model.Model:
    return _model.prior()


def change_metrics(change: Change, history: History | None) -> dict[str, float]:
    """The 14 metrics of a change; without a mined history the history metrics are left out."""
    deltas = [
        FileDelta(
            f.path,
            None if f.binary else f.lines_added,
            None if f.binary else f.lines_removed,
            f.old_path,
        )
        for f in change.files
    ]
    last = change.commits[-1] if change.commits else None
    author = last.author_email.lower() if last else ""
    when = float(last.authored_at) if last else 0.0
    fix = any(is_fix(c.message) for c in change.commits)
    metrics = compute(deltas, author, when, fix, history or History())
    if history is None:
        for m in HISTORY_METRICS:
            metrics.pop(m)
    return metrics


def percentile(score: float, model: _model.Model | None = None) -> float:
    """Where ``score`` falls among the scores of the model's training history (0-100)."""
    return (model or _prior()).percentile(score)


_WORDS = {
    "la": "{v:.0f} lines added",
    "ld": "{v:.0f} lines deleted",
    "nf": "{v:.0f} files changed",
    "ns": "{v:.0f} top-level subsystems touched",
    "nd": "{v:.0f} directories touched",
    "entropy": "changes spread across files (entropy {v:.2f})",
    "lt": "{v:.0f} lines in the touched files",
    "fix": "a bug fix (fixes are often followed by fixes)",
    "ndev": "{v:.0f} developers changed these files before",
    "age": "files last changed {v:.0f} days ago on average",
    "nuc": "{v:.0f} earlier changes to these files",
    "exp": "author's experience: {v:.0f} earlier changes",
    "rexp": "author's recent experience: {v:.1f}",
    "sexp": "author's experience in this subsystem: {v:.0f} changes",
    "file_fixes": "these files had {v:.1f} recent fixes (decayed)",
    "file_recent": "{v:.0f} changes to these files in the last 30 days",
    "file_authors": "{v:.0f} authors changed these files in the last year",
    "own_share": "the author made {v:.0%} of the earlier changes to these files",
    "own_changes": "the author changed these files {v:.0f} times before",
    "coupled": "{v:.0f} files usually changed with these were left out",
    "msg_len": "a {v:.0f}-character message",
    "msg_issue": "the message references an issue",
    "msg_refactor": "the message says refactoring",
    "msg_feature": "the message says new feature",
    "msg_revert": "a revert",
    "test_share": "{v:.0%} of the changed files are tests",
    "doc_share": "{v:.0%} of the changed files are documentation",
    "since_author": "{v:.0f} days since the author's previous change",
    "file_bugs": "earlier changes to these files were found defect-inducing ({v:.1f}, decayed)",
    "author_bugs": "{v:.0f} of the author's earlier changes were found defect-inducing",
    "author_bug_share": "{v:.0%} of the author's earlier changes were found defect-inducing",
    "add_control": "{v:.0f} control-flow lines added",
    "del_control": "{v:.0f} control-flow lines removed",
    "add_except": "{v:.0f} exception-handling lines added",
    "del_except": "{v:.0f} exception-handling lines removed",
    "add_decl": "{v:.0f} declarations added",
    "del_decl": "{v:.0f} declarations removed",
    "add_import": "{v:.0f} imports added",
    "del_import": "{v:.0f} imports removed",
    "add_return": "{v:.0f} return statements added",
    "del_return": "{v:.0f} return statements removed",
    "add_comment": "{v:.0f} comment lines added",
    "del_comment": "{v:.0f} comment lines removed",
    "add_assert": "{v:.0f} assertions added",
    "del_assert": "{v:.0f} assertions removed",
    "add_log": "{v:.0f} logging calls added",
    "del_log": "{v:.0f} logging calls removed",
    "gen_share": "{v:.0%} of the changed files are generated or vendored",
}


def describe(m: _model.Model, metric: str, value: float) -> str:
    if metric == "age" and value == 0:
        return "new files, no earlier changes"
    text = _WORDS.get(metric, metric + " {v:.2f}").format(v=value)
    pct = m.metric_percentile(metric, value)
    if pct is None or metric == "fix":
        return text
    where = m.info.get("reference", "the reference projects")
    if pct >= 50:
        return f"{text} (top {max(1, round(100 - pct))} % of {where})"
    return f"{text} (bottom {max(1, round(pct))} % of {where})"


def factors(
    m: _model.Model,
    metrics: Mapping[str, float],
    top: int = 3,
    assumed: frozenset[str] = frozenset(),
) -> tuple[RiskFactor, ...]:
    """The metrics that push the score up most, in words; ``assumed`` metrics (filled in with
    the median because there is no history) are not reported as facts about the change."""
    contrib = m.contributions(m.vector(metrics))
    ranked = sorted(
        (name for name in contrib if name in metrics and contrib[name] > 0 and name not in assumed),
        key=lambda name: -contrib[name],
    )
    return tuple(
        RiskFactor(name, metrics[name], round(contrib[name], 4), describe(m, name, metrics[name]))
        for name in ranked[:top]
    )


def repository_features(change: Change, history: History | None) -> dict[str, float]:
    """The repository features (``repo_features``) of a change, against the history ``risk
    mine`` saved (all 0 without one), its lines' kinds counted as a mined patch's are."""
    last = change.commits[-1] if change.commits else None
    counts = content.count(_patch(change))
    return repo_features.live(
        history.repo if history is not None else None,
        (change.author_email or "").lower(),
        float(last.authored_at) if last else 0.0,
        change.paths,
        "\n\n".join(c.message for c in reversed(change.commits)),
        any(is_fix(c.message) for c in change.commits),
        counts,
    )


def _patch(change: Change) -> bytes:
    return content.lines_patch(
        (ln.text for f in change.files for ln in f.added),
        (ln.text for f in change.files for ln in f.removed),
    )


def _words(change: Change) -> frozenset[str]:
    """The change's words as a mined commit's (``text.tokens``): its commits' messages, newest
    first, its paths and the code words of its lines."""
    return text.tokens(
        "\n\n".join(c.message for c in reversed(change.commits)),
        change.paths,
        content.code_words(_patch(change)),
    )


def analyze(change: Change, context: Context) -> Risk:
    m = context.risk_model or _prior()
    metrics = change_metrics(change, context.risk_history)
    if len(m.features) > len(NAMES):  # trained with the repository features
        metrics.update(repository_features(change, context.risk_history))
    note = ""
    assumed: set[str] = set()
    if context.risk_history is None:
        note = "history not mined (run `countersign risk mine`): history metrics at median"
        for name in HISTORY_METRICS:
            qs = m.metric_quantiles.get(name)
            if name not in metrics:
                assumed.add(name)
                metrics[name] = qs[len(qs) // 2] if qs else 0.0
    words = _words(change) if m.text is not None else ()
    score = m.probability(m.vector(metrics), words)
    return Risk(
        score=round(score, 4),
        factors=factors(m, metrics, assumed=frozenset(assumed)),
        percentile=m.percentile(score),
        model=m.name,
        note=note,
        reference="repository" if m.info.get("reference") == "this repository" else "prior",
    )
