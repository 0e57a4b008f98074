"""Git hooks turned off around an agent's own work: the commit-msg hook records agent
assistance and the pre-push hook checks sign-offs, so skipping them is asked."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Severity, ShellContext, classify
from countersign.guard.prescreen import clearly_harmless

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev")


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("git commit -n -m wip", "commit --no-verify skips"),
        ("git commit -anm wip", "commit --no-verify skips"),
        ("git commit --no-verify -m 'wip'", "commit --no-verify skips"),
        ("git push --no-verify origin topic", "push --no-verify skips"),
        ("git merge --no-verify topic", "merge --no-verify skips"),
        ("git -c core.hooksPath=/dev/null commit -m x", "-c core.hooksPath skips"),
        ("git config core.hooksPath /dev/null", "setting core.hooksPath skips"),
        ("git config --local core.hookspath .nohooks", "setting core.hooksPath skips"),
    ],
)
def test_skipping_the_hooks_is_asked(command, said):
    (finding,) = classify(command, ROOT, CTX)
    assert (finding.rule, finding.severity) == ("git.skip-hooks", Severity.MEDIUM)
    assert said in finding.reason
    assert not clearly_harmless(command, configured=False)


@pytest.mark.parametrize(
    "command",
    [
        "git commit -m 'fix -n handling'",
        "git log -n 5",
        "git push -n origin topic",  # -n is --dry-run for push
        "git config core.hooksPath",  # reading it
        "git config user.name Dana",
    ],
)
def test_ordinary_commits_and_reads_are_fine(command):
    assert [f for f in classify(command, ROOT, CTX) if f.rule == "git.skip-hooks"] == []


@pytest.mark.parametrize(
    "command",
    ["git branch -f release/2.4 origin/main", "git branch --force hotfix", "git branch -f -- x"],
)
def test_forcing_a_branch_elsewhere_is_asked(command):
    (finding,) = classify(command, ROOT, CTX)
    assert finding.rule == "git.branch-delete"
    assert "left behind" in finding.reason


@pytest.mark.parametrize(
    "command",
    ["git branch -f", "git branch --list -f", "git branch hotfix origin/main", "git branch -a"],
)
def test_creating_or_listing_branches_is_fine(command):
    assert classify(command, ROOT, CTX) == []


@pytest.mark.parametrize(
    "command",
    ["git restore -S src/app.py", "git restore --staged src/app.py", "git restore -qS app.py"],
)
def test_unstaging_keeps_the_working_tree(command):
    assert classify(command, ROOT, CTX) == []


@pytest.mark.parametrize(
    "command",
    ["git restore -SW src/app.py", "git restore -S --worktree src/app.py", "git restore app.py"],
)
def test_restoring_the_working_tree_discards_changes(command):
    (finding,) = classify(command, ROOT, CTX)
    assert finding.rule == "git.discard-changes"
