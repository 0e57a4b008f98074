import math
import random

from countersign.facts.risk.mining import Mined
from countersign.facts.risk.repo_features import compute

DAY = 86400.0


def _c(n: int, day: float, author: str, paths: tuple[str, ...], message: str, fix: bool = False):
    return Mined(
        f"{n:040x}",
        day * DAY,
        author,
        ("p",),
        fix,
        ai=False,
        metrics={},
        message=message,
        paths=paths,
    )


def test_each_feature_has_its_documented_value():
    commits = [
        _c(1, 0, "a", ("m.py", "m_helper.py"), "Add m"),
        _c(2, 10, "b", ("m.py", "m_helper.py"), "Fix crash in m", fix=True),
        _c(3, 20, "a", ("m.py", "m_helper.py", "doc/m.rst"), "Refactor m"),
        _c(4, 200, "c", ("m.py", "tests/test_m.py"), "Add new option\n\nCloses-Bug: #123"),
    ]
    last = list(compute(commits))[-1]
    assert last["file_fixes"] == round(math.exp(-190 / 180), 4)  # one fix, 190 days ago
    assert last["file_recent"] == 0.0  # nothing in the last 30 days
    assert last["file_authors"] == 2.0  # a and b changed m.py within a year
    assert last["own_changes"] == 0.0
    assert last["own_share"] == 0.0
    assert last["coupled"] == 1.0  # m_helper.py changed with m.py three times of three
    assert last["msg_len"] == len("Add new option")
    assert (last["msg_issue"], last["msg_feature"], last["msg_refactor"]) == (1.0, 1.0, 0.0)
    assert last["test_share"] == 0.5
    assert last["since_author"] == 0.0  # c's first commit
    third = list(compute(commits))[2]
    assert third["own_share"] == 0.5  # a made one of the two earlier changes to each file
    assert third["doc_share"] == round(1 / 3, 4)
    assert third["since_author"] == 20.0
    assert third["msg_refactor"] == 1.0


def test_no_feature_reads_a_later_commit():
    rng = random.Random(3)  # noqa: S311 - reproducible test data, not crypto
    files = [f"f{i}.py" for i in range(12)]
    commits = [
        _c(
            n,
            n * rng.random() * 3,
            rng.choice("abcd"),
            tuple(rng.sample(files, rng.randint(1, 4))),
            rng.choice(["Fix bug", "Add thing", "Refactor", "Update docs"]),
            fix=rng.random() < 0.3,
        )
        for n in range(200)
    ]
    full = list(compute(commits))
    for k in (1, 50, 137):
        assert list(compute(commits[:k])) == full[:k]


def test_a_change_counts_as_defect_inducing_from_the_fix_that_blames_it_on():
    commits = [
        _c(1, 0, "a", ("m.py",), "Add m"),
        _c(2, 5, "b", ("m.py", "n.py"), "Change m"),
        _c(3, 10, "c", ("n.py",), "Touch n"),  # before the fix: nothing is known yet
        _c(4, 20, "d", ("m.py",), "Fix m", fix=True),
        _c(5, 200, "b", ("n.py",), "Change n"),
        _c(6, 210, "b", ("m.py",), f"Revert\n\nThis reverts commit {1:040x}.", fix=True),
        _c(7, 220, "b", ("m.py",), "Change m again"),
    ]
    blamed = {f"{4:040x}": [f"{2:040x}"]}
    got = list(compute(commits, blamed))
    assert got[2]["file_bugs"] == 0.0
    assert got[3]["file_bugs"] == 0.0  # the fix's own features: its blame is not known yet
    assert got[4]["file_bugs"] == round(math.exp(-180 / 180), 4)  # n.py, blamed on day 20
    assert (got[4]["author_bugs"], got[4]["author_bug_share"]) == (1.0, 1.0)  # b's commit 2
    # commit 1 is reverted on day 210 and commit 2 blamed on day 20: both on m.py
    assert got[6]["file_bugs"] == round(math.exp(-10 / 180) + math.exp(-200 / 180), 4)
    assert (got[6]["author_bugs"], got[6]["author_bug_share"]) == (1.0, round(1 / 3, 4))


