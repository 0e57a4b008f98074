"""Gemini CLI: ``BeforeTool`` reads ``{"decision": "allow"|"ask"|"deny", "reason"}``. ``ask``
(since March 2026) forces the confirmation prompt, even in YOLO mode; the hooks reference
still lists only allow and deny. https://geminicli.com/docs/hooks/reference"""

from __future__ import annotations

from countersign.guard import wire
from countersign.guard.agents.record import CRASHED, Agent, guarded, launched, same

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TOOLS = "run_shell_command|write_file|replace"


def answer(decision: str, reason: str, explicit: bool, event: str) -> tuple[str, str, int]:
    if decision == "allow":
        return (wire.dumps({"decision": "allow"}) + "\n", "", 0) if explicit else ("", "", 0)
    return wire.dumps({"decision": decision, "reason": reason}) + "\n", "", 0


def entries(program: str) -> dict[str, list[dict[str, Any]]]:
    plain = launched(program, "--agent gemini")
    handler = {"type": "command", "command": guarded(plain, _CRASH), "timeout": 10000}
    return {
        "BeforeTool": [{"matcher": _TOOLS, "hooks": [handler]}],
        "AfterTool": [
            {
                "matcher": "write_file|replace|read_file|read_many_files|web_fetch",
                "hooks": [{**handler, "command": plain}],
            }
        ],
    }


_CRASH = wire.dumps({"decision": "ask", "reason": CRASHED})

AGENT = Agent(
    name="gemini",
    project_file=".gemini/settings.json",
    user_file=".gemini/settings.json",
    protected=(".gemini/settings.json", "~/.gemini/settings.json", "/etc/gemini-cli/**"),
    pre=frozenset({"beforetool"}),
    permission=frozenset(),
    post=frozenset({"aftertool"}),
    read=same,
    answer=answer,
    entries=entries,
    fast_allow="",
    crash=_CRASH,
    defaults={},
    note="",
    docs=(
        "https://geminicli.com/docs/hooks/reference",
        "https://github.com/google-gemini/gemini-cli/pull/21146",
        "https://github.com/google-gemini/gemini-cli/issues/28046",
    ),
)
