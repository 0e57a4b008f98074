"""Sign-off invariants end to end, on real repositories."""

from __future__ import annotations

from countersign.workspace import open_workspace

AS_BOB = {"GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"}


def docs_change(repo, cs, ai_trailer, bob) -> None:
    repo.commit("docs: clarify" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\n"})


def test_junior_ai_change_needs_a_senior_and_passes_once_approved(
    project, capsys, cs, ai_trailer, bob
):
    docs_change(project, cs, ai_trailer, bob)
    assert cs(project, "check") == 1
    assert cs(project, "approve", "--as", "alice@example.com") == 0
    assert "Approved cs2:" in capsys.readouterr().out
    assert cs(project, "check") == 0


def test_the_author_cannot_approve_their_own_change(project, capsys, cs, ai_trailer, bob):
    docs_change(project, cs, ai_trailer, bob)
    assert cs(project, "approve", "--as", "bob@home.example") == 3
    assert capsys.readouterr().err == (
        "countersign: error: cannot approve: bob is an author of this change; no self-approval\n"
    )


def test_an_agent_identity_cannot_approve(project, capsys, cs, ai_trailer, bob):
    docs_change(project, cs, ai_trailer, bob)
    assert cs(project, "approve", "--as", "noreply@anthropic.com") == 3
    assert "noreply@anthropic.com is an agent identity; agents never approve" in (
        capsys.readouterr().err
    )
    assert cs(project, "approve", "--as", "robo") == 3
    assert "robo is an agent identity" in capsys.readouterr().err


def test_an_approver_below_the_required_level_is_refused(project, capsys, cs, ai_trailer, bob):
    docs_change(project, cs, ai_trailer, bob)
    assert cs(project, "approve", "--as", "erin@example.com") == 3
    assert capsys.readouterr().err == (
        "countersign: error: cannot approve: ai-assisted-below-senior/approvals: "
        "erin is mid, below senior\n"
    )


def test_someone_outside_the_roster_is_refused(project, capsys, cs, ai_trailer, bob):
    docs_change(project, cs, ai_trailer, bob)
    assert cs(project, "approve", "--as", "mallory@example.com") == 3
    assert "mallory@example.com is not in the roster" in capsys.readouterr().err


def test_ineligible_approvals_written_straight_to_the_ledger_are_ignored(
    project, cs, ai_trailer, bob
):
    docs_change(project, cs, ai_trailer, bob)
    ws = open_workspace(project.path)
    for who in ("bob", "noreply@anthropic.com", "erin", "mallory"):
        ws.ledger.append("approval", {"approver": who, "fingerprint": ws.change.fingerprint})
    assert cs(project, "check") == 1


def test_a_content_change_after_approval_voids_it_and_status_shows_it_stale(
    project, capsys, cs, ai_trailer, bob
):
    docs_change(project, cs, ai_trailer, bob)
    cs(project, "approve", "--as", "alice")
    project.commit("more" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\nthree\n"})
    assert cs(project, "check") == 1
    capsys.readouterr()
    assert cs(project, "status") == 0
    out = capsys.readouterr().out
    assert "Stale approvals (given to earlier content of this branch" in out
    assert "  alice at " in out


def test_status_says_why_a_cs1_approval_no_longer_counts(project, capsys, cs, ai_trailer, bob):
    docs_change(project, cs, ai_trailer, bob)
    ws = open_workspace(project.path)
    old = {"approver": "alice", "fingerprint": "cs1:" + "0" * 64, "branch": ws.change.branch}
    ws.ledger.append("approval", old)
    assert cs(project, "check") == 1
    capsys.readouterr()
    assert cs(project, "status") == 0
    out = capsys.readouterr().out
    assert "alice at" in out
    assert "recorded for a cs1: fingerprint" in out
    assert "approve the change again" in out


def test_a_rebase_that_yields_the_same_patch_keeps_the_approval(project, cs, ai_trailer, bob):
    docs_change(project, cs, ai_trailer, bob)
    before = open_workspace(project.path).change.fingerprint
    cs(project, "approve", "--as", "alice")
    project.git("checkout", "-q", "main")
    project.commit("unrelated", **{"README.md": "hello\n", "docs/intro.md": "x\n"})
    project.git("checkout", "-q", "feature")
    project.git("rebase", "-q", "main", env=AS_BOB)  # bob rebases his branch
    after = open_workspace(project.path)
    assert after.change.fingerprint == before
    assert after.change.base == project.git("rev-parse", "main")
    assert cs(project, "check") == 0


def test_a_rebase_that_changes_the_lines_around_an_edit_voids_the_approval(
    project, cs, ai_trailer, bob
):
    project.git("checkout", "-q", "main")
    project.commit("guard", **{"docs/guide.md": "if admin:\n    pass\n"})
    project.git("checkout", "-q", "feature")
    project.git("reset", "-q", "--hard", "main")
    project.commit(
        "cleanup" + ai_trailer, author=bob, **{"docs/guide.md": "if admin:\n    pass\n    wipe()\n"}
    )
    cs(project, "approve", "--as", "alice")
    project.git("checkout", "-q", "main")
    project.commit("widen", **{"docs/guide.md": "if True:\n    pass\n"})
    project.git("checkout", "-q", "feature")
    project.git(
        "rebase", "-q", "main", env=AS_BOB
    )  # bob rebases his branch  # applies cleanly: the same line is added
    assert cs(project, "check") == 1  # but now under another condition


def test_a_rebase_over_edits_far_away_in_the_same_file_keeps_the_approval(
    project, cs, ai_trailer, bob
):
    body = "".join(f"line {i}\n" for i in range(30))
    project.git("checkout", "-q", "main")
    project.commit("long", **{"docs/guide.md": body})
    project.git("checkout", "-q", "feature")
    project.git("reset", "-q", "--hard", "main")
    project.commit("tail" + ai_trailer, author=bob, **{"docs/guide.md": body + "tail\n"})
    cs(project, "approve", "--as", "alice")
    project.git("checkout", "-q", "main")
    project.commit("head", **{"docs/guide.md": "title\n" + body})
    project.git("checkout", "-q", "feature")
    project.git("rebase", "-q", "main", env=AS_BOB)  # bob rebases his branch
    assert cs(project, "check") == 0


def test_critical_change_needs_two_distinct_humans_one_from_the_owning_team(
    project, capsys, cs, ai_trailer, bob
):
    project.commit("pay", author=bob, **{"services/checkout/pay.py": "def pay():\n    return 2\n"})
    cs(
        project,
        "record",
        "--as",
        "bob",
        "--summary",
        "s",
        "--test-evidence",
        "t",
        "--rollback-plan",
        "r",
    )
    ok = ("--check-status", "tests=success")
    cs(project, "approve", "--as", "carol", *ok)
    cs(project, "approve", "--as", "carol@example.com", *ok)  # the same human again
    assert cs(project, "check", *ok) == 1
    assert "1 of 2 approvals" in capsys.readouterr().out
    cs(project, "approve", "--as", "alice", *ok)
    assert cs(project, "check", *ok) == 0


def test_two_approvers_outside_the_owning_team_are_not_enough(project, capsys, cs, ai_trailer, bob):
    project.commit(
        "pay",
        author="Alice <alice@example.com>",
        **{"services/checkout/pay.py": "def pay():\n    return 2\n"},
    )
    cs(
        project,
        "record",
        "--as",
        "alice",
        "--summary",
        "s",
        "--test-evidence",
        "t",
        "--rollback-plan",
        "r",
    )
    cs(project, "approve", "--as", "carol")
    cs(project, "approve", "--as", "erin")
    capsys.readouterr()
    assert cs(project, "check", "--check-status", "tests=success") == 0  # erin is in payments
