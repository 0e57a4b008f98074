from __future__ import annotations

import json

from countersign.errors import ExitCode
from countersign.main import main


def test_scan_reports_hazards_of_a_plan_file(tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "format_version": "1.2",
                "resource_changes": [
                    {
                        "address": "terraform_data.env",
                        "type": "terraform_data",
                        "change": {"actions": ["delete"]},
                    }
                ],
            }
        )
    )
    main(["scan", "--format", "json", str(plan)])
    doc = json.loads(capsys.readouterr().out)
    assert [h["kind"] for h in doc["hazards"]] == ["infra.delete"]


def test_scan_of_a_binary_file_says_what_to_pass_instead(tmp_path, capsys):
    plan = tmp_path / "plan.out"
    plan.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert main(["scan", str(plan)]) == ExitCode.INPUT
    assert "terraform show -json" in capsys.readouterr().err
