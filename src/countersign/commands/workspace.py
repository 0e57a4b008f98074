"""Load what every command needs from a repository: the change, its configuration and policy
(from the base revision), and the ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from countersign.config import CONFIG_DIR, Config, load_config
from countersign.decision.policy import Policy, default_policy_text, load_policy
from countersign.errors import InputError
from countersign.facts.context import Context
from countersign.facts.risk import mining
from countersign.facts.risk import model as risk_model
from countersign.facts.risk.metrics import History
from countersign.intake import git
from countersign.intake.artifacts import load_artifact
from countersign.intake.change import Change
from countersign.intake.patch import read_patch_file
from countersign.signoff.ledger import JsonlLedger, Ledger

CONFIG_FILES = ("policy.yaml", "catalog.yaml", "people.yaml")


@dataclass(frozen=True)
class Workspace:
    root: Path | None
    change: Change
    context: Context
    policy: Policy
    ledger: Ledger


def open_workspace(
    cwd: Path,
    base: str | None = None,
    head: str = "HEAD",
    worktree: bool = False,
    patch: str | None = None,
    plans: tuple[str, ...] = (),
) -> Workspace:
    if not cwd.is_dir():
        raise InputError(f"{cwd} is not a directory")
    artifacts = tuple(load_artifact(p) for p in plans)
    if patch:
        change = read_patch_file(patch, artifacts)
        try:
            root: Path | None = git.repo_root(cwd)
        except InputError:
            root = None
        texts = _config_from_tree(root) if root else {}
    else:
        root = git.repo_root(cwd)
        change = git.read_change(root, base=base, head=head, worktree=worktree, plans=artifacts)
        texts = _config_at(root, change.base) or _config_from_tree(root)
    config = load_config(root, read=texts) if root else Config()
    policy_text = texts.get("policy.yaml") or default_policy_text()
    policy = load_policy(policy_text)
    model, history = risk_inputs(root, change)
    context = Context(config=config, risk_model=model, risk_history=history)
    return Workspace(root, change, context, policy, ledger_for(root or cwd))


def risk_inputs(
    root: Path | None, change: Change
) -> tuple[risk_model.Model | None, History | None]:
    """The repository's trained risk model and mined history, when ``risk mine`` has run. A
    history that already holds the change's own commits would count them as their own past:
    then the history at the change's base is mined once and kept beside it."""
    if root is None:
        return None, None
    state = mining.state_dir(root)
    path = state / "model.json"
    model = risk_model.load(path) if path.is_file() else None
    model = _with_reference(model, state / "reference.json")
    history = mining.load_history(state)
    if (
        history is not None
        and change.base
        and change.commits
        and mining.contains(root, history, change.commits[0].sha)
    ):
        history = mining.load_history(state / "base")
        if history is None or history.head != change.base:
            index = mining.mine(root, None, head=change.base)
            mining.save(index, state / "base")
            history = index.history
    return model, history


def ledger_for(root: Path) -> Ledger:
    return JsonlLedger(root / CONFIG_DIR / "ledger.jsonl")


def _config_at(root: Path, rev: str | None) -> dict[str, str]:
    """The configuration as it is at the base revision: a change is judged by the old rules."""
    if not rev:
        return {}
    texts: dict[str, str] = {}
    for name in CONFIG_FILES:
        text = git.read_file_at(root, rev, f"{CONFIG_DIR}/{name}")
        if text is not None:
            texts[name] = text
    return texts


def _config_from_tree(root: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name in CONFIG_FILES:
        path = root / CONFIG_DIR / name
        if path.is_file():
            texts[name] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def _with_reference(model: risk_model.Model | None, path: Path) -> risk_model.Model | None:
    """Percentiles against this repository's own history when ``risk mine`` saved them for the
    model in use."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return model
    base = model or risk_model.prior()
    if not isinstance(data, dict) or data.get("model") != base.name:
        return model
    return risk_model.with_reference(base, data)
