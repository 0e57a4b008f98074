"""Hook entries in each agent's settings file: merged into what is there, removed alone.

Ours are recognised by their command (``countersign guard --agent``); everything else in the
file is kept as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MARK = "guard --agent"


def settings_path(agent: str, scope: str, root: Path, home: Path) -> Path:
    base = root if scope == "project" else home
    return (
        base
        / {
            "claude-code": ".claude/settings.json",
            "codex": ".codex/hooks.json",
            "cursor": ".cursor/hooks.json",
            "gemini": ".gemini/settings.json",
            "kiro": ".kiro/agents/default.json",
        }[agent]
    )


CRASHED = "countersign guard crashed before it could decide; a human must check this action"

# What the agent reads when the guard process dies without answering (a native crash, an
# out-of-memory kill): agents treat most failing hooks as "no objection", so the installed
# pre-execution command answers for it, in the agent's protocol, with the default (ask; deny
# for agents without ask). Post-event hooks decide nothing and get the plain command.
_FALLBACK = {
    "claude-code": json.dumps(
        {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "ask",
                "permissionDecisionReason": CRASHED,
            }
        }
    ),
    "cursor": json.dumps({"permission": "ask", "user_message": CRASHED, "agent_message": CRASHED}),
    "gemini": json.dumps({"decision": "deny", "reason": CRASHED}),
}
_FALLBACK["codex"] = _FALLBACK["claude-code"]


def guarded(command: str, agent: str) -> str:
    """``command`` for a pre-execution hook, answering for the guard if its process dies."""
    if agent == "kiro":  # exit 2 is the guard's own "block": pass it on; any other failure blocks
        return f"{command} || {{ s=$?; [ $s -eq 2 ] || echo '{CRASHED}' >&2; exit 2; }}"
    return f"{command} || printf '%s\\n' '{_FALLBACK[agent]}'"


def entries(agent: str, program: str) -> dict[str, list[dict[str, Any]]]:
    """Event -> the entries to add for ``agent`` (pre-execution judgement and edit recording)."""
    plain = f"{program} guard --agent {agent}"
    command = guarded(plain, agent)
    if agent in ("claude-code", "codex"):
        edits = "Write|Edit|MultiEdit|NotebookEdit"
        handler = [{"type": "command", "command": command, "timeout": 10}]
        pre = "Bash" if agent == "codex" else f"Bash|{edits}"
        return {
            "PreToolUse": [{"matcher": pre, "hooks": handler}],
            "PostToolUse": [
                {
                    "matcher": edits if agent == "claude-code" else "apply_patch",
                    "hooks": [{**handler[0], "command": plain}],
                }
            ],
        }
    if agent == "cursor":
        return {
            "beforeShellExecution": [{"command": command}],
            "afterFileEdit": [{"command": plain}],
        }
    if agent == "gemini":
        handler = [{"type": "command", "command": command, "timeout": 10000}]
        return {
            "BeforeTool": [{"matcher": "run_shell_command|write_file|replace", "hooks": handler}],
            "AfterTool": [
                {"matcher": "write_file|replace", "hooks": [{**handler[0], "command": plain}]}
            ],
        }
    return {
        "preToolUse": [
            {"command": command, "matcher": "execute_bash", "timeout_ms": 10000},
            {"command": command, "matcher": "fs_write", "timeout_ms": 10000},
        ],
        "postToolUse": [{"command": plain, "matcher": "fs_write", "timeout_ms": 10000}],
    }


def _ours(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if MARK in str(entry.get("command", "")):
        return True
    handlers = entry.get("hooks")
    return isinstance(handlers, list) and bool(handlers) and all(_ours(h) for h in handlers)


def without_ours(settings: dict[str, Any]) -> dict[str, Any]:
    hooks = settings.get("hooks")
    if not isinstance(hooks, dict):
        return settings
    cleaned: dict[str, Any] = {}
    for event, items in hooks.items():
        if not isinstance(items, list):
            cleaned[event] = items
            continue
        kept = []
        for item in items:
            if _ours(item):
                continue
            if isinstance(item, dict) and isinstance(item.get("hooks"), list):
                handlers = [h for h in item["hooks"] if not _ours(h)]
                item = {**item, "hooks": handlers}  # noqa: PLW2901 - rebuilt, not mutated
            kept.append(item)
        if kept:
            cleaned[event] = kept
    out = {**settings, "hooks": cleaned}
    if not cleaned:
        del out["hooks"]
    return out


def with_ours(settings: dict[str, Any], agent: str, program: str) -> dict[str, Any]:
    out = without_ours(settings)
    hooks = dict(out.get("hooks") or {})
    for event, items in entries(agent, program).items():
        hooks[event] = [*(hooks.get(event) or []), *items]
    out["hooks"] = hooks
    if agent == "cursor":
        out.setdefault("version", 1)
    if agent == "kiro":
        out.setdefault("name", "default")
    return out


def read_settings(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if text.strip() else {}
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    return data


def write_settings(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".countersign-tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
