from __future__ import annotations


def test_break_glass_lifts_a_block_and_leaves_a_follow_up_until_someone_else_reviews(
    project, capsys, cs, ai_trailer, bob, key
):
    project.commit("hotfix" + ai_trailer, author=bob, **{"docs/guide.md": "fixed\n"})
    assert cs(project, "check") == 1
    assert (
        cs(
            project,
            "break-glass",
            "--key",
            key("alice"),
            "--reason",
            "outage",
            "--incident",
            "INC-7",
            "--hours",
            "2",
        )
        == 0
    )
    assert cs(project, "check") == 0
    capsys.readouterr()
    cs(project, "status")
    out = capsys.readouterr().out
    assert "Break-glass follow-up reviews due" in out
    assert "by alice at " in out
    assert "(INC-7): outage" in out
    assert cs(project, "approve", "--as", "alice", "--requirement", "break-glass/follow-up") == 3
    assert "must be by someone other than alice" in capsys.readouterr().err
    assert cs(project, "approve", "--as", "carol", "--requirement", "break-glass/follow-up") == 0
    capsys.readouterr()
    cs(project, "status")
    assert "follow-up reviews due" not in capsys.readouterr().out


def test_an_agent_cannot_break_glass_and_a_reason_is_required(
    project, capsys, cs, ai_trailer, bob, key
):
    project.commit("x", author=bob, **{"docs/guide.md": "fixed\n"})
    assert cs(project, "break-glass", "--key", key("robo"), "--reason", "r", "--incident", "I") == 3
    assert "robo is an agent identity" in capsys.readouterr().err
    assert cs(project, "break-glass", "--as", "alice", "--reason", " ", "--incident", "I") == 3
