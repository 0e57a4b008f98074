"""What the fact analyzers may read besides the change: configuration and recorded state,
loaded at the edge and passed in, so every analyzer stays a pure function."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from countersign.config import Config


@dataclass(frozen=True)
class Context:
    config: Config = field(default_factory=Config)
    today: date = field(default_factory=date.today)
    # Files an agent was seen editing by the guard (path -> agent), for provenance.
    agent_edits: tuple[tuple[str, str], ...] = ()
    # The Terraform workspace the plans were made in (TF_WORKSPACE), when known.
    terraform_workspace: str | None = None
