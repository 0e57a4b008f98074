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


# What origin accepts on a protected branch is what the guard believes once it is fetched (and
# a push updates origin's copy at once): on a forge without branch protection, or a bare
# repository on a disk, the agent's own guard.yaml, packs or pins would take effect. A push of
# commits that change .countersign/ there is asked; the same push of other files passes.
OFF = {".countersign/guard/packs.toml": 'disable = ["backup-sync"]\n'}


@pytest.mark.parametrize(
    "command",
    [
        "git push origin main",
        "git push origin HEAD:main",
        "git push origin HEAD",
        "git push",
        "git push -u origin main",
        "git push origin refs/heads/main:refs/heads/main",
        "git push --all origin",
    ],
)
def test_pushing_a_change_of_the_gates_files_to_a_protected_branch_is_asked(
    guard, payload, make_repo, command
):
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    clone.commit("off", **OFF)
    assert _decide(guard, payload, clone, command) == "ask"


def test_pushing_another_branch_with_the_gates_files_to_main_is_asked(guard, payload, make_repo):
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    clone.git("checkout", "-q", "-b", "topic")
    clone.commit("off", **OFF)
    assert _decide(guard, payload, clone, "git push origin topic") == "allow"
    assert _decide(guard, payload, clone, "git push origin topic:main") == "ask"
    assert _decide(guard, payload, clone, "git push origin topic:refs/heads/main") == "ask"


@pytest.mark.parametrize(
    "command", ["git push origin main", "git push", "git push origin HEAD:main", "git push --all"]
)
def test_pushing_other_files_to_a_protected_branch_passes(guard, payload, make_repo, command):
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    clone.commit("fix", **{"src/app.py": "print('fixed')\n"})
    assert _decide(guard, payload, clone, command) == "allow"


# In a repository with no origin copy of a protected branch, the local one is what the guard
# believes: a commit there that changes .countersign/ (staged by plumbing, with no write the
# guard sees), or a merge, cherry-pick or reset that brings such a change onto it, is asked.
def _local(make_repo):
    repo = make_repo("solo")
    repo.commit("configuration", **{".countersign/guard.yaml": "version: 1\n"})
    return repo


def _stage_by_plumbing(repo, path: str, text: str) -> None:
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=repo.path,
            input=text.encode(),
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .strip()
    )
    repo.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")


@pytest.mark.parametrize(
    "command", ["git commit -m off", "git commit -qm off", "git commit --amend"]
)
def test_a_commit_of_the_gates_files_on_the_believed_local_branch_is_asked(
    guard, payload, make_repo, command
):
    repo = _local(make_repo)
    _stage_by_plumbing(repo, ".countersign/guard/packs.toml", 'disable = ["backup-sync"]\n')
    assert _decide(guard, payload, repo, command) == "ask"


def test_a_commit_of_other_files_on_the_believed_local_branch_passes(guard, payload, make_repo):
    repo = _local(make_repo)
    repo.write("src/app.py", "print('fixed')\n")
    repo.git("add", "src/app.py")
    assert _decide(guard, payload, repo, "git commit -m fix") == "allow"
    assert _decide(guard, payload, repo, "git commit -am fix") == "allow"


@pytest.mark.parametrize(
    "command",
    [
        "git merge topic",
        "git merge --ff-only topic",
        "git cherry-pick topic",
        "git reset topic",
        "git reset --soft topic",
        "git rebase topic",
    ],
)
def test_bringing_the_gates_files_onto_the_believed_local_branch_is_asked(
    guard, payload, make_repo, command
):
    repo = _local(make_repo)
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("off", **OFF)
    repo.git("checkout", "-q", "main")
    assert _decide(guard, payload, repo, command) == "ask"


def test_bringing_other_files_onto_the_believed_local_branch_passes(guard, payload, make_repo):
    repo = _local(make_repo)
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("fix", **{"src/app.py": "print('fixed')\n"})
    repo.git("checkout", "-q", "main")
    for command in ("git merge topic", "git cherry-pick topic", "git rebase topic"):
        assert _decide(guard, payload, repo, command) == "allow", command


def test_a_commit_on_local_main_beside_origins_copy_passes(guard, payload, make_repo):
    """In a clone origin's copy is believed, not the local main (a push is what counts)."""
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    _stage_by_plumbing(clone, ".countersign/guard/packs.toml", 'disable = ["backup-sync"]\n')
    assert _decide(guard, payload, clone, "git commit -m off") == "allow"


def test_the_probe_names_the_gates_directory_as_the_configuration_does():
    from countersign.config import CONFIG_DIR
    from countersign.guard.state import GATE_DIR

    assert GATE_DIR == CONFIG_DIR


def test_the_ledger_beside_the_gates_files_is_not_one_of_them(guard, payload, make_repo):
    """An ask writes .countersign/ledger.db (ignored once init or guard install wrote the
    .gitignore; here nothing did): a later commit or push of other files still passes."""
    repo = _local(make_repo)
    assert _decide(guard, payload, repo, "terraform destroy") == "ask"
    assert (repo.path / ".countersign" / "ledger.db").exists()
    repo.write("src/app.py", "print('fixed')\n")
    repo.git("add", "src/app.py")
    assert _decide(guard, payload, repo, "git commit -m fix") == "allow"
    repo.git("add", "-f", ".countersign/ledger.db")
    repo.git("commit", "-qm", "ledger")
    assert _decide(guard, payload, repo, "terraform destroy") == "ask"
    repo.git("checkout", "-q", "-b", "topic")
    repo.git("commit", "-qam", "ledger again")
    repo.git("checkout", "-q", "main")
    assert _decide(guard, payload, repo, "git merge topic") == "allow"


def test_the_branch_is_read_from_head_as_git_reads_it(make_repo):
    from countersign.guard.state import Probe

    repo = make_repo("heads")
    repo.commit("first")
    repo.git("checkout", "-q", "-b", "feature/x")
    assert Probe(repo.path, str(repo.path), {})("git-branch") == "feature/x"
    other = repo.path.parent / "linked"
    repo.git("worktree", "add", "-q", "-b", "topic", str(other))
    (other / "sub").mkdir()
    assert Probe(other, str(other / "sub"), {})("git-branch") == "topic"
    repo.git("checkout", "-q", "--detach")
    assert Probe(repo.path, str(repo.path), {})("git-branch") is None


def test_a_push_of_a_source_git_cannot_resolve_is_asked(guard, payload, make_repo):
    clone = _clone(make_repo, **{".countersign/guard.yaml": "version: 1\n"})
    assert _decide(guard, payload, clone, "git push origin no-such-branch:main") == "ask"


def test_the_first_commit_of_the_gates_files_is_asked(guard, payload, make_repo):
    """No branch exists yet: the first commit on main is what the guard will believe."""
    repo = make_repo("fresh")
    _stage_by_plumbing(repo, ".countersign/guard/packs.toml", 'disable = ["backup-sync"]\n')
    assert _decide(guard, payload, repo, "git commit -m init") == "ask"
