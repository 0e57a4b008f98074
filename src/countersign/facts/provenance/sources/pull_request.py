"""Pull request declarations: AI labels, an "AI disclosure" section or checked template boxes in
the body, "Generated with ..." footers, and PRs opened by an agent's app account. Self-reported,
so medium, except the author account (high); a checked "no AI used" box is reported, not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.provenance.directory import AgentDirectory, directory_of
from countersign.facts.provenance.records import Confidence, Signal
from countersign.facts.provenance.sources.messages import message_signals
from countersign.intake.change import Change
from countersign.intake.pull_request import PullRequest

_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(?P<h>.+?)\s*#*|\*\*(?P<b>[^*]+)\*\*:?)\s*$")
_AI_WORDS = re.compile(
    r"\b(?:ai|a\.i\.|llm|llms|genai|gen-ai|generative|artificial intelligence|agent|agents|"
    r"assistant|copilot|machine[- ]generated)\b",
    re.IGNORECASE,
)
_BOX = re.compile(r"^\s*[-*+]\s*\[(?P<mark>[ xX])\]\s*(?P<text>.+?)\s*$")
_NEGATIVE = re.compile(
    r"\b(?:no|not|none|without|didn't|did not|wasn't|was not|never|zero)\b", re.IGNORECASE
)
MAX_BODY = 100_000


def signals(change: Change, context: Context) -> Iterator[Signal]:
    pr = change.pull_request
    if pr is None:
        return
    directory = directory_of(context)
    where = f"PR #{pr.number}"
    for label in pr.labels:
        if " ".join(label.lower().split()) in directory.pr_labels:
            yield Signal("pr-label", Confidence.MEDIUM, f"{where} label", f"label {label!r}")
    agent = directory.by_bot(pr.author) if pr.author else None
    if agent is not None:
        yield Signal(
            "pr-author-bot",
            Confidence.HIGH,
            f"{where} author",
            f"opened by {pr.author}, the {agent.id} agent",
            agent.id,
        )
    yield from disclosure_signals(pr, directory)
    for signal in message_signals(pr.body[:MAX_BODY], f"{where} body", directory):
        if signal.kind != "mention":  # PR bodies discuss tools; only declarations count
            yield signal


def disclosure_signals(pr: PullRequest, directory: AgentDirectory) -> Iterator[Signal]:
    where = f"PR #{pr.number} body"
    section: str | None = None
    section_text: list[str] = []
    for line in [*pr.body[:MAX_BODY].splitlines(), "# end"]:
        heading = _HEADING.match(line)
        if heading:
            if section is not None:
                signal = _section_text(section, section_text, where, directory)
                if signal is not None:
                    yield signal
            title = heading["h"] or heading["b"] or ""
            section = title if _AI_WORDS.search(title) else None
            section_text = []
            continue
        box = _BOX.match(line)
        if box is None:
            if section is not None:
                section_text.append(line)
            continue
        if box["mark"] == " ":
            continue
        text = box["text"]
        if section is None and not _AI_WORDS.search(text) and _agent_named(text, directory) is None:
            continue
        if _NEGATIVE.search(text):
            yield Signal("pr-declares-no-ai", Confidence.NONE, where, f"checked: {text[:160]!r}")
            continue
        yield Signal(
            "pr-disclosure",
            Confidence.MEDIUM,
            where,
            f"checked: {text[:160]!r}" + (f" under {section!r}" if section else ""),
            _agent_named(text, directory),
        )


def _section_text(
    title: str, lines: list[str], where: str, directory: AgentDirectory
) -> Signal | None:
    text = " ".join(" ".join(lines).split())
    agent = _agent_named(text, directory)
    if not text or agent is None or _NEGATIVE.search(text):
        return None
    return Signal("pr-disclosure", Confidence.MEDIUM, where, f"{title!r}: {text[:160]!r}", agent)


def _agent_named(text: str, directory: AgentDirectory) -> str | None:
    """An agent named in prose: by its distinctive words, or a name of two words or more (one
    word like "cursor" or "amp" is too common to count)."""
    low = text.lower()
    for agent in directory.agents:
        names = (*agent.mentions, *(n for n in agent.names if " " in n or "-" in n))
        for name in names:
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", low):
                return agent.id
    return None
