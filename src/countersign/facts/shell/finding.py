"""What the shell-command analysis reports: one finding per dangerous effective command."""

from __future__ import annotations

from countersign.facts.severity import Severity
from countersign.records import record

__all__ = ["Severity", "ShellFinding", "most_severe"]


@record(frozen=True)
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
