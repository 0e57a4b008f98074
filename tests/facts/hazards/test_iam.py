from __future__ import annotations

from hazard_cases import FIXTURES, diff, kinds, scan

from countersign.facts.hazards import Severity
from countersign.facts.hazards.iam import Grant, parse_policy

IAM = FIXTURES / "iam"
BEFORE = (IAM / "deploy_before.json").read_text()


def test_widened_policy_reports_what_is_new_and_the_removed_deny():
    hazards = diff("iam/deploy.json", (IAM / "deploy_widened.json").read_text(), BEFORE)
    assert sorted(kinds(hazards)) == [
        "iam.privilege_escalation",
        "iam.widening",
        "iam.widening",
        "iam.wildcard_action",
        "iam.wildcard_resource",
    ]
    details = " | ".join(h.detail for h in hazards)
    assert "s3:* on *" in details
    assert "removes Deny of s3:deletebucket on *" in details
    assert "s3:getobject" not in details  # already allowed before


def test_narrowed_policy_is_not_a_hazard():
    assert diff("iam/deploy.json", (IAM / "deploy_narrowed.json").read_text(), BEFORE) == ()


def test_new_policy_alone_is_linted_not_compared():
    hazards = scan(IAM / "deploy_widened.json")
    assert "iam.widening" not in kinds(hazards)
    assert "iam.wildcard_action" in kinds(hazards)


def test_public_principal_and_its_conditional_counterpart():
    (hazard,) = scan(IAM / "public_bucket_policy.json")
    assert (hazard.kind, hazard.severity) == ("iam.public_principal", Severity.CRITICAL)
    assert scan(IAM / "org_only_bucket_policy.json") == ()


def test_read_only_actions_on_every_resource_are_not_flagged():
    policy = '{"Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}'
    assert diff("p.json", policy) == ()


def test_not_action_counts_as_a_wildcard():
    policy = '{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}'
    assert "iam.wildcard_action" in kinds(diff("p.json", policy))


def test_removing_a_condition_is_widening():
    old = parse_policy(
        {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                       "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}
    )  # fmt: skip
    new = Grant("s3:getobject", "*")
    assert not any(new.covered_by(g) for g in old.allows)


def test_broken_policy_json_is_unanalysable():
    (hazard,) = diff("p.json", '{"Statement": [')
    assert hazard.kind == "artifact.unanalysable"
