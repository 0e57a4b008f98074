"""Shadow mode's engine: past changes judged one after another in one process, by the
configuration at each change's base or by a candidate configuration (``Candidate``) given for
the whole range, reusing what does not change between them: parsed configuration, blobs read
from git, import scans, the owner of each path, the risk history.

The risk history is the one at the oldest change's base (mined once, then kept): later changes
in the range are scored against a history a little older than theirs, never one that holds
their own future.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from countersign.config import Config, load_config
from countersign.config.catalog import Catalog
from countersign.config.roster import Roster
from countersign.config.sources import is_catalog_source, read_catalog
from countersign.decision.policy import Policy, default_policy_text, load_policy
from countersign.errors import FatalError, NothingToCheckError
from countersign.facts.blast_radius.languages import with_inferred_edges
from countersign.facts.context import Context
from countersign.facts.provenance.directory import AgentDirectory, load_directory
from countersign.gate.evaluate import evaluate
from countersign.gate.verdict import Evaluation
from countersign.intake.diff import RawEntry
from countersign.intake.git import BlobReader, prefetch_commits, prefetch_diffs, read_commits
from countersign.intake.tree import GitTree, SharedBlobs
from countersign.state.import_scans import MemoScans, ScanCache
from countersign.state.risk import risk_inputs
from countersign.workspace import (
    SCAN_CACHE,
    Environment,
    NotesRefs,
    config_files,
    read_past_change,
    repository_state_dir,
    with_agent_edits,
)

EMPTY = "ships nothing: its tree is its first parent's (an empty commit, a merge that kept nothing)"


@dataclass(frozen=True)
class Candidate:
    """Configuration to judge every change of a range by, instead of each change's base: any
    of them may be None (then each change's base gives it). ``files``: where each came from."""

    policy: Policy | None = None
    catalog_text: str | None = None
    roster: Roster | None = None
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Judged:
    """One past change judged; ``evaluation`` None: it could not be (``error`` says why), or
    it ships nothing (``empty``: its tree is its first parent's)."""

    sha: str
    subject: str
    evaluation: Evaluation | None
    error: str = ""
    empty: bool = False


class Shadow:
    """Judges past changes of one repository, by their base's configuration or a candidate."""

    def __init__(
        self,
        root: Path,
        environment: Environment,
        candidate: Candidate | None = None,
        tip: str = "HEAD",
    ) -> None:
        self.root, self.environment = root, environment
        self.candidate = candidate or Candidate()
        self.blobs = SharedBlobs()
        self.state = repository_state_dir(root, environment)
        self.scans = MemoScans(ScanCache.load(self.state / SCAN_CACHE))
        self._configs: dict[tuple[Any, ...], tuple[Config, Policy, AgentDirectory | None]] = {}
        self._catalog: Catalog | None = None
        if self.candidate.catalog_text is not None:
            self._catalog = read_catalog(
                self.candidate.catalog_text, GitTree(root, tip, self.blobs), "catalog.yaml"
            )
        self._risk: tuple[Any, Any] | None = None
        self._edits = with_agent_edits(Context(), root, self.state)
        self.refs = NotesRefs.of(root)
        # the last change judged: its head, its base's tree and the difference between them
        self._last: tuple[str, GitTree, tuple[RawEntry, ...]] | None = None

    def judge(self, sha: str, parent: str) -> Judged:
        try:
            change = read_past_change(self.root, parent, sha, self.refs)
            rules_at = change.target or change.base or parent
            tree = self._tree(rules_at)
            self._last = (sha, tree, change.raw) if change.base == rules_at else None
            config, policy, directory = self._config(tree)
            config = with_inferred_edges(config, tree, self.scans, self.scans.links)
            if self._risk is None:
                self._risk = risk_inputs(self.root, change, self.state / "risk", mine=True)
            model, history = self._risk
            context = replace(
                self._edits,
                config=config,
                today=self.environment.today(),
                agent_directory=directory,
                notes_hint=self.refs.hint,
                terraform_workspace=self.environment.terraform_workspace,
                risk_model=model,
                risk_history=history,
            )
            result = evaluate(change, context, policy)
        except NothingToCheckError:
            commits = read_commits(self.root, parent, sha, self.refs.notes)
            subject = commits[-1].message.split("\n", 1)[0] if commits else ""
            return Judged(sha, subject, None, EMPTY, empty=True)
        except FatalError as exc:
            return Judged(sha, "", None, str(exc))
        subject = change.commits[-1].message.split("\n", 1)[0] if change.commits else ""
        return Judged(sha, subject, result)

    def _tree(self, rev: str) -> GitTree:
        """The tree of ``rev``: when it is the last change's head (consecutive commits), that
        change's base tree advanced by its difference, with no git process; else listed."""
        if self._last is not None and self._last[0] == rev:
            return self._last[1].advanced(rev, self._last[2])
        return GitTree(self.root, rev, self.blobs)

    def judge_all(self, pairs: list[tuple[str, str]]) -> Iterator[Judged]:
        with BlobReader(self.root):
            prefetch_commits(self.root, pairs, self.refs.notes)
            prefetch_diffs(self.root, pairs)
            for sha, parent in pairs:
                yield self.judge(sha, parent)
        if self.scans.disk is not None:
            self.scans.disk.save()

    def _config(self, tree: GitTree) -> tuple[Config, Policy, AgentDirectory | None]:
        """The configuration a change is judged by, parsed once per distinct set of files."""
        c = self.candidate
        complete = c.policy is not None and c.catalog_text is not None and c.roster is not None
        texts = {} if complete else config_files(tree)
        if self._catalog is not None:
            texts.pop("catalog.yaml", None)  # the candidate's replaces it, even a broken one
        if c.roster is not None:
            texts.pop("people.yaml", None)
        listing = tree.blobs()
        key = (
            tuple(sorted(texts.items())),
            ()
            if self._catalog is not None
            else tuple(sorted((p, b) for p, b in listing.items() if is_catalog_source(p))),
        )
        if key not in self._configs:
            base = load_config(self.root, read=texts, tree=None if self._catalog else tree)
            config = replace(
                base,
                catalog=self._catalog or base.catalog,
                roster=c.roster or base.roster,
            )
            text = texts.get("policy.yaml")
            policy = c.policy or (
                load_policy(text, source=".countersign/policy.yaml")
                if text
                else load_policy(default_policy_text())
            )
            self._configs[key] = (config, policy, load_directory(texts.get("provenance.yaml")))
        return self._configs[key]
