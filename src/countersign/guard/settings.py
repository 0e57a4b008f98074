"""``.countersign/guard.yaml``: what production looks like, protected paths, how approvals work.
The guard reads it as committed on the protected branch (``protected_guard_config``), never from
the working tree, which the agent edits. Absent file, defaults; YAML is only imported when the
file exists (the guard runs constantly)."""

from __future__ import annotations

from pathlib import Path

from countersign.facts.shell.context import SCRATCH_DIRS, Production
from countersign.guard import agents
from countersign.records import field, record, replace

TYPE_CHECKING = False  # typing stays off the guard's full path
if TYPE_CHECKING:
    from typing import Any

FILE = "guard.yaml"
# Every agent's hook settings, in the project and in the home: whoever edits them can switch
# the guard off.
AGENT_FILES = tuple(path for agent in agents.every() for path in agent.protected)
# Files a shell runs when it starts (a line added there runs in every later shell).
START_UP_FILES = (
    "~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.bash_logout", "~/.profile", "~/.zshrc",
    "~/.zshenv", "~/.zprofile", "~/.zlogin", "~/.zlogout", "~/.kshrc", "~/.config/fish/**",
    "~/.config/environment.d/**", "/etc/profile", "/etc/profile.d/**", "/etc/bash.bashrc",
    "/etc/bashrc", "/etc/zshrc", "/etc/zsh/**", "/etc/environment", ".envrc",
)  # fmt: skip
# Keys, cloud credentials and the configuration that says where tools connect and as whom.
CREDENTIAL_FILES = (
    "~/.ssh/**", "~/.aws/**", "~/.config/gcloud/**", "~/.azure/**", "~/.kube/**",
    "~/.docker/config.json", "~/.netrc", "~/.npmrc", "~/.pypirc", "~/.gnupg/**",
    "~/.git-credentials", "~/.gitconfig", "~/.config/git/**", "~/.config/gh/**",
    "~/.terraformrc", "~/.terraform.d/**", "~/.vault-token", "~/.oci/**", "~/.config/doctl/**",
)  # fmt: skip
PROTECTED_PATHS = (
    ".countersign/**",
    ".git/countersign/**",
    ".git/hooks/**",
    # the protected branch's ref is what the guard, the ledger and the change gate trust
    ".git/refs/**",
    ".git/packed-refs",
    # where origin's copy of it is fetched from (remote.origin.url, fetch refspecs, insteadOf)
    ".git/config",
    ".github/workflows/**",
    ".github/CODEOWNERS",
    "CODEOWNERS",
    ".gitlab-ci.yml",
    ".circleci/**",
    "Jenkinsfile",
    "azure-pipelines.yml",
    ".buildkite/**",
    "*.tfstate",
    "*.tfstate.backup",
    ".terraform/**",
    *AGENT_FILES,
    "~/.countersign/**",
    *START_UP_FILES,
    *CREDENTIAL_FILES,
)
# Migration files: editing one that already exists rewrites history a database has applied.
MIGRATIONS = (
    "**/migrations/**", "**/migrate/**", "**/alembic/versions/**", "**/flyway/**",
    "**/changelog/**",
)  # fmt: skip


@record(frozen=True)
class GuardConfig:
    production: Production = field(default_factory=Production)
    protected_paths: tuple[str, ...] = PROTECTED_PATHS
    migrations: tuple[str, ...] = MIGRATIONS
    scratch: tuple[str, ...] = SCRATCH_DIRS
    protected_branches: tuple[str, ...] = ()
    on_error: str = "ask"
    approver_level: str | None = None
    approval_ttl_seconds: int = 900
    log_allows: bool = False
    source: str = "defaults"  # where it was read, for messages
    note: str = ""  # why the working tree's copy is not what the guard uses, when it differs


def load_guard_config(root: Path | None) -> GuardConfig:
    """The working tree's copy (``config check`` validates it before it is committed); the
    guard itself uses ``protected_guard_config``."""
    if root is None:
        return GuardConfig()
    path = root / ".countersign" / FILE
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return GuardConfig()
    from countersign.errors import ConfigError

    try:
        return parse_guard_config(text)
    except ConfigError as exc:  # name the file that needs fixing, not just its kind
        raise ConfigError(str(path), exc.key, exc.problem) from None


