"""git-ai notes (``refs/notes/ai``, the Git AI Standard, ``authorship/3.x``): per-file line
ranges keyed by prompt or session, then ``---`` and a JSON part naming each key's agent and
model. The only source with line-level counts, hence the AI share."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from countersign.facts.context import Context
from countersign.facts.provenance.directory import AgentDirectory, directory_of
from countersign.facts.provenance.records import Confidence, Signal
from countersign.intake.change import Change, Commit

MAX_NOTE = 1_000_000
SCHEMA_PREFIX = "authorship/3."
_SEPARATOR = re.compile(r"^---[ \t]*$\n?", re.MULTILINE)
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


@dataclass
class _Log:
    """A parsed authorship log: AI lines per attestation key, and files per key."""

    lines: dict[str, int] = field(default_factory=dict)
    files: dict[str, set[str]] = field(default_factory=dict)
    bad_lines: int = 0


def signals(change: Change, context: Context) -> Iterator[Signal]:
    directory = directory_of(context)
    if context.notes_hint:
        yield Signal("notes-ref", Confidence.NONE, "git notes", context.notes_hint)
    for commit in change.commits:
        note = commit.notes.get("ai")
        if note:
            yield from note_signals(commit, note, directory)


def note_signals(commit: Commit, note: str, directory: AgentDirectory) -> Iterator[Signal]:
    where = f"refs/notes/ai on {commit.sha[:12]}"

    def warn(problem: str) -> Signal:
        return Signal(
            "warning", Confidence.NONE, where, f"git-ai note {problem}; ignored", None, commit.sha
        )

    if len(note) > MAX_NOTE:
        yield warn(f"is {len(note)} characters, more than {MAX_NOTE}")
        return
    parts = _SEPARATOR.split(note, maxsplit=1)
    attest, sep, meta = (parts[0], True, parts[1]) if len(parts) == 2 else (note, False, "")
    if not sep and note.lstrip().startswith("{"):
        attest, meta = "", note
    if looks_like_agent_trace(meta):
        return  # an Agent Trace record stored as a note: that source reads it
    if not meta.strip():
        yield warn("has no '---' and JSON part")
        return
    try:
        data = json.loads(meta)
    except ValueError:
        yield warn("metadata is not JSON")
        return
    if not isinstance(data, dict):
        yield warn("metadata is not a JSON object")
        return
    schema = data.get("schema_version")
    if not isinstance(schema, str) or not schema.startswith(SCHEMA_PREFIX):
        yield warn(f"has unknown schema_version {str(schema)[:40]!r} (read: {SCHEMA_PREFIX}x)")
        return
    keys = _agent_keys(data)
    log = _attestations(attest, set(keys))
    if log.bad_lines:
        yield Signal(
            "warning",
            Confidence.NONE,
            where,
            f"git-ai note: {log.bad_lines} unreadable attestation lines skipped",
            None,
            commit.sha,
        )
    by_agent: dict[tuple[str, str | None], tuple[int, set[str]]] = {}
    for key, (tool, model) in keys.items():
        agent = directory.by_name(tool)
        name = agent.id if agent else tool.lower()
        lines, files = by_agent.get((name, model), (0, set()))
        by_agent[(name, model)] = (lines + log.lines.get(key, 0), files | log.files.get(key, set()))
    counted = {k: v for k, v in by_agent.items() if v[0] > 0}
    if not counted:
        yield Signal(
            "git-ai-note",
            Confidence.NONE,
            where,
            f"git-ai {schema} note attributes no lines to an agent",
            None,
            commit.sha,
            ai_lines=0,
        )
        return
    for (name, model), (lines, files) in sorted(counted.items(), key=lambda kv: kv[0][0]):
        yield Signal(
            "git-ai-note",
            Confidence.HIGH,
            where,
            f"git-ai {schema}: {lines} lines in {len(files)} files by {name}"
            + (f" ({model})" if model else ""),
            name,
            commit.sha,
            ai_lines=lines,
            model=model,
        )


def looks_like_agent_trace(text: str) -> bool:
    head = text.lstrip()[:2000]
    return (
        head.startswith("{")
        and '"files"' in head
        and '"version"' in head
        and "schema_version" not in head
    )


def _agent_keys(data: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Prompt and session keys with their (tool, model); humans are left out."""
    keys: dict[str, tuple[str, str | None]] = {}
    for section in ("prompts", "sessions"):
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        for key, entry in entries.items():
            agent_id = entry.get("agent_id") if isinstance(entry, dict) else None
            if not isinstance(agent_id, dict):
                continue
            tool, model = agent_id.get("tool"), agent_id.get("model")
            if isinstance(tool, str) and tool:
                usable = isinstance(model, str) and model and model != "unknown"
                keys[key] = (tool, model if usable else None)
    return keys


def _attestations(text: str, agent_keys: set[str]) -> _Log:
    log = _Log()
    path = ""
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            path = line.strip()
            continue
        parts = line.split()
        if len(parts) != 2 or not path:
            log.bad_lines += 1
            continue
        key = parts[0].split("::", 1)[0]
        if key not in agent_keys:
            continue  # a human's lines, or a key the JSON part does not describe
        count = _count(parts[1])
        if count is None:
            log.bad_lines += 1
            continue
        log.lines[key] = log.lines.get(key, 0) + count
        log.files.setdefault(key, set()).add(path)
    return log


def _count(ranges: str) -> int | None:
    total = 0
    for part in ranges.split(","):
        match = _RANGE.match(part)
        if match is None:
            return None
        start, end = int(match[1]), int(match[2] or match[1])
        if end < start:
            return None
        total += end - start + 1
    return total
