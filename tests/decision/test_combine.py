from __future__ import annotations

from datetime import date

from countersign.decision.activation import merged_with_defaults
from countersign.decision.engine import decide
from countersign.decision.policy import default_policy_text, load_policy

POLICY = load_policy(default_policy_text())


def decision_for(facts: dict, today: date = date(2026, 6, 1)):
    return decide(POLICY, merged_with_defaults(facts), today)


def test_a_stricter_approval_group_absorbs_a_weaker_one_and_keeps_both_reasons():
    # A junior's AI change (1 senior) that destroys production data (2 approvals, one of them a
    # senior owner): the senior-owner group implies the 1-senior group and absorbs it.
    d = decision_for(
        {
            "change": {"ai_assisted": True},
            "author": {"rank": 0},
            "hazards": [{"kind": "sql.drop_table", "rank": 4}],
        }
    )
    approvals = [r for r in d.requirements if r.kind == "approval"]
    assert [(r.id, r.count, r.min_level, r.rule) for r in approvals] == [
        (
            "destructive-in-production/approvals",
            1,
            "senior",
            "destructive-in-production+ai-assisted-below-senior",
        ),
        ("destructive-in-production/approvals-2", 2, None, "destructive-in-production"),
    ]
    assert "AI-assisted change" in approvals[0].reason
    assert "Destroys or replaces" in approvals[0].reason
    assert approvals[0].fields == ("from_owners",)


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
