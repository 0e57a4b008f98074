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
