"""Files the agent guard saw an agent edit: JSON lines the guard's PostToolUse hook appends to
``agent-edits.jsonl`` in the state directory (``countersign.state_dir``: ``$COUNTERSIGN_STATE_DIR``,
else ``$(git rev-parse --git-common-dir)/countersign/``).

Imports only the standard library: the ``commit-msg`` hook reads this file on every commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LOG_NAME = "agent-edits.jsonl"
# A log grows with every agent edit; beyond this only the newest part is read.
MAX_LOG_BYTES = 20_000_000


@dataclass(frozen=True)
class AgentEdit:
    """One file an agent edited, as the guard recorded it."""

    at: datetime
    agent: str
    path: str
    session: str = ""
    tool: str = ""
    operator: str = ""  # who ran the agent session (the guard's ``operator``), when recorded

    @property
    def timestamp(self) -> float:
        return self.at.timestamp()


@dataclass(frozen=True)
class AgentEditLog:
    """The records that could be read, and how many lines could not (reported, never fatal)."""

    edits: tuple[AgentEdit, ...] = ()
    skipped: int = 0
    source: str = ""


def log_path(state_dir: Path) -> Path:
    return state_dir / LOG_NAME


def tail_lines(path: Path, max_bytes: int) -> list[str] | None:
    """The whole lines of the newest ``max_bytes`` of a JSON-lines log the guard appends to;
    None when the file cannot be read (a missing log)."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - max_bytes))
            data = handle.read()
    except OSError:
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    if len(data) >= max_bytes and lines:
        lines = lines[1:]  # the first line was cut in the middle
    return lines


def read_agent_edits(path: Path) -> AgentEditLog:
    """Read the guard's log; a missing file is an empty log, bad lines are counted and skipped."""
    lines = tail_lines(path, MAX_LOG_BYTES)
    if lines is None:
        return AgentEditLog(source=str(path))
    edits, skipped = parse_agent_edits(lines)
    return AgentEditLog(edits, skipped, str(path))


def parse_agent_edits(lines: Iterable[str]) -> tuple[tuple[AgentEdit, ...], int]:
    edits: list[AgentEdit] = []
    skipped = 0
    for line in lines:
        if not line.strip():
            continue
        edit = _edit(line)
        if edit is None:
            skipped += 1
        else:
            edits.append(edit)
    return tuple(edits), skipped


def _edit(line: str) -> AgentEdit | None:
    try:
        raw = json.loads(line)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    at, agent, path = raw.get("at"), raw.get("agent"), raw.get("path")
    if not (isinstance(at, str) and isinstance(agent, str) and isinstance(path, str)):
        return None
    if not agent or not path:
        return None
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    session, tool, operator = raw.get("session"), raw.get("tool"), raw.get("operator")
    return AgentEdit(
        at=when,
        agent=agent,
        path=path.removeprefix("./"),
        session=session if isinstance(session, str) else "",
        tool=tool if isinstance(tool, str) else "",
        operator=operator if isinstance(operator, str) else "",
    )
