"""``countersign status``: where a change stands: its requirements, the approvals on its exact
content (and why any of them do not count), approvals left stale by a content change, and
break-glass follow-up reviews still due."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from countersign.decision.requirements import Kind
from countersign.gate.evaluate import evaluate
from countersign.intake.selection import ChangeSelection
from countersign.signoff.approvals import FollowUp, authors_of, ineligible, open_follow_ups
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import analysed, open_workspace


def status(cwd: Path, selection: ChangeSelection, *, checks: dict[str, str], fmt: str) -> int:
    ws = analysed(open_workspace(cwd, selection), remember_scans=True, mine=True)
    entries = ws.ledger.entries()
    fingerprint = ws.change.fingerprint
    signoffs = signoffs_for(ws.ledger, fingerprint)
    result = evaluate(ws.change, ws.context, ws.policy, signoffs, checks)
    roster = ws.context.config.roster
    authors = authors_of(tuple(c.author_email for c in ws.change.commits), roster)
    approval_reqs = [r for r in result.decision.requirements if r.kind is Kind.APPROVAL]
    approvals = []
    for approval in signoffs.approvals:
        why = [ineligible(approval, r, roster, authors) for r in approval_reqs]
        counted = [r.id for r, w in zip(approval_reqs, why, strict=True) if w is None]
        approvals.append(
            {
                "approver": approval.approver,
                "at": approval.at,
                "counts_for": counted,
                "ignored": "" if counted else "; ".join(sorted({w for w in why if w})),
            }
        )
    stale = [
        {"approver": e["approver"], "at": e.get("at", ""), "fingerprint": e["fingerprint"]}
        for e in entries
        if e["kind"] == "approval"
        and ws.change.branch
        and e.get("branch") == ws.change.branch
        and e.get("fingerprint") != fingerprint
    ]
    follow_ups = open_follow_ups(entries)
    report: dict[str, Any] = {
        "fingerprint": fingerprint,
        "branch": ws.change.branch,
        "policy_version": ws.policy.version,
        "verdict": str(result.verdict),
        "requirements": [
            {"id": r.id, "satisfied": r.satisfied, "reason": r.reason, "missing": r.missing}
            for r in result.requirements
        ],
        "approvals": approvals,
        "stale_approvals": stale,
        "follow_ups_due": [f.__dict__ for f in follow_ups],
    }
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(_text(report, follow_ups))
    return 0


def _text(report: dict[str, Any], follow_ups: tuple[FollowUp, ...]) -> str:
    lines = [
        (
            f"Change {report['fingerprint'][:19]} on {report['branch'] or '(no branch)'}, "
            f"policy version {report['policy_version']}: {report['verdict']}"
        )
    ]
    if report["requirements"]:
        lines.append("Requirements:")
        for r in report["requirements"]:
            mark = "[x]" if r["satisfied"] else "[ ]"
            tail = f" ({r['missing']})" if r["missing"] and not r["satisfied"] else ""
            lines.append(f"  {mark} {r['id']}: {r['reason']}{tail}")
    else:
        lines.append("No requirements: fast lane.")
    if report["approvals"]:
        lines.append("Approvals on this exact content:")
        for a in report["approvals"]:
            state = (
                f"counts for {', '.join(a['counts_for'])}"
                if a["counts_for"]
                else f"ignored: {a['ignored']}"
            )
            lines.append(f"  {a['approver']} at {a['at']}: {state}")
    if report["stale_approvals"]:
        lines.append(
            "Stale approvals (given to earlier content of this branch; they do not count):"
        )
        lines.extend(
            f"  {s['approver']} at {s['at']} for {s['fingerprint'][:19]}"
            for s in report["stale_approvals"]
        )
    if follow_ups:
        lines.append(
            "Break-glass follow-up reviews due (countersign approve --requirement "
            "break-glass/follow-up):"
        )
        lines.extend(
            f"  {f.fingerprint[:19]} by {f.who} at {f.at} ({f.incident}): {f.reason}"
            for f in follow_ups
        )
    return "\n".join(lines)
