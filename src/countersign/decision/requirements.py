"""Requirements: what must happen before a change may ship, each with the reason it exists."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class Kind(StrEnum):
    APPROVAL = "approval"
    CHANGE_RECORD = "change_record"
    CHECKS = "checks"
    BLOCK = "block"


@dataclass(frozen=True)
class Requirement:
    id: str
    rule: str
    kind: Kind
    reason: str
    count: int = 0
    min_level: str | None = None
    teams: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    satisfied: bool = False
    satisfied_by: tuple[str, ...] = ()
    missing: str = ""
    # ``reason`` in two parts, for people: what is needed, and the rules' descriptions (why).
    needs: str = ""
    because: tuple[str, ...] = ()
    # Approvals: the identity strengths that count (``signed``, ``forge``, ``asserted``).
    identities: tuple[str, ...] = ("signed", "forge")
    glass: bool = True  # an active break-glass lifts it (false: a rule forbids that)
    strengths: tuple[str, ...] = ()  # how each of ``satisfied_by`` proved who they are
    # Only a repository administrator's review confirmed by the forge counts (an adoption
    # change: ``facts.adoption``).
    admins: bool = False

    def signers(self) -> tuple[str, ...]:
        """``alice (signed)``: each approver with the strength of their identity."""
        if len(self.strengths) != len(self.satisfied_by):
            return self.satisfied_by
        return tuple(f"{p} ({s})" for p, s in zip(self.satisfied_by, self.strengths, strict=True))

    def for_admins(self) -> Requirement:
        """This approval requirement as an adoption change has it: administrators only."""
        if self.kind is not Kind.APPROVAL or self.admins:
            return self
        needs = self.needs or self.reason
        return replace(
            self,
            admins=True,
            identities=("forge",),
            needs=f"{needs}, {'each ' if self.count > 1 else ''}by a repository administrator "
            "on GitHub",
        )

    def met(self, by: tuple[str, ...] = (), missing: str = "") -> Requirement:
        return replace(self, satisfied=not missing, satisfied_by=by, missing=missing)


@dataclass(frozen=True)
class RuleOutcome:
    """Why a rule did or did not fire, for ``policy explain`` and for the text output."""

    rule: str
    fired: bool
    reason: str
    line: int = 0  # where the rule starts in the policy file (0: not declared in a file)
    # A rule that fired: the facts its condition read, with their values (its thresholds'
    # inputs, for ``policy explain``); a rule that did not holds them in ``reason``.
    values: str = ""


@dataclass(frozen=True)
class Decision:
    requirements: tuple[Requirement, ...] = ()
    outcomes: tuple[RuleOutcome, ...] = field(default=())
    policy_version: str = ""
    policy_source: str = ""  # the policy file in the repository; "" for the packaged default
