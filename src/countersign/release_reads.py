"""What the changes of one release share when the deploy gate opens them one after another, as
a replay shares it: their differences read ahead by one git process, each base tree advanced
from the last change's by its difference, the configuration parsed once per distinct set of
files, and what does not change within a run found once (notes refs, where the clone is
hosted, the protected branch, the state directory). ``open`` gives each change the workspace
``open_change`` gives it alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from countersign.config import CONFIG_DIR, Config, load_config
from countersign.config.sources import is_catalog_source
from countersign.decision.policy import Policy, default_policy_text, load_policy
from countersign.facts.context import Context
from countersign.facts.provenance.directory import AgentDirectory, load_directory
from countersign.intake.diff import RawEntry
from countersign.intake.git import prefetch_commits, prefetch_diffs
from countersign.intake.release import ReleasedChange
from countersign.intake.repository import Repository
from countersign.intake.tree import GitTree, SharedBlobs
from countersign.signoff.pins import protected_rev
from countersign.workspace import (
    Environment,
    NotesRefs,
    Workspace,
    config_files,
    hosted_at,
    ledger_for,
    read_past_change,
    repository_state_dir,
)


class ReleaseReads:
    """Opens the changes of one release of ``repository``, reusing what they share; ``start``
    reads their differences and commits ahead (inside the run's ``BlobReader``)."""

    def __init__(self, repository: Repository, environment: Environment) -> None:
        self.repository, self.environment = repository, environment
        root = repository.root
        self.blobs = SharedBlobs()
        self.refs = NotesRefs.of(root)
        self.state = repository_state_dir(root, environment)
        self._protected: str | None = None
        self._hosted: tuple[tuple[str, str], ...] | None = None
        self._configs: dict[tuple[Any, ...], tuple[Config, Policy, AgentDirectory | None]] = {}
        # the last change opened: its head, its base's tree and the difference between them
        self._last: tuple[str, GitTree, tuple[RawEntry, ...]] | None = None

    def start(self, changes: Sequence[ReleasedChange]) -> None:
        pairs = [(c.head, c.base) for c in changes if c.kind != "empty"]
        prefetch_commits(self.repository.root, pairs, self.refs.notes)
        prefetch_diffs(self.repository.root, pairs)

    def open(self, released: ReleasedChange) -> Workspace:
        """The change ``released`` (its base an ancestor of its head, both full ids), judged by
        the configuration and policy at its base, as ``open_change`` opens it."""
        root, env = self.repository.root, self.environment
        change = read_past_change(root, released.base, released.head, self.refs)
        tree = self._tree(released.base)
        self._last = (released.head, tree, change.raw)
        texts = config_files(tree)
        config, policy, directory = self._config(texts, tree)
        roster_at_target = "people.yaml" in texts
        context = Context(
            config=config,
            today=env.today(),
            agent_directory=directory,
            notes_hint=self.refs.hint,
            terraform_workspace=env.terraform_workspace,
            roster_at_target=roster_at_target,
            hosted=() if roster_at_target else self._hosted_at(),
        )
        if self._protected is None:
            self._protected = protected_rev(root)
        ledger = ledger_for(
            root, env, state=self.state, pins_at=released.base, protected=self._protected
        )
        return Workspace(root, change, context, policy, ledger, self.state, tree)

    def _tree(self, rev: str) -> GitTree:
        """The tree of ``rev``: the last change's base tree advanced by its difference when
        ``rev`` is that change's head (consecutive commits), else listed."""
        if self._last is not None and self._last[0] == rev:
            return self._last[1].advanced(rev, self._last[2])
        return GitTree(self.repository.root, rev, self.blobs)

    def _config(
        self, texts: dict[str, str], tree: GitTree
    ) -> tuple[Config, Policy, AgentDirectory | None]:
        """The configuration at a change's base, parsed once per distinct set of its files
        (``.countersign/``, and the Backstage files and CODEOWNERS the catalog reads)."""
        sources = tuple(sorted((p, b) for p, b in tree.blobs().items() if is_catalog_source(p)))
        key = (tuple(sorted(texts.items())), sources)
        if key not in self._configs:
            config = load_config(self.repository.root, read=texts, tree=tree)
            text = texts.get("policy.yaml")
            policy = (
                load_policy(text, source=f"{CONFIG_DIR}/policy.yaml")
                if text
                else load_policy(default_policy_text())
            )
            self._configs[key] = (config, policy, load_directory(texts.get("provenance.yaml")))
        return self._configs[key]

    def _hosted_at(self) -> tuple[tuple[str, str], ...]:
        if self._hosted is None:
            self._hosted = hosted_at(self.repository.root, self.environment)
        return self._hosted
