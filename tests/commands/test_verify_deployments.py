"""``verify --deployed-to ENV`` records a passing release's deployment in the ledger (for the
deployment window of incident linkage); a release that does not pass records nothing."""

from __future__ import annotations

from countersign.signoff.deployments import deployments
from countersign.workspace import ledger_for

ALICE = "Alice <alice@example.com>"
AS_ALICE = {
    f"GIT_{who}_{what}": value
    for who in ("AUTHOR", "COMMITTER")
    for what, value in (("NAME", "Alice"), ("EMAIL", "alice@example.com"))
}


def test_a_passing_release_is_recorded_with_its_commits_and_services(project, cs, capsys):
    one = project.commit("Guide", author=ALICE, **{"docs/guide.md": "two\n"})
    two = project.commit("More guide", author=ALICE, **{"docs/more.md": "three\n"})
    assert cs(project, "verify", "--base", "main", "--deployed-to", "production") == 0
    assert "Recorded the deployment to production" in capsys.readouterr().err
    (d,) = deployments(ledger_for(project.path))
    assert d.environment == "production"
    assert set(d.changes) == {one, two}
    assert d.services == ("docs",)
    assert d.head == two


def test_a_release_needing_sign_off_is_not_recorded(project, cs, ai_trailer):
    project.commit("Pay more" + ai_trailer, author="Bob <bob@example.com>",
                   **{"services/checkout/pay.py": "def pay():\n    return 2\n"})  # fmt: skip
    assert cs(project, "verify", "--base", "main", "--deployed-to", "production") == 1
    assert deployments(ledger_for(project.path)) == ()


def test_commits_a_merge_kept_nothing_of_are_not_recorded_as_deployed(project, cs):
    """``git merge -s ours`` makes a branch's commits reachable without shipping their
    changes, also inside a branch merged for real: the deployment must not name them."""
    one = project.commit("Guide", author=ALICE, **{"docs/guide.md": "two\n"})
    project.git("checkout", "-q", "-b", "discarded")
    dropped = project.commit("Dropped", author=ALICE, **{"docs/dropped.md": "x\n"})
    project.git("checkout", "-q", "-b", "side", "feature")
    kept = project.commit("Kept", author=ALICE, **{"docs/kept.md": "k\n"})
    project.git("merge", "-q", "-s", "ours", "--no-edit", "discarded", env=AS_ALICE)
    project.git("checkout", "-q", "feature")
    project.git("merge", "-q", "--no-ff", "--no-edit", "side", env=AS_ALICE)
    assert project.git("log", "-1", "--format=%P").count(" ") == 1
    assert cs(project, "verify", "--base", "main", "--deployed-to", "production") == 0
    (d,) = deployments(ledger_for(project.path))
    assert set(d.changes) == {one, kept}
    assert dropped not in d.changes
