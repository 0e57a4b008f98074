"""Facts: pure analyzers that describe a ``Change`` (provenance, blast radius, hazards, risk,
people). ``gather`` runs the registered analyzer of each fact; tests pass their own.

The names below load on first use, so that ``countersign.facts.shell`` (imported by the agent
guard before every shell command) does not pull in the configuration and YAML layers.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing stays off the guard's full path
if TYPE_CHECKING:
    from typing import Any

    from countersign.facts.gathering import Analyzers, Facts, gather

__all__ = ["Analyzers", "Facts", "gather"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from countersign.facts import gathering

        return getattr(gathering, name)
    raise AttributeError(f"module 'countersign.facts' has no attribute {name!r}")