def test_content_counts_are_the_commits_own():
    commits = [_c(1, 0, "a", ("m.py",), "Add m"), _c(2, 1, "a", ("vendor/x.py",), "Vendor x")]
    content = {f"{1:040x}": {"add_control": 3.0, "del_except": 1.0}}
    first, second = compute(commits, None, content)
    assert (first["add_control"], first["del_except"], first["add_log"]) == (3.0, 1.0, 0.0)
    assert (second["add_control"], second["gen_share"]) == (0.0, 1.0)


def test_no_feature_reads_a_later_commit_nor_a_later_fixs_blame():
    rng = random.Random(5)  # noqa: S311 - reproducible test data, not crypto
    files = [f"f{i}.py" for i in range(10)]
    commits = [
        _c(
            n,
            n * 2.0,
            rng.choice("abc"),
            tuple(rng.sample(files, rng.randint(1, 3))),
            rng.choice(["Fix bug", "Add thing", "Refactor"])
            + rng.choice(["", "\n\nCloses-Bug: #1000001", "\n\nPartial-Bug: #1000002"]),
            fix=rng.random() < 0.3,
        )
        for n in range(150)
    ]
    shas = [c.sha for c in commits]
    blamed = {c.sha: rng.sample(shas[:n], min(n, 3)) for n, c in enumerate(commits) if c.fix and n}
    content = {c.sha: {"add_control": float(n % 7)} for n, c in enumerate(commits)}
    full = list(compute(commits, blamed, content))
    for k in (1, 40, 99):
        head = commits[:k]
        known = {s: v for s, v in blamed.items() if s in shas[:k]}
        assert list(compute(head, known, content)) == full[:k]


def test_a_live_change_against_the_saved_history_gets_the_features_the_miner_gave_it():
    import json

    from countersign.facts.risk.repo_features import RepoHistory, from_json, live, to_json

    rng = random.Random(11)  # noqa: S311 - reproducible test data, not crypto
    files = [f"f{i}.py" for i in range(8)] + ["vendor/v.go"]
    commits = [
        _c(
            n,
            n * 0.7,
            rng.choice("abc"),
            tuple(rng.sample(files, rng.randint(1, 3))),
            rng.choice(["Fix bug", "Add thing\n\nCloses-Bug: #1", "Refactor"])
            + rng.choice(["", "\n\nCloses-Bug: #1000001", "\n\nRelated-Bug: 1000002"]),
            fix=rng.random() < 0.3,
        )
        for n in range(300)
    ]
    shas = [c.sha for c in commits]
    blamed = {c.sha: rng.sample(shas[:n], min(n, 2)) for n, c in enumerate(commits) if c.fix}
    content = {c.sha: {"add_control": float(n % 5), "del_log": 1.0} for n, c in enumerate(commits)}
    mined = list(compute(commits, blamed, content))
    before = RepoHistory()
    list(compute(commits[:-1], blamed, content, before))
    saved = from_json(json.loads(json.dumps(to_json(before, commits[-2].date))))
    last = commits[-1]
    got = live(saved, last.author, last.date, last.paths, last.message, last.fix, content[last.sha])
    assert got == mined[-1]


def test_a_history_saved_with_the_removed_columns_state_still_loads():
    from countersign.facts.risk.repo_features import from_json, live, to_json

    commits = [_c(1, 0, "a", ("m.py",), "Add m"), _c(2, 5, "b", ("m.py",), "Fix m", fix=True)]
    state = from_json({**to_json(_history(commits), 5 * DAY), "bugs": {"1": [1, 1]}})
    got = live(state, "a", 6 * DAY, ("m.py",), "Change m", fix=False, counts={})
    assert got == live(_history(commits), "a", 6 * DAY, ("m.py",), "Change m", fix=False, counts={})
    assert got["file_fixes"] == round(math.exp(-1 / 180), 4)


def _history(commits):
    from countersign.facts.risk.repo_features import RepoHistory

    state = RepoHistory()
    list(compute(commits, None, None, state))
    return state
