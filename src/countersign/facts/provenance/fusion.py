"""Fusing signals into one verdict, per commit and per change.

The confidence scale (the strongest counted signal decides):

    high    a guard record of the agent editing the committed files; a git-ai note or Agent Trace
            record attributing lines to AI; an agent's co-author address; an agent's bot account
            as author, committer or PR author
    medium  a "Generated with <agent>" line; an ``Assisted-by``/``Generated-by`` trailer; an agent
            branch prefix; a PR label or disclosure. Two medium signals of different kinds
            corroborate each other: together they are high
    low     an agent named in free text, or as a co-author display name without its address
    none    no signal

``ai_assisted`` holds from medium up: a low hint is reported, never enough on its own (a human who
mentions Claude in a message is not AI-assisted). Signals of strength none are shown, not counted:
warnings about unreadable input, a "no AI used" declaration, and suspect declarations: on a
commit authored by a bot that is not an agent (dependabot, renovate), the commit's trailers and
message lines are reported as suspect, since such bots run no agent.

``ai_share`` is the share of added lines that line-level records (git-ai, Agent Trace) attribute
to an agent; None when no such record exists. Commits without records count as human lines, so
across a change it is a lower bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from countersign.facts.provenance.records import (
    CommitProvenance,
    Confidence,
    Provenance,
    Signal,
)
from countersign.facts.provenance.sources.bots import NON_AGENT_BOT
from countersign.intake.change import Change, Commit

SELF_DECLARED = frozenset(
    {
        "co-author-trailer",
        "co-author-name",
        "assisted-by-trailer",
        "generated-by-trailer",
        "generated-with-line",
        "aider-subject",
        "mention",
    }
)


def confidence(signals: Iterable[Signal]) -> Confidence:
    counted = [s for s in signals if s.counted]
    best = max((s.strength for s in counted), key=lambda c: c.rank, default=Confidence.NONE)
    medium_kinds = {s.kind for s in counted if s.strength is Confidence.MEDIUM}
    if best is Confidence.MEDIUM and len(medium_kinds) >= 2:
        return Confidence.HIGH
    return best


def is_ai_assisted(level: Confidence) -> bool:
    return level.rank >= Confidence.MEDIUM.rank


def mark_suspects(signals: list[Signal]) -> list[Signal]:
    """Self-declarations on a non-agent bot's commit are reported as suspect, not counted."""
    bots = {s.commit: s.detail for s in signals if s.kind == NON_AGENT_BOT}
    out: list[Signal] = []
    for s in signals:
        if s.commit in bots and s.kind in SELF_DECLARED and s.counted:
            s = replace(  # noqa: PLW2901 - the same signal, re-labelled
                s,
                kind=f"suspect-{s.kind}",
                strength=Confidence.NONE,
                detail=f"{s.detail} -- on a commit whose {bots[s.commit]}; not counted",
            )
        out.append(s)
    return out


def fuse(change: Change, signals: Iterable[Signal]) -> Provenance:
    all_signals = _ordered(mark_suspects(list(signals)))
    by_commit: dict[str | None, list[Signal]] = defaultdict(list)
    for s in all_signals:
        by_commit[s.commit].append(s)
    commits = tuple(_commit(c, by_commit.get(c.sha, [])) for c in change.commits)
    level = confidence(all_signals)
    return Provenance(
        ai_assisted=is_ai_assisted(level),
        confidence=level,
        agents=_agents(all_signals, level),
        signals=tuple(all_signals),
        ai_share=_change_share(change, commits, by_commit.get(None, [])),
        commits=commits,
        models=_models(all_signals),
    )


def _commit(commit: Commit, signals: list[Signal]) -> CommitProvenance:
    level = confidence(signals)
    lines = _ai_lines(signals)
    share = None
    if lines is not None and commit.lines_added:
        share = round(min(1.0, lines / commit.lines_added), 4)
    return CommitProvenance(
        sha=commit.sha,
        ai_assisted=is_ai_assisted(level),
        confidence=level,
        agents=_agents(signals, level),
        signals=tuple(signals),
        ai_share=share,
        models=_models(signals),
        subject=commit.subject,
        author=f"{commit.author_name} <{commit.author_email}>",
    )


def _ai_lines(signals: list[Signal]) -> int | None:
    """AI lines by the best line-level source (sources overlap: take one, not their sum)."""
    per_kind: dict[str, int] = defaultdict(int)
    for s in signals:
        if s.ai_lines is not None:
            per_kind[s.kind] += s.ai_lines
    return max(per_kind.values()) if per_kind else None


def _change_share(
    change: Change, commits: tuple[CommitProvenance, ...], change_signals: list[Signal]
) -> float | None:
    known = [c for c in commits if c.ai_share is not None]
    extra = _ai_lines(change_signals)
    if not known and extra is None:
        return None
    by_sha = {c.sha: c for c in change.commits}
    ai = sum((c.ai_share or 0.0) * by_sha[c.sha].lines_added for c in known) + (extra or 0)
    total = sum(c.lines_added for c in change.commits) or sum(f.lines_added for f in change.files)
    return round(min(1.0, ai / total), 4) if total else None


def _agents(signals: list[Signal], level: Confidence) -> tuple[str, ...]:
    floor = min(level.rank, Confidence.MEDIUM.rank)
    names = {s.agent for s in signals if s.counted and s.agent and s.strength.rank >= floor}
    return tuple(sorted(names))


def _models(signals: list[Signal]) -> tuple[str, ...]:
    return tuple(sorted({s.model for s in signals if s.counted and s.model}))


def _ordered(signals: list[Signal]) -> list[Signal]:
    return sorted(signals, key=lambda s: -s.strength.rank)
