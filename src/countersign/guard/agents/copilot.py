"""GitHub Copilot (CLI and cloud agent): hook files in ``.github/hooks/*.json`` (``version: 1``;
the cloud agent reads them from the default branch). ``preToolUse`` gets ``toolName`` and
``toolArgs`` (a JSON string) and answers ``permissionDecision`` allow/deny/ask;
``permissionRequest`` is answered only to deny. The payload does not name its event, so the
installed command says which one it serves (``--event``).
https://docs.github.com/en/copilot/reference/hooks-configuration"""

from __future__ import annotations

from countersign.guard import wire
from countersign.guard.agents.record import CRASHED, Agent, guarded, launched

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_SHELL = {"bash", "powershell", "shell"}


def read(data: dict[str, Any]) -> dict[str, Any]:
    """``toolName``/``toolArgs`` into ``tool_name``/``tool_input`` (newer versions may send the
    snake_case fields themselves); the edit tools' ``path`` stays the file."""
    if "tool_name" in data:
        return data
    args = data.get("toolArgs")
    if isinstance(args, str):
        try:
            args = wire.loads(args)
        except ValueError:
            args = {"command": args} if data.get("toolName") in _SHELL else {}
    out = {**data, "tool_name": data.get("toolName", ""), "tool_input": args}
    if "hookEventName" in data and "hook_event_name" not in data:
        out["hook_event_name"] = data["hookEventName"]
    return out


def answer(decision: str, reason: str, explicit: bool, event: str) -> tuple[str, str, int]:
    if event == "permission":
        if decision != "deny":
            return "", "", 0
        return wire.dumps({"behavior": "deny", "message": reason}) + "\n", "", 0
    if decision == "allow" and not explicit:
        return "", "", 0
    body = {"permissionDecision": decision, "permissionDecisionReason": reason}
    return wire.dumps(body) + "\n", "", 0


def entries(program: str) -> dict[str, list[dict[str, Any]]]:
    pre = launched(program, "--agent copilot --event preToolUse")
    post = launched(program, "--agent copilot --event postToolUse")
    return {
        "preToolUse": [{"type": "command", "bash": guarded(pre, _CRASH), "timeoutSec": 30}],
        "postToolUse": [{"type": "command", "bash": post, "timeoutSec": 30}],
    }


_CRASH = wire.dumps({"permissionDecision": "ask", "permissionDecisionReason": CRASHED})

AGENT = Agent(
    name="copilot",
    project_file=".github/hooks/countersign.json",
    user_file="",
    protected=(".github/hooks/**", "~/.copilot/**"),
    pre=frozenset({"pretooluse"}),
    permission=frozenset({"permissionrequest"}),
    post=frozenset({"posttooluse"}),
    read=read,
    answer=answer,
    entries=entries,
    fast_allow="",
    crash=_CRASH,
    defaults={"version": 1},
    note=(
        "The Copilot cloud agent reads .github/hooks from the default branch: commit and merge "
        "the file. Only the bash command is written (no powershell entry)."
    ),
    docs=(
        "https://docs.github.com/en/copilot/reference/hooks-configuration",
        "https://docs.github.com/en/copilot/how-tos/use-copilot-agents/coding-agent/use-hooks",
    ),
)
