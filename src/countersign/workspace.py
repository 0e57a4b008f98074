"""The composition root: from a repository, a change selection and an environment, the inputs of
the gate (the change, its context, the policy at its base, the ledger).

Opening a change only reads. What costs or writes is a separate step the caller asks for:
``with_code_edges`` (optionally remembering import scans), ``with_risk`` (optionally mining the
history at the change's base) and ``with_edits`` (the guard's records of agent edits);
``analysed`` runs all three. Works on a bare repository from revisions alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from countersign.config import CONFIG_DIR, Config, load_config
from countersign.config.forge import github_repository
from countersign.config.sources import is_catalog_source
from countersign.decision.policy import Policy, default_policy_text, load_policy
from countersign.errors import InputError
from countersign.facts.blast_radius.languages import with_inferred_edges
from countersign.facts.blast_radius.languages.sources import LinkMemo, ScanMemo
from countersign.facts.context import Context
from countersign.facts.provenance.directory import load_directory
from countersign.intake import git
from countersign.intake.agent_edits import log_path, read_agent_edits
from countersign.intake.artifacts import load_artifact
from countersign.intake.change import Artifact, Change
from countersign.intake.doc_reads import STALE_LOG, read_stale_reads
from countersign.intake.patch import read_patch_file
from countersign.intake.repository import Repository, open_repository
from countersign.intake.selection import ChangeSelection
from countersign.intake.tree import DirTree, GitTree, RepoTree, SharedBlobs, config_texts
from countersign.memo import Listing, Memo, ReadConfig
from countersign.signoff.checkpoint import PUBLISHED, checkpoints_in
from countersign.signoff.ledger import ENV_LEDGER, SignedLedger, open_ledger
from countersign.signoff.pins import pins_in, protected_rev
from countersign.state.import_scans import ScanCache
from countersign.state.risk import risk_inputs
from countersign.state_dir import ENV_STATE_DIR, state_dir

SCAN_CACHE = "import-scans.json"
CONFIG_FILES = ("policy.yaml", "catalog.yaml", "people.yaml", "hazards.yaml", "provenance.yaml")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Environment:
    """What would otherwise be read from the process: the ledger location (None:
    ``.countersign/ledger.db`` in the repository), the Terraform workspace the plans were made
    in, the state directory (None: in the git directory) and the clock."""

    ledger: str | None = None
    terraform_workspace: str | None = None
    state_dir: Path | None = None
    clock: Callable[[], datetime] = field(default=_utc_now, compare=False)
    # The ledger location was typed by someone (``$COUNTERSIGN_LEDGER``, ``--ledger``): a SQLite
    # file that is not there is then an error for readers, not a new empty ledger.
    ledger_typed: bool = False
    # In GitHub Actions, the job's repository and API (``GITHUB_REPOSITORY``, ``GITHUB_API_URL``):
    # never trusted to confirm anything, only compared with what an adoption pins.
    github: tuple[tuple[str, str], ...] = ()

    def today(self) -> date:
        """The local date now (policy windows are calendar days where the command runs)."""
        return self.clock().astimezone().date()

    @classmethod
    def from_process(cls, env: Mapping[str, str] | None = None) -> Environment:
        """``$COUNTERSIGN_LEDGER``, ``$TF_WORKSPACE`` and ``$COUNTERSIGN_STATE_DIR``."""
        env = os.environ if env is None else env
        state = env.get(ENV_STATE_DIR)
        return cls(
            ledger=env.get(ENV_LEDGER) or None,
            ledger_typed=bool(env.get(ENV_LEDGER)),
            terraform_workspace=env.get("TF_WORKSPACE") or None,
            state_dir=Path(state) if state else None,
            github=tuple(
                (name, env[name])
                for name in ("GITHUB_REPOSITORY", "GITHUB_API_URL")
                if env.get("GITHUB_ACTIONS") == "true" and env.get(name)
            ),
        )


@dataclass(frozen=True)
class Workspace:
    """``root``: the repository (None for a patch file outside git); ``state``: its state
    directory; ``tree``: where the catalog's Backstage files, CODEOWNERS and imports are read."""

    root: Path | None
    change: Change
    context: Context
    policy: Policy
    ledger: SignedLedger
    state: Path
    tree: RepoTree | None = None


