"""The verdict's wording on known situations: it names the association and its limits, never
calls no evidence "no difference", and refuses to speak about tiny groups."""

from __future__ import annotations

from countersign.facts.insight.records import ChangeRecord
from countersign.facts.insight.report import build


def rows(n_ai: int, k_ai: int, n_other: int, k_other: int) -> list[ChangeRecord]:
    out = [ChangeRecord(f"a{i}", float(i), ai=True, failed=i < k_ai) for i in range(n_ai)]
    out += [ChangeRecord(f"o{i}", float(i), ai=False, failed=i < k_other) for i in range(n_other)]
    return out


def test_tiny_groups_get_no_statement():
    v = build(rows(12, 6, 400, 20), "test").verdict
    assert v.finding == "too-little-data"
    assert v.text.startswith("Too few changes to compare: 12 AI-assisted and 400 other")


def test_a_clear_difference_is_an_association_not_a_cause():
    report = build(rows(800, 160, 2000, 160), "test")
    assert report.verdict.finding == "ai-more"
    assert "association in this history, not proof" in report.verdict.text
    assert report.adjusted.estimable


def test_fewer_failures_is_reported_too():
    assert build(rows(800, 16, 2000, 160), "test").verdict.finding == "ai-less"


def test_no_evidence_says_how_much_data_would_tell():
    v = build(rows(200, 20, 600, 60), "test").verdict
    assert v.finding == "no-evidence"
    assert "No evidence of a difference at this sample size" in v.text
    assert v.needed_per_group is not None
    assert v.needed_per_group > 2000
    assert v.power is not None
    assert v.power < 0.5


def test_the_replay_curve_ranks_by_risk():
    data = [ChangeRecord(str(i), float(i), i % 2 == 0, i >= 90, risk=i / 100, gated=i >= 80)
            for i in range(100)]  # fmt: skip
    replay = build(data, "test").replay
    points = {p["gated_pct"]: p["failures_gated_pct"] for p in replay["points"]}
    assert points[10] == 100.0
    assert points[5] == 50.0
    policy = replay["policy"]
    assert (policy["gated_pct"], policy["failures_gated_pct"], policy["changes"]) == (
        20.0,
        100.0,
        100,
    )
    assert (policy["failures"], policy["failures_gated"]) == (10, 10)
    assert policy["risk_same_share_pct"] == 100.0


def test_the_policy_point_is_set_beside_risk_gating_on_the_same_changes():
    # 200 changes, 40 replayed; the policy gates the 10 AI-assisted ones among them; 8 failed,
    # 4 of them gated; by risk, the 10 riskiest replayed changes hold the other 4.
    data = []
    for i in range(200):
        replayed = i >= 160
        ai = replayed and i % 4 == 0
        failed = i in {160, 164, 168, 172, 190, 195, 198, 199}
        risk = 0.9 if i in {190, 195, 198, 199, 161, 162, 163, 165, 166, 167} else i / 1000
        data.append(ChangeRecord(str(i), float(i), ai, failed, risk=risk,
                                 gated=ai if replayed else None))  # fmt: skip
    policy = build(data, "test").replay["policy"]
    assert policy["changes"] == 40
    assert policy["gated"] == 10
    assert policy["gated_pct"] == 25.0
    assert (policy["failures"], policy["failures_gated"]) == (8, 4)
    assert policy["failures_gated_pct"] == 50.0
    low, high = policy["failures_gated_ci95"]
    assert low < 50.0 < high
    assert policy["risk_same_share_pct"] == 50.0


def test_zero_failures_in_a_group_is_not_called_a_difference():
    v = build(rows(164, 0, 1861, 12), "test").verdict
    assert v.finding == "no-evidence"
