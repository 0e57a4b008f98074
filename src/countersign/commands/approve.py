"""``countersign approve``: sign off the exact content of a change (its fingerprint), after the
same eligibility checks the gate applies, so an approval that would not count is refused here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from countersign.config.roster import Roster
from countersign.decision.requirements import Kind, Requirement
from countersign.errors import UsageError
from countersign.gate.evaluate import evaluate
from countersign.intake.selection import ChangeSelection
from countersign.signoff.approvals import (
    FOLLOW_UP,
    Approval,
    BreakGlass,
    approver_problem,
    authors_of,
    ineligible,
)
from countersign.signoff.identity import Identity, identity_from, sign_statement
from countersign.signoff.ledger import now_iso, signoffs_for
from countersign.workspace import Workspace, analysed, open_workspace


def identity_of(root: Path | None, given: str | None) -> str:
    """First-version helper kept for callers: the claimed identity only."""
    from countersign.config.roster import Roster

    return identity_from(root, given, Roster()).claimed


def approve(
    cwd: Path,
    selection: ChangeSelection,
    *,
    identity: str | None,
    requirement: str | None,
    note: str,
    key_file: Path | None = None,
    checks: dict[str, str] | None = None,
    forge: Callable[[Roster], Identity] | None = None,
) -> int:
    """``forge``: the approver comes from the forge (a pull request review), found in the
    roster read at the change's base, instead of ``--as``/``--key``/git."""
    ws = analysed(open_workspace(cwd, selection), remember_scans=True, mine=True)
    roster = ws.context.config.roster
    who = forge(roster) if forge else identity_from(ws.root, identity, roster, key_file)
    person = roster.find(who.claimed)
    authors = authors_of(tuple(c.author_email for c in ws.change.commits), roster)
    problem = approver_problem(who.claimed, person, roster, authors)
    if problem or person is None:
        raise UsageError(f"cannot approve: {problem}")
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    if requirement == FOLLOW_UP:
        targets = _follow_up(ws, person.id, signoffs.break_glass)
    else:
        result = evaluate(ws.change, ws.context, ws.policy, signoffs, checks)
        targets = _targets(
            [r for r in result.decision.requirements if r.kind is Kind.APPROVAL],
            requirement,
            Approval(person.id, ws.change.fingerprint, "", level=person.level, teams=person.teams),
            ws,
            authors,
        )
    payload: dict[str, Any] = {
        "approver": person.id,
        "identity": who.as_dict(),
        "fingerprint": ws.change.fingerprint,
        "requirements": targets,
        "level": person.level,
        "teams": list(person.teams),
        "note": note,
        "base": ws.change.base,
        "head": ws.change.head,
        "tree": ws.change.tree,
        "branch": ws.change.branch,
        "policy_version": ws.policy.version,
        "policy_digest": ws.policy.digest,
        "at": now_iso(),
    }
    if key_file is not None:
        payload["approver_signature"] = sign_statement(key_file, _statement(payload))
    ws.ledger.append("approval", payload)
    click.echo(
        f"Approved {ws.change.fingerprint[:19]} as {person.id} ({_source(who)}) "
        f"for {', '.join(targets)}"
    )
    return 0


def _statement(payload: dict[str, Any]) -> dict[str, object]:
    return {k: payload[k] for k in ("approver", "fingerprint", "requirements", "at")}


def _source(who: Identity) -> str:
    return {
        "flag": "--as",
        "git": "git user.email",
        "key": "signing key",
        "github-review": "GitHub review",
    }.get(who.source, who.source)


def _targets(
    requirements: list[Requirement],
    wanted: str | None,
    approval: Approval,
    ws: Workspace,
    authors: tuple[Any, ...],
) -> list[str]:
    roster = ws.context.config.roster
    if not requirements:
        raise UsageError(
            f"cannot approve: change {ws.change.fingerprint[:19]} needs no approval under "
            f"policy version {ws.policy.version}"
        )
    if wanted:
        match = [r for r in requirements if r.id == wanted or wanted in r.rule.split("+")]
        if not match:
            raise UsageError(
                f"cannot approve: this change has no requirement {wanted!r}; it needs "
                f"{', '.join(r.id for r in requirements)}"
            )
        requirements = match
    reasons = {r.id: ineligible(approval, r, roster, authors) for r in requirements}
    ok = [rid for rid, why in reasons.items() if why is None]
    if not ok:
        why = "; ".join(f"{rid}: {reason}" for rid, reason in reasons.items())
        raise UsageError(f"cannot approve: {why}")
    return ok


def _follow_up(ws: Workspace, approver: str, glass: tuple[BreakGlass, ...]) -> list[str]:
    if not glass:
        raise UsageError("cannot approve: no break-glass was used on this change")
    roster = ws.context.config.roster
    for used in glass:
        person = roster.find(used.who)
        if used.who == approver or (person is not None and person.id == approver):
            raise UsageError(
                "cannot approve: the follow-up review of a break-glass must be by someone "
                f"other than {approver}, who broke the glass"
            )
    return [FOLLOW_UP]
