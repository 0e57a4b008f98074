"""A check that every PostgreSQL ledger write made in this context runs inside its transaction,
before it writes, with that transaction's connection: a writer that may write only while it
holds something (the service's run, its pull request's lock: ``service.fence``) raises there,
and nothing is written. None, the default: no check (the CLI, the hooks, the guard)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

CHECK: ContextVar[Callable[[Any], None] | None] = ContextVar(
    "countersign_ledger_fence", default=None
)
