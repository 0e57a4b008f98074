"""``countersign replay``: shadow mode. Run the policy (as it was at each change's base) over
past changes and report what it would have required, from whom, and how many changes would have
passed in the fast lane, without recording anything."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click

from countersign.decision.requirements import Kind
from countersign.errors import FatalError, InputError, UsageError
from countersign.gate.evaluate import evaluate
from countersign.gate.verdict import Verdict
from countersign.intake.git import git, repo_root, resolve
from countersign.intake.selection import ChangeSelection
from countersign.workspace import analysed, open_workspace


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


def replay(cwd: Path, *, revs: str | None, merges: bool, limit: int, fmt: str) -> int:
    root = repo_root(cwd)
    tally = Tally()
    for sha, parent in _changes(root, revs, merges=merges, limit=limit):
        try:
            ws = open_workspace(root, ChangeSelection(base=parent, head=sha))
            ws = analysed(ws, remember_scans=True, mine=True)
            result = evaluate(ws.change, ws.context, ws.policy)
        except FatalError as exc:
            tally.skipped.append(f"{sha[:12]}: {exc}")
            continue
        tally.changes += 1
        reqs = result.decision.requirements
        if not reqs:
            tally.fast_lane += 1
        elif result.verdict is Verdict.BLOCKED:
            tally.blocked += 1
        else:
            tally.needs_signoff += 1
        for req in reqs:
            for rule in req.rule.split("+"):
                tally.by_rule[rule] += 1
            if req.kind is Kind.APPROVAL:
                tally.approvals_by_level[req.min_level or "any"] += req.count
                for team in req.teams or (("owning team",) if req.fields else ()):
                    tally.approvals_by_team[team] += 1
    report = tally.as_dict()
    click.echo(json.dumps(report, indent=2) if fmt == "json" else _text(report))
    return 0


def _changes(root: Path, revs: str | None, *, merges: bool, limit: int) -> list[tuple[str, str]]:
    if not revs:
        resolve(root, "HEAD")  # an empty repository says so, not git's words
    args = ["rev-list", "--first-parent", "--parents", f"--max-count={limit}"]
    args.append("--merges" if merges else "--no-merges")
    try:
        out = git(root, *args, "--end-of-options", revs or "HEAD").decode().split("\n")
    except InputError:
        raise InputError(
            f"unknown revision or range {revs!r}: check it with `git log --oneline {revs}`"
        ) from None
    pairs = [(line.split()[0], line.split()[1]) for line in out if len(line.split()) >= 2]
    if not pairs and not out[0].strip():
        raise UsageError(f"no {'merges' if merges else 'commits'} in {revs or 'HEAD'}")
    return list(reversed(pairs))


def _text(r: dict[str, object]) -> str:
    share = float(str(r["fast_lane_share"]))
    lines = [
        (
            f"Replayed {r['changes']} changes: {r['fast_lane']} fast lane ({share:.0%}), "
            f"{r['needs_signoff']} would need sign-off, {r['blocked']} would be blocked."
        )
    ]
    for title, key in (
        ("Requirements by rule", "requirements_by_rule"),
        ("Approvals needed by reviewer level", "approvals_needed_by_level"),
        ("Approvals needed by team", "approvals_needed_by_team"),
    ):
        counts = r[key]
        assert isinstance(counts, dict)  # noqa: S101 - built above
        if counts:
            lines.append(f"{title}:")
            lines.extend(f"  {name}: {n}" for name, n in counts.items())
    skipped = r["skipped"]
    assert isinstance(skipped, list)  # noqa: S101 - built above
    if skipped:
        lines.append(f"Skipped {len(skipped)} (could not be analysed):")
        lines.extend(f"  {s}" for s in skipped)
    return "\n".join(lines)
