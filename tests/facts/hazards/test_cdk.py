"""`cdk diff` output, generated here with the real CDK CLI (fixtures/hazards/cdk/make_diffs.sh)."""

from __future__ import annotations

from hazard_cases import FIXTURES, diff, scan

from countersign.facts.hazards import Severity

CDK = FIXTURES / "cdk"


def test_real_cdk_diff_destroy_and_replace_in_a_production_stack():
    hazards = scan(CDK / "replace_and_destroy.diff")
    assert sorted((h.kind, h.resource, h.env, h.severity) for h in hazards) == [
        ("infra.delete", "JobsDF1CC2D4", "prod", Severity.CRITICAL),
        ("infra.replace", "OrdersA9B65338", "prod", Severity.CRITICAL),
    ]
    assert all(h.analyzer == "cdk" for h in hazards)


def test_real_cdk_diff_without_differences_is_clean():
    assert scan(CDK / "no_differences.diff") == ()


def test_coloured_output_and_may_cause_replacement():
    text = (
        "Stack Shop\nResources\n\x1b[33m[~]\x1b[39m AWS::Lambda::Function Fn FnABC\n"
        " └─ [~] FunctionName (may cause replacement)\n"
        "[-] AWS::S3::Bucket Logs LogsXYZ orphan\n"
    )
    hazards = diff("cdk.diff", text)
    assert sorted((h.kind, h.resource) for h in hazards) == [
        ("infra.forget", "LogsXYZ"),
        ("infra.replace", "FnABC"),
    ]
