from __future__ import annotations

import json


def test_replay_reports_what_the_policy_would_have_required(project, capsys, cs, ai_trailer, bob):
    project.commit("a" + ai_trailer, author=bob, **{"docs/guide.md": "two\n"})
    project.commit("b", author=bob, **{"docs/guide.md": "three\n"})
    project.commit("c" + ai_trailer, author=bob, **{"services/checkout/pay.py": "x = 1\n"})
    assert cs(project, "replay", "main..feature", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["changes"] == 3
    assert report["fast_lane"] == 1
    assert report["needs_signoff"] == 2
    assert report["fast_lane_share"] == 0.3333
    assert report["requirements_by_rule"]["ai-assisted-below-senior"] == 2
    assert report["requirements_by_rule"]["critical-system"] == 3  # approvals, record, checks
    assert report["approvals_needed_by_level"] == {"senior": 2, "any": 2}
