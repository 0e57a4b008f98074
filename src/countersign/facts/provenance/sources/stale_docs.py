"""Stale guidance: the change was made in an agent session that had read documentation which no
longer matches the code (the guard's ``docs-stale.jsonl``), before the edit the change carries.

The signal says nothing about whether an agent wrote the change (its strength is none: reported,
not counted); it is the fact ``change.stale_guidance`` of the policy and a risk factor. A read
belongs to an edit of the same session made after it; when the agent sends no session ids, a read
by the same agent in the hours before the edit counts."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence, Signal
from countersign.facts.provenance.sources.guard import matched_edits
from countersign.intake.agent_edits import AgentEdit
from countersign.intake.change import Change
from countersign.intake.doc_reads import StaleRead

KIND = "stale-guidance"
# A read without a session id counts for an edit by the same agent this long after it.
UNSESSIONED_SECONDS = 12 * 3600
SHOWN = 3
# The guard records edits to the second and reads to the microsecond: a read in the same second
# as the edit counts as before it.
RESOLUTION = 1.0


def signals(change: Change, context: Context) -> Iterator[Signal]:
    if not context.stale_reads or not context.agent_edits:
        return
    for commit, edits in matched_edits(change, context.agent_edits):
        sha = commit.sha if commit else None
        seen: set[str] = set()
        for read in context.stale_reads:
            if read.document in seen or not any(_informed(read, e) for e in edits):
                continue
            seen.add(read.document)
            when = f"before commit {sha[:12]}" if sha else "before the uncommitted edits"
            session = f" in session {read.session}" if read.session else ""
            yield Signal(
                KIND,
                Confidence.NONE,
                read.document,
                f"{read.agent} read it{session} {when}; it no longer matches the code: "
                + _evidence(read),
                read.agent,
                sha,
            )


def documents(signals: tuple[Signal, ...]) -> list[str]:
    """The stale documents a change rested on, from its signals."""
    return sorted({s.where for s in signals if s.kind == KIND})


def _informed(read: StaleRead, edit: AgentEdit) -> bool:
    if read.timestamp > edit.timestamp + RESOLUTION:
        return False
    if read.session and edit.session:
        return read.session == edit.session
    if read.session or edit.session:
        return False
    return read.agent == edit.agent and edit.timestamp - read.timestamp <= UNSESSIONED_SECONDS


def _evidence(read: StaleRead) -> str:
    refs = read.references
    shown = "; ".join(
        f"`{r.text}` (line {r.line}): {r.reason}" if r.reason else f"`{r.text}` (line {r.line})"
        for r in refs[:SHOWN]
    )
    more = f"; and {len(refs) - SHOWN} more" if len(refs) > SHOWN else ""
    return (shown + more) or "its references were stale when it was read"
