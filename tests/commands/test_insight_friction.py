"""Friction from the ledger's timestamps in a real repository: the rule an approval signed,
the approver's level, hours from the change's commit to the sign-off, the senior queue, and a
break-glass whose follow-up review is still due."""

from __future__ import annotations

import json

from countersign.main import main


def test_friction_per_rule_and_break_glass(project, cs, capsys, ai_trailer, bob, key):
    project.commit("docs: clarify" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\n"})
    assert cs(project, "approve", "--as", "alice@example.com") == 0
    project.commit("hotfix" + ai_trailer, author=bob, **{"docs/guide.md": "fixed\n"})
    assert cs(project, "break-glass", "--key", key("alice"), "--reason", "outage",
              "--incident", "INC-7", "--hours", "2") == 0  # fmt: skip
    capsys.readouterr()
    assert main(["insight", "-C", str(project.path), "--format", "json", "--failure",
                 "incidents"]) == 0  # fmt: skip
    f = json.loads(capsys.readouterr().out)["friction"]
    (rule,) = f["rules"]
    assert rule["rule"] == "ai-assisted-below-senior"
    assert rule["approvals_by_level"] == {"senior": 1}
    assert rule["hours_to_signoff"]["known"] == 1
    assert 0 <= rule["hours_to_signoff"]["median"] < 1
    assert f["senior_queue"][0]["reviewer"] == "alice"
    assert f["break_glass"] == {"uses": 1, "followed_up": 0, "overdue": 0,
                                "overdue_after_days": 7.0}  # fmt: skip
    assert cs(project, "approve", "--as", "carol", "--requirement", "break-glass/follow-up") == 0
    capsys.readouterr()
    main(["insight", "-C", str(project.path), "--format", "json", "--failure", "incidents"])
    f = json.loads(capsys.readouterr().out)["friction"]
    assert f["break_glass"]["followed_up"] == 1
    assert len(f["rules"]) == 1  # the follow-up review is not a rule's approval
