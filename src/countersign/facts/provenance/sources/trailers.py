"""Commit trailers: ``Co-authored-by`` with an agent's address, ``Assisted-by`` (the Linux
kernel's ``AGENT:MODEL [tools]``) and ``Generated-by`` (Apache projects).

Trailer lines are read wherever they start a line, not only in the final trailer block: squash
merges and hand-edited messages move them around, and the keys are specific enough."""

from __future__ import annotations

import re
from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.provenance.directory import AgentDirectory, directory_of
from countersign.facts.provenance.records import Confidence, Signal
from countersign.intake.change import Change, Commit

_TRAILER = re.compile(
    r"^(?P<key>co-authored-by|assisted-by|generated-by)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_ADDRESS = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>$")
MAX_VALUE = 300


def signals(change: Change, context: Context) -> Iterator[Signal]:
    directory = directory_of(context)
    for commit in change.commits:
        for match in _TRAILER.finditer(commit.message):
            key = match["key"].lower()
            value = match["value"]
            if key == "co-authored-by":
                yield from _co_author(commit, value, directory)
            else:
                yield from _declaration(commit, key, value, directory)


def _co_author(commit: Commit, value: str, directory: AgentDirectory) -> Iterator[Signal]:
    where = f"commit {commit.sha[:12]} trailer"
    address = _ADDRESS.match(value)
    if address is None:
        named = directory.by_name(value) if len(value) <= MAX_VALUE else None
        yield Signal(
            "warning",
            Confidence.NONE,
            where,
            f"malformed Co-authored-by trailer (expected 'Name <address>'): {value[:80]!r}",
            named.id if named else None,
            commit.sha,
        )
        return
    agent = directory.by_address(address["email"])
    if agent is not None:
        yield Signal(
            "co-author-trailer",
            Confidence.HIGH,
            where,
            f"Co-authored-by: {value}",
            agent.id,
            commit.sha,
        )
        return
    named = directory.by_name(address["name"])
    if named is not None:
        # A display name is free text; only the address identifies an agent.
        yield Signal(
            "co-author-name",
            Confidence.LOW,
            where,
            f"Co-authored-by: {value} (agent name, but not a known agent address)",
            named.id,
            commit.sha,
        )


def _declaration(
    commit: Commit, key: str, value: str, directory: AgentDirectory
) -> Iterator[Signal]:
    where = f"commit {commit.sha[:12]} trailer"
    label = "Assisted-by" if key == "assisted-by" else "Generated-by"
    value = value.strip()
    if not value or len(value) > MAX_VALUE:
        yield Signal(
            "warning",
            Confidence.NONE,
            where,
            f"malformed {label} trailer ({'empty' if not value else 'too long'}); ignored",
            commit=commit.sha,
        )
        return
    tool, model = _tool_and_model(value, key)
    words = tool.split()
    address = _ADDRESS.match(value)
    agent = (
        directory.by_name(tool)
        or (directory.by_name(words[0]) if words else None)
        or (directory.by_address(address["email"]) if address else None)
    )
    yield Signal(
        f"{key}-trailer",
        Confidence.MEDIUM,
        where,
        f"{label}: {value}" + (f" (model {model})" if model else ""),
        agent.id if agent else (tool.lower() or None),
        commit.sha,
    )


def _tool_and_model(value: str, key: str) -> tuple[str, str | None]:
    """``Claude:claude-3-opus coccinelle`` -> (Claude, claude-3-opus); the kernel's form puts the
    agent before the colon and tools after a space. Other values name the tool in free words."""
    words = value.split(maxsplit=1)
    first = words[0] if words else ""
    if key == "assisted-by" and ":" in first:
        tool, _, model = first.partition(":")
        return tool, model or None
    address = _ADDRESS.match(value)
    if address:
        return address["name"], None
    return value, None
