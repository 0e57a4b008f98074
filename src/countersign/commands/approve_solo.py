"""``countersign approve --solo EVENT``: in a repository of one person, the author's own
sign-off of their pull request, once GitHub confirms they are its only collaborator and an
administrator (``signoff.solo``). Run in CI on ``pull_request`` events; it refuses as soon as
the roster names a second person or anyone else made the change."""

from __future__ import annotations

import os
from pathlib import Path

import click

from countersign.config.forge import Forge
from countersign.decision.policy import NO_FORGE
from countersign.errors import UsageError
from countersign.facts.adoption import ROSTER, Adoption
from countersign.gate.evaluate import evaluate
from countersign.intake.git import parents
from countersign.intake.pull_request import read_authored
from countersign.intake.selection import ChangeSelection
from countersign.signoff.adoption import adoption_forge, unpinned_writer
from countersign.signoff.approvals import authors_of
from countersign.signoff.approve import approve
from countersign.signoff.forge import Channels, solo_identity
from countersign.signoff.ledger import signoffs_for
from countersign.signoff.solo import only_person, other_makers
from countersign.workspace import Environment, analysed, open_workspace, protected_policy


def approve_solo(cwd: Path, *, payload: str) -> int:
    pull = read_authored(payload)
    environment = Environment.from_process()
    selection = ChangeSelection(base=pull.base, head=pull.commit)
    ws = analysed(open_workspace(cwd, selection, environment), remember_scans=True, mine=True)
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    result = evaluate(ws.change, ws.context, ws.policy, signoffs)
    adoption = result.facts.adoption
    roster = adoption.roster if adoption else ws.context.config.roster
    person = only_person(roster)
    humans = [p.id for p in roster.people if not p.agent]
    if person is None:
        raise UsageError(
            f"cannot sign off solo: {ROSTER} names {len(humans)} people "
            f"({', '.join(humans[:4]) or 'none'}), not one; another of them reviews"
        )
    if person.github.lower() != pull.login.lower():
        raise UsageError(
            f"cannot sign off solo: pull request #{pull.number} is by {pull.login}, not "
            f"{person.id} (github: {person.github or 'none'}), the one person {ROSTER} names"
        )
    makers = tuple(i.email for i in result.facts.identities)
    others = other_makers(person, authors_of(makers, roster), roster)
    if others:
        raise UsageError(
            f"cannot sign off solo: {', '.join(others[:3])} also made this change; someone "
            "other than its makers reviews it"
        )
    forge, branch = _forge(ws.root or cwd, adoption)
    if adoption is not None and (why := unpinned_writer(adoption, ws.ledger.key.key_id)):
        raise UsageError(f"cannot sign off solo: {why}")
    root = ws.root or cwd
    channels = Channels(covers=lambda sha, commit: sha == commit or commit in parents(root, sha))
    confirmed = solo_identity(
        pull, person, forge, os.environ, environment.clock(), channels, branch
    )
    try:
        done = approve(
            ws.ledger,
            ws.change,
            roster,
            confirmed.identity,
            ws.policy,
            signoffs=signoffs,
            requirements=result.decision.requirements,
            note=f"solo: {pull.url or f'pull request #{pull.number}'}",
            now=environment.clock(),
            makers=makers,
            solo=True,
        )
    except UsageError as exc:
        if not confirmed.unproven:
            raise
        raise UsageError(f"{exc} (not forge-proven: {confirmed.unproven})") from None
    click.echo(
        f"Approved {done.fingerprint[:19]} as {done.approver} (solo), identity "
        f"{confirmed.identity.strength} ({confirmed.checked}), for {', '.join(done.requirements)}"
    )
    return 0


def _forge(root: Path, adoption: Adoption | None) -> tuple[Forge, str]:
    """The GitHub to ask: for an adoption the one it brings, else the default branch's pin."""
    if adoption is not None:
        return adoption_forge(adoption), "the adoption"
    protected = protected_policy(root)
    return (protected[0].forge, protected[1]) if protected else (NO_FORGE, "")
