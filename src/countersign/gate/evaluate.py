"""The whole pipeline as one pure function: change -> facts -> decision -> sign-offs -> verdict."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from countersign.decision.activation import activation
from countersign.decision.engine import decide
from countersign.decision.policy import Policy
from countersign.decision.requirements import Kind, Requirement
from countersign.facts import Analyzers, gather
from countersign.facts.context import Context
from countersign.gate.verdict import Evaluation, verdict_of
from countersign.intake.change import Change
from countersign.signoff.adoption import vetted
from countersign.signoff.approvals import (
    SignOffs,
    apply_signoffs,
    approval_facts,
    authors_of,
    proven,
)
from countersign.signoff.checkpoint import CHECKPOINT_FILE, taken_back_by
from countersign.signoff.solo import with_solo

CHECKPOINTS_RULE = "ledger-checkpoints"
WHY_CHECKPOINTS = (
    "every reader trusts the newest ledger checkpoint the protected branch holds: once merged, "
    "a rewind of the ledger past the checkpoint taken back would go unseen"
)


def evaluate(
    change: Change,
    context: Context,
    policy: Policy,
    signoffs: SignOffs | None = None,
    checks: dict[str, str] | None = None,
    analyzers: Analyzers | None = None,
    today: date | None = None,
) -> Evaluation:
    facts = gather(change, context, analyzers)
    roster = context.config.roster
    if facts.adoption is not None:
        # Nobody on the landing branch can sign; the roster the change brings names who is
        # who, and only administrators' reviews confirmed by the forge count.
        roster = facts.adoption.roster
    signoffs = signoffs or SignOffs()
    if facts.adoption is not None:
        # what the adoption pins (its forge, its ledger keys) says which sign-offs may count
        signoffs = vetted(signoffs, facts.adoption)
    # each signature verified once, for the conditions (``approvals``) and the requirements
    signoffs = proven(signoffs, roster)
    authors = authors_of(tuple(i.email for i in facts.identities), roster)
    forge = facts.adoption.forge if facts.adoption is not None else policy.forge
    signoffs = with_solo(signoffs, roster, forge, authors)
    variables = activation(facts, checks, approval_facts(signoffs, roster, authors))
    decision = decide(policy, variables, today or context.today)
    if facts.adoption is not None:
        decision = replace(
            decision, requirements=tuple(r.for_admins() for r in decision.requirements)
        )
    requirements = apply_signoffs(
        (*checkpoint_blocks(change), *decision.requirements),
        signoffs,
        roster,
        facts.author,
        facts.blast_radius.owners,
        checks,
        authors=authors,
        admins_only=facts.adoption is not None,
    )
    if facts.adoption is not None and facts.adoption.unpinned:
        # why no review can count yet, beside what is missing
        requirements = tuple(
            replace(r, missing=f"{r.missing}; {facts.adoption.unpinned}")
            if r.admins and not r.satisfied
            else r
            for r in requirements
        )
    return Evaluation(verdict_of(requirements), facts, decision, requirements, signoffs=signoffs)


def checkpoint_blocks(change: Change) -> tuple[Requirement, ...]:
    """A block, whatever the policy says and that break-glass cannot lift, for a change that
    takes the ledger checkpoints back (``signoff.checkpoint.taken_back_by``)."""
    problems = taken_back_by(change.files)
    if not problems:
        return ()
    reason = f"takes the ledger checkpoints back: it {'; it '.join(problems)}"
    return (
        Requirement(
            f"{CHECKPOINTS_RULE}/block",
            CHECKPOINTS_RULE,
            Kind.BLOCK,
            reason,
            needs=f"{reason}; keep every line of .countersign/{CHECKPOINT_FILE} that the "
            "branch it lands on has (a checkpoint only moves forward: `countersign ledger "
            "checkpoint`)",
            because=(WHY_CHECKPOINTS,),
            glass=False,
        ),
    )
