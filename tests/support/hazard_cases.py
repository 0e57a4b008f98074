"""Helpers for hazard tests: build Changes from fixture files or inline texts."""

from __future__ import annotations

from pathlib import Path

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, find_hazards
from countersign.intake.artifacts import load_artifact
from countersign.intake.change import Artifact, Change, FileChange, FileStatus

FIXTURES = Path(__file__).parents[1] / "fixtures" / "hazards"


def scan(*paths: Path, context: Context | None = None) -> tuple[Hazard, ...]:
    artifacts = tuple(load_artifact(str(p)) for p in paths)
    change = Change(None, None, "", artifacts=artifacts, source="scan")
    return find_hazards(change, context or Context())


def diff(
    path: str,
    new: str | None,
    old: str | None = None,
    context: Context | None = None,
) -> tuple[Hazard, ...]:
    """Hazards of a change that edits (or adds, or deletes when ``new`` is None) one file."""
    if new is None:
        files = (FileChange(path, FileStatus.DELETED, old_text=old),)
        artifacts: tuple[Artifact, ...] = ()
    else:
        status = FileStatus.ADDED if old is None else FileStatus.MODIFIED
        files = (FileChange(path, status, old_text=old, new_text=new),)
        artifacts = (Artifact(path, new, origin="diff", previous_text=old),)
    change = Change("a", "b", "", files=files, artifacts=artifacts)
    return find_hazards(change, context or Context())


def kinds(hazards: tuple[Hazard, ...]) -> list[str]:
    return [h.kind for h in hazards]
