"""What the guard and the ledger trust in a clone: origin's copy of the protected branch (what
the forge accepted), never a branch the agent can move on this machine. Each test is a
walk-around: the agent commits on its local ``main`` (or creates one), or rewires what
``origin/main`` is fetched from, to switch a pack off or pin a key of its own."""

from __future__ import annotations

import subprocess

import pytest

from countersign.guard import ledger_trust
from countersign.guard.settings import protected_guard_config
from countersign.guard.state import find_repository
from countersign.signoff.pins import protected_rev

PINS = "ed25519:ETZJYDfwrS9AVM/ipMp0i/BJcjhxw1Sqe4YvpIEqMSM=  ci\n"
RSYNC = "rsync -a --delete build/ host:/srv/"  # asked by the shipped backup-sync pack


def _clone(make_repo, branch: str = "main", **files: str):
    """A repository with ``files`` committed on ``branch``, pushed to a bare origin, cloned."""
    upstream = make_repo("upstream")
    if branch != "main":
        upstream.git("checkout", "-q", "-b", branch)
    upstream.commit("configuration", **files)
    bare = upstream.path.parent / "origin.git"
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(upstream.path), str(bare)],
        check=True,
        capture_output=True,
    )
    clone = upstream.path.parent / "clone"
    subprocess.run(
        ["git", "clone", "-q", str(bare), str(clone)],
        check=True,
        capture_output=True,
    )
    return type(upstream)(clone)


def _decide(guard, payload, repo, command: str) -> str:
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    if not answer.out.strip():
        return "allow"
    return str(answer.json["hookSpecificOutput"]["permissionDecision"])


