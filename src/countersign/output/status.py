"""``status`` as text or JSON: requirements, approvals (and why any do not count), stale
approvals and break-glass follow-up reviews still due."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from countersign.gate.verdict import Evaluation
from countersign.output.next_steps import adoption_note
from countersign.signoff.status import Standing


def status_dict(evaluation: Evaluation, s: Standing, policy_version: str) -> dict[str, Any]:
    change = evaluation.facts.change
    return {
        "fingerprint": change.fingerprint,
        "branch": change.branch,
        "policy_version": policy_version,
        "verdict": str(evaluation.verdict),
        "requirements": [
            {"id": r.id, "satisfied": r.satisfied, "reason": r.reason, "missing": r.missing}
            for r in evaluation.requirements
        ],
        "approvals": [
            {
                "approver": a.approver,
                "identity": a.identity,
                "at": a.at,
                "counts_for": list(a.counts_for),
                "ignored": a.ignored,
            }
            for a in s.approvals
        ],
        "stale_approvals": [asdict(x) for x in s.stale],
        "follow_ups_due": [asdict(f) for f in s.follow_ups],
        "ledger": evaluation.ledger.summary if evaluation.ledger else None,
        "adoption": adoption_note(evaluation),
    }


def render_status(evaluation: Evaluation, s: Standing, policy_version: str, fmt: str) -> str:
    report = status_dict(evaluation, s, policy_version)
    return json.dumps(report, indent=2) if fmt == "json" else _text(report, s)


def _text(report: dict[str, Any], s: Standing) -> str:
    lines = [
        (
            f"Change {report['fingerprint'][:19]} on {report['branch'] or '(no branch)'}, "
            f"policy version {report['policy_version']}: {report['verdict']}"
        )
    ]
    if report["ledger"]:
        lines.append(f"  {report['ledger']}")
    if report["adoption"]:
        lines.append(f"  {report['adoption']}")
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
            lines.append(f"  {a['approver']} ({a['identity']}) at {_when(a['at'])}: {state}")
    if report["stale_approvals"]:
        lines.append(
            "Stale approvals (given to earlier content of this branch; they do not count):"
        )
        lines.extend(
            f"  {x['approver']} at {_when(x['at'])} for {x['fingerprint'][:19]}: {x['why']}"
            for x in report["stale_approvals"]
        )
    if s.follow_ups:
        lines.append(
            "Break-glass follow-up reviews due (countersign approve --requirement "
            "break-glass/follow-up):"
        )
        lines.extend(
            f"  {f.fingerprint[:19]} by {f.who} at {_when(f.at)} ({f.incident}): {f.reason}"
            for f in s.follow_ups
        )
    return "\n".join(lines)


def _when(at: str) -> str:
    """A ledger time for people: to the second, in UTC (the JSON keeps the exact time)."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if moment.tzinfo else "%Y-%m-%d %H:%M:%S")