def open_change(
    repository: Repository | None,
    selection: ChangeSelection,
    environment: Environment,
    *,
    directory: Path | None = None,
    blobs: SharedBlobs | None = None,
    memo: Memo | None = None,
) -> Workspace:
    """The change ``selection`` names, judged by the configuration and policy at its base.
    ``repository`` None: a patch file outside git, kept beside ``directory``. ``blobs``: file
    contents already read for other changes of the same repository (a release). ``memo``:
    base listings and configurations a long-running process remembers (``memo``)."""
    root = repository.root if repository else None
    where = root or directory
    if where is None:
        raise InputError("no repository and no directory to read the change in")
    if repository is not None and repository.bare and selection.worktree:
        raise InputError(f"{root}: a bare repository has no uncommitted work; drop --worktree")
    artifacts = tuple(load_artifact(p) for p in selection.plans)
    change, notes_hint = _read_change(root, selection, artifacts)
    rules_at = change.target or change.base
    tree = _tree(repository, None if selection.patch else rules_at, blobs, memo)
    state = repository_state_dir(where, environment)
    read = _read_config(root, tree, memo)
    texts, policy = read.texts, read.policy
    config = replace(read.config, root=str(root)) if root is not None else Config()
    if selection.pull_request is not None:
        change = replace(change, pull_request=selection.pull_request)
    # Only a landing branch read at a revision can be known to have no roster.
    roster_at_target = not (tree and rules_at and not selection.patch) or "people.yaml" in texts
    context = Context(
        config=config,
        today=environment.today(),
        agent_directory=read.directory,
        notes_hint=notes_hint,
        terraform_workspace=environment.terraform_workspace,
        roster_at_target=roster_at_target,
        hosted=() if roster_at_target or root is None else hosted_at(root, environment),
    )
    pins_at = rules_at if root is not None and rules_at and not selection.patch else None
    ledger = ledger_for(where, environment, state=state, pins_at=pins_at)
    return Workspace(root, change, context, policy, ledger, state, tree)


def hosted_at(root: Path, environment: Environment) -> tuple[tuple[str, str], ...]:
    """Where this clone says it lives, for an adoption's pin to be compared with."""
    origin = git.remote_url(root)
    repository = github_repository(origin) if origin else None
    return ((("origin", repository),) if repository else ()) + environment.github


def open_workspace(
    cwd: Path,
    selection: ChangeSelection | None = None,
    environment: Environment | None = None,
    *,
    reads_patches: bool = False,
) -> Workspace:
    """``open_change`` for a directory: the repository it is in (a patch file may be outside
    one), with the process environment unless ``environment`` is given. ``reads_patches``: the
    command takes ``--patch``, so outside a repository it says to use it."""
    selection = selection or ChangeSelection()
    if not cwd.is_dir():
        raise InputError(f"{cwd} is not a directory")
    try:
        repository: Repository | None = open_repository(cwd)
    except InputError as exc:
        if selection.patch:
            repository = None
        elif reads_patches and isinstance(exc, git.NotARepositoryError):
            raise InputError(f"{exc}, or check a patch file with --patch FILE") from None
        else:
            raise
    env = environment or Environment.from_process()
    return open_change(repository, selection, env, directory=cwd)


def _read_change(
    root: Path | None, selection: ChangeSelection, plans: tuple[Artifact, ...]
) -> tuple[Change, str | None]:
    if selection.patch:
        return read_patch_file(selection.patch, plans), None
    if root is None:
        raise InputError("no git repository to read the change from; pass --patch FILE")
    refs = git.note_ref_names(root)
    notes, notes_hint = git.notes_ref(root, refs)
    change = git.read_change(
        root,
        base=selection.base,
        head=selection.head,
        worktree=selection.worktree,
        plans=plans,
        notes=notes,
        trace_notes=git.trace_notes_ref(root, refs),
    )
    return change, notes_hint


def with_code_edges(
    ws: Workspace, scans: ScanMemo | None = None, links: LinkMemo | None = None
) -> Workspace:
    """The catalog with the dependency edges the code's imports add, read from ``ws.tree``;
    ``scans`` remembers each file's imports (the caller saves it), ``links`` each file's
    links for the next change (a release's)."""
    config = with_inferred_edges(ws.context.config, ws.tree, scans, links)
    return replace(ws, context=replace(ws.context, config=config))


