"""The demo's agent: sends one tool call to the real guard, as Claude Code's PreToolUse hook
would (a separate `countersign guard` process reading the hook JSON on stdin)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

OPERATOR = "dana@shop.example"


def agent_runs(repo: Path, command: str) -> tuple[str, str]:
    """The guard's decision and reason for the agent running ``command`` in ``repo``."""
    payload = {
        "session_id": "demo-session",
        "transcript_path": str(repo / ".transcript.jsonl"),
        "cwd": str(repo),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": command, "description": "apply the plan"},
        "tool_use_id": "toolu_demo",
    }
    done = subprocess.run(
        [sys.executable, "-m", "countersign", "guard", "--agent", "claude-code"],
        input=json.dumps(payload).encode(),
        capture_output=True,
        cwd=repo,
        env={**os.environ, "COUNTERSIGN_OPERATOR": OPERATOR},
        check=False,
    )
    if not done.stdout.strip():
        return "allow", ""
    answer = json.loads(done.stdout)["hookSpecificOutput"]
    return answer["permissionDecision"], answer.get("permissionDecisionReason", "")
