"""The insight report over change records: failure rates by provenance (overall and by tier,
size and risk band), the adjusted comparison and its verdict, time to restore, rework and the
replay curve. Friction is added from the ledger (``friction``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from countersign.facts.insight.records import ChangeRecord
from countersign.facts.insight.regression import Adjusted, adjusted
from countersign.facts.insight.stats import (
    Difference,
    Rate,
    bootstrap_difference,
    quantile,
    wilson,
)
from countersign.facts.insight.verdict import Verdict, verdict

SIZE_BANDS = (
    (0, 50, "small (<50 lines)"),
    (50, 500, "medium (50-499)"),
    (500, float("inf"), "large (500+)"),
)
REPLAY_STEPS = tuple(range(0, 101, 5))


@dataclass(frozen=True)
class Comparison:
    label: str
    ai: Rate
    other: Rate
    difference: Difference | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.label,
            "ai_assisted": self.ai.as_dict(),
            "other": self.other.as_dict(),
            "difference": self.difference.as_dict() if self.difference else None,
        }


@dataclass(frozen=True)
class Report:
    changes: int
    failed: int
    failure_definition: str
    overall: Comparison
    breakdowns: dict[str, tuple[Comparison, ...]]
    adjusted: Adjusted
    verdict: Verdict
    restore: dict[str, dict[str, Any]]
    rework: dict[str, Any]
    replay: dict[str, Any]
    span: tuple[float, float]
    notes: tuple[str, ...] = ()
    friction: dict[str, Any] | None = None
    sources: dict[str, Any] = field(default_factory=dict)


def compare(label: str, rows: Sequence[ChangeRecord], seed: int = 0) -> Comparison:
    ai = [r.failed for r in rows if r.ai]
    other = [r.failed for r in rows if not r.ai]
    return Comparison(
        label,
        wilson(sum(ai), len(ai)),
        wilson(sum(other), len(other)),
        bootstrap_difference(ai, other, seed=seed),
    )


def _bands(
    rows: Sequence[ChangeRecord], key: Callable[[ChangeRecord], str | None]
) -> tuple[Comparison, ...]:
    groups: dict[str, list[ChangeRecord]] = {}
    for r in rows:
        k = key(r)
        if k is not None:
            groups.setdefault(k, []).append(r)
    return tuple(compare(k, g, seed=i + 1) for i, (k, g) in enumerate(sorted(groups.items())))


def _size_band(r: ChangeRecord) -> str | None:
    if r.size is None:
        return None
    return next(label for lo, hi, label in SIZE_BANDS if lo <= r.size < hi)


def _risk_bands(rows: Sequence[ChangeRecord]) -> Callable[[ChangeRecord], str | None]:
    """Tertiles of the risk scores in this data (the model's scale differs by repository)."""
    scores = [r.risk for r in rows if r.risk is not None]
    if len(scores) < 3:
        return lambda _r: None
    lo, hi = quantile(scores, 1 / 3) or 0.0, quantile(scores, 2 / 3) or 0.0

    def band(r: ChangeRecord) -> str | None:
        if r.risk is None:
            return None
        if r.risk <= lo:
            return f"1 low (risk <= {lo:.3f})"
        return f"2 middle (<= {hi:.3f})" if r.risk <= hi else f"3 high (> {hi:.3f})"

    return band


def _restore(rows: Sequence[ChangeRecord]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, want in (("ai_assisted", True), ("other", False)):
        hours = [r.restore_hours for r in rows if r.ai is want and r.restore_hours is not None]
        out[name] = {
            "incidents": len(hours),
            "median_hours": _round(quantile(hours, 0.5)),
            "p90_hours": _round(quantile(hours, 0.9)),
        }
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _rework(rows: Sequence[ChangeRecord]) -> dict[str, Any]:
    known = [r for r in rows if r.rework is not None]
    if not known:
        return {"known": False}
    c = compare("rework", [ChangeRecord(r.id, r.date, r.ai, bool(r.rework)) for r in known])
    return {"known": True, **c.as_dict()}


def replay_curve(rows: Sequence[ChangeRecord]) -> dict[str, Any]:
    """Gating the riskiest X % of changes would have gated Y % of the failed ones; with the
    current policy's point (share gated, share of failures gated) when it is known."""
    scored = [r for r in rows if r.risk is not None]
    failed = sum(r.failed for r in scored)
    if not scored or not failed:
        return {"known": False, "points": [], "policy": None}
    ranked = sorted(scored, key=lambda r: (-(r.risk or 0.0), r.date))
    points = []
    for pct in REPLAY_STEPS:
        top = ranked[: round(len(ranked) * pct / 100)]
        points.append(
            {
                "gated_pct": pct,
                "failures_gated_pct": round(100 * sum(r.failed for r in top) / failed, 2),
            }
        )
    return {"known": True, "points": points, "policy": policy_point(rows), "failures": failed}


def policy_point(rows: Sequence[ChangeRecord]) -> dict[str, Any] | None:
    """The current policy's point: the share of the replayed changes it gated and the share of
    their failures among them (with a Wilson interval), beside what gating as many of the same
    changes by risk alone would have caught, so the two are compared on the same changes."""
    replayed = [r for r in rows if r.gated is not None]
    failures = sum(r.failed for r in replayed)
    if not failures:
        return None
    n_gated = sum(bool(r.gated) for r in replayed)
    caught = sum(bool(r.gated) and r.failed for r in replayed)
    ci = wilson(caught, failures)
    scored = sorted(
        (r for r in replayed if r.risk is not None), key=lambda r: (-(r.risk or 0.0), r.date)
    )
    same_share = None
    if len(scored) == len(replayed):
        top = scored[:n_gated]
        same_share = round(100 * sum(r.failed for r in top) / failures, 2)
    return {
        "gated_pct": round(100 * n_gated / len(replayed), 2),
        "failures_gated_pct": round(100 * caught / failures, 2),
        "changes": len(replayed),
        "gated": n_gated,
        "failures": failures,
        "failures_gated": caught,
        "failures_gated_ci95": [round(100 * ci.low, 2), round(100 * ci.high, 2)],
        "risk_same_share_pct": same_share,
    }


def build(
    rows: Sequence[ChangeRecord], failure_definition: str, notes: tuple[str, ...] = ()
) -> Report:
    overall = compare("all changes", rows)
    adj = adjusted(rows)
    breakdowns = {
        "tier": _bands(rows, lambda r: None if r.tier is None else f"tier {r.tier}"),
        "size": _bands(rows, _size_band),
        "risk": _bands(rows, _risk_bands(rows)),
    }
    dates = [r.date for r in rows]
    return Report(
        changes=len(rows),
        failed=sum(r.failed for r in rows),
        failure_definition=failure_definition,
        overall=overall,
        breakdowns={k: v for k, v in breakdowns.items() if v},
        adjusted=adj,
        verdict=verdict(overall.ai, overall.other, overall.difference, adj),
        restore=_restore(rows),
        rework=_rework(rows),
        replay=replay_curve(rows),
        span=(min(dates, default=0.0), max(dates, default=0.0)),
        notes=notes,
    )
