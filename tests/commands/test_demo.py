from __future__ import annotations

from countersign.main import main


def test_demo_tells_the_story_needs_approval_then_pass_then_voided(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert (
        "first check: exit 1 (needs-approval); after the sign-offs: exit 0 (pass); "
        "after a content change: exit 1 (needs-approval)." in out
    )
    assert "critical systems reached: checkout" in out
    assert "infra.replace" in out
    assert "sql.drop_column" in out
    assert "countersign: error: cannot approve: dana" in out
    assert "The agent's production apply: deny, then allow, then deny." in out
    assert "The release: exit 1 (needs-approval), then exit 0 (pass)." in out
    assert "NEEDS APPROVAL: the one change in" in out
    assert "two-person rule needs someone else" in out
    for dependent in ("storefront", "mobile-api"):
        assert dependent in out
