"""Hostile input the analyzers met in the wild: each once crashed (exit 70) or stalled. Whatever
cannot be read must come back as an ``artifact.unanalysable`` finding with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hazard_cases import diff, kinds, scan

from countersign.facts.hazards import UNANALYSABLE

WORKFLOW = ".github/workflows/ci.yml"
MANIFEST = "deploy/app.yaml"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_manifest_with_a_control_character_is_unanalysable_with_the_reason(tmp_path):
    path = _write(
        tmp_path, "app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\x07\n"
    )
    (hazard,) = scan(path)
    assert hazard.kind == UNANALYSABLE
    assert "control character" in hazard.detail
    assert hazard.line == 4


def test_changed_manifest_with_a_control_character_is_unanalysable():
    new = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\x1b[0m\n"
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
    assert kinds(diff(MANIFEST, new, old)) == [UNANALYSABLE]


def test_workflow_with_a_control_character_is_unanalysable_in_a_diff():
    new = "on: push\njobs:\n  a:\n    steps:\n      - run: echo \x01hi\n"
    (hazard,) = diff(WORKFLOW, new, "on: push\n")
    assert hazard.kind == UNANALYSABLE
    assert "control character" in hazard.detail


def test_workflow_with_a_control_character_is_unanalysable_when_scanned(tmp_path):
    path = _write(tmp_path, WORKFLOW, "on: push\njobs:\n  a:\n    steps:\n      - run: rm\x02\n")
    assert kinds(scan(path)) == [UNANALYSABLE]


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_workflow_nested_fifty_thousand_deep_is_unanalysable(opening):
    closing = "]" if opening == "[" else "}"
    new = "on: push\njobs: " + opening * 50_000 + closing * 50_000 + "\n"
    (hazard,) = diff(WORKFLOW, new)
    assert hazard.kind == UNANALYSABLE
    assert "nested" in hazard.detail


def test_manifest_nested_fifty_thousand_deep_is_unanalysable():
    new = "apiVersion: v1\nkind: ConfigMap\ndata: " + "[" * 50_000 + "]" * 50_000 + "\n"
    (hazard,) = diff(MANIFEST, new)
    assert hazard.kind == UNANALYSABLE
    assert "nested" in hazard.detail


def test_block_indented_yaml_nested_deeply_is_unanalysable():
    new = "apiVersion: v1\nkind: ConfigMap\ndata:\n" + "".join(
        " " * i + f"k{i}:\n" for i in range(1, 400)
    )
    (hazard,) = diff(MANIFEST, new)
    assert "nested" in hazard.detail


def test_terraform_source_nested_a_million_deep_is_refused_before_parsing():
    new = "locals {\n  x = " + "[" * 1_000_000 + "]" * 1_000_000 + "\n}\n"
    (hazard,) = diff("main.tf", new, "")
    assert hazard.kind == UNANALYSABLE
    assert "nested deeper than 128 levels" in hazard.detail


def test_terraform_source_past_the_size_limit_is_refused_before_parsing():
    new = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n' * 100_000
    (hazard,) = diff("main.tf", new, "")
    assert hazard.kind == UNANALYSABLE
    assert "larger than the 4 MiB analysed" in hazard.detail


def test_terraform_source_nested_deeply_within_the_size_limit_is_refused_before_parsing():
    new = "locals {\n  x = " + "[" * 50_000 + "]" * 50_000 + "\n}\n"
    (hazard,) = diff("main.tf", new, "")
    assert hazard.kind == UNANALYSABLE
    assert "nested deeper than 128 levels" in hazard.detail


def test_terraform_source_of_ordinary_depth_still_parses():
    old = 'resource "aws_s3_bucket" "logs" {\n  tags = { a = [[["x"]]] }\n}\n'
    assert kinds(diff("main.tf", "", old)) == ["infra.delete"]


def test_plan_recognised_by_resource_changes_far_from_the_start(tmp_path):
    # No terraform_version, and a large prior_state before resource_changes: the kind must be
    # read from the document, not from its first few kilobytes.
    plan = {
        "format_version": "1.2",
        "prior_state": {"values": {"root_module": {"resources": [{"x": "y" * 30_000}]}}},
        "resource_changes": [
            {
                "address": "aws_db_instance.main",
                "type": "aws_db_instance",
                "mode": "managed",
                "change": {"actions": ["delete"], "before": {}, "after": None},
            }
        ],
    }
    text = json.dumps(plan)
    assert text.index('"resource_changes"') > 27_000
    path = _write(tmp_path, "plan.json", text)
    assert kinds(scan(path)) == ["infra.delete"]


def test_change_set_recognised_far_from_the_start(tmp_path):
    text = json.dumps(
        {
            "Description": "x" * 10_000,
            "Changes": [
                {
                    "Type": "Resource",
                    "ResourceChange": {
                        "Action": "Remove",
                        "LogicalResourceId": "Db",
                        "ResourceType": "AWS::RDS::DBInstance",
                    },
                }
            ],
        }
    )
    assert kinds(scan(_write(tmp_path, "cs.json", text))) == ["infra.delete"]


def test_invalid_utf8_in_a_migration_is_read_not_crashed(tmp_path):
    path = tmp_path / "0001.sql"
    path.write_bytes(b"-- caf\xe9\nDROP TABLE users;\n")
    assert kinds(scan(path)) == ["sql.drop_table"]


def test_invalid_utf8_in_a_manifest_is_read_not_crashed(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n")
    assert scan(path) == ()


def test_sql_line_numbers_stay_exact_past_multibyte_text():
    text = "".join(f"-- é{i}\nSELECT {i};\n" for i in range(500)) + "DROP TABLE t;\n"
    (hazard,) = diff("db/migrate/1.sql", text)
    assert hazard.line == 1001


def test_json_policy_nested_deeply_is_unanalysable(tmp_path):
    text = '{"Statement": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (hazard,) = scan(_write(tmp_path, "policy.json", text))
    assert hazard.kind == UNANALYSABLE
