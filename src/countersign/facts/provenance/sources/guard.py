"""Records of countersign's own agent guard: it saw the agent write each file, so a commit that
touches such a file after the edit carries the agent's work. The strongest signal.

An edit belongs to the first commit of the range that touches its path at or after the edit;
edits made before an earlier commit of the range touched the path were committed by that one.
Commits rewritten later (rebase, amend) keep their paths and newer times, so they still match;
an edit older than the range's own history of the path may be matched too generously."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence, Signal
from countersign.intake.agent_edits import AgentEdit
from countersign.intake.change import Change, Commit


def signals(change: Change, context: Context) -> Iterator[Signal]:
    source = context.agent_edits_source or "the guard's log"
    if context.agent_edits_skipped:
        yield Signal(
            "warning",
            Confidence.NONE,
            source,
            f"{context.agent_edits_skipped} unreadable lines in the guard's log skipped",
        )
    for commit, edits in matched_edits(change, context.agent_edits):
        yield from _grouped(edits, commit, source)


def matched_edits(
    change: Change, edits: tuple[AgentEdit, ...]
) -> Iterator[tuple[Commit | None, list[AgentEdit]]]:
    """The guard's edits each commit of the change carries (None: the uncommitted files)."""
    if not edits:
        return
    by_path: dict[str, list[AgentEdit]] = defaultdict(list)
    for edit in edits:
        by_path[edit.path].append(edit)
    last_touch: dict[str, float] = {}
    for commit in change.commits:
        when = float(max(commit.committed_at, commit.authored_at))
        matched: list[AgentEdit] = []
        for path in commit.paths:
            after = last_touch.get(path, float("-inf"))
            matched.extend(e for e in by_path.get(path, ()) if after < e.timestamp <= when)
            last_touch[path] = when
        if matched:
            yield commit, matched
    if change.includes_worktree:
        pending = [
            e
            for path in change.paths
            for e in by_path.get(path, ())
            if e.timestamp > last_touch.get(path, float("-inf"))
        ]
        if pending:
            yield None, pending


def _grouped(edits: list[AgentEdit], commit: Commit | None, source: str) -> Iterator[Signal]:
    by_agent: dict[str, list[AgentEdit]] = defaultdict(list)
    for edit in edits:
        by_agent[edit.agent].append(edit)
    for agent, mine in sorted(by_agent.items()):
        paths = sorted({e.path for e in mine})
        sessions = sorted({e.session for e in mine if e.session})
        first, last = min(e.at for e in mine), max(e.at for e in mine)
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        what = "committed files" if commit else "uncommitted files"
        yield Signal(
            "guard-record",
            Confidence.HIGH,
            f"{source}" + (f" for commit {commit.sha[:12]}" if commit else " (working tree)"),
            f"{agent} edited {len(paths)} {what} ({shown}) between {_iso(first)} and {_iso(last)}"
            + (f", session {', '.join(sessions[:3])}" if sessions else ""),
            agent,
            commit.sha if commit else None,
        )


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
