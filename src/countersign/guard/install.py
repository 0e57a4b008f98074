"""Hook entries in each agent's settings file: merged into what is there, removed alone.

Ours are recognised by their command (``countersign guard --agent``); everything else in the
file is kept as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from countersign.guard import agents

MARK = "guard --agent"


def settings_path(agent: str, scope: str, root: Path, home: Path) -> Path:
    """Where ``guard install`` writes for ``agent``; InputError when the agent has no file for
    that scope (Copilot's hooks live in the repository only)."""
    protocol = agents.get(agent)
    relative = protocol.project_file if scope == "project" else protocol.user_file
    if not relative:
        from countersign.errors import InputError

        raise InputError(f"{agent} has no {scope}-level hook file; install it with --project")
    return (root if scope == "project" else home) / relative


def entries(agent: str, program: str) -> dict[str, list[dict[str, Any]]]:
    """Event -> the entries to add for ``agent`` (pre-execution judgement and edit recording)."""
    return agents.get(agent).entries(program)


def _ours(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if any(MARK in str(entry.get(key, "")) for key in ("command", "bash", "powershell")):
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
    for key, value in agents.get(agent).defaults.items():
        out.setdefault(key, value)
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
