"""One test (or more) per rule of the shipped default policy, from facts to requirements."""

from __future__ import annotations

from datetime import date

from countersign.decision.activation import merged_with_defaults
from countersign.decision.engine import decide
from countersign.decision.policy import default_policy_text, load_policy

POLICY = load_policy(default_policy_text())
TODAY = date(2026, 6, 1)


def required(facts: dict, today: date = TODAY) -> dict[str, str]:
    decision = decide(POLICY, merged_with_defaults(facts), today)
    return {r.id: r.rule for r in decision.requirements}


def hazard(kind: str, rank: int, env: str = "") -> dict:
    return {"kind": kind, "rank": rank, "severity": "high", "env": env}


def test_a_low_risk_change_takes_the_fast_lane():
    assert required({"change": {"files": 1, "lines_added": 3}, "author": {"rank": 0}}) == {}


def test_ai_assisted_change_by_a_junior_needs_a_senior():
    decision = decide(
        POLICY,
        merged_with_defaults({"change": {"ai_assisted": True}, "author": {"rank": 0}}),
        TODAY,
    )
    (req,) = decision.requirements
    assert (req.id, req.count, req.min_level) == ("ai-assisted-below-senior/approvals", 1, "senior")


def test_ai_assisted_change_by_a_senior_needs_nothing_extra():
    assert required({"change": {"ai_assisted": True}, "author": {"rank": 2}}) == {}


def test_unknown_author_counts_as_below_senior():
    assert "ai-assisted-below-senior/approvals" in required({"change": {"ai_assisted": True}})


def test_critical_system_needs_two_owners_a_change_record_and_checks():
    risky = {"risk": {"percentile": 90.0}, "change": {"kind": "code"}}
    got = required({"blast": {"critical": ["payments"]}, **risky})
    assert got == {
        "critical-system/approvals": "critical-system",
        "change-record": "critical-system",
        "checks": "critical-system",
    }
    reqs = {
        r.id: r
        for r in decide(
            POLICY, merged_with_defaults({"blast": {"critical": ["p"]}, **risky}), TODAY
        ).requirements
    }
    assert reqs["critical-system/approvals"].count == 2
    assert reqs["critical-system/approvals"].fields == ("from_owners",)
    assert reqs["change-record"].fields == ("summary", "test_evidence", "rollback_plan")
    assert reqs["checks"].checks == ("tests",)


def test_destroying_stateful_infrastructure_in_production_needs_a_senior_owner_of_two():
    got = required({"hazards": [hazard("infra.destroy", 4, "production")]})
    assert got == {
        "destructive-in-production/approvals": "destructive-in-production",
        "destructive-in-production/approvals-2": "destructive-in-production",
        "change-record": "destructive-in-production",
    }


def test_destruction_with_unknown_environment_counts_as_production():
    assert "destructive-in-production/approvals" in required(
        {"hazards": [hazard("sql.drop_table", 4)]}
    )


def test_destruction_in_staging_or_of_low_severity_is_not_this_rule():
    assert required({"hazards": [hazard("infra.destroy", 4, "staging")]}) == {}
    assert required({"hazards": [hazard("infra.destroy", 3, "production")]}) == {}


def test_access_widening_needs_the_security_team():
    decision = decide(
        POLICY, merged_with_defaults({"hazards": [hazard("iam.wildcard_action", 3)]}), TODAY
    )
    (req,) = decision.requirements
    assert (req.id, req.teams) == ("access-widening/approvals", ("security",))


def test_an_unanalysable_artifact_goes_to_a_senior():
    assert required({"hazards": [hazard("artifact.unanalysable", 2)]}) == {
        "unanalysable-artifact/approvals": "unanalysable-artifact"
    }


def test_freeze_window_blocks_risky_changes_only_inside_the_window():
    risky = {"risk": {"score": 0.5}}
    assert required(risky, date(2026, 12, 20)) == {"freeze-window/block": "freeze-window"}
    assert required({"risk": {"score": 0.1}}, date(2026, 12, 20)) == {}
    assert required(risky, date(2027, 1, 5)) == {}


