"""A per-commit git log reads on past the commits a damaged repository cannot give."""

from pathlib import Path

import pytest

from countersign.intake import git
from countersign.intake.commit_stream import commit_stream


def drop_object(repo, spec: str) -> str:
    """Delete one loose object from the repository's store, as a damaged mirror lacks it."""
    sha = repo.git("rev-parse", spec)
    (Path(repo.path) / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    return sha


@pytest.fixture
def damaged(repo):
    """Five commits; the blob only the third holds is gone, so the third's patch (it adds
    the blob) and the fourth's (it changes it away) cannot be read."""
    shas = [
        repo.commit("one", **{"a.txt": "first\n", "b.txt": "b1\n"}),
        repo.commit("two", **{"b.txt": "b2\n"}),
        repo.commit("three", **{"a.txt": "only in three\n"}),
        repo.commit("four", **{"a.txt": "fourth\n"}),
        repo.commit("five", **{"b.txt": "b5\n"}),
    ]
    drop_object(repo, f"{shas[2]}:a.txt")
    return shas


def test_plain_git_log_stops_at_the_damaged_commit(repo, damaged):
    with pytest.raises(git.MissingObjectError, match="unable to read"):
        b"".join(git.git_stream(repo.path, "log", "-p", damaged[-1]))


def test_every_readable_commit_is_read_and_the_damaged_ones_are_named(repo, damaged):
    unreadable: list[str] = []
    newest_first = damaged[::-1]
    args = ("log", "-p", "--format=\x1e%H %s")
    out = b"".join(commit_stream(repo.path, args, newest_first, "\x1e", unreadable)).decode()
    for sha in damaged:
        assert f"\x1e{sha}" in out  # every commit's record is there
    assert "+b2" in out
    assert "+b5" in out
    assert "+first" in out
    assert sorted(unreadable) == sorted(damaged[2:4])


def test_a_commit_whose_diff_cannot_be_computed_is_skipped_before_its_header(repo, damaged):
    """With rename detection git reads blobs before it prints a commit's header."""
    unreadable: list[str] = []
    args = ("log", "-M", "--name-status", "--format=\x1e%H")
    out = b"".join(commit_stream(repo.path, args, damaged[::-1], "\x1e", unreadable)).decode()
    assert f"\x1e{damaged[4]}" in out
    assert f"\x1e{damaged[0]}" in out
    assert set(unreadable) <= set(damaged[2:4])


def test_an_undamaged_history_is_read_in_one_run(repo, damaged):
    unreadable: list[str] = []
    readable = [damaged[1], damaged[0]]
    args = ("log", "-p", "--format=\x1e%H")
    out = b"".join(commit_stream(repo.path, args, readable, "\x1e", unreadable)).decode()
    assert out.count("\x1e") == 2
    assert unreadable == []
