"""The agent can write every file of the repository's state directory and of ``.git/objects``:
a cache it rewrites, or an object it replaces, must not change what the guard believes the
protected branch says. Each test here is a walk-around: the agent lets the guard run once (so
every cache is written), forges what the guard read, then runs what the protected branch stops."""

from __future__ import annotations

import json
import zlib

import pytest

from countersign.errors import ConfigError
from countersign.guard.settings import protected_guard_config
from countersign.guard.state import find_repository

PACK = """
pack = "acme-tools"
title = "Our own tools"
[[rule]]
id = "acme.nuke"
programs = ["acmectl"]
words = ["nuke"]
severity = "high"
destroys = "wipes the tenant"
explain = "acmectl nuke deletes a tenant with all its data"
dangerous = ["acmectl nuke tenant-1"]
safe = ["acmectl list"]
"""
GUARD_YAML = 'extra_protected_paths: ["deploy/**"]\n'


@pytest.fixture
def protected(repo):
    repo.commit(
        "guard",
        **{".countersign/guard.yaml": GUARD_YAML, ".countersign/guard/acme.toml": PACK},
    )
    return repo


def _decide(guard, payload, repo, command: str) -> str:
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    if not answer.out.strip():
        return "allow"  # the fast path's answer: nothing said, the agent goes on
    return str(answer.json["hookSpecificOutput"]["permissionDecision"])


def _write_decision(guard, payload, repo, path: str) -> str:
    answer = guard("claude-code", payload("claude-code-write", repo.path, path=path), repo.path)
    if not answer.out.strip():
        return "allow"
    return str(answer.json["hookSpecificOutput"]["permissionDecision"])


def _state(repo):
    return repo.path / ".git" / "countersign"


def _forge_every_cache(repo) -> None:
    """What an agent that read the caches would write: the same refs (so they look current),
    with nothing configured and no packs."""
    state = _state(repo)
    for path in state.rglob("*.json"):
        data = json.loads(path.read_text())
        if "text" in data:
            data["text"] = None  # guard-settings.json: no guard.yaml on main
        if "always" in data:
            data["always"], data["gated"] = [], {}  # guard-packs.json: no pack words
        if "disabled" in data:
            data["packs"] = []  # packs/<commit>.json: no pack, and a shipped one off
            data["disabled"] = ["backup-sync"]
        path.write_text(json.dumps(data))


def test_the_walk_around_is_real_before_the_forgery(guard, payload, protected):
    assert _decide(guard, payload, protected, "acmectl nuke tenant-1") == "ask"
    assert _decide(guard, payload, protected, "rsync -a --delete build/ host:/srv/") == "ask"
    assert _write_decision(guard, payload, protected, "deploy/x") == "ask"


def test_forged_caches_do_not_ungate_a_repository_pack(guard, payload, protected):
    _decide(guard, payload, protected, "git status")
    _decide(guard, payload, protected, "acmectl nuke tenant-1")  # every cache is written
    _forge_every_cache(protected)
    assert _decide(guard, payload, protected, "acmectl nuke tenant-1") == "ask"


def test_forged_caches_do_not_switch_a_shipped_pack_off(guard, payload, protected):
    _decide(guard, payload, protected, "acmectl nuke tenant-1")
    _forge_every_cache(protected)
    assert _decide(guard, payload, protected, "rsync -a --delete build/ host:/srv/") == "ask"


def test_forged_caches_do_not_empty_the_committed_protected_paths(guard, payload, protected):
    _decide(guard, payload, protected, "acmectl nuke tenant-1")
    _forge_every_cache(protected)
    assert _write_decision(guard, payload, protected, "deploy/x") == "ask"
    root, common = find_repository(str(protected.path))
    config = protected_guard_config(root, common)
    assert "deploy/**" in config.protected_paths


def _forge_object(repo, rev: str, content: str) -> None:
    """Replace the loose object ``rev`` names with other content (git does not check it)."""
    oid = repo.git("rev-parse", rev).strip()
    path = repo.path / ".git" / "objects" / oid[:2] / oid[2:]
    data = content.encode()
    path.chmod(0o644)
    path.write_bytes(zlib.compress(b"blob %d\0" % len(data) + data))
    assert repo.git("cat-file", "blob", oid).strip() == content.strip()  # git reads it


def test_a_forged_pack_object_is_refused_not_believed(guard, payload, protected):
    _decide(guard, payload, protected, "acmectl nuke tenant-1")
    _forge_object(protected, "HEAD:.countersign/guard/acme.toml", 'pack = "acme-tools"\n')
    assert _decide(guard, payload, protected, "acmectl nuke tenant-1") == "ask"
    assert _decide(guard, payload, protected, "acmectl list") == "ask"  # the store is not sound


