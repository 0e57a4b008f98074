"""The verdict: pass, needs-approval or blocked, from the requirements and their state."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from countersign.decision.requirements import Decision, Kind, Requirement
from countersign.errors import ExitCode
from countersign.facts import Facts
from countersign.signoff.approvals import SignOffs
from countersign.signoff.ledger import LedgerState


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    NEEDS_APPROVAL = "needs-approval"
    BLOCKED = "blocked"

    @property
    def exit_code(self) -> ExitCode:
        return {
            Verdict.PASS: ExitCode.PASS,
            Verdict.NEEDS_APPROVAL: ExitCode.NEEDS_APPROVAL,
            Verdict.BLOCKED: ExitCode.BLOCKED,
        }[self]


@dataclass(frozen=True)
class Evaluation:
    """Everything one run of the gate found and decided: what the output layer renders."""

    verdict: Verdict
    facts: Facts
    decision: Decision
    requirements: tuple[Requirement, ...]
    # The ledger the sign-offs were read from (None: none was read, e.g. policy test).
    ledger: LedgerState | None = None
    # The sign-offs as the gate judged them (proven; an adoption's vetted, solo ones marked).
    signoffs: SignOffs | None = field(default=None, compare=False, repr=False)


def verdict_of(requirements: tuple[Requirement, ...]) -> Verdict:
    open_ = [r for r in requirements if not r.satisfied]
    if any(r.kind is Kind.BLOCK for r in open_):
        return Verdict.BLOCKED
    return Verdict.NEEDS_APPROVAL if open_ else Verdict.PASS
