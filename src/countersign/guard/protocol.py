"""The five agents' hook protocols: read one tool call from the agent's JSON, answer in the
agent's own words. One reader and one writer per agent; nothing else knows their shapes."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

AGENTS = ("claude-code", "codex", "cursor", "gemini", "kiro")
SHELL_TOOLS = {
    "Bash", "run_shell_command", "execute_bash", "shell", "Shell", "terminal", "exec_command",
    "local_shell",
}  # fmt: skip
EDIT_TOOLS = {
    "Write", "Edit", "MultiEdit", "NotebookEdit", "write_file", "replace", "fs_write", "edit_file",
    "apply_patch", "create_file", "str_replace", "Create", "StrReplace", "Delete", "delete_file",
}  # fmt: skip
_PRE = {"pretooluse", "beforetool", "beforeshellexecution", "beforemcpexecution", "pre"}
_POST = {"posttooluse", "aftertool", "afterfileedit", "aftershellexecution", "post"}


@dataclass(frozen=True)
class ToolCall:
    """One agent tool call, normalized. ``kind`` is shell, edit or other; ``event`` pre or post."""

    agent: str
    event: str
    kind: str
    tool: str
    cwd: str
    session: str = ""
    command: str = ""
    paths: tuple[str, ...] = ()
    content: str = ""


class PayloadError(Exception):
    """The hook input is unusable; the guard still answers (with the configured error decision)."""


def read_call(agent: str, raw: bytes, fallback_cwd: str) -> ToolCall:
    if not raw.strip():
        raise PayloadError("empty hook input on stdin")
    try:
        data = json.loads(raw.decode("utf-8", "replace"))
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"hook input is not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise PayloadError("hook input is not a JSON object")
    event_name = _text(data.get("hook_event_name")).lower()
    event = "post" if event_name in _POST else "pre"
    raw_input = data.get("tool_input")
    tool_input: dict[str, Any] = raw_input if isinstance(raw_input, dict) else {}
    tool = _text(data.get("tool_name"))
    cwd = _text(data.get("cwd")) or _first(data.get("workspace_roots")) or fallback_cwd
    session = _text(data.get("session_id") or data.get("conversation_id"))
    if agent == "cursor" and event_name in ("beforeshellexecution", "aftershellexecution"):
        tool, tool_input = "Shell", {"command": data.get("command")}
    if agent == "cursor" and event_name == "afterfileedit":
        tool, tool_input = "Write", {"file_path": data.get("file_path")}
    if not tool:
        raise PayloadError("hook input has no tool_name")
    command = tool_input.get("command")
    has_path = any(tool_input.get(k) for k in ("file_path", "path", "notebook_path", "target_file"))
    if tool in SHELL_TOOLS or (
        tool not in EDIT_TOOLS and isinstance(command, str) and not has_path
    ):
        if isinstance(command, list):
            # an argv array (Codex): ``["bash", "-lc", "git push --force"]`` is bash running
            # that string, so each element stays one word
            command = shlex.join(map(str, command))
        if not isinstance(command, str):
            raise PayloadError(f"{tool} call without a command string")
        workdir = _text(
            tool_input.get("workdir") or tool_input.get("dir_path") or tool_input.get("directory")
        )
        if workdir:
            cwd = workdir if workdir.startswith("/") else f"{cwd.rstrip('/')}/{workdir}"
        return ToolCall(agent, event, "shell", tool, cwd, session, command=command)
    paths = tuple(
        _text(tool_input.get(key))
        for key in ("file_path", "path", "notebook_path", "target_file")
        if _text(tool_input.get(key))
    )
    if tool in EDIT_TOOLS or (paths and event == "post"):
        content = _text(
            tool_input.get("content") or tool_input.get("new_string") or tool_input.get("file_text")
        )
        if tool == "MultiEdit" and isinstance(tool_input.get("edits"), list):
            content = json.dumps(tool_input["edits"], sort_keys=True)
        return ToolCall(agent, event, "edit", tool, cwd, session, paths=paths, content=content)
    return ToolCall(agent, event, "other", tool, cwd, session)


def answer(
    agent: str, decision: str, reason: str, explicit: bool, event: str = "pre"
) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) telling ``agent`` the decision. ``explicit`` False means "no
    objection": the agent's own permission flow goes on as if there were no hook."""
    if event == "post":
        return "", "", 0
    if agent in ("claude-code", "codex"):
        if decision == "allow" and not explicit:
            return "", "", 0
        body = {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": decision,
                "permissionDecisionReason": reason,
            }
        }
        return json.dumps(body) + "\n", "", 0
    if agent == "cursor":
        if decision == "allow":
            return json.dumps({"permission": "allow"}) + "\n", "", 0
        cursor = {"permission": decision, "user_message": reason, "agent_message": reason}
        return json.dumps(cursor) + "\n", "", 0
    if agent == "gemini":
        if decision == "allow":
            return (json.dumps({"decision": "allow"}) + "\n", "", 0) if explicit else ("", "", 0)
        return json.dumps({"decision": "deny", "reason": reason}) + "\n", "", 0
    # kiro: no JSON answer; exit 2 blocks and stderr reaches the model.
    if decision == "allow":
        return "", "", 0
    return "", reason + "\n", 2


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _first(value: Any) -> str:
    return value[0] if isinstance(value, list) and value and isinstance(value[0], str) else ""