def test_a_forged_settings_object_is_refused_not_believed(guard, payload, protected):
    _decide(guard, payload, protected, "acmectl nuke tenant-1")
    _forge_object(protected, "HEAD:.countersign/guard.yaml", "version: 1\n")
    assert _write_decision(guard, payload, protected, "deploy/x") == "ask"
    root, common = find_repository(str(protected.path))
    with pytest.raises(ConfigError, match="does not hash to its id"):
        protected_guard_config(root, common)


# The protected branch's ref is the root of trust: moving it to a commit of the agent's own
# (built with plumbing, so no file the guard protects is written) would switch packs off.
MOVES = [
    "git update-ref refs/heads/main $(git commit-tree -p HEAD -m x $(git write-tree))",
    "git update-ref refs/heads/main topic",
    "git update-ref main topic",
    "git update-ref refs/remotes/origin/main topic",
    "echo $(git rev-parse topic) > .git/refs/heads/main",
    "printf '%s refs/heads/main\\n' $(git rev-parse topic) >> .git/packed-refs",
    "cp .git/refs/heads/topic .git/refs/heads/main",
]


@pytest.mark.parametrize("command", MOVES)
def test_moving_the_protected_branch_with_plumbing_is_asked(guard, payload, protected, command):
    assert _decide(guard, payload, protected, command) == "ask"


@pytest.mark.parametrize(
    "command",
    [
        "git update-ref refs/heads/topic HEAD",
        "git update-ref refs/tags/v1 HEAD",
        "cat .git/refs/heads/main",
        "git rev-parse refs/heads/main",
    ],
)
def test_moving_another_ref_or_reading_the_protected_one_is_not(guard, payload, protected, command):
    assert _decide(guard, payload, protected, command) == "allow"


def test_the_walk_around_the_move_enables_is_real(guard, payload, protected):
    """What the ask above stands between: the agent's commit on main switches a shipped pack
    off for every later command."""
    protected.git("checkout", "-q", "-b", "topic")
    protected.commit("off", **{".countersign/guard/packs.toml": 'disable = ["backup-sync"]\n'})
    assert _decide(guard, payload, protected, "rsync -a --delete build/ host:/srv/") == "ask"
    protected.git("update-ref", "refs/heads/main", "topic")
    assert _decide(guard, payload, protected, "rsync -a --delete build/ host:/srv/") == "allow"


@pytest.mark.parametrize(
    "command",
    [
        "git fetch . topic:main",
        "git fetch . +topic:refs/remotes/origin/main",
        "git push . HEAD:main",
        "git fetch file:///work/repo topic:main",
        "git push /work/repo.git HEAD:refs/heads/main",
    ],
)
def test_a_fetch_or_push_into_the_repository_itself_is_a_move_too(
    guard, payload, protected, command
):
    assert _decide(guard, payload, protected, command) == "ask"


@pytest.mark.parametrize(
    "command",
    [
        "git fetch origin",
        "git fetch origin main",
        "git push . HEAD:topic-2",
        "git fetch . main:backup",
    ],
)
def test_fetching_from_the_remote_or_into_another_branch_is_not(guard, payload, protected, command):
    assert _decide(guard, payload, protected, command) == "allow"


def _as_reftable(repo) -> None:
    """The layout a reftable repository has (git 2.45+): no loose or packed refs, a file where
    ``refs/heads`` was, a ``reftable/`` directory; the objects as before. This git does not
    read it, so nothing can tell the guard what main holds."""
    git_dir = repo.path / ".git"
    repo.git("config", "core.repositoryformatversion", "1")
    repo.git("config", "extensions.refStorage", "reftable")
    for loose in (git_dir / "refs").rglob("*"):
        if loose.is_file():
            loose.unlink()
    (git_dir / "packed-refs").unlink(missing_ok=True)
    (git_dir / "refs" / "heads").rmdir()
    (git_dir / "refs" / "heads").write_text("this repository uses the reftable format\n")
    (git_dir / "reftable").mkdir()
    (git_dir / "HEAD").write_text("ref: refs/heads/.invalid\n")


def test_refs_the_guard_cannot_read_are_never_taken_for_an_empty_repository(
    guard, payload, protected
):
    """In a reftable repository the files the reader looks for are not there: read as "no
    protected branch yet", the repository's own pack (and guard.yaml) would be switched off."""
    _as_reftable(protected)
    assert _decide(guard, payload, protected, "acmectl nuke tenant-1") == "ask"
    assert _write_decision(guard, payload, protected, "deploy/x") == "ask"
    root, common = find_repository(str(protected.path))
    with pytest.raises(ConfigError, match="refs"):
        protected_guard_config(root, common)
