"""What the fact analyzers may read besides the change: configuration and recorded state,
loaded at the edge and passed in, so every analyzer stays a pure function."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from countersign.config import Config

if TYPE_CHECKING:
    from countersign.facts.risk.metrics import History
    from countersign.facts.risk.model import Model


@dataclass(frozen=True)
class Context:
    config: Config = field(default_factory=Config)
    today: date = field(default_factory=date.today)
    # Files an agent was seen editing by the guard (path -> agent), for provenance.
    agent_edits: tuple[tuple[str, str], ...] = ()
    # The risk model (None: the packaged prior) and the mined history index (None: not mined).
    risk_model: Model | None = None
    risk_history: History | None = None
