"""SZZ by forward replay gives the labels a blame per fix gives, on a history where every label
is known: whitespace-only reformatting, a rename, a branch merged with both sides editing the
same file, comment-only fixes, a binary file, a revert, the root commit."""

from __future__ import annotations

import contextlib
import subprocess

import pytest
from histories import DAY, T0, commit_at

from countersign.state import blame
from countersign.state.history import label, mine

G = "def g(x):\n    return x * {}\n"
Z = "def z(x):\n    return x - {}\n"
F2 = "def f2(x):\n    return x + {}\n"
HEAD = "import os\n\n\n"
HELPER = "def h(a, b):\n    # combine the two\n    return a {} b\n"


def _merge(repo, when: int, branch: str) -> str:
    env = {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000"}
    repo.git("merge", "-q", "--no-ff", "-m", f"Merge {branch}", branch, env=env)
    return repo.git("rev-parse", "HEAD")


@pytest.fixture
def history(repo):
    """The repository and the commits that are defect-inducing (the rest are not)."""
    t = iter(range(T0, T0 + 40 * DAY, DAY))
    commit_at(repo, next(t), "alice", "Add math", **{"m.py": HEAD + G.format(2), "README": "m\n"})
    bug_g = commit_at(repo, next(t), "bob", "Tweak g", **{"m.py": HEAD + G.format(3)})
    reformat = G.format(3).replace("    ", "\t")
    commit_at(repo, next(t), "carol", "Reformat", **{"m.py": HEAD + reformat})
    bug_h = commit_at(repo, next(t), "bob", "Add helper", **{"util.py": HELPER.format("-")})
    repo.git("branch", "topic")
    repo.git("mv", "util.py", "helpers.py")
    commit_at(repo, next(t), "erin", "Rename util")
    bug_z = commit_at(
        repo, next(t), "alice", "Add z", **{"m.py": HEAD + reformat + "\n\n" + Z.format(9)}
    )
    repo.git("checkout", "-q", "topic")
    bug_f2 = commit_at(
        repo, next(t), "dave", "Add f2", **{"m.py": HEAD + F2.format(7) + "\n\n" + reformat}
    )
    repo.git("checkout", "-q", "main")
    _merge(repo, next(t), "topic")
    fixed = HEAD + F2.format(1) + "\n\n" + G.format(2).replace("    ", "\t") + "\n\n" + Z.format(1)
    commit_at(repo, next(t), "alice", "Fix g, z and f2", **{"m.py": fixed})
    commit_at(repo, next(t), "bob", "Fix helper", **{"helpers.py": HELPER.format("+")})
    commit_at(repo, next(t), "carol", "Fix typo", **{"helpers.py": HELPER.format("+").replace(
        "    # combine the two\n", "    # combine both\n")})  # fmt: skip
    commit_at(repo, next(t), "dave", "Add logo", **{"logo.bin": "\0\1\2"})
    commit_at(repo, next(t), "dave", "Fix logo", **{"logo.bin": "\0\3\2"})
    feature = commit_at(repo, next(t), "erin", "Add q", **{"q.py": "q = 1\n"})
    commit_at(
        repo, next(t), "erin", f"Revert q\n\nThis reverts commit {feature}.", **{"q.py": None}
    )
    return repo, {bug_g, bug_h, bug_z, bug_f2, feature}


@pytest.mark.parametrize("method", ["blame", "replay"])
def test_every_label_is_the_known_one(history, method):
    repo, inducing = history
    labels = label(repo.path, mine(repo.path), gap_days=0, method=method)
    assert {s for s, b in labels.bug.items() if b == 1} == inducing
    assert set(labels.bug.values()) == {0, 1}


def test_replay_blames_each_fix_as_git_blame_does(history):
    repo, _ = history
    index = mine(repo.path)
    per_fix = label(repo.path, mine(repo.path), gap_days=0, method="blame")
    replayed = label(repo.path, index, gap_days=0, method="replay")
    assert replayed == per_fix
    per_fix_index = mine(repo.path)
    label(repo.path, per_fix_index, gap_days=0, method="blame")
    assert index.blamed == per_fix_index.blamed


def test_a_store_too_small_to_hold_any_version_falls_back_to_blame_with_the_same_result(history):
    repo, _ = history
    head = repo.git("rev-parse", "HEAD")
    full, stats = blame.blame_fixes(repo.path, head)
    tiny, tiny_stats = blame.blame_fixes(repo.path, head, budget=1)
    assert tiny == full
    assert stats["blames"] == 0
    assert stats["merge_versions"] == 1  # m.py, edited on both sides of the merge
    assert tiny_stats["blames"] > 0


def test_a_damaged_mirror_is_replayed_past_the_commits_git_cannot_read(history):
    from pathlib import Path

    repo, _inducing = history
    head = repo.git("rev-parse", "HEAD")
    intact = blame.replay_history(repo.path, head)
    feature = repo.git("log", "--format=%H", "-1", "--grep", "Add q")
    blob = repo.git("rev-parse", f"{feature}:q.py")
    (Path(repo.path) / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    damaged = blame.replay_history(repo.path, head)
    # "Add q" (its blob is gone) and "Revert q" (diffed against it) cannot be read
    assert len(damaged.skipped) == 2
    assert feature in damaged.skipped
    assert damaged.problem.startswith(f"{repo.path}: SZZ left out 2 commit(s)")
    assert f"object {blob} is missing" in damaged.problem
    # every other fix is blamed as on the intact mirror, every other patch counted
    assert damaged.blamed == {k: v for k, v in intact.blamed.items() if k not in damaged.skipped}
    assert set(damaged.content) == set(intact.content) - set(damaged.skipped)


def test_the_replay_counts_each_patch_as_a_stream_of_those_commits_alone_does(history):
    repo, _ = history
    head = repo.git("rev-parse", "HEAD")
    replayed = blame.replay_history(repo.path, head)
    some = list(replayed.content)[3:7]
    alone, skipped = blame.patch_content(repo.path, some)
    assert skipped == []
    assert alone == {sha: replayed.content[sha] for sha in some}
    assert any(v for counts in alone.values() for v in counts.values())


def test_merges_listed_past_one_git_cannot_read_are_rebuilt_not_blamed(repo):
    """git lists merges newest first and stops at one it cannot read: the older merges' own
    versions are still rebuilt from their parents (not left to a blame each), and the
    unreadable merge is named."""
    from pathlib import Path

    t = iter(range(T0, T0 + 40 * DAY, DAY))
    lines = [f"v{k} = {k}\n" for k in range(8)]
    other = [f"w{k} = {k}\n" for k in range(8)]
    commit_at(repo, next(t), "alice", "Add a", **{"a.py": "".join(lines), "b.py": "".join(other)})
    repo.git("branch", "topic")
    commit_at(repo, next(t), "alice", "Top", **{"a.py": "".join(["v0 = 10\n", *lines[1:]])})
    repo.git("checkout", "-q", "topic")
    bug = commit_at(repo, next(t), "bob", "Bottom", **{"a.py": "".join([*lines[:7], "v7 = 9\n"])})
    repo.git("checkout", "-q", "main")
    _merge(repo, next(t), "topic")
    repo.git("branch", "topic2")
    commit_at(repo, next(t), "carol", "Top b", **{"b.py": "".join(["w0 = 10\n", *other[1:]])})
    repo.git("checkout", "-q", "topic2")
    commit_at(repo, next(t), "dave", "Bottom b", **{"b.py": "".join([*other[:7], "w7 = 9\n"])})
    repo.git("checkout", "-q", "main")
    newer = _merge(repo, next(t), "topic2")
    fixed = "".join(["v0 = 10\n", *lines[1:]])
    fix = commit_at(repo, next(t), "erin", "Fix bottom", **{"a.py": fixed})
    head = repo.git("rev-parse", "HEAD")
    intact = blame.replay_history(repo.path, head)
    assert intact.blamed[fix] == [bug]
    assert (intact.stats["merge_versions"], intact.stats["blames"]) == (1, 0)
    side = repo.git("rev-parse", f"{newer}^2")  # "Bottom b", its tree gone: the newer merge
    tree = repo.git("rev-parse", f"{side}^{{tree}}")  # cannot be diffed against it
    (Path(repo.path) / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    damaged = blame.replay_history(repo.path, head)
    assert side in damaged.skipped
    assert damaged.blamed == intact.blamed
    assert damaged.stats["merges_unread"] == 1
    assert (damaged.stats["merge_versions"], damaged.stats["blames"]) == (1, 0)
    problems = damaged.problem.splitlines()
    assert f"1 merge(s) git could not read (first {newer[:12]}: object " in problems[-1]
    assert tree in problems[-1] or side in problems[-1]  # git names the tree by its commit


def test_a_full_store_drops_superseded_versions_before_a_quiet_files_current_one(repo):
    """The store is bounded: the versions a busy file left behind go first, so a file changed
    long ago is still known when it is fixed (no git blame for it), with the same labels."""
    t = iter(range(T0, T0 + 40 * DAY, DAY))
    quiet = "".join(f"q{k} = {k}\n" for k in range(10))
    commit_at(repo, next(t), "alice", "Add q", **{"q.py": quiet})
    bug = commit_at(repo, next(t), "bob", "Tweak q", **{"q.py": quiet.replace("q9 = 9", "q9 = 0")})
    for n in range(6):  # a busy file: each version 20 lines, 6 versions
        busy = "".join(f"b{k} = {k + n}\n" for k in range(20))
        commit_at(repo, next(t), "carol", f"Busy {n}", **{"b.py": busy})
    fix = commit_at(repo, next(t), "dave", "Fix q", **{"q.py": quiet})
    head = repo.git("rev-parse", "HEAD")
    unbounded = blame.replay_history(repo.path, head)
    bounded = blame.replay_history(repo.path, head, budget=40)  # q.py and one b.py version
    assert unbounded.blamed[fix] == bounded.blamed[fix] == [bug]
    assert bounded.stats["blames"] == 0


def _listed_with_renames(repo) -> dict[str, blame.MergeVersion]:
    """The merges' versions as one rename-detecting ``git log --cc --raw`` lists them."""
    out = subprocess.run(
        ["git", "-C", str(repo.path), "-c", "core.quotePath=false", "log", "--merges", "--cc",
         "--raw", "--no-abbrev", "--format=%x1e%H%x1f%P", "HEAD", "--"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return blame._merge_versions(out)


def _resolve(repo, when: int, branch: str, **files: str | None) -> str:
    """Merge ``branch`` and commit ``files`` as the merge's own resolution (conflicts or not)."""
    env = {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000"}
    with contextlib.suppress(subprocess.CalledProcessError):  # a conflict: resolved below
        repo.git("merge", "-q", "--no-ff", "--no-commit", branch, env=env)
    for rel, content in files.items():
        if content is None:
            repo.git("rm", "-q", "-f", rel)
        else:
            repo.write(rel, content)
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-edit", "-m", f"Merge {branch}", env=env)
    return repo.git("rev-parse", "HEAD")


@pytest.fixture
def merged(repo):
    """Merges of a renamed file, of files added or edited on both sides and of a file the merge
    itself renamed and edited; and their versions as a rename-detecting listing gives them."""
    t = iter(range(T0, T0 + 60 * DAY, DAY))
    body = "".join(f"v{k} = {k} * {k}\n" for k in range(30))
    commit_at(repo, next(t), "alice", "Add", **{"a.py": body, "b.py": body.replace("v", "w")})
    for n, (ours, theirs, own) in enumerate([
        ({"a.py": body + "x = 1\n"}, {"a.py": None, "moved.py": "z = 0\n" + body}, {}),  # renamed
        ({"c.py": "c = 1\n"}, {"c.py": "c = 2\n"}, {"c.py": "c = 3\n"}),  # added on both sides
        ({"b.py": "w = 0\n" + body}, {"b.py": body + "w = 9\n"}, {}),  # edited on both sides
        ({"d.py": body}, {"e.py": "e = 1\n"}, {"d.py": None, "f.py": body + "f = 2\n"}),
    ]):  # fmt: skip
        repo.git("checkout", "-q", "-b", f"side{n}")
        commit_at(repo, next(t), "bob", f"Side {n}", **theirs)
        repo.git("checkout", "-q", "main")
        commit_at(repo, next(t), "carol", f"Main {n}", **ours)
        _resolve(repo, next(t), f"side{n}", **own)
    return repo, _listed_with_renames(repo)


def test_merges_listed_without_rename_detection_give_the_versions_a_rename_detecting_listing_gives(
    merged,
):
    """Rename detection is the listing's cost and changes only the parent versions of a path a
    parent lacks: those merges alone are listed again with it, the rest without."""
    repo, expected = merged
    renamed = [v for v in expected.values() if v.path == "moved.py"]
    assert renamed
    assert all(b != blame.NULL for _, b in renamed[0].parents)  # a.py's, found
    assert blame.merge_versions(repo.path, repo.git("rev-parse", "HEAD")) == expected


def test_a_merge_git_lists_only_without_rename_detection_is_named_and_the_rest_listed(merged):
    from pathlib import Path

    repo, expected = merged
    moved = next(v for v in expected.values() if v.path == "moved.py")
    source = moved.parents[0][1]  # main's a.py, which the rename search reads
    (Path(repo.path) / ".git" / "objects" / source[:2] / source[2:]).unlink()
    listing = blame.MergeListing()
    found = blame.merge_versions_later(repo.path, repo.git("rev-parse", "HEAD"), listing)()
    assert listing.unread == [moved.merge]
    assert f"object {source} is missing" in listing.why
    assert found == {k: v for k, v in expected.items() if v.merge != moved.merge}