def test_a_local_commit_on_main_does_not_switch_a_pack_off(guard, payload, make_repo):
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    assert _decide(guard, payload, clone, RSYNC) == "ask"
    clone.commit("off", **{".countersign/guard/packs.toml": 'disable = ["backup-sync"]\n'})
    assert clone.git("rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert _decide(guard, payload, clone, RSYNC) == "ask"
    root, common = find_repository(str(clone.path))
    assert protected_guard_config(root, common).source == ".countersign/guard.yaml at origin/main"


def test_a_local_commit_on_main_does_not_empty_the_protected_paths(guard, payload, make_repo):
    clone = _clone(
        make_repo, **{".countersign/guard.yaml": 'extra_protected_paths: ["deploy/**"]\n'}
    )
    clone.commit("mine", **{".countersign/guard.yaml": "version: 1\n"})
    root, common = find_repository(str(clone.path))
    assert "deploy/**" in protected_guard_config(root, common).protected_paths


def test_a_local_main_created_beside_origins_master_is_not_believed(guard, payload, make_repo):
    """In a repository whose protected branch is ``master``, the agent's own ``main`` comes
    first in the list of names: it is a branch of this machine, not the forge's."""
    clone = _clone(make_repo, branch="master", **{".countersign/guard.yaml": "version: 1\n"})
    clone.git("checkout", "-q", "-b", "main")
    clone.commit("off", **{".countersign/guard/packs.toml": 'disable = ["backup-sync"]\n'})
    assert _decide(guard, payload, clone, RSYNC) == "ask"


def test_without_a_remote_the_local_branch_is_the_protected_one(repo):
    repo.commit("configuration", **{".countersign/guard.yaml": "version: 1\n"})
    root, common = find_repository(str(repo.path))
    assert protected_guard_config(root, common).source == ".countersign/guard.yaml at main"


def test_the_ledger_trusts_origins_pins_not_a_local_commit(make_repo):
    clone = _clone(make_repo, **{".countersign/ledger-keys": PINS})
    clone.git("remote", "set-head", "origin", "-d")  # a clone without origin/HEAD
    clone.commit("mine", **{".countersign/ledger-keys": "ed25519:bWluZQ==  mine\n"})
    found = ledger_trust.committed(str(clone.path))
    assert found is not None
    assert found[:2] == ("origin/main", PINS.encode())
    assert protected_rev(clone.path) == "origin/main"


# Moving origin's copy, or rewiring where it comes from, is asked: the guard believes it.
REWIRES = [
    "git fetch origin +topic:refs/remotes/origin/main",
    "git fetch origin topic:refs/remotes/origin/main",
    "git fetch https://example.com/x.git +HEAD:refs/remotes/origin/main",
    "git fetch --refmap='+refs/heads/topic:refs/remotes/origin/main' origin main",
    "git pull origin +topic:refs/remotes/origin/main",
    "git remote set-url origin /tmp/mine.git",
    "git remote set-url --add origin /tmp/mine.git",
    "git remote remove origin",
    "git remote rm origin",
    "git remote rename origin old",
    "git remote rename mine origin",
    "git remote add origin /tmp/mine.git",
    "git remote add --mirror=fetch mine /tmp/mine.git",
    "git remote set-head origin topic",
    "git remote set-head origin -d",
    "git config remote.origin.url /tmp/mine.git",
    "git config --replace-all remote.origin.fetch '+refs/heads/topic:refs/remotes/origin/main'",
    "git config remote.mine.fetch '+refs/heads/*:refs/remotes/origin/*'",
    "git config --unset remote.origin.url",
    "git config --remove-section remote.origin",
    "git config url./tmp/mine.git.insteadOf https://github.com/acme/shop.git",
    "git -c remote.origin.url=/tmp/mine.git fetch origin",
    "git -c remote.origin.fetch=+refs/heads/topic:refs/remotes/origin/main fetch",
    "git branch -d -r origin/main",
    "git branch -rD origin/main",
    "git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/topic",
    "echo '[remote \"origin\"] url = /tmp/mine.git' >> .git/config",
    # git reads url.*.insteadOf from a configuration file of the agent's own
    "GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig git fetch origin",
    "env GIT_CONFIG_SYSTEM=/tmp/mine.gitconfig git pull",
    "GIT_CONFIG=/tmp/mine.gitconfig git fetch",
]


@pytest.mark.parametrize("command", REWIRES)
def test_moving_or_rewiring_origins_copy_is_asked(guard, payload, make_repo, command):
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    assert _decide(guard, payload, clone, command) == "ask"


@pytest.mark.parametrize(
    "command",
    [
        "git fetch",
        "git fetch origin",
        "git fetch origin main",
        "git fetch --prune origin",
        "git fetch origin main:refs/remotes/origin/main",
        "git fetch origin +refs/heads/main:refs/remotes/origin/main",
        "git fetch origin topic:refs/remotes/origin/topic",
        "git fetch origin '+refs/heads/*:refs/remotes/origin/*'",
        "git pull",
        "git pull --rebase origin main",
        "git remote -v",
        "git remote show origin",
        "git remote add upstream https://github.com/acme/shop.git",
        "git remote set-head origin -a",
        "git remote prune origin",
        "git config --get remote.origin.url",
        "git config remote.origin.url",
        "git config --list",
        "git config user.email me@example.com",
        "GIT_CONFIG_GLOBAL=/tmp/x.gitconfig git status",
        "git branch -d topic",
        "git symbolic-ref HEAD",
        "cat .git/config",
    ],
)
def test_reading_origin_or_fetching_it_as_configured_is_not(guard, payload, make_repo, command):
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    assert _decide(guard, payload, clone, command) == "allow"


def test_the_walk_around_the_rewire_enables_is_real(guard, payload, make_repo):
    """What the asks above stand between: origin's copy moved to the agent's commit."""
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    clone.git("checkout", "-q", "-b", "topic")
    clone.commit("off", **{".countersign/guard/packs.toml": 'disable = ["backup-sync"]\n'})
    clone.git("fetch", "-q", ".", "+topic:refs/remotes/origin/main")
    assert _decide(guard, payload, clone, RSYNC) == "allow"


# git replace makes every git reader see another object in place of one: the protected commit
# replaced by the agent's own reads as the agent's configuration wherever countersign asks git
# (the pre-push hook, the policy of `check`, the ledger where the in-process reader stops).
@pytest.mark.parametrize(
    "command",
    [
        "git replace main topic",
        "git replace -f 3f1c2a9e topic",
        "git replace --edit main",
        "git replace --graft main topic",
        "git replace --convert-graft-file",
    ],
)
def test_replacing_an_object_is_asked(guard, payload, repo, command):
    repo.commit("base")
    assert _decide(guard, payload, repo, command) == "ask"


@pytest.mark.parametrize("command", ["git replace", "git replace -l", "git replace --list 'v*'"])
def test_listing_replacements_is_not(guard, payload, repo, command):
    repo.commit("base")
    assert _decide(guard, payload, repo, command) == "allow"


def test_countersigns_own_git_reads_do_not_follow_a_replacement(repo):
    from countersign.intake.git_command import git

    repo.commit("base", **{".countersign/guard.yaml": 'extra_protected_paths: ["deploy/**"]\n'})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("mine", **{".countersign/guard.yaml": "version: 1\n"})
    repo.git("replace", "main", "topic")
    assert repo.git("show", "main:.countersign/guard.yaml") == "version: 1"  # git follows it
    shown = git(repo.path, "show", "main:.countersign/guard.yaml").decode()
    assert "deploy/**" in shown
