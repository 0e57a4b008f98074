"""Hazards: typed findings of destructive, data-losing or access-widening operations.

Every analyzer has one signature, ``(Change, Context) -> Iterable[Hazard]``, and is listed in
``ANALYZERS``; nothing registers itself. An artifact that cannot be analysed yields an
``artifact.unanalysable`` hazard, which the default policy sends to review (never a silent pass).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from countersign.facts.context import Context
from countersign.facts.severity import Severity

__all__ = [
    "UNANALYSABLE",
    "Hazard",
    "HazardAnalyzer",
    "Severity",
    "find_hazards",
    "registry",
    "unanalysable",
]
from countersign.intake.change import Change


@dataclass(frozen=True)
class Hazard:
    kind: str
    severity: Severity
    path: str
    detail: str
    line: int | None = None
    resource: str | None = None
    env: str | None = None
    analyzer: str = ""


HazardAnalyzer = Callable[[Change, Context], Iterable[Hazard]]

UNANALYSABLE = "artifact.unanalysable"


def unanalysable(path: str, why: str, line: int | None = None) -> Hazard:
    """The finding for a file that could not be analysed: a human has to read it."""
    return Hazard(UNANALYSABLE, Severity.HIGH, path, f"{why}; review it by hand", line=line)


def registry() -> dict[str, HazardAnalyzer]:
    """Every analyzer, by name (the ``analyzer`` field of its findings). Imported on call, so
    importing this package does no work."""
    from countersign.facts.hazards import (
        artifacts,
        cdk,
        cloudformation,
        iam,
        kubernetes,
        kustomize,
        pulumi,
        scripts,
        sql,
        terraform,
        terraform_source,
        unread,
        workflows,
    )

    return {
        "artifacts": artifacts.analyze,
        "terraform": terraform.analyze,
        "terraform_source": terraform_source.analyze,
        "cloudformation": cloudformation.analyze,
        "pulumi": pulumi.analyze,
        "cdk": cdk.analyze,
        "kubernetes": kubernetes.analyze,
        "kustomize": kustomize.analyze,
        "sql": sql.analyze,
        "iam": iam.analyze,
        "scripts": scripts.analyze,
        "workflows": workflows.analyze,
        "unread": unread.analyze,
    }


def find_hazards(
    change: Change, context: Context, analyzers: dict[str, HazardAnalyzer] | None = None
) -> tuple[Hazard, ...]:
    """Run every analyzer; order the findings most severe first, then by place."""
    found: list[Hazard] = []
    for name, analyze in (analyzers or registry()).items():
        found.extend(
            h if h.analyzer else Hazard(**{**h.__dict__, "analyzer": name})
            for h in analyze(change, context)
        )
    return tuple(sorted(found, key=lambda h: (-h.severity.rank, h.path, h.line or 0, h.kind)))
