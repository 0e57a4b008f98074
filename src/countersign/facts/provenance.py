"""Provenance: was this change written with an AI agent, how sure are we, and from what signals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from countersign.facts.context import Context
from countersign.intake.change import Change, Commit


class Confidence(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(Confidence).index(self)


@dataclass(frozen=True)
class Signal:
    kind: str
    strength: Confidence
    where: str
    detail: str
    agent: str | None = None


@dataclass(frozen=True)
class CommitProvenance:
    sha: str
    ai_assisted: bool
    confidence: Confidence
    agents: tuple[str, ...]
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class Provenance:
    ai_assisted: bool = False
    confidence: Confidence = Confidence.NONE
    agents: tuple[str, ...] = ()
    signals: tuple[Signal, ...] = ()
    ai_share: float | None = None
    commits: tuple[CommitProvenance, ...] = ()


AGENT_ADDRESSES = {
    "noreply@anthropic.com": "claude-code",
    "cursoragent@cursor.com": "cursor",
    "noreply@aider.chat": "aider",
    "copilot@github.com": "copilot",
}
_CO_AUTHOR = re.compile(
    r"^co-authored-by:\s*(?P<name>.*?)\s*<(?P<email>[^>]+)>\s*$", re.IGNORECASE | re.MULTILINE
)


def analyze_commit(commit: Commit) -> CommitProvenance:
    signals: list[Signal] = []
    for match in _CO_AUTHOR.finditer(commit.message):
        agent = AGENT_ADDRESSES.get(match["email"].lower())
        if agent:
            signals.append(
                Signal(
                    "co-author-trailer",
                    Confidence.HIGH,
                    f"commit {commit.sha[:12]} trailer",
                    match.group(0).strip(),
                    agent,
                )
            )
    best = max((s.strength for s in signals), key=lambda c: c.rank, default=Confidence.NONE)
    agents = tuple(sorted({s.agent for s in signals if s.agent}))
    return CommitProvenance(commit.sha, bool(signals), best, agents, tuple(signals))


def analyze(change: Change, context: Context) -> Provenance:
    per_commit = tuple(analyze_commit(c) for c in change.commits)
    signals = tuple(s for c in per_commit for s in c.signals)
    best = max((c.confidence for c in per_commit), key=lambda c: c.rank, default=Confidence.NONE)
    return Provenance(
        ai_assisted=any(c.ai_assisted for c in per_commit),
        confidence=best,
        agents=tuple(sorted({a for c in per_commit for a in c.agents})),
        signals=signals,
        commits=per_commit,
    )
