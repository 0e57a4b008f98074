from __future__ import annotations

import pytest

from countersign.errors import InputError
from countersign.intake.change import FileStatus
from countersign.intake.git import read_change


def test_change_from_feature_branch_lists_files_and_commits(repo):
    repo.commit("init", **{"a.txt": "one\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("edit", **{"a.txt": "one\ntwo\n", "b.txt": "new\n"})
    change = read_change(repo.path)
    assert {f.path: f.status for f in change.files} == {
        "a.txt": FileStatus.MODIFIED,
        "b.txt": FileStatus.ADDED,
    }
    assert [c.subject for c in change.commits] == ["edit"]
    assert change.fingerprint.startswith("cs1:")


def test_empty_range_is_an_error_that_says_what_to_do(repo):
    repo.commit("init", **{"a.txt": "one\n"})
    with pytest.raises(InputError, match="nothing to check"):
        read_change(repo.path)


def test_commits_carry_their_paths_added_lines_and_commit_time(repo):
    from countersign.intake.git import read_commits

    base = repo.commit("init", **{"a.txt": "one\n"})
    repo.commit("two files", **{"a.txt": "one\ntwo\n", "dir/b c.txt": "x\ny\n"})
    [commit] = read_commits(repo.path, base, "HEAD")
    assert set(commit.paths) == {"a.txt", "dir/b c.txt"}
    assert commit.lines_added == 3
    assert commit.committed_at > 0


def test_notes_ref_falls_back_to_a_fetched_copy_and_hints_when_absent(repo):
    from countersign.intake.git import notes_ref, read_commits

    base = repo.commit("init", **{"a.txt": "one\n"})
    ref, hint = notes_ref(repo.path)
    assert ref is None
    assert "git fetch origin refs/notes/ai:refs/notes/ai" in hint
    head = repo.commit("edit", **{"a.txt": "two\n"})
    repo.git("notes", "--ref=fetched", "add", "-m", "note text", head)
    repo.git("update-ref", "refs/remotes/origin/notes/ai", "refs/notes/fetched")
    repo.git("update-ref", "-d", "refs/notes/fetched")
    ref, hint = notes_ref(repo.path)
    assert ref == "refs/remotes/origin/notes/ai"
    assert "read from refs/remotes/origin/notes/ai" in hint
    [commit] = read_commits(repo.path, base, head, ref)
    assert commit.notes == {"ai": "note text"}
    repo.git("notes", "--ref=ai", "add", "-m", "local", head)
    assert notes_ref(repo.path) == ("refs/notes/ai", None)
