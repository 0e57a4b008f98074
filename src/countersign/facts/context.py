"""What the fact analyzers may read besides the change: configuration and recorded state,
loaded at the edge and passed in, so every analyzer stays a pure function."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from countersign.config import Config
from countersign.intake.agent_edits import AgentEdit
from countersign.intake.doc_reads import StaleRead

if TYPE_CHECKING:  # the fact packages import this module: no import cycle at run time
    from countersign.facts.provenance.directory import AgentDirectory
    from countersign.facts.risk.metrics import History
    from countersign.facts.risk.model import Model


@dataclass(frozen=True)
class Context:
    config: Config = field(default_factory=Config)
    today: date = field(default_factory=date.today)
    # Files the agent guard saw an agent edit, for provenance (the strongest signal).
    agent_edits: tuple[AgentEdit, ...] = ()
    # Lines of the guard's log that could not be read, and where the log is (for the evidence).
    agent_edits_skipped: int = 0
    agent_edits_source: str = ""
    # Documents the guard saw an agent read that no longer matched the code (docs-stale.jsonl).
    stale_reads: tuple[StaleRead, ...] = ()
    # Coding agents' addresses, bots and branches; None means the packaged list alone.
    agent_directory: AgentDirectory | None = None
    # Where git-ai notes were read from, or why there are none (a hint for the evidence).
    notes_hint: str | None = None
    # The Terraform workspace the plans were made in (TF_WORKSPACE), when known.
    terraform_workspace: str | None = None
    # The risk model (None: the packaged prior) and the mined history index (None: not mined).
    risk_model: Model | None = None
    risk_history: History | None = None
    # False only when the branch the change lands on was read at a revision and has no roster
    # (``.countersign/people.yaml``): a change that adds one there adopts countersign
    # (``facts.adoption``). True for anything else (a patch file, a hand-built context).
    roster_at_target: bool = True
    # Where this clone says it is hosted, read at the edge: ("origin", "OWNER/NAME") for a
    # github.com origin, and in GitHub Actions the job's ("GITHUB_REPOSITORY", ...) and
    # ("GITHUB_API_URL", ...). An adoption's forge pin must name the same (``facts.adoption``).
    hosted: tuple[tuple[str, str], ...] = ()