def with_risk(ws: Workspace, *, mine: bool = False) -> Workspace:
    """The repository's risk model and history (``state.risk.risk_inputs``; ``mine``: mine the
    history at the change's base when it is needed and not saved yet)."""
    model, history = risk_inputs(ws.root, ws.change, ws.state / "risk", mine=mine)
    return replace(ws, context=replace(ws.context, risk_model=model, risk_history=history))


def with_edits(ws: Workspace) -> Workspace:
    """The guard's records of the agent edits in this repository, for provenance."""
    if ws.root is None:
        return ws
    return replace(ws, context=with_agent_edits(ws.context, ws.root, ws.state))


def analysed(ws: Workspace, *, remember_scans: bool = False, mine: bool = False) -> Workspace:
    """Every analysis input: code edges, risk and agent edits. ``remember_scans`` reads and
    writes the import-scan cache in the state directory; ``mine`` may mine history."""
    scans = ScanCache.load(ws.state / SCAN_CACHE) if remember_scans and ws.root else None
    ws = with_code_edges(ws, scans)
    if scans is not None:
        scans.save()
    return with_edits(with_risk(ws, mine=mine))


def with_agent_edits(context: Context, root: Path, state: Path | None = None) -> Context:
    """The guard's records of agent edits in this repository (shared by all its worktrees);
    ``state`` is its state directory when the caller already knows it."""
    state = state or repository_state_dir(root)
    log = read_agent_edits(log_path(state))
    return replace(
        context,
        agent_edits=log.edits,
        agent_edits_skipped=log.skipped,
        agent_edits_source=log.source,
        stale_reads=read_stale_reads(state / STALE_LOG).reads if log.edits else (),
    )


def ledger_for(
    root: Path,
    environment: Environment | None = None,
    *,
    state: Path | None = None,
    pins_at: str | None = None,
    protected: str | None = None,
) -> SignedLedger:
    """The ledger at ``environment.ledger`` or ``.countersign/ledger.db``, trusting the keys
    pinned at revision ``pins_at`` (for a change: the branch it lands on, like the policy;
    else the protected default branch). A location given explicitly must exist: a mistyped
    ``$COUNTERSIGN_LEDGER`` is an error, not an empty ledger. ``protected``: the protected
    branch (``protected_rev``) when the caller found it already (a release, once)."""
    env = environment or Environment.from_process()
    where = env.ledger or str(root / CONFIG_DIR / "ledger.db")
    protected = protected or protected_rev(root)
    rules_at = pins_at or protected
    return open_ledger(
        where,
        state or repository_state_dir(root, env),
        pins_in(root, rules_at),
        must_exist=env.ledger_typed,
        checkpoints=checkpoints_in(root, (rules_at, protected, "HEAD", *PUBLISHED)),
    )


PROTECTED_REMOTES = ("origin/main", "origin/master", "origin/trunk")


def protected_policy(root: Path) -> tuple[Policy, str] | None:
    """The policy on the protected default branch and that branch's name, whatever branch a
    change or an event file names: what no author can choose, e.g. which GitHub may confirm a
    review (``forge:``). None when this clone has no default branch (``origin/HEAD``, a local
    or ``origin/`` main, master or trunk): never the checked-out commit, which a pull
    request's merge commit would make the author's."""
    branch = git.default_branch(root)
    for remote in () if branch else PROTECTED_REMOTES:
        try:
            git.git(root, "rev-parse", "--verify", "--quiet", f"refs/remotes/{remote}")
        except InputError:
            continue
        branch = remote
        break
    if branch is None:
        return None
    text = _config_texts(GitTree(root, branch)).get("policy.yaml")
    source = f"{CONFIG_DIR}/policy.yaml at {branch}"
    return (
        load_policy(text, source=source) if text else load_policy(default_policy_text())
    ), branch


