"""Pulumi previews (`pulumi preview --json`), written from the format's source, Pulumi's
`display.PreviewDigest` (sdk/go/common/display/json.go): the `op` of each step and the URN it
names. No Pulumi CLI runs here (docs/hazards.md says why: npm's `pulumi` downloads the CLI at
first use, PyPI's is the SDK), so these documents are written by hand, not generated."""

from __future__ import annotations

import json

from hazard_cases import diff, kinds

from countersign.facts.hazards import Severity


def preview(*steps, stack="dev"):
    return json.dumps(
        {
            "config": {},
            "steps": [
                {"op": op, "urn": f"urn:pulumi:{stack}::shop::{rtype}::{name}", **extra}
                for op, rtype, name, extra in steps
            ],
            "changeSummary": {},
        }
    )


DB = "aws:rds/instance:Instance"


def test_replace_and_delete_and_discard():
    text = preview(
        ("create-replacement", DB, "orders", {"keys": ["engine"]}),
        ("replace", DB, "orders", {}),
        ("delete-replaced", DB, "orders", {}),
        ("delete", "aws:s3/bucket:Bucket", "assets", {}),
        ("discard", "aws:sqs/queue:Queue", "jobs", {}),
    )
    hazards = diff("preview.json", text)
    assert sorted(kinds(hazards)) == ["infra.delete", "infra.forget", "infra.replace"]
    replace = next(h for h in hazards if h.kind == "infra.replace")
    assert "because of engine" in replace.detail
    assert replace.severity is Severity.HIGH  # stateful, not production


def test_stack_named_production_raises_severity():
    (hazard,) = diff("preview.json", preview(("delete", DB, "orders", {}), stack="prod"))
    assert (hazard.env, hazard.severity) == ("prod", Severity.CRITICAL)


def test_same_create_update_are_safe():
    text = preview(
        ("same", DB, "orders", {}),
        ("create", "aws:s3/bucket:Bucket", "logs", {}),
        ("update", "aws:lambda/function:Function", "api", {}),
    )
    assert diff("preview.json", text) == ()


def test_unknown_op_asks_for_review():
    (hazard,) = diff("preview.json", preview(("obliterate", DB, "orders", {})))
    assert hazard.kind == "artifact.unanalysable"


def test_a_preview_digest_with_every_field_pulumi_writes():
    # The fields of `display.PreviewDigest` and `PreviewStep` in Pulumi's
    # sdk/go/common/display/json.go (what `pulumi preview --json` prints): replacement steps
    # name their keys in `replaceReasons`, states are `apitype.ResourceV3`.
    urn = f"urn:pulumi:prod::shop::{DB}::orders"
    state = {"urn": urn, "custom": True, "type": DB, "inputs": {"engine": "postgres"}}
    provider = "urn:pulumi:prod::shop::pulumi:providers:aws::default_6_0_0::04da6b54"
    text = json.dumps(
        {
            "config": {"aws:region": "eu-west-1"},
            "steps": [
                {"op": "same", "urn": "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod",
                 "detailedDiff": None},
                {"op": "create-replacement", "urn": urn, "provider": provider,
                 "oldState": state, "newState": {**state, "inputs": {"engine": "mysql"}},
                 "replaceReasons": ["engine"], "detailedDiff": {
                     "engine": {"kind": "update-replace", "inputDiff": True}}},
                {"op": "replace", "urn": urn, "provider": provider, "oldState": state,
                 "newState": state, "replaceReasons": ["engine"], "detailedDiff": None},
                {"op": "delete-replaced", "urn": urn, "provider": provider, "oldState": state,
                 "detailedDiff": None},
            ],
            "duration": 3120000000,
            "changeSummary": {"replace": 1, "same": 1},
        }
    )  # fmt: skip
    (hazard,) = diff("preview.json", text)
    assert (hazard.kind, hazard.env, hazard.severity) == (
        "infra.replace",
        "prod",
        Severity.CRITICAL,
    )
    assert "because of engine" in hazard.detail
