"""Friction cost, from the ledger's timestamps: for each rule, the changes it gated, the
approvals given by level, the time from request to sign-off (the change's commit time to the
approval's, median and p90), each senior reviewer's queue by week, and break-glass uses with
their follow-up reviews (overdue after ``overdue_days``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from countersign.facts.insight.stats import quantile

SENIOR = ("senior", "staff", "principal")
HOUR = 3600.0


@dataclass(frozen=True)
class SignOff:
    rules: tuple[str, ...]
    change: str  # the fingerprint signed
    approver: str
    level: str | None
    at: float
    requested: float | None  # when the change was ready for review (its head's commit time)


@dataclass(frozen=True)
class GlassUse:
    change: str
    who: str
    at: float
    followed_up: float | None


def _week(ts: float) -> str:
    year, week, _ = datetime.fromtimestamp(ts, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _hours(xs: Sequence[float], q: float) -> float | None:
    v = quantile(xs, q)
    return None if v is None else round(v, 2)


def friction(
    signoffs: Sequence[SignOff], glass: Sequence[GlassUse], now: float, overdue_days: float = 7.0
) -> dict[str, Any]:
    by_rule: dict[str, list[SignOff]] = defaultdict(list)
    for s in signoffs:
        for rule in s.rules or ("(unnamed)",):
            by_rule[rule].append(s)
    rules = []
    for rule, items in sorted(by_rule.items()):
        waits = [max(0.0, (s.at - s.requested) / HOUR) for s in items if s.requested is not None]
        rules.append(
            {
                "rule": rule,
                "changes_gated": len({s.change for s in items}),
                "approvals": len(items),
                "approvals_by_level": dict(Counter(s.level or "unknown" for s in items)),
                "hours_to_signoff": {
                    "known": len(waits),
                    "median": _hours(waits, 0.5),
                    "p90": _hours(waits, 0.9),
                },
            }
        )
    queue: dict[tuple[str, str], int] = Counter(
        (_week(s.at), s.approver) for s in signoffs if s.level in SENIOR
    )
    overdue = [g for g in glass if g.followed_up is None and now - g.at > overdue_days * 24 * HOUR]
    return {
        "rules": rules,
        "senior_queue": [
            {"week": w, "reviewer": r, "approvals": n} for (w, r), n in sorted(queue.items())
        ],
        "break_glass": {
            "uses": len(glass),
            "followed_up": sum(g.followed_up is not None for g in glass),
            "overdue": len(overdue),
            "overdue_after_days": overdue_days,
        },
        "approvals": len(signoffs),
    }
