"""Claude Code: ``PreToolUse`` answers allow/ask/deny in ``hookSpecificOutput``; a
``PermissionRequest`` (the permission dialog about to show) is answered only to deny.
https://code.claude.com/docs/en/hooks"""

from __future__ import annotations

from countersign.guard import wire
from countersign.guard.agents.record import CRASHED, Agent, guarded, hook_specific, launched, same

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EDITS = "Write|Edit|MultiEdit|NotebookEdit"
READS = "Read|WebFetch"  # recorded after the call: what guidance the agent read


def answer(decision: str, reason: str, explicit: bool, event: str) -> tuple[str, str, int]:
    """``defer`` is not used: it only works in ``-p`` with a single tool call, where the
    guard cannot tell it is running, and ``ask`` is the safe answer everywhere else."""
    if event == "permission":
        if decision != "deny":
            return "", "", 0  # the dialog goes on: a human decides
        return (
            hook_specific(
                "PermissionRequest", {"decision": {"behavior": "deny", "message": reason}}
            ),
            "",
            0,
        )
    if decision == "allow" and not explicit:
        return "", "", 0  # no objection: the agent's own permission flow goes on
    body = {"permissionDecision": decision, "permissionDecisionReason": reason}
    return hook_specific("PreToolUse", body), "", 0


def entries(program: str) -> dict[str, list[dict[str, Any]]]:
    plain = launched(program, "--agent claude-code")
    handler = {"type": "command", "command": guarded(plain, _CRASH), "timeout": 10}
    return {
        "PreToolUse": [{"matcher": f"Bash|{EDITS}", "hooks": [handler]}],
        "PostToolUse": [{"matcher": f"{EDITS}|{READS}", "hooks": [{**handler, "command": plain}]}],
    }


_CRASH = wire.dumps(
    {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "ask",
            "permissionDecisionReason": CRASHED,
        }
    }
)

AGENT = Agent(
    name="claude-code",
    project_file=".claude/settings.json",
    user_file=".claude/settings.json",
    protected=(
        ".claude/settings.json",
        ".claude/settings.local.json",
        "~/.claude/settings.json",
        "~/.claude/settings.local.json",
        "/etc/claude-code/**",
    ),
    pre=frozenset({"pretooluse"}),
    permission=frozenset({"permissionrequest"}),
    post=frozenset({"posttooluse"}),
    read=same,
    answer=answer,
    entries=entries,
    fast_allow="",
    crash=_CRASH,
    defaults={},
    note="",
    docs=("https://code.claude.com/docs/en/hooks",),
)
