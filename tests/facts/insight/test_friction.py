"""Friction on in-memory sign-offs: waits per rule, a change gated by two rules counted once
per rule, weekly senior queues, and overdue follow-ups."""

from __future__ import annotations

from countersign.facts.insight.friction import GlassUse, SignOff, friction

H = 3600.0
T = 1_790_000_000.0


def test_waits_queues_and_overdue_follow_ups():
    signoffs = [
        SignOff(
            ("critical-system", "ai-assisted-below-senior"), "fp1", "alice", "senior", T + 2 * H, T
        ),
        SignOff(("critical-system",), "fp1", "carol", "staff", T + 10 * H, T),
        SignOff(("critical-system",), "fp2", "alice", "senior", T + 8 * 24 * H, T + 8 * 24 * H - H),
        SignOff(("access-widening",), "fp3", "erin", "mid", T + H, None),
    ]
    glass = [GlassUse("fp4", "alice", T, None), GlassUse("fp5", "alice", T + 9 * 24 * H, None),
             GlassUse("fp6", "bob", T, T + H)]  # fmt: skip
    f = friction(signoffs, glass, now=T + 10 * 24 * H)
    rules = {r["rule"]: r for r in f["rules"]}
    crit = rules["critical-system"]
    assert crit["changes_gated"] == 2
    assert crit["approvals"] == 3
    assert crit["approvals_by_level"] == {"senior": 2, "staff": 1}
    assert crit["hours_to_signoff"] == {"known": 3, "median": 2.0, "p90": 8.4}
    assert rules["access-widening"]["hours_to_signoff"]["known"] == 0
    weeks = {(q["week"], q["reviewer"]): q["approvals"] for q in f["senior_queue"]}
    assert sum(weeks.values()) == 3  # erin (mid) is not in the senior queue
    assert f["break_glass"] == {
        "uses": 3,
        "followed_up": 1,
        "overdue": 1,
        "overdue_after_days": 7.0,
    }
