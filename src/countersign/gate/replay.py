"""Shadow mode: what the policy would have required of past changes, tallied: the fast-lane
share, changes needing sign-off or blocked, requirements by rule, approvals by level and team,
and against the changes known to have caused a defect (SZZ labels from ``risk mine``, explicit
labels), how many of them each rule and the whole policy would have gated.

A change is *gated* when it needs anything at all; *heavy* when it needs two-person review
(an approval group of two or more), a senior (or above) approver, or is blocked: the friction
that lands on the few senior reviewers. ``gated_share`` and ``heavy_share`` are fractions of
the changes replayed; ``defect_share_gated`` is the fraction of defect-inducing changes gated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from countersign.config.roster import level_rank
from countersign.decision.requirements import Kind, Requirement
from countersign.gate.verdict import Evaluation, Verdict

SENIOR = level_rank("senior")


def heavy(reqs: tuple[Requirement, ...]) -> bool:
    """Two-person or senior review, or a block."""
    return any(
        r.kind is Kind.BLOCK
        or (r.kind is Kind.APPROVAL and (r.count >= 2 or level_rank(r.min_level) >= SENIOR))
        for r in reqs
    )


def hazardous(result: Evaluation) -> bool:
    """A destroy/replace/data-loss hazard (rank 4 and up) or one that widens access."""
    return any(
        h.severity.rank >= 4 or h.kind.startswith(("iam.", "net.")) for h in result.facts.hazards
    )


@dataclass
class RuleTally:
    fired: int = 0
    defects: int = 0  # defect-inducing changes among those it fired on
    approvals_by_level: Counter[str] = field(default_factory=Counter)

    def as_dict(self, labelled_defects: int) -> dict[str, object]:
        return {
            "changes_gated": self.fired,
            "defect_inducing_gated": self.defects,
            "defect_share_among_gated": _share(self.defects, self.fired),
            "defect_share_gated": _share(self.defects, labelled_defects),
            "approvals_by_level": dict(self.approvals_by_level.most_common()),
        }


@dataclass
class Tally:
    changes: int = 0
    fast_lane: int = 0
    needs_signoff: int = 0
    blocked: int = 0
    heavy: int = 0
    skipped: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # shipped nothing: tree equal to the parent's
    by_rule: Counter[str] = field(default_factory=Counter)
    approvals_by_level: Counter[str] = field(default_factory=Counter)
    approvals_by_team: Counter[str] = field(default_factory=Counter)
    rules: dict[str, RuleTally] = field(default_factory=dict)
    labelled: bool = False  # labels were given (``risk mine`` ran)
    defects: int = 0
    defects_gated: int = 0
    defects_heavy: int = 0
    hazards: int = 0
    hazards_gated: int = 0
    changes_listed: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        gated = self.changes - self.fast_lane
        return {
            "changes": self.changes,
            "fast_lane": self.fast_lane,
            "fast_lane_share": _share(self.fast_lane, self.changes),
            "needs_signoff": self.needs_signoff,
            "blocked": self.blocked,
            "gated": gated,
            "gated_share": _share(gated, self.changes),
            "heavy": self.heavy,
            "heavy_share": _share(self.heavy, self.changes),
            "labelled": self.labelled,
            "defect_inducing": self.defects,
            "defect_inducing_gated": self.defects_gated,
            "defect_share_gated": _share(self.defects_gated, self.defects)
            if self.labelled
            else None,
            "defect_share_heavy": _share(self.defects_heavy, self.defects)
            if self.labelled
            else None,
            "hazardous": self.hazards,
            "hazardous_gated": self.hazards_gated,
            "skipped": self.skipped,
            "empty": self.empty,
            "requirements_by_rule": dict(self.by_rule.most_common()),
            "approvals_needed_by_level": dict(self.approvals_by_level.most_common()),
            "approvals_needed_by_team": dict(self.approvals_by_team.most_common()),
            "rules": {name: r.as_dict(self.defects) for name, r in sorted(self.rules.items())},
            "changes_listed": self.changes_listed,
        }

    def add(
        self, result: Evaluation, defect: bool | None = None, sha: str = "", subject: str = ""
    ) -> None:
        """Count one change's evaluation; ``defect``: whether it is labelled defect-inducing
        (None: no labels)."""
        self.changes += 1
        reqs = result.decision.requirements
        is_heavy = heavy(reqs)
        if not reqs:
            self.fast_lane += 1
        elif result.verdict is Verdict.BLOCKED:
            self.blocked += 1
        else:
            self.needs_signoff += 1
        self.heavy += is_heavy
        if defect:
            self.defects += 1
            self.defects_gated += bool(reqs)
            self.defects_heavy += is_heavy
        if hazardous(result):
            self.hazards += 1
            self.hazards_gated += bool(reqs)
        fired = [o for o in result.decision.outcomes if o.fired]
        for outcome in fired:
            tally = self.rules.setdefault(outcome.rule, RuleTally())
            tally.fired += 1
            tally.defects += bool(defect)
        for req in reqs:
            for rule in req.rule.split("+"):
                self.by_rule[rule] += 1
                if req.kind is Kind.APPROVAL and rule in self.rules:
                    self.rules[rule].approvals_by_level[req.min_level or "any"] += req.count
            if req.kind is Kind.APPROVAL:
                self.approvals_by_level[req.min_level or "any"] += req.count
                for team in req.teams or (("owning team",) if req.fields else ()):
                    self.approvals_by_team[team] += 1
        self.changes_listed.append(
            {
                "sha": sha,
                "subject": subject,
                "gated": bool(reqs),
                "heavy": is_heavy,
                "defect_inducing": defect,
                "rules": [{"rule": o.rule, "why": o.reason} for o in fired],
                "requirements": [r.reason for r in reqs],
                "kind": _kind(result),
                "risk": round(result.facts.risk.score, 4),
                "touched_critical": list(result.facts.blast_radius.touched_critical),
                "reached_critical": [
                    {"name": d.name, "path": list(d.via), "why": d.why}
                    for d in result.facts.blast_radius.reaches
                    if d.name in result.facts.blast_radius.reached_critical
                ],
            }
        )


def _kind(result: Evaluation) -> str:
    from countersign.facts.blast_radius.surface import change_kind

    return change_kind(result.facts.blast_radius.files)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
