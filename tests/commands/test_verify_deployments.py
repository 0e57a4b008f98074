"""``verify --deployed-to ENV`` records a passing release's deployment in the ledger (for the
deployment window of incident linkage); a release that does not pass records nothing."""

from __future__ import annotations

from countersign.signoff.deployments import deployments
from countersign.workspace import ledger_for

ALICE = "Alice <alice@example.com>"


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
