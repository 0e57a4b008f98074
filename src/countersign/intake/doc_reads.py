"""Documents an agent read that no longer match the code: JSON lines the guard's PostToolUse hook
appends to ``docs-stale.jsonl`` in the state directory (``countersign.guard.reads`` writes them:
``{"at", "agent", "session", "tool", "path" or "url", "sha256", "stale": [references]}``).

Provenance reads them back to mark a change made in a session that rested on stale guidance.
Imports only the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from countersign.intake.agent_edits import tail_lines

STALE_LOG = "docs-stale.jsonl"
# The log grows with every stale read; beyond this only the newest part is read.
MAX_LOG_BYTES = 5_000_000


@dataclass(frozen=True)
class StaleReference:
    """One reference of the document that the code no longer has, with the evidence."""

    kind: str
    text: str
    line: int
    reason: str
    suggestion: str = ""


@dataclass(frozen=True)
class StaleRead:
    """A stale document an agent read: when, in which session, and what in it no longer holds."""

    at: datetime
    agent: str
    document: str  # a repository path, or the URL fetched
    session: str = ""
    references: tuple[StaleReference, ...] = ()

    @property
    def timestamp(self) -> float:
        return self.at.timestamp()


@dataclass(frozen=True)
class StaleReadLog:
    """The records that could be read, and how many lines could not (reported, never fatal)."""

    reads: tuple[StaleRead, ...] = ()
    skipped: int = 0
    source: str = ""


def read_stale_reads(path: Path) -> StaleReadLog:
    """Read the guard's log of stale reads; a missing file is an empty log."""
    lines = tail_lines(path, MAX_LOG_BYTES)
    if lines is None:
        return StaleReadLog(source=str(path))
    reads, skipped = parse_stale_reads(lines)
    return StaleReadLog(reads, skipped, str(path))


def parse_stale_reads(lines: Iterable[str]) -> tuple[tuple[StaleRead, ...], int]:
    reads: list[StaleRead] = []
    skipped = 0
    for line in lines:
        if not line.strip():
            continue
        read = _read(line)
        if read is None:
            skipped += 1
        else:
            reads.append(read)
    return tuple(reads), skipped


def _read(line: str) -> StaleRead | None:
    try:
        raw = json.loads(line)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    when = _when(raw.get("at"))
    agent, document = raw.get("agent"), raw.get("path") or raw.get("url")
    if when is None or not isinstance(agent, str) or not isinstance(document, str):
        return None
    if not agent or not document:
        return None
    session = raw.get("session")
    refs = raw.get("stale")
    return StaleRead(
        at=when,
        agent=agent,
        document=document.removeprefix("./"),
        session=session if isinstance(session, str) else "",
        references=tuple(r for r in map(_reference, refs if isinstance(refs, list) else ()) if r),
    )


def _when(at: Any) -> datetime | None:
    if isinstance(at, bool):
        return None
    if isinstance(at, (int, float)):
        try:
            return datetime.fromtimestamp(at, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(at, str):
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            return None
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None


def _reference(raw: Any) -> StaleReference | None:
    if not isinstance(raw, dict):
        return None
    text, reason = raw.get("text"), raw.get("reason")
    if not isinstance(text, str) or not text:
        return None
    line = raw.get("line")
    suggestion = raw.get("suggestion")
    return StaleReference(
        kind=str(raw.get("kind") or ""),
        text=text,
        line=line if isinstance(line, int) and not isinstance(line, bool) else 0,
        reason=reason if isinstance(reason, str) else "",
        suggestion=suggestion if isinstance(suggestion, str) else "",
    )
