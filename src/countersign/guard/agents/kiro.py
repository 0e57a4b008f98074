"""Kiro CLI: an agent configuration's ``preToolUse`` hooks; exit 0 allows, exit 2 blocks with
stderr to the model. No JSON answer and no ask, so ask is a block whose message says how a
human lets the action through. ``postToolUse`` of ``fs_read`` records what it read (one path, or a
batch of ``operations`` each with its path). https://kiro.dev/docs/cli/hooks"""

from __future__ import annotations

from countersign.guard.agents.record import CRASHED, Agent, launched

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def read(data: dict[str, Any]) -> dict[str, Any]:
    tool_input = data.get("tool_input")
    if data.get("tool_name") != "fs_read" or not isinstance(tool_input, dict):
        return data
    operations = tool_input.get("operations")
    if not isinstance(operations, list):
        return data
    paths = [op.get("path") for op in operations if isinstance(op, dict)]
    return {**data, "tool_input": {**tool_input, "paths": [p for p in paths if isinstance(p, str)]}}


def answer(decision: str, reason: str, explicit: bool, event: str) -> tuple[str, str, int]:
    if decision == "allow":
        return "", "", 0
    return "", reason + "\n", 2


def _guarded(command: str) -> str:
    """Exit 2 is the guard's own block: passed on; any other failure blocks too."""
    return f"{command} || {{ s=$?; [ $s -eq 2 ] || echo '{CRASHED}' >&2; exit 2; }}"


def entries(program: str) -> dict[str, list[dict[str, Any]]]:
    plain = launched(program, "--agent kiro")
    command = _guarded(plain)
    return {
        "preToolUse": [
            {"command": command, "matcher": "execute_bash", "timeout_ms": 10000},
            {"command": command, "matcher": "fs_write", "timeout_ms": 10000},
        ],
        "postToolUse": [
            {"command": plain, "matcher": "fs_write", "timeout_ms": 10000},
            {"command": plain, "matcher": "fs_read", "timeout_ms": 10000},
        ],
    }


AGENT = Agent(
    name="kiro",
    project_file=".kiro/agents/default.json",
    user_file=".kiro/agents/default.json",
    protected=(".kiro/agents/**", "~/.kiro/agents/**", ".kiro/hooks/**"),
    pre=frozenset({"pretooluse"}),
    permission=frozenset(),
    post=frozenset({"posttooluse"}),
    read=read,
    answer=answer,
    entries=entries,
    fast_allow="",
    crash=CRASHED,
    defaults={"name": "default"},
    note="",
    docs=("https://kiro.dev/docs/cli/hooks",),
)
