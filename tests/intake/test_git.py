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
