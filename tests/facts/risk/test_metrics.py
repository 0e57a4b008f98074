import math

import pytest
from histories import DAY, T0, commit_at

from countersign.facts.risk.metrics import FileDelta, History, compute, entropy
from countersign.state.history import mine


def test_entropy_is_shannon_bits_of_churn_over_files():
    assert entropy([3, 1]) == pytest.approx(-(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)))
    assert entropy([2, 2]) == 1.0
    assert entropy([5]) == 0.0
    assert entropy([0, 0]) == 0.0


def test_binary_files_count_as_files_without_lines():
    m = compute([FileDelta("img/logo.png", None, None)], "a", 0.0, fix=False, history=History())
    assert (m["nf"], m["la"], m["ld"], m["entropy"]) == (1.0, 0.0, 0.0, 0.0)


@pytest.fixture
def history(repo):
    c1 = commit_at(repo, T0, "alice", "Add x", **{"a/x.py": "1\n2\n3\n", "b.txt": "b\n"})
    c2 = commit_at(
        repo, T0 + 2 * DAY, "bob", "Fix crash in x", **{"a/x.py": "1\nTWO\n3\n", "a/y.py": "y\ny\n"}
    )
    c3 = commit_at(
        repo, T0 + 400 * DAY, "alice", "Tidy", **{"a/x.py": "1\nTWO\n", "b.txt": "b\nc\n"}
    )
    index = mine(repo.path)
    return {c.sha: c.metrics for c in index.commits}, (c1, c2, c3)


def test_first_commit_has_size_metrics_and_no_history(history):
    metrics, (c1, _, _) = history
    assert metrics[c1] == pytest.approx(
        {"ns": 2, "nd": 2, "nf": 2, "entropy": 0.811278, "la": 4, "ld": 0, "lt": 0, "fix": 0,
         "ndev": 0, "age": 0, "nuc": 0, "exp": 0, "rexp": 0, "sexp": 0}, abs=1e-6
    )  # fmt: skip


def test_second_commit_sees_the_first_through_file_history(history):
    metrics, (_, c2, _) = history
    assert metrics[c2] == pytest.approx(
        {"ns": 1, "nd": 1, "nf": 2, "entropy": 1.0, "la": 3, "ld": 1, "lt": 3, "fix": 1,
         "ndev": 1, "age": 2.0, "nuc": 1, "exp": 0, "rexp": 0, "sexp": 0}
    )  # fmt: skip


def test_third_commit_has_author_experience_weighted_by_years(history):
    metrics, (_, _, c3) = history
    assert metrics[c3] == pytest.approx(
        {"ns": 2, "nd": 2, "nf": 2, "entropy": 1.0, "la": 1, "ld": 1, "lt": 4, "fix": 0,
         "ndev": 2, "age": 399.0, "nuc": 3, "exp": 1, "rexp": 0.5, "sexp": 1}
    )  # fmt: skip


def test_a_renamed_file_keeps_its_history(repo):
    commit_at(repo, T0, "alice", "Add", **{"old.py": "a\nb\nc\n"})
    repo.git("mv", "old.py", "new.py")
    commit_at(repo, T0 + DAY, "bob", "Rename")
    last = commit_at(repo, T0 + 3 * DAY, "carol", "Edit", **{"new.py": "a\nb\nc\nd\n"})
    metrics = {c.sha: c.metrics for c in mine(repo.path).commits}[last]
    assert (metrics["lt"], metrics["ndev"], metrics["nuc"], metrics["age"]) == (3, 2, 2, 2.0)
