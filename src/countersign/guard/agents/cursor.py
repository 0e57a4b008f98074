"""Cursor: ``beforeShellExecution`` sends the command at the top level and reads
``{"permission": "allow"|"ask"|"deny", "user_message", "agent_message"}``; ``afterFileEdit``
reports an edit; ``beforeReadFile`` names a file the agent is about to read: recorded as a read
(for stale guidance) and judged like any read. https://cursor.com/docs/agent/hooks"""

from __future__ import annotations

from countersign.guard import wire
from countersign.guard.agents.record import CRASHED, Agent, guarded, launched

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ALLOW = wire.dumps({"permission": "allow"}) + "\n"


def read(data: dict[str, Any]) -> dict[str, Any]:
    event = str(data.get("hook_event_name", "")).lower()
    if event in ("beforeshellexecution", "aftershellexecution"):
        return {**data, "tool_name": "Shell", "tool_input": {"command": data.get("command")}}
    if event == "beforereadfile":
        return {**data, "tool_name": "Read", "tool_input": {"file_path": data.get("file_path")}}
    if event == "afterfileedit":
        return {**data, "tool_name": "Write", "tool_input": {"file_path": data.get("file_path")}}
    return data


def answer(decision: str, reason: str, explicit: bool, event: str) -> tuple[str, str, int]:
    if decision == "allow":
        return ALLOW, "", 0
    body = {"permission": decision, "user_message": reason, "agent_message": reason}
    return wire.dumps(body) + "\n", "", 0


def entries(program: str) -> dict[str, list[dict[str, Any]]]:
    plain = launched(program, "--agent cursor")
    return {
        "beforeShellExecution": [{"command": guarded(plain, _CRASH)}],
        "afterFileEdit": [{"command": plain}],
        "beforeReadFile": [{"command": plain}],
    }


_CRASH = wire.dumps({"permission": "ask", "user_message": CRASHED, "agent_message": CRASHED})

AGENT = Agent(
    name="cursor",
    project_file=".cursor/hooks.json",
    user_file=".cursor/hooks.json",
    protected=(".cursor/hooks.json", "~/.cursor/hooks.json"),
    pre=frozenset({"beforeshellexecution", "beforemcpexecution", "pretooluse", "beforereadfile"}),
    permission=frozenset(),
    post=frozenset({"afterfileedit", "aftershellexecution", "posttooluse"}),
    read=read,
    answer=answer,
    entries=entries,
    fast_allow=ALLOW,
    crash=_CRASH,
    defaults={"version": 1},
    note="Cursor has no pre-edit hook here: protected paths hold for its shell writes only.",
    docs=("https://cursor.com/docs/agent/hooks",),
)
