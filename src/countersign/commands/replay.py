"""``countersign replay``: shadow mode. Run the policy (as it was at each change's base) over
past changes and report what it would have required, from whom, and how many changes would have
passed in the fast lane, without recording anything."""

from __future__ import annotations

import json
from pathlib import Path

import click

from countersign.errors import FatalError
from countersign.gate.evaluate import evaluate
from countersign.gate.replay import Tally
from countersign.intake.git import repo_root
from countersign.intake.release import past_changes
from countersign.intake.selection import ChangeSelection
from countersign.workspace import analysed, open_workspace


def replay(cwd: Path, *, revs: str | None, merges: bool, limit: int, fmt: str) -> int:
    root = repo_root(cwd)
    tally = Tally()
    for sha, parent in past_changes(root, revs, merges=merges, limit=limit):
        try:
            ws = open_workspace(root, ChangeSelection(base=parent, head=sha))
            ws = analysed(ws, remember_scans=True, mine=True)
            result = evaluate(ws.change, ws.context, ws.policy)
        except FatalError as exc:
            tally.skipped.append(f"{sha[:12]}: {exc}")
            continue
        tally.add(result)
    report = tally.as_dict()
    click.echo(json.dumps(report, indent=2) if fmt == "json" else _text(report))
    return 0


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
