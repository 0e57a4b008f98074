"""Agent Trace records (draft spec 0.1): per-file line ranges, each attributed to a contributor of
type ``ai``, ``mixed``, ``human`` or ``unknown``. Storage is left open by the spec, so they are read
from a git note on the commit (``refs/notes/agent-trace``, or beside git-ai's in ``refs/notes/ai``)
and from trace files committed with the change (``.agent-trace/*.json``, ``*.agent-trace.json``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from countersign.facts.context import Context
from countersign.facts.provenance.directory import AgentDirectory, directory_of
from countersign.facts.provenance.records import Confidence, Signal
from countersign.facts.provenance.sources.git_ai import MAX_NOTE, looks_like_agent_trace
from countersign.intake.change import Change

VERSIONS = ("0.", "1.")


def signals(change: Change, context: Context) -> Iterator[Signal]:
    directory = directory_of(context)
    shas = tuple(c.sha for c in change.commits)
    for commit in change.commits:
        note = commit.notes.get("ai", "")
        if note and looks_like_agent_trace(note):
            yield from record_signals(
                note, f"refs/notes/ai on {commit.sha[:12]}", directory, shas, commit.sha
            )
        trace = commit.notes.get("agent-trace", "")
        if trace:
            where = f"refs/notes/agent-trace on {commit.sha[:12]}"
            yield from record_signals(trace, where, directory, shas, commit.sha)
    for file in change.files:
        if is_trace_file(file.path) and file.new_text is not None:
            yield from record_signals(file.new_text, f"file {file.path}", directory, shas, None)


def is_trace_file(path: str) -> bool:
    return path.endswith(".agent-trace.json") or (
        path.endswith(".json") and ".agent-trace/" in f"/{path}"
    )


def record_signals(
    text: str,
    where: str,
    directory: AgentDirectory,
    shas: tuple[str, ...],
    commit: str | None,
) -> Iterator[Signal]:
    def warn(problem: str) -> Signal:
        return Signal(
            "warning",
            Confidence.NONE,
            where,
            f"Agent Trace record {problem}; ignored",
            None,
            commit,
        )

    if len(text) > MAX_NOTE:
        yield warn(f"is {len(text)} characters, more than {MAX_NOTE}")
        return
    try:
        data = json.loads(text)
    except ValueError:
        yield warn("is not JSON")
        return
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        yield warn("has no files list")
        return
    version = data.get("version")
    if not isinstance(version, str) or not version.startswith(VERSIONS):
        yield warn(f"has unknown version {str(version)[:40]!r}")
        return
    commit = _revision(data, shas) or commit
    tool = _object(data.get("tool"))
    tool_name = tool.get("name") if isinstance(tool.get("name"), str) else None
    counts, models = _count(data["files"])
    agent = directory.by_name(tool_name) if tool_name else None
    name = agent.id if agent else (tool_name.lower() if tool_name else None)
    model = ", ".join(sorted(models)) or None
    ai, mixed = counts.get("ai", 0), counts.get("mixed", 0)
    if ai + mixed == 0:
        yield Signal(
            "agent-trace",
            Confidence.NONE,
            where,
            f"Agent Trace {version} attributes no lines to AI",
            name,
            commit,
            ai_lines=0,
        )
        return
    by = f" by {name}" if name else ""
    yield Signal(
        "agent-trace",
        Confidence.HIGH if ai else Confidence.MEDIUM,
        where,
        f"Agent Trace {version}: {ai} AI lines, {mixed} mixed{by}"
        + (f" ({model})" if model else ""),
        name,
        commit,
        ai_lines=ai + mixed,
        model=model,
    )


def _revision(data: dict[str, Any], shas: tuple[str, ...]) -> str | None:
    vcs = data.get("vcs")
    revision = vcs.get("revision") if isinstance(vcs, dict) else None
    if not isinstance(revision, str) or len(revision) < 7:
        return None
    return next((sha for sha in shas if sha.startswith(revision.lower())), None)


def _count(files: list[Any]) -> tuple[dict[str, int], set[str]]:
    counts: dict[str, int] = {}
    models: set[str] = set()
    for file in files:
        conversations = file.get("conversations") if isinstance(file, dict) else None
        for conv in conversations if isinstance(conversations, list) else ():
            if not isinstance(conv, dict):
                continue
            outer = _object(conv.get("contributor"))
            ranges = conv.get("ranges")
            for rng in ranges if isinstance(ranges, list) else ():
                if not isinstance(rng, dict):
                    continue
                inner = _object(rng.get("contributor")) or outer
                kind = inner.get("type")
                start, end = rng.get("start_line"), rng.get("end_line")
                if not (isinstance(start, int) and isinstance(end, int)) or end < start:
                    continue
                if isinstance(kind, str):
                    counts[kind] = counts.get(kind, 0) + end - start + 1
                model = inner.get("model_id")
                if kind in {"ai", "mixed"} and isinstance(model, str) and model:
                    models.add(model)
    return counts, models


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
