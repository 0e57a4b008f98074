"""Shadow mode: what the policy would have required of past changes, tallied: the fast-lane
share, changes needing sign-off or blocked, requirements by rule, approvals by level and team."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from countersign.decision.requirements import Kind
from countersign.gate.verdict import Evaluation, Verdict


@dataclass
class Tally:
    changes: int = 0
    fast_lane: int = 0
    needs_signoff: int = 0
    blocked: int = 0
    skipped: list[str] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)
    approvals_by_level: Counter[str] = field(default_factory=Counter)
    approvals_by_team: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        share = self.fast_lane / self.changes if self.changes else 0.0
        return {
            "changes": self.changes,
            "fast_lane": self.fast_lane,
            "fast_lane_share": round(share, 4),
            "needs_signoff": self.needs_signoff,
            "blocked": self.blocked,
            "skipped": self.skipped,
            "requirements_by_rule": dict(self.by_rule.most_common()),
            "approvals_needed_by_level": dict(self.approvals_by_level.most_common()),
            "approvals_needed_by_team": dict(self.approvals_by_team.most_common()),
        }

    def add(self, result: Evaluation) -> None:
        """Count one change's evaluation."""
        self.changes += 1
        reqs = result.decision.requirements
        if not reqs:
            self.fast_lane += 1
        elif result.verdict is Verdict.BLOCKED:
            self.blocked += 1
        else:
            self.needs_signoff += 1
        for req in reqs:
            for rule in req.rule.split("+"):
                self.by_rule[rule] += 1
            if req.kind is Kind.APPROVAL:
                self.approvals_by_level[req.min_level or "any"] += req.count
                for team in req.teams or (("owning team",) if req.fields else ()):
                    self.approvals_by_team[team] += 1
