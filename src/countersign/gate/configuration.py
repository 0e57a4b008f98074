"""The working tree's ``.countersign/`` checked with the loaders the gate uses when it reads the
landing branch, so a file that would stop the gate is found before it is committed
(``config check``, ``adopt``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from countersign.config import CONFIG_DIR
from countersign.config.catalog import load_catalog
from countersign.config.hazards import load_hazard_settings
from countersign.config.roster import load_roster
from countersign.config.skeleton import FILL_IN, LEVEL_LINE
from countersign.config.sources import read_catalog
from countersign.decision.policy import load_policy
from countersign.errors import ConfigError
from countersign.facts.provenance.directory import load_directory
from countersign.guard.settings import parse_guard_config
from countersign.intake.tree import DirTree


@dataclass(frozen=True)
class Checked:
    """One file: what it holds (``said``) or the gate's error for it (``error``)."""

    name: str
    said: str = ""
    error: str = ""


def _loaders(root: Path) -> dict[str, Callable[[str], str]]:
    def policy(text: str) -> str:
        return f"{len(load_policy(text).rules)} rules"

    def catalog(text: str) -> str:
        load_catalog(text)  # the file's own errors first, as the gate raises them
        merged = read_catalog(text, DirTree(root))
        notes = "".join(f"\n    note: {p}" for p in merged.problems)
        return f"{len(merged.services)} services (Backstage and CODEOWNERS included){notes}"

    def people(text: str) -> str:
        roster = load_roster(text)
        todo = sum(1 for line in text.splitlines() if line.strip().startswith(LEVEL_LINE))
        unset = f"; {todo} levels still to fill in ({FILL_IN})" if todo else ""
        return f"{len(roster.people)} people, {len(roster.agent_emails)} agent identities{unset}"

    def hazards(text: str) -> str:
        load_hazard_settings(text)
        return "ok"

    def provenance(text: str) -> str:
        load_directory(text)
        return "ok"

    def guard(text: str) -> str:
        parse_guard_config(text)
        return "ok"

    return {
        "policy.yaml": policy,
        "catalog.yaml": catalog,
        "people.yaml": people,
        "hazards.yaml": hazards,
        "provenance.yaml": provenance,
        "guard.yaml": guard,
    }


def check_configuration(root: Path) -> tuple[Checked, ...]:
    """Each ``.countersign/`` file present in the working tree at ``root``, checked."""
    directory = root / CONFIG_DIR
    out = []
    for name, load in _loaders(root).items():
        path = directory / name
        if not path.is_file():
            continue
        try:
            said = load(path.read_text(encoding="utf-8", errors="replace"))
        except ConfigError as exc:
            out.append(Checked(name, error=str(exc)))
            continue
        out.append(Checked(name, said=said))
    return tuple(out)
