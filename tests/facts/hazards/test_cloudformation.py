from __future__ import annotations

import json

from hazard_cases import FIXTURES, diff, scan

from countersign.facts.hazards import Severity

CFN = FIXTURES / "cloudformation"


def test_replacements_and_removals_ranked_by_state_and_production():
    hazards = scan(CFN / "replace_and_remove.json")
    found = {(h.kind, h.resource, h.severity) for h in hazards}
    assert found == {
        ("infra.replace", "OrdersDatabase", Severity.CRITICAL),
        ("infra.delete", "AssetsBucket", Severity.CRITICAL),
        ("infra.replace", "WebInstance", Severity.MEDIUM),
    }
    assert all(h.env == "prod" for h in hazards)
    db = next(h for h in hazards if h.resource == "OrdersDatabase")
    assert "because of DBInstanceIdentifier" in db.detail
    web = next(h for h in hazards if h.resource == "WebInstance")
    assert "may be replaced" in web.detail


def test_modify_without_replacement_and_add_are_safe():
    assert scan(CFN / "safe_modify.json") == ()


def test_retained_data_lowers_the_severity():
    data = json.loads((CFN / "replace_and_remove.json").read_text())
    data["StackName"], data["Parameters"] = "shop", []
    data["Changes"] = [data["Changes"][2]]
    data["Changes"][0]["ResourceChange"]["PolicyAction"] = "Retain"
    (hazard,) = diff("changeset.json", json.dumps(data))
    assert hazard.severity is Severity.MEDIUM
    assert "PolicyAction Retain" in hazard.detail


def test_dynamic_and_malformed_change_sets_are_unanalysable():
    dynamic = {"ChangeSetId": "x", "Changes": [{"ResourceChange": {"Action": "Dynamic"}}]}
    assert [h.kind for h in diff("cs.json", json.dumps(dynamic))] == ["artifact.unanalysable"]
    assert [h.kind for h in diff("cs.json", '{"ChangeSetId": "x"}')] == ["artifact.unanalysable"]
    assert [h.kind for h in diff("cs.json", '{"ChangeSetId": "x", "Changes": [')] == [
        "artifact.unanalysable"
    ]
