from __future__ import annotations

from datetime import date

from countersign.decision.activation import merged_with_defaults
from countersign.decision.engine import decide
from countersign.decision.policy import default_policy_text, load_policy

POLICY = load_policy(default_policy_text())


def decision_for(facts: dict, today: date = date(2026, 6, 1)):
    return decide(POLICY, merged_with_defaults(facts), today)


def test_a_stricter_approval_group_absorbs_a_weaker_one_and_keeps_both_reasons():
    # A junior's AI change (1 senior) that destroys production data (2 seniors, one owner).
    d = decision_for(
        {
            "change": {"ai_assisted": True},
            "author": {"rank": 0},
            "hazards": [{"kind": "sql.drop_table", "rank": 4}],
        }
    )
    approvals = [r for r in d.requirements if r.kind == "approval"]
    assert len(approvals) == 1
    (req,) = approvals
    assert (req.count, req.min_level, req.rule) == (
        2,
        "senior",
        "destructive-in-production+ai-assisted-below-senior",
    )
    assert "AI-assisted change" in req.reason
    assert "Destroys or replaces" in req.reason


def test_different_kinds_of_approver_stay_separate_requirements():
    d = decision_for(
        {"change": {"ai_assisted": True}, "author": {"rank": 0}, "hazards": [{"kind": "iam.x"}]}
    )
    assert [(r.id, r.min_level, r.teams) for r in d.requirements] == [
        ("ai-assisted-below-senior/approvals", "senior", ()),
        ("access-widening/approvals", None, ("security",)),
    ]


def test_change_record_fields_are_unioned_across_rules():
    d = decision_for(
        {"blast": {"critical": ["pay"]}, "hazards": [{"kind": "infra.destroy", "rank": 4}]}
    )
    (record,) = [r for r in d.requirements if r.kind == "change_record"]
    assert record.fields == ("summary", "test_evidence", "rollback_plan")
    assert record.rule == "critical-system+destructive-in-production"


def test_a_block_is_kept_alongside_approvals():
    d = decision_for(
        {"change": {"ai_assisted": True}, "risk": {"score": 0.9}}, today=date(2026, 12, 24)
    )
    assert [r.kind.value for r in d.requirements] == ["block", "approval"]