def repository_state_dir(root: Path, environment: Environment | None = None) -> Path:
    """The state directory (``countersign.state_dir``) of the repository at ``root``; for a
    directory outside git, ``.countersign/state`` in it."""
    env = environment or Environment.from_process()
    if env.state_dir is not None:
        return env.state_dir
    try:
        common: Path | None = (
            root / git.git(root, "rev-parse", "--git-common-dir").decode().strip()
        ).resolve()
    except InputError:
        common = None
    return state_dir(common, {}, outside=root / CONFIG_DIR / "state")


def _tree(
    repository: Repository | None,
    base: str | None,
    blobs: SharedBlobs | None = None,
    memo: Memo | None = None,
) -> RepoTree | None:
    """Where Backstage files, CODEOWNERS and imports are read: the base revision, like the
    policy, so a change cannot shrink its own blast radius; the working tree for a patch (a
    bare repository's HEAD). A base named by its commit id is listed once per ``memo``."""
    if repository is None:
        return None
    if base:
        if memo is None or not _COMMIT_ID.fullmatch(base):
            return GitTree(repository.root, base, blobs)
        listing = memo.listings.get(base)
        if listing is None:
            tree = GitTree(repository.root, base, blobs)
            memo.listings.put(base, Listing(tree.blobs(), tree.gitlinks()))
            return tree
        return GitTree.listed(repository.root, base, listing.blobs, listing.gitlinks, blobs)
    return GitTree(repository.root, "HEAD") if repository.bare else DirTree(repository.root)


_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _read_config(root: Path | None, tree: RepoTree | None, memo: Memo | None) -> ReadConfig:
    """The configuration at ``tree`` (``.countersign/``, the catalog's other sources, the
    policy, the agent directory), parsed once per set of blobs when a ``memo`` is given."""
    key = _config_key(tree) if memo is not None and isinstance(tree, GitTree) else None
    found = memo.configs.get(key) if memo is not None and key is not None else None
    if found is not None:
        return found
    texts = _config_texts(tree) if tree else {}
    config = load_config(root, read=texts, tree=tree) if root is not None else Config()
    policy_text = texts.get("policy.yaml")
    policy = (
        load_policy(policy_text, source=f"{CONFIG_DIR}/policy.yaml")
        if policy_text
        else load_policy(default_policy_text())
    )
    read = ReadConfig(texts, config, policy, load_directory(texts.get("provenance.yaml")))
    if memo is not None and key is not None:
        memo.configs.put(key, read)
    return read


def _config_key(tree: GitTree) -> tuple[tuple[str, str], ...]:
    """What the configuration at ``tree`` is read from, by blob id: the ``.countersign/`` files,
    every Backstage file and the CODEOWNERS GitHub reads (``config.sources``)."""
    listing = tree.blobs()
    wanted = [f"{CONFIG_DIR}/{name}" for name in CONFIG_FILES]
    wanted += [p for p in tree.paths() if is_catalog_source(p)]
    return tuple((p, listing[p]) for p in wanted if p in listing)


def _config_texts(tree: RepoTree) -> dict[str, str]:
    """The ``.countersign/`` files as they are in ``tree``: the base revision for a change (it is
    judged by the old rules), the working tree for a patch file. A file missing there is missing."""
    wanted = {f"{CONFIG_DIR}/{name}": name for name in CONFIG_FILES}
    return {wanted[path]: text for path, text in config_texts(tree, wanted).items()}


@dataclass(frozen=True)
class NotesRefs:
    """Where git-ai and Agent Trace notes are read from, found once for many changes."""

    notes: str | None
    hint: str | None
    trace: str | None

    @classmethod
    def of(cls, root: Path) -> NotesRefs:
        refs = git.note_ref_names(root)
        notes, hint = git.notes_ref(root, refs)
        return cls(notes, hint, git.trace_notes_ref(root, refs))


def read_past_change(root: Path, parent: str, sha: str, refs: NotesRefs) -> Change:
    """Commit ``sha`` against ``parent``, its first parent or an ancestor of it (both full ids
    from ``git rev-list``), without the configuration or ledger ``open_change`` adds: a replay
    reads thousands, a release hundreds."""
    return git.read_change(
        root, base=parent, head=sha, notes=refs.notes, trace_notes=refs.trace, base_is_ancestor=True
    )


def config_files(tree: RepoTree) -> dict[str, str]:
    """The ``.countersign/`` files in ``tree`` by name (``policy.yaml``...)."""
    return _config_texts(tree)
