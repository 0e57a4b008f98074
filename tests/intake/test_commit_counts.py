"""A run's commits are read without ``--numstat`` (a second diff of every commit): their paths
and added lines are counted from the difference read ahead, and must be exactly what git's
``--numstat --no-renames`` gives, whatever the commit holds."""

from __future__ import annotations

import os

from countersign.intake.git import (
    BlobReader,
    numstat_of,
    prefetch_commits,
    prefetch_diffs,
    read_change,
)


def _history(repo, make_repo) -> list[tuple[str, str]]:
    """Commits of every shape a count could get wrong, oldest first, as (commit, parent)."""
    repo.commit("init", **{"a.py": "x = 1\n", "keep.txt": "k\n", "old.txt": "o\n" * 5})
    repo.commit("edit", **{"a.py": "x = 2\ny = 3\n"})
    # added lines that read like a patch's own header lines once prefixed with "+"
    repo.commit("header-like lines", **{"h.txt": "++ b/h.txt\n-- a/h.txt\n@@ -1 +1 @@\n"})
    repo.commit("no newline at the end", **{"end.txt": "one\ntwo"})
    repo.commit("crlf", **{"dos.txt": "a\r\nb\r\n"})
    repo.write("blob.bin", b"\0\1\2" * 50)
    repo.commit("binary")
    repo.commit("attributes", **{".gitattributes": "*.dat -diff\n"})
    repo.commit("text git is told to show as binary", **{"x.dat": "one\ntwo\n"})
    repo.write("late.txt", b"t\n" * 5000 + b"\0\n")
    repo.commit("a NUL past git's sniffing")
    repo.commit("an empty file", **{"empty.txt": ""})
    (repo.path / "a.py").chmod(0o755)
    repo.commit("mode change")
    (repo.path / "link").symlink_to("a.py")
    repo.commit("a symlink")
    (repo.path / "keep.txt").unlink()
    (repo.path / "keep.txt").symlink_to("a.py")
    repo.commit("a file becomes a symlink")
    repo.git("mv", "old.txt", "new.txt")
    repo.commit("rename")
    repo.commit("names git quotes", **{"tab\there.txt": "t\n", 'quote"d.txt': "q\n"})
    (repo.path / os.fsdecode(b"caf\xe9.txt")).write_text("c\n")
    repo.commit("a name that is not UTF-8")
    repo.commit("a UTF-8 name", **{"caf\u00e9 menu.txt": "plat\n"})
    sub = make_repo("sub")
    sub.commit("s", **{"s.txt": "s\n"})
    repo.git(
        "-c", "protocol.file.allow=always", "submodule", "-q", "add", str(sub.path), "deps/sub"
    )
    repo.commit("a submodule")
    repo.git("rm", "-q", "h.txt")
    repo.commit("delete")
    out = repo.git("rev-list", "--reverse", "--parents", "HEAD").splitlines()
    return [(line.split()[0], line.split()[1]) for line in out if len(line.split()) > 1]


def _counts(repo, pairs):
    out = {}
    for sha, parent in pairs:
        change = read_change(repo.path, base=parent, head=sha, base_is_ancestor=True)
        (commit,) = change.commits
        out[commit.subject] = (commit.paths, commit.lines_added)
    return out


def test_counts_from_the_read_ahead_are_what_numstat_gives(repo, make_repo):
    pairs = _history(repo, make_repo)
    alone = _counts(repo, pairs)  # no run: git log --numstat --no-renames for each
    with BlobReader(repo.path) as reader:
        prefetch_commits(repo.path, pairs, None)
        prefetch_diffs(repo.path, pairs)
        assert reader.uncounted  # the prefetch asked git for no counts
        ahead = _counts(repo, pairs)
    assert ahead == alone
    assert alone["edit"] == (("a.py",), 2)
    assert alone["binary"] == (("blob.bin",), 0)
    assert alone["rename"] == (("new.txt", "old.txt"), 5)


def test_only_what_numstat_counts_its_own_way_is_left_to_git(repo, make_repo):
    pairs = _history(repo, make_repo)
    counted = {}
    for sha, parent in pairs:
        change = read_change(repo.path, base=parent, head=sha, base_is_ancestor=True)
        counted[change.commits[0].subject] = numstat_of(change.files, change.raw) is not None
    left = {subject for subject, yes in counted.items() if not yes}
    assert left == {
        "a NUL past git's sniffing",
        "a file becomes a symlink",
        "rename",
        "names git quotes",
        "a name that is not UTF-8",
        "a submodule",
    }
