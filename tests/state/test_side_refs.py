"""Commits only other refs reach (stable branches, tags): mined from their own history."""

from histories import DAY, T0, commit_at

from countersign.facts.risk import repo_features
from countersign.state import blame
from countersign.state.history import label, mine, mine_side, side_tips


def _lines(*ns: int) -> str:
    return "".join(f"value_{n} = compute({n})\n" for n in ns)


def _history(repo):
    """main: a root, c1, c2 (the fork point), then c3, a fix dated *before* the branch's
    commits that rewrites a.py and blames c1; stable (forked at c2): s1, s2; tag v1 on s1."""
    commit_at(repo, T0 - DAY, "alice", "Start", README="r\n")  # a root is not blamed
    c1 = commit_at(repo, T0, "alice", "Add a", **{"a.py": _lines(1, 2, 3)})
    c2 = commit_at(repo, T0 + DAY, "bob", "More a", **{"a.py": _lines(1, 2, 3, 4, 5)})
    main = repo.git("rev-parse", "--abbrev-ref", "HEAD")
    big = "".join(f"x{n}\n" for n in range(50))
    c3 = commit_at(repo, T0 + 2 * DAY, "carol", "Fix crash in a", **{"a.py": big, "b.py": "b\n"})
    repo.git("checkout", "-q", "-b", "stable", c2)
    s1 = commit_at(repo, T0 + 3 * DAY, "dave", "Backport", **{"a.py": _lines(1, 2, 3, 4, 5, 6)})
    repo.git("tag", "v1", s1)
    s2 = commit_at(repo, T0 + 4 * DAY, "alice", "Tidy a", **{"a.py": _lines(1, 2, 3, 4, 6)})
    repo.git("checkout", "-q", main)
    return main, {"c1": c1, "c2": c2, "c3": c3, "s1": s1, "s2": s2}


def _reference(repo, ref):
    """What mining ``ref`` as HEAD gives each of its commits: metrics and repository features."""
    index = mine(repo.path, None, head=ref)
    content, _ = blame.patch_content(repo.path, [c.sha for c in index.commits])
    features = repo_features.compute(index.commits, {}, content)
    return {c.sha: (c.metrics, f) for c, f in zip(index.commits, features, strict=True)}


def _side(repo):
    index = mine(repo.path)
    label(repo.path, index, gap_days=0)
    return index, mine_side(repo.path, index)


def test_a_branch_commit_gets_what_mining_that_branch_gives_it_not_heads_later_commits(repo):
    _, c = _history(repo)
    index, side = _side(repo)
    assert c["c1"] in index.blamed[c["c3"]]  # HEAD's fix, after the fork point
    assert [x.sha for x in side.commits] == [c["s1"], c["s2"]]
    assert side.tips == 1  # v1 is inside stable
    want = _reference(repo, "stable")
    got = {x.sha: (x.metrics, f) for x, f in zip(side.commits, side.features, strict=True)}
    assert got == {c["s1"]: want[c["s1"]], c["s2"]: want[c["s2"]]}
    s1, s2 = got[c["s1"]], got[c["s2"]]
    # carol's rewrite (dated before s1, but not in its history) is not seen: 5 lines, 2 authors
    assert (s1[0]["lt"], s1[0]["ndev"], s1[0]["nuc"]) == (5.0, 2.0, 2.0)
    assert s1[0]["exp"] == 0.0  # dave's first change
    assert s2[0]["exp"] == 2.0  # alice: Start and Add a
    # nor the blame of HEAD's later fix on c1
    assert s1[1]["file_bugs"] == 0.0
    assert s1[1]["file_fixes"] == 0.0


def test_no_side_value_changes_when_later_commits_land_on_any_ref(repo):
    main, c = _history(repo)
    _, before = _side(repo)
    first = {x.sha: (x.metrics, f) for x, f in zip(before.commits, before.features, strict=True)}
    commit_at(repo, T0 + 5 * DAY, "erin", "Fix a again", **{"a.py": "y\n"})
    repo.git("checkout", "-q", "stable")
    commit_at(repo, T0 + 6 * DAY, "erin", "Fix typo in a", **{"a.py": _lines(1, 2, 3, 4, 7)})
    repo.git("checkout", "-q", "-b", "stable2", c["c3"])
    commit_at(repo, T0 + 7 * DAY, "frank", "Other", **{"b.py": "c\n"})
    repo.git("checkout", "-q", main)
    index, after = _side(repo)
    later = {x.sha: (x.metrics, f) for x, f in zip(after.commits, after.features, strict=True)}
    assert {s: later[s] for s in first} == first
    assert len(after.commits) == 4
    assert after.tips == 2
    # HEAD's own commits are mined as without the other refs
    assert [x.metrics for x in index.commits] == [x.metrics for x in mine(repo.path).commits]


def test_tips_are_the_refs_no_other_ref_contains_with_their_fork_points(repo):
    _, c = _history(repo)
    assert side_tips(repo.path, "HEAD") == [(c["s2"], c["c2"], 2)]


def test_a_repository_without_other_refs_has_no_side_commits(repo):
    commit_at(repo, T0, "alice", "Add a", **{"a.py": "1\n"})
    index = mine(repo.path)
    side = mine_side(repo.path, index)
    assert (side.commits, side.tips) == ([], 0)