def test_editing_the_policy_needs_a_principal():
    decision = decide(POLICY, merged_with_defaults({"change": {"edits_policy": True}}), TODAY)
    (req,) = decision.requirements
    assert (req.id, req.min_level) == ("policy-change/approvals", "principal")


def test_rules_that_did_not_fire_say_why_with_the_fact_values():
    decision = decide(POLICY, merged_with_defaults({"author": {"rank": 3}}), TODAY)
    first = decision.outcomes[0]
    assert not first.fired
    assert first.reason == (
        "condition false: change.ai_assisted && author.rank < 2 "
        "(change.ai_assisted = false; author.rank = 3)"
    )


def test_a_low_risk_change_to_a_critical_system_needs_one_owner_instead_of_two():
    for facts in (
        {"risk": {"percentile": 79.9}, "change": {"kind": "code"}},
        {"risk": {"percentile": 99.0}, "change": {"kind": "tests"}},
        {"risk": {"percentile": 99.0}, "change": {"kind": "docs"}},
    ):
        decision = decide(
            POLICY, merged_with_defaults({"blast": {"critical": ["p"]}, **facts}), TODAY
        )
        approvals = [r for r in decision.requirements if r.id.endswith("/approvals")]
        assert [(r.rule, r.count, r.fields) for r in approvals] == [
            ("critical-system-low-risk", 1, ("from_owners",))
        ], facts


def test_a_hazard_keeps_the_full_critical_requirement_however_low_the_risk():
    facts = {
        "blast": {"critical": ["p"]},
        "risk": {"percentile": 1.0},
        "change": {"kind": "tests"},
        "hazards": [hazard("shell.curl_pipe", 2)],
    }
    got = required(facts)
    assert got["critical-system/approvals"] == "critical-system"
    assert "critical-system-low-risk/approvals" not in got


def test_a_risky_code_change_outside_tier_1_needs_one_approval_of_any_level():
    risky = {"risk": {"percentile": 50.0, "reference": "repository"}, "change": {"kind": "code"}}
    (req,) = decide(POLICY, merged_with_defaults(risky), TODAY).requirements
    assert (req.id, req.count, req.min_level, req.fields) == (
        "elevated-risk/approvals",
        1,
        None,
        (),
    )
    for facts in (
        {"risk": {"percentile": 49.9, "reference": "repository"}, "change": {"kind": "code"}},
        {"risk": {"percentile": 99.0}, "change": {"kind": "tests"}},
        {"risk": {"percentile": 99.0}, "change": {"kind": "generated"}},
    ):
        assert required(facts) == {}, facts
    # Inside tier 1 the critical-system rules judge it (two owners at this risk), not this one.
    got = required({"blast": {"critical": ["p"]}, **risky})
    assert "elevated-risk/approvals" not in got
    assert got["critical-system-low-risk/approvals"] == "critical-system-low-risk"


def test_before_risk_mine_only_the_riskiest_tenth_of_the_reference_projects_is_elevated():
    # A one-line fix in a new repository ranks at the prior's 53.5th percentile: that is not
    # this repository's riskiest half, and it needs no approval.
    def prior(pct: float) -> dict:
        return {"risk": {"percentile": pct, "reference": "prior"}, "change": {"kind": "code"}}

    assert required(prior(53.5)) == {}
    assert required(prior(89.9)) == {}
    assert required(prior(90.0)) == {"elevated-risk/approvals": "elevated-risk"}


def test_a_partial_case_without_a_reference_ranks_as_the_repositorys_own():
    # `policy test` cases rarely say what the percentile ranks against: the stricter reading.
    assert required({"risk": {"percentile": 50.0}, "change": {"kind": "code"}}) == {
        "elevated-risk/approvals": "elevated-risk"
    }
