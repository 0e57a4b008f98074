"""OpenAI Codex: ``PreToolUse`` enforces only ``deny``. ``ask`` is parsed but not supported, a
bare ``allow`` is rejected and unknown answers let the call run, so where the guard means ask
it answers deny, with what a human does to let the action through. ``PermissionRequest`` is
answered only to deny. Shell calls may carry the command as an argv array (quoted by
``protocol.read_call``); ``apply_patch`` names its files inside the patch.
https://developers.openai.com/codex/hooks"""

from __future__ import annotations

from countersign.guard import wire
from countersign.guard.agents.record import CRASHED, Agent, guarded, hook_specific, launched
from countersign.lazy_pattern import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# (?m): re.MULTILINE, spelled inline so that re is imported only on an apply_patch call
_PATCH_FILE = lazy(r"(?m)^\*\*\* (?:Add|Update|Delete) File: (.+)$")
_MOVE = lazy(r"(?m)^\*\*\* Move to: (.+)$")
ASKED = (
    "countersign needs a human's review of this before it runs (Codex hooks cannot ask, so it "
    "is blocked until then): "
)


def read(data: dict[str, Any]) -> dict[str, Any]:
    """``apply_patch`` as an edit of the files its patch names."""
    tool_input = data.get("tool_input")
    if data.get("tool_name") != "apply_patch" or not isinstance(tool_input, dict):
        return data
    patch = tool_input.get("command") or tool_input.get("patch") or tool_input.get("input")
    if isinstance(patch, list):
        patch = "\n".join(map(str, patch))
    if not isinstance(patch, str):
        return data
    paths = [p.strip() for p in (*_PATCH_FILE.findall(patch), *_MOVE.findall(patch))]
    edit = {"paths": paths, "content": patch}
    return {**data, "tool_input": edit}


def answer(decision: str, reason: str, explicit: bool, event: str) -> tuple[str, str, int]:
    if event == "permission":
        if decision != "deny":
            return "", "", 0
        return (
            hook_specific(
                "PermissionRequest", {"decision": {"behavior": "deny", "message": reason}}
            ),
            "",
            0,
        )
    if decision == "allow":
        return "", "", 0  # a bare allow is rejected; no output lets the call go on
    text = reason if decision == "deny" else ASKED + reason
    body = {"permissionDecision": "deny", "permissionDecisionReason": text}
    return hook_specific("PreToolUse", body), "", 0


def entries(program: str) -> dict[str, list[dict[str, Any]]]:
    plain = launched(program, "--agent codex")
    handler = {"type": "command", "command": guarded(plain, _CRASH), "timeout": 10}
    return {
        "PreToolUse": [{"matcher": "Bash|apply_patch", "hooks": [handler]}],
        "PostToolUse": [{"matcher": "apply_patch", "hooks": [{**handler, "command": plain}]}],
    }


_CRASH = wire.dumps(
    {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": CRASHED,
        }
    }
)

AGENT = Agent(
    name="codex",
    project_file=".codex/hooks.json",
    user_file=".codex/hooks.json",
    protected=(
        ".codex/hooks.json",
        ".codex/config.toml",
        "~/.codex/hooks.json",
        "~/.codex/config.toml",
        "~/.codex/requirements.toml",
    ),
    pre=frozenset({"pretooluse"}),
    permission=frozenset({"permissionrequest"}),
    post=frozenset({"posttooluse"}),
    read=read,
    answer=answer,
    entries=entries,
    fast_allow="",
    crash=_CRASH,
    defaults={},
    note=(
        "Codex runs a hook only after you review and trust it (the /hooks screen), and only with "
        "hooks enabled (`[features] hooks`, on by default; `codex_hooks` is its old name)."
    ),
    docs=(
        "https://developers.openai.com/codex/hooks",
        "https://github.com/openai/codex/pull/20756",
    ),
)
