"""What the shell-command analysis reports: one finding per dangerous effective command."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Same values as ``facts.hazards.Severity``, kept apart so the guard imports nothing heavy."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)


_ORDER = (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)


@dataclass(frozen=True)
class ShellFinding:
    """A rule matched an effective command.

    ``rule`` is a stable id (``fs.recursive-delete``), ``command`` the effective command it matched
    after unwrapping (``rm -rf /`` out of ``sudo bash -c '...'``), ``via`` how it was reached.
    """

    rule: str
    severity: Severity
    reason: str
    command: str
    production: bool = False
    via: tuple[str, ...] = ()


def most_severe(findings: list[ShellFinding] | tuple[ShellFinding, ...]) -> ShellFinding | None:
    best: ShellFinding | None = None
    for finding in findings:
        if best is None or finding.severity.rank > best.severity.rank:
            best = finding
    return best
