"""Load what every command needs from a repository: the change, its configuration and policy
(from the base revision), and the ledger."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from countersign.config import CONFIG_DIR, Config, load_config
from countersign.decision.policy import Policy, default_policy_text, load_policy
from countersign.errors import InputError
from countersign.facts.blast_radius.languages import with_inferred_edges
from countersign.facts.blast_radius.languages.scan_cache import ScanCache
from countersign.facts.context import Context
from countersign.facts.provenance.directory import load_directory
from countersign.facts.risk import mining
from countersign.facts.risk import model as risk_model
from countersign.facts.risk.metrics import History
from countersign.intake import git
from countersign.intake.agent_edits import log_path, read_agent_edits
from countersign.intake.artifacts import load_artifact
from countersign.intake.change import Change
from countersign.intake.patch import read_patch_file
from countersign.intake.selection import ChangeSelection
from countersign.intake.tree import DirTree, GitTree, RepoTree
from countersign.signoff.ledger import ENV_LEDGER, SignedLedger, open_ledger
from countersign.signoff.pins import pins_in
from countersign.state_dir import state_dir

SCAN_CACHE = "import-scans.json"
CONFIG_FILES = ("policy.yaml", "catalog.yaml", "people.yaml", "hazards.yaml", "provenance.yaml")


@dataclass(frozen=True)
class Workspace:
    root: Path | None
    change: Change
    context: Context
    policy: Policy
    ledger: SignedLedger


def open_workspace(cwd: Path, selection: ChangeSelection | None = None) -> Workspace:
    selection = selection or ChangeSelection()
    if not cwd.is_dir():
        raise InputError(f"{cwd} is not a directory")
    patch = selection.patch
    artifacts = tuple(load_artifact(p) for p in selection.plans)
    pull_request = selection.pull_request
    notes_hint: str | None = None
    if patch:
        change = read_patch_file(patch, artifacts)
        try:
            root: Path | None = git.repo_root(cwd)
        except InputError:
            root = None
    else:
        root = git.repo_root(cwd)
        refs = git.note_ref_names(root)
        notes, notes_hint = git.notes_ref(root, refs)
        change = git.read_change(
            root,
            base=selection.base,
            head=selection.head,
            worktree=selection.worktree,
            plans=artifacts,
            notes=notes,
            trace_notes=git.trace_notes_ref(root, refs),
        )
    tree = repo_tree(root, None if patch else change.base) if root else None
    texts = _config_texts(tree) if tree else {}
    state = repository_state_dir(root or cwd)
    config = _config(root, tree, texts, state)
    policy_text = texts.get("policy.yaml") or default_policy_text()
    policy = load_policy(policy_text)
    if pull_request is not None:
        change = replace(change, pull_request=pull_request)
    model, history = risk_inputs(root, change, state / "risk")
    context = Context(
        config=config,
        agent_directory=load_directory(texts.get("provenance.yaml")),
        notes_hint=notes_hint,
        terraform_workspace=os.environ.get("TF_WORKSPACE") or None,
        risk_model=model,
        risk_history=history,
    )
    if root is not None:
        context = with_agent_edits(context, root, state)
    pins_at = change.base if root is not None and change.base and not patch else "HEAD"
    ledger = ledger_for(root or cwd, state=state, pins_at=pins_at)
    return Workspace(root, change, context, policy, ledger)


def _config(root: Path | None, tree: RepoTree | None, texts: dict[str, str], state: Path) -> Config:
    """The configuration, its catalog with the edges the code's imports add; each file's
    imports are remembered in the state directory, so only changed files are parsed again."""
    if root is None:
        return Config()
    scans = ScanCache.load(state / SCAN_CACHE)
    config = with_inferred_edges(load_config(root, read=texts, tree=tree), tree, scans)
    scans.save()
    return config


def risk_inputs(
    root: Path | None, change: Change, state: Path | None = None
) -> tuple[risk_model.Model | None, History | None]:
    """The repository's trained risk model and mined history, when ``risk mine`` has run. A
    history that already holds the change's own commits would count them as their own past:
    then the history at the change's base is mined once and kept beside it."""
    if root is None:
        return None, None
    state = state or mining.state_dir(root)
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


def with_agent_edits(context: Context, root: Path, state: Path | None = None) -> Context:
    """The guard's records of agent edits in this repository (shared by all its worktrees);
    ``state`` is its state directory when the caller already knows it."""
    log = read_agent_edits(log_path(state or repository_state_dir(root)))
    return replace(
        context,
        agent_edits=log.edits,
        agent_edits_skipped=log.skipped,
        agent_edits_source=log.source,
    )


def repo_tree(root: Path, base: str | None) -> RepoTree:
    """Where Backstage files, CODEOWNERS and imports are read: the base revision, like the
    policy, so a change cannot shrink its own blast radius; the working tree for a patch."""
    return GitTree(root, base) if base else DirTree(root)


def ledger_for(
    root: Path, location: str | None = None, state: Path | None = None, pins_at: str = "HEAD"
) -> SignedLedger:
    """The ledger at ``location``, ``$COUNTERSIGN_LEDGER`` or ``.countersign/ledger.db``,
    trusting the keys pinned at revision ``pins_at`` (for a change: its base, like the policy);
    ``state`` is the repository's state directory when the caller already knows it."""
    where = location or os.environ.get(ENV_LEDGER) or str(root / CONFIG_DIR / "ledger.db")
    return open_ledger(where, state or repository_state_dir(root), pins_in(root, pins_at))


def repository_state_dir(root: Path) -> Path:
    """The state directory (``countersign.state_dir``) of the repository at ``root``; for a
    directory outside git, ``.countersign/state`` in it."""
    try:
        common: Path | None = (
            root / git.git(root, "rev-parse", "--git-common-dir").decode().strip()
        ).resolve()
    except InputError:
        common = None
    return state_dir(common, outside=root / CONFIG_DIR / "state")


def _config_texts(tree: RepoTree) -> dict[str, str]:
    """The ``.countersign/`` files as they are in ``tree``: the base revision for a change (it is
    judged by the old rules), the working tree for a patch file. A file missing there is missing."""
    wanted = {f"{CONFIG_DIR}/{name}": name for name in CONFIG_FILES}
    return {wanted[path]: text for path, text in tree.read(wanted).items()}


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
