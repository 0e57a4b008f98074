"""Provenance: which files an agent changed, in which session, recorded as it happens.

``agent-edits.jsonl`` in the state directory, one JSON object per edited file:
``{"at", "agent", "session", "tool", "path" (repository-relative), "cwd", "operator"}``. The
provenance analyzer and the commit-msg hook read it, and the operator (who ran the session) may
not approve a change made of these edits; keep the format.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from countersign.guard.protocol import ToolCall
from countersign.intake.agent_edits import log_path


def record_edits(call: ToolCall, root: Path | None, state: Path, operator: str = "") -> int:
    if call.kind != "edit" or not call.paths:
        return 0
    at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    lines = [
        json.dumps(
            {
                "at": at,
                "agent": call.agent,
                "session": call.session,
                "tool": call.tool,
                "path": relative(path, call.cwd, root),
                "cwd": call.cwd,
                **({"operator": operator} if operator else {}),
            },
            ensure_ascii=False,
        )
        for path in call.paths
    ]
    state.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_path(state), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, ("\n".join(lines) + "\n").encode("utf-8", "replace"))
    finally:
        os.close(fd)
    return len(lines)


def relative(path: str, cwd: str, root: Path | None) -> str:
    full = Path(path) if path.startswith("/") else Path(cwd) / path
    full = Path(os.path.normpath(full))
    if root is not None:
        try:
            return full.relative_to(root.resolve()).as_posix()
        except ValueError:
            try:
                return full.relative_to(root).as_posix()
            except ValueError:
                pass
    return full.as_posix()
