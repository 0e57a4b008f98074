"""Signal sources: each is ``(Change, Context) -> Iterable[Signal]``, one module per kind of
evidence, listed in ``SOURCES`` (nothing registers itself). A signal belongs to a commit or, when
``commit`` is None, to the change as a whole."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from countersign.facts.context import Context
from countersign.facts.provenance.records import Signal
from countersign.facts.provenance.sources import (
    agent_trace,
    bots,
    branches,
    git_ai,
    guard,
    messages,
    pull_request,
    stale_docs,
    trailers,
)
from countersign.intake.change import Change

Source = Callable[[Change, Context], Iterable[Signal]]

SOURCES: dict[str, Source] = {
    "guard": guard.signals,
    "git-ai": git_ai.signals,
    "agent-trace": agent_trace.signals,
    "trailers": trailers.signals,
    "bots": bots.signals,
    "messages": messages.signals,
    "branches": branches.signals,
    "pull-request": pull_request.signals,
    "stale-docs": stale_docs.signals,
}