def committed_guard_config(root: Path, rev: str) -> GuardConfig:
    """``guard.yaml`` as committed at ``rev`` (the protected branch): what the pre-push hook
    protects is a reviewed decision, so an untracked or uncommitted file cannot rename the
    protected branches or empty the protected paths."""
    from countersign.errors import ConfigError, InputError
    from countersign.intake import git

    try:
        data = git.git(root, "show", f"{rev}:.countersign/{FILE}")
    except InputError:
        return GuardConfig()
    where = f".countersign/{FILE} at {rev}"
    try:
        return parse_guard_config(data.decode("utf-8", "replace"))
    except ConfigError as exc:
        raise ConfigError(where, exc.key, exc.problem) from None


def protected_guard_config(root: Path | None, common: Path | None) -> GuardConfig:
    """``guard.yaml`` as committed at the tip of the protected branch (the first of ``main``,
    ``master``... that exists; origin's copy where origin has one), as the rule packs are read: an
    untracked, edited or deleted copy in the working tree, or one committed on the agent's own
    branch, cannot rename the protected branches, empty the protected paths, lower the
    approver level or stop the record of allows. ``note`` says when the working copy differs.
    Nothing committed on a protected branch yet: the defaults. Read from git's object store
    with its hashes checked (``protected``), never from a cache the agent could rewrite."""
    if root is None or common is None:
        return GuardConfig()
    from countersign.facts.shell.context import PROTECTED_BRANCHES
    from countersign.guard.protected import resolved_commit

    found = resolved_commit(str(root), str(common), PROTECTED_BRANCHES)
    branch = _short(found[0]) if found else None
    text = _committed_text(root, common, found[1]) if found else None
    config = _parse_at(text, branch) if text is not None else GuardConfig()
    source = (
        f".countersign/{FILE} at {branch}"
        if branch and text is not None
        else f"defaults (no .countersign/{FILE} on {branch})"
        if branch
        else "defaults (no protected branch has a commit yet)"
    )
    return replace(config, source=source, note=_note(root, text, branch))


def _committed_text(root: Path, common: Path, commit: str) -> str | None:
    from countersign.errors import ConfigError, InputError
    from countersign.guard import protected

    try:
        data = protected.committed_file(str(common), commit, protected.GUARD_YAML)
    except protected.Corrupt as exc:
        raise ConfigError(f".countersign/{FILE} at {commit[:12]}", "", unsound(exc)) from None
    except protected.Unreadable:
        from countersign.intake import git  # a store the reader does not read: git does

        try:
            data = git.git(root, "show", f"{commit}:.countersign/{FILE}")
        except InputError:
            return None
    return None if data is None else data.decode("utf-8", "replace")


def unsound(exc: Exception) -> str:
    """Why a committed file is not believed when git's object store does not hold up."""
    return (
        f"git's object store is not sound ({exc}): something rewrote it, so the guard "
        "does not believe it; `git fsck` names the objects to restore"
    )


def _parse_at(text: str, branch: str | None) -> GuardConfig:
    from countersign.errors import ConfigError

    try:
        return parse_guard_config(text)
    except ConfigError as exc:
        raise ConfigError(f".countersign/{FILE} at {branch}", exc.key, exc.problem) from None


def _short(ref: str) -> str:
    return ref.removeprefix("refs/heads/").removeprefix("refs/remotes/")


def _note(root: Path, committed: str | None, branch: str | None) -> str:
    try:
        working: str | None = (root / ".countersign" / FILE).read_text(
            encoding="utf-8", errors="replace"
        )
    except OSError:
        working = None
    if working == committed:
        return ""
    where = f".countersign/{FILE} in the working tree"
    if branch is None:
        return f"{where} is not committed on a protected branch; the guard uses its defaults"
    if committed is None:
        return (
            f"{where} is not committed on {branch}; the guard uses its defaults until it is "
            "committed there"
        )
    if working is None:
        return f"{where} is deleted; the guard still uses {branch}'s copy"
    return (
        f"{where} differs from the copy committed on {branch}; the guard uses {branch}'s "
        "until the change is committed there"
    )


