"""The run's differences read ahead by one git process are the ones read commit by commit."""

from __future__ import annotations

from countersign.intake.git import BlobReader, prefetch_diffs, read_change
from countersign.intake.git_command import git


def history(repo) -> list[tuple[str, str]]:
    """Commits of every shape the cutter meets, oldest first, as (commit, first parent)."""
    repo.commit("init", **{"a.py": "x = 1\n", "keep.txt": "k\n"})
    first = repo.git("rev-parse", "HEAD")
    repo.commit("edit", **{"a.py": "x = 2\n"})
    repo.git("mv", "a.py", "b.py")
    repo.commit("rename")
    repo.write("blob.bin", b"\0\1\2" * 50)
    repo.commit("binary")
    # A text file with a NUL past git's binary sniffing, and a line naming an earlier commit
    # followed by a NUL: what a header looks like, but not the next commit's.
    repo.write("late.txt", b"t\n" * 5000 + first.encode() + b"\0\n")
    repo.commit("late nul")
    repo.git("commit", "-q", "--allow-empty", "-m", "empty")
    repo.write("no-newline.txt", "end")
    repo.commit("no newline")
    repo.git("rm", "-q", "keep.txt")
    repo.commit("delete")
    out = repo.git("rev-list", "--reverse", "--parents", "HEAD").splitlines()
    return [(line.split()[0], line.split()[1]) for line in out if len(line.split()) > 1]


def read(repo, sha: str, parent: str):
    try:
        return read_change(repo.path, base=parent, head=sha, base_is_ancestor=True)
    except Exception as exc:  # noqa: BLE001 - the same failure both ways is the point
        return type(exc).__name__


def test_read_ahead_gives_every_commit_exactly_as_read_alone(repo):
    pairs = history(repo)
    alone = [read(repo, sha, parent) for sha, parent in pairs]
    with BlobReader(repo.path) as reader:
        prefetch_diffs(repo.path, pairs)
        ahead = [read(repo, sha, parent) for sha, parent in pairs]
        assert reader.diffs is not None
        assert reader.diffs.served == len(pairs)  # none was read alone
    assert ahead == alone
    assert "NothingToCheckError" in alone


def test_a_pair_out_of_order_is_read_alone_and_the_stream_goes_on(repo):
    pairs = history(repo)
    with BlobReader(repo.path) as reader:
        prefetch_diffs(repo.path, pairs)
        assert reader.diffs is not None
        assert reader.diffs.take(*pairs[1]) is None  # not the next one: the caller reads it
        first = reader.diffs.take(*pairs[0])
        assert first is not None
        expected = git(repo.path, "diff", "-p", "--full-index", "-M", pairs[0][1], pairs[0][0])
        assert b"".join(first.chunks()).startswith(expected[:20])
        first.close()
        assert read(repo, *pairs[2]) == read_change(
            repo.path, base=pairs[2][1], head=pairs[2][0], base_is_ancestor=True
        )


def test_a_stream_closed_early_leaves_no_process_waiting(repo):
    pairs = history(repo)
    with BlobReader(repo.path) as reader:
        prefetch_diffs(repo.path, pairs)
        stream = reader.diffs
    assert stream is not None
    assert stream._proc.poll() is not None
