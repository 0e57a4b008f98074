"""One tool call read from an agent's hook JSON into a ``ToolCall``, and the decision written
back in the agent's own words. What differs per agent (payload shape, event names, answers)
lives in that agent's module under ``guard.agents``; this module holds what they share."""

from __future__ import annotations

import json
import shlex

from countersign.guard import agents
from countersign.records import record

TYPE_CHECKING = False  # typing stays off the guard's full path
if TYPE_CHECKING:
    from typing import Any

    from countersign.guard.agents.record import Agent

SHELL_TOOLS = {
    "Bash", "run_shell_command", "execute_bash", "shell", "Shell", "terminal", "exec_command",
    "local_shell", "bash", "powershell",
}  # fmt: skip
EDIT_TOOLS = {
    "Write", "Edit", "MultiEdit", "NotebookEdit", "write_file", "replace", "fs_write", "edit_file",
    "apply_patch", "create_file", "str_replace", "Create", "StrReplace", "Delete", "delete_file",
    "edit", "create",
}  # fmt: skip
# Reads are recorded after the call (what guidance the agent consulted), never judged.
READ_TOOLS = {
    "Read", "WebFetch", "read_file", "read_many_files", "web_fetch", "fs_read", "view",
    "NotebookRead", "read",
}  # fmt: skip
_PATH_KEYS = ("file_path", "path", "notebook_path", "target_file", "absolute_path")


@record(frozen=True)
class ToolCall:
    """One agent tool call, normalized. ``kind`` is shell, edit, read or other; ``event`` pre (judge
    it before it runs), permission (a permission prompt is about to show) or post (record it)."""

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


def read_call(agent: str, raw: bytes, fallback_cwd: str, event_hint: str = "") -> ToolCall:
    """``event_hint`` names the event when the payload does not (the installed command's
    ``--event``, for agents such as Copilot whose payload has no event name)."""
    if not raw.strip():
        raise PayloadError("empty hook input on stdin")
    try:
        data = json.loads(raw.decode("utf-8", "replace"))
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"hook input is not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise PayloadError("hook input is not a JSON object")
    if event_hint and not data.get("hook_event_name"):
        data["hook_event_name"] = event_hint
    protocol = agents.get(agent)
    data = protocol.read(data)
    event = event_of(protocol, _text(data.get("hook_event_name")))
    raw_input = data.get("tool_input")
    tool_input: dict[str, Any] = raw_input if isinstance(raw_input, dict) else {}
    tool = _text(data.get("tool_name"))
    cwd = _text(data.get("cwd")) or _first(data.get("workspace_roots")) or fallback_cwd
    session = _text(data.get("session_id") or data.get("conversation_id") or data.get("sessionId"))
    if not tool:
        raise PayloadError("hook input has no tool_name")
    command = tool_input.get("command")
    paths = _paths(tool_input)
    if tool in SHELL_TOOLS or (tool not in EDIT_TOOLS and isinstance(command, str) and not paths):
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
    if tool in READ_TOOLS:
        url = _text(tool_input.get("url"))
        return ToolCall(
            agent, event, "read", tool, cwd, session, paths=(*paths, url) if url else paths
        )
    if tool in EDIT_TOOLS or (paths and event == "post"):
        content = _text(
            tool_input.get("content")
            or tool_input.get("new_string")
            or tool_input.get("file_text")
            or tool_input.get("new_str")
        )
        if tool == "MultiEdit" and isinstance(tool_input.get("edits"), list):
            content = json.dumps(tool_input["edits"], sort_keys=True)
        return ToolCall(agent, event, "edit", tool, cwd, session, paths=paths, content=content)
    return ToolCall(agent, event, "other", tool, cwd, session)


def event_of(protocol: Agent, name: str) -> str:
    """pre, permission or post for the agent's event ``name``; an unknown event is judged."""
    lowered = name.lower()
    if lowered in protocol.post or lowered == "post":
        return "post"
    if lowered in protocol.permission:
        return "permission"
    return "pre"


def _paths(tool_input: dict[str, Any]) -> tuple[str, ...]:
    found = [_text(tool_input.get(key)) for key in _PATH_KEYS]
    listed = tool_input.get("paths")
    if isinstance(listed, list):
        found += [_text(p) for p in listed]
    return tuple(p for p in found if p)


def answer(
    agent: str, decision: str, reason: str, explicit: bool, event: str = "pre"
) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) telling ``agent`` the decision. ``explicit`` False means "no
    objection": the agent's own permission flow goes on as if there were no hook. After-edit
    (post) events never answer anything."""
    if event == "post":
        return "", "", 0
    return agents.get(agent).answer(decision, reason, explicit, event)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _first(value: Any) -> str:
    return value[0] if isinstance(value, list) and value and isinstance(value[0], str) else ""
