"""The agents whose hooks the guard speaks, one module per agent, listed here once.

Each member module provides ``AGENT``, an ``Agent`` record (``record.py``): where its settings
live, which events it sends, how to answer allow/ask/deny, and what happens when the guard
fails. Nothing else in countersign names an agent; importing this package loads no member.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing stays off the fast path
if TYPE_CHECKING:
    from countersign.guard.agents.record import Agent

_MODULES = {
    "claude-code": "claude_code",
    "codex": "codex",
    "copilot": "copilot",
    "cursor": "cursor",
    "gemini": "gemini",
    "kiro": "kiro",
}
NAMES = tuple(_MODULES)


def get(name: str) -> Agent:
    """The record of agent ``name`` (one of ``NAMES``); KeyError for any other name."""
    # __import__, not importlib.import_module: importlib is one more import on the fast path
    module = __import__(f"countersign.guard.agents.{_MODULES[name]}", fromlist=["AGENT"])
    agent: Agent = module.AGENT
    return agent


def every() -> tuple[Agent, ...]:
    return tuple(get(name) for name in NAMES)
