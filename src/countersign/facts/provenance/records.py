"""The provenance records: a verdict per commit and per change, with the signals behind it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    """One piece of evidence: what kind, where it was found, what it said.

    ``strength`` NONE marks evidence that is reported but not counted: a warning about input that
    could not be read, or a signal that does not hold (an agent trailer on a dependency bot's
    commit). ``commit`` is the sha it belongs to, or None for the change as a whole (branch, PR).
    ``ai_lines`` is the number of added lines it attributes to an agent, when it knows.
    """

    kind: str
    strength: Confidence
    where: str
    detail: str
    agent: str | None = None
    commit: str | None = None
    ai_lines: int | None = None
    model: str | None = None

    @property
    def counted(self) -> bool:
        return self.strength is not Confidence.NONE


@dataclass(frozen=True)
class CommitProvenance:
    sha: str
    ai_assisted: bool
    confidence: Confidence
    agents: tuple[str, ...]
    signals: tuple[Signal, ...]
    ai_share: float | None = None
    models: tuple[str, ...] = ()
    subject: str = ""
    author: str = ""


@dataclass(frozen=True)
class Provenance:
    ai_assisted: bool = False
    confidence: Confidence = Confidence.NONE
    agents: tuple[str, ...] = ()
    signals: tuple[Signal, ...] = ()
    ai_share: float | None = None
    commits: tuple[CommitProvenance, ...] = ()
    models: tuple[str, ...] = ()

    @property
    def warnings(self) -> tuple[Signal, ...]:
        return tuple(s for s in self.signals if s.kind == "warning")