def parse_guard_config(text: str) -> GuardConfig:
    """The configuration ``text`` holds. A file in the plain subset the fast path reads
    (``guard/plain_config.py``) is built from that reading, without the YAML parser (importing
    it is most of the cost of a full-path call in a repository with a guard.yaml); any other
    is parsed and checked as YAML. Both give the same record (a property test)."""
    from countersign.guard.plain_config import plainly_valid

    plain = plainly_valid(text.encode("utf-8", "surrogateescape"))
    return _from_plain(plain) if plain is not None else parse_guard_yaml(text)


def _from_plain(data: dict[str, Any]) -> GuardConfig:
    production = data.get("production") or {}
    kinds = ("kube_contexts", "cloud_profiles", "workspaces", "paths", "env", "resources")
    return GuardConfig(
        production=Production(**{k: tuple(production.get(k, ())) for k in kinds}),
        protected_paths=(
            *data.get("protected_paths", PROTECTED_PATHS),
            *data.get("extra_protected_paths", ()),
        ),
        scratch=tuple(data.get("scratch_paths", SCRATCH_DIRS)),
        protected_branches=tuple(data.get("protected_branches", ())),
        on_error=str(data.get("on_error", "ask")),
        approver_level=None,
        approval_ttl_seconds=15 * 60,
        log_allows=bool(data.get("log_allows", False)),
    )


def parse_guard_yaml(text: str) -> GuardConfig:
    """``parse_guard_config`` through the YAML parser, whatever the text."""
    from countersign.config.yamlfile import (
        expect_mapping,
        expect_str_list,
        parse_yaml,
        reject_unknown,
    )
    from countersign.errors import ConfigError

    data = expect_mapping(parse_yaml(text, FILE) or {}, FILE, "")
    reject_unknown(
        data,
        {"version", "production", "protected_paths", "extra_protected_paths", "scratch_paths",
         "protected_branches", "on_error", "approval", "log_allows"},
        FILE,
        "",
    )  # fmt: skip
    prod_raw = expect_mapping(data.get("production", {}) or {}, FILE, "production")
    kinds = ("kube_contexts", "cloud_profiles", "workspaces", "paths", "env", "resources")
    reject_unknown(prod_raw, set(kinds), FILE, "production")
    prod = Production(
        **{k: expect_str_list(prod_raw.get(k, []), FILE, f"production.{k}") for k in kinds}
    )
    on_error = data.get("on_error", "ask")
    if on_error not in ("ask", "deny"):
        raise ConfigError(FILE, "on_error", f"expected ask or deny, got {on_error!r}")
    approval = expect_mapping(data.get("approval", {}) or {}, FILE, "approval")
    reject_unknown(approval, {"level", "ttl_minutes"}, FILE, "approval")
    level = approval.get("level")
    from countersign.config.roster import LEVELS

    if level is not None and level not in LEVELS:
        raise ConfigError(
            FILE, "approval.level", f"expected one of {', '.join(LEVELS)}, got {level!r}"
        )
    ttl = approval.get("ttl_minutes", 15)
    if not isinstance(ttl, int) or isinstance(ttl, bool) or not 1 <= ttl <= 1440:
        raise ConfigError(
            FILE, "approval.ttl_minutes", f"expected minutes from 1 to 1440, got {ttl!r}"
        )
    log_allows = data.get("log_allows", False)
    if not isinstance(log_allows, bool):
        raise ConfigError(FILE, "log_allows", f"expected true or false, got {log_allows!r}")
    protected = _list(data, "protected_paths", PROTECTED_PATHS, expect_str_list)
    protected += _list(data, "extra_protected_paths", (), expect_str_list)
    return GuardConfig(
        production=prod,
        protected_paths=protected,
        scratch=_list(data, "scratch_paths", SCRATCH_DIRS, expect_str_list),
        protected_branches=_list(data, "protected_branches", (), expect_str_list),
        on_error=str(on_error),
        approver_level=level,
        approval_ttl_seconds=ttl * 60,
        log_allows=log_allows,
    )


def _list(data: Any, key: str, default: tuple[str, ...], read: Any) -> tuple[str, ...]:
    return tuple(read(data[key], FILE, key)) if key in data else default
