"""Pulumi previews (`pulumi preview --json`), written from the documented step format: the
`op` of each step and the URN it names. (No Pulumi CLI installs here from the registries this
project uses, so these documents are written by hand, not generated.)"""

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
