"""Commit message lines: "Generated with Claude Code" footers (medium), aider's ``aider:``
subject prefix (medium), and an agent's name in free text (low: people talk about tools)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.provenance.directory import AgentDirectory, directory_of
from countersign.facts.provenance.records import Confidence, Signal
from countersign.intake.change import Change

# Footers such as: 🤖 Generated with [Claude Code](https://claude.com/claude-code)
_GENERATED = re.compile(
    r"^[^\w\n]*(?:generated|created|written|authored|made|coded)\s+(?:with|by|using|via)\s+"
    r"(?:\[(?P<linked>[^\]\n]+)\]\([^)\n]*\)|(?P<plain>[^\n]+?))[\s.!]*$",
    re.IGNORECASE | re.MULTILINE,
)
_TRAILER_LINE = re.compile(r"^(co-authored-by|assisted-by|generated-by)\s*:", re.IGNORECASE)
MAX_MESSAGE = 100_000


def signals(change: Change, context: Context) -> Iterator[Signal]:
    directory = directory_of(context)
    for commit in change.commits:
        yield from message_signals(
            commit.message, f"commit {commit.sha[:12]} message", directory, commit.sha
        )


def message_signals(
    text: str, where: str, directory: AgentDirectory, commit: str | None = None
) -> Iterator[Signal]:
    """Signals in a commit message or a PR body; shared by both sources."""
    text = text[:MAX_MESSAGE]
    declared: set[str] = set()
    for match in _GENERATED.finditer(text):
        tool = (match["linked"] or match["plain"]).strip()
        agent = directory.by_name(tool) or directory.by_name(tool.split()[0])
        if agent is None:
            continue  # "Generated with protoc" is not an agent
        declared.add(agent.id)
        yield Signal(
            "generated-with-line",
            Confidence.MEDIUM,
            where,
            match.group(0).strip()[:200],
            agent.id,
            commit,
        )
    subject = text.split("\n", 1)[0]
    if subject.lower().startswith("aider:"):
        declared.add("aider")
        yield Signal("aider-subject", Confidence.MEDIUM, where, subject[:200], "aider", commit)
    yield from _mentions(text, where, directory, declared, commit)


def _mentions(
    text: str, where: str, directory: AgentDirectory, declared: set[str], commit: str | None
) -> Iterator[Signal]:
    lines = [line for line in text.splitlines() if not _TRAILER_LINE.match(line.strip())]
    prose = "\n".join(lines).lower()
    for agent in directory.agents:
        if agent.id in declared:
            continue
        for word in agent.mentions:
            match = re.search(rf"(?<![\w./-]){re.escape(word)}(?![\w/-])", prose)
            if match:
                start = max(0, match.start() - 30)
                snippet = " ".join(prose[start : match.end() + 30].split())
                yield Signal(
                    "mention",
                    Confidence.LOW,
                    where,
                    f"mentions {word!r}: ...{snippet}...",
                    agent.id,
                    commit,
                )
                break
