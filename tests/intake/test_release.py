"""The changes of a release, on real repositories with merges, squashes and evil merges."""

from __future__ import annotations

import subprocess

import pytest

from countersign.errors import InputError, UsageError
from countersign.intake import release
from countersign.intake.release import changes_in


@pytest.fixture
def mainline(repo):
    repo.commit("init", **{"app.py": "a = 1\n", "lib.py": "x = 1\n"})
    repo.git("tag", "deployed")
    return repo


def _branch(repo, name, **files):
    repo.git("checkout", "-q", "-b", name)
    tip = repo.commit(f"work on {name}", **files)
    repo.git("checkout", "-q", "main")
    return tip


def test_a_clean_merge_is_the_branch_as_reviewed_and_a_direct_commit_is_itself(mainline):
    fork = mainline.git("rev-parse", "HEAD").strip()
    tip = _branch(mainline, "feature", **{"app.py": "a = 2\n"})
    direct = mainline.commit("hotfix", **{"lib.py": "x = 2\n"})
    mainline.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    merge = mainline.git("rev-parse", "HEAD").strip()
    first, second = changes_in(mainline.path, "deployed", "HEAD")
    assert (first.kind, first.commit, first.base, first.head) == ("commit", direct, fork, direct)
    assert (second.kind, second.commit, second.base, second.head) == ("merge", merge, fork, tip)
    assert second.subject == "Merge feature"


def test_a_merge_with_edits_of_its_own_is_verified_as_it_landed(mainline):
    _branch(mainline, "feature", **{"app.py": "a = 2\n"})
    mainline.git("merge", "-q", "--no-ff", "--no-commit", "feature")
    mainline.write("lib.py", "x = 'slipped in'\n")
    mainline.git("add", "lib.py")
    mainline.git("commit", "-q", "-m", "Merge feature")
    (change,) = changes_in(mainline.path, "deployed", "HEAD")
    assert change.kind == "merge-as-landed"
    assert change.base == mainline.git("rev-parse", "HEAD^1").strip()
    assert "edits of its own" in change.note


def test_a_merge_whose_conflicts_were_resolved_is_verified_as_it_landed(mainline):
    _branch(mainline, "feature", **{"app.py": "a = 2\n"})
    mainline.commit("main moves on", **{"app.py": "a = 3\n"})
    with pytest.raises(subprocess.CalledProcessError):
        mainline.git("merge", "-q", "feature")  # conflicts: resolved by hand below
    mainline.write("app.py", "a = 5\n")
    mainline.git("add", "app.py")
    mainline.git("commit", "-q", "-m", "Merge feature, resolved")
    changes = changes_in(mainline.path, "deployed", "HEAD")
    assert [c.kind for c in changes] == ["commit", "merge-as-landed"]
    assert "conflicts" in changes[1].note


def test_an_empty_release_has_no_changes(mainline):
    assert changes_in(mainline.path, "HEAD", "HEAD") == ()


def test_unknown_revisions_and_oversized_releases_are_clear_errors(mainline, monkeypatch):
    with pytest.raises(InputError):
        changes_in(mainline.path, "no-such-tag", "HEAD")
    mainline.commit("one", **{"a.txt": "1\n"})
    mainline.commit("two", **{"a.txt": "2\n"})
    monkeypatch.setattr(release, "MAX_CHANGES", 1)
    with pytest.raises(UsageError, match="holds 2 changes on its first-parent line"):
        changes_in(mainline.path, "deployed", "HEAD")


def test_a_commit_with_its_parents_tree_ships_nothing(mainline):
    empty = mainline.commit("bump nothing")  # --allow-empty: same tree as its parent
    (change,) = changes_in(mainline.path, "deployed", "HEAD")
    assert (change.kind, change.commit, change.head) == ("empty", empty, empty)
    assert "ships nothing" in change.note


def test_a_merge_keeping_the_mainline_tree_ships_nothing_and_one_taking_the_branch_does_not(
    mainline,
):
    _branch(mainline, "dropped", **{"app.py": "a = 'never shipped'\n"})
    mainline.git("merge", "-q", "--no-ff", "-s", "ours", "-m", "Merge dropped", "dropped")
    (ours,) = changes_in(mainline.path, "deployed", "HEAD")
    assert ours.kind == "empty"
    assert "mainline" in ours.note

    # The tree of the branch's side, not of the mainline's: the merge ships the branch and
    # takes back what the mainline had since (a merge whose tree equals its second parent).
    mainline.git("tag", "-f", "deployed")
    _branch(mainline, "theirs", **{"app.py": "a = 'shipped'\n"})
    mainline.commit("main moves on", **{"lib.py": "x = 3\n"})
    mainline.git("merge", "-q", "--no-ff", "--no-commit", "theirs")
    mainline.git("read-tree", "-u", "--reset", "theirs")
    mainline.git("commit", "-q", "-m", "Merge theirs")
    assert mainline.git("rev-parse", "HEAD^{tree}") == mainline.git("rev-parse", "HEAD^2^{tree}")
    changes = changes_in(mainline.path, "deployed", "HEAD")
    assert [c.kind for c in changes] == ["commit", "merge-as-landed"]


def test_a_commit_changing_only_a_mode_is_a_change(mainline):
    mainline.git("update-index", "--chmod=+x", "app.py")
    mainline.git("commit", "-q", "-m", "make app executable")
    (change,) = changes_in(mainline.path, "deployed", "HEAD")
    assert change.kind == "commit"
