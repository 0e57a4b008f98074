from __future__ import annotations

import json
from pathlib import Path

from countersign.errors import ExitCode
from countersign.main import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "hazards"


def test_hazards_found_exit_1_and_every_analyzer_runs(capsys):
    code = main(
        [
            "scan",
            str(FIXTURES / "terraform" / "replace_destroy_first.json"),
            str(FIXTURES / "sql" / "0042_destructive.sql"),
            str(FIXTURES / "cloudformation" / "replace_and_remove.json"),
            "--format",
            "json",
        ]
    )
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    assert {h["analyzer"] for h in report["hazards"]} == {"terraform", "sql", "cloudformation"}


def test_no_hazards_exit_0(capsys):
    code = main(["scan", str(FIXTURES / "terraform" / "safe_update.json")])
    assert code == 0
    assert capsys.readouterr().out == "No hazards found in 1 file.\n"


def test_unreadable_file_exit_4(tmp_path, capsys):
    code = main(["scan", str(tmp_path / "missing.json")])
    assert code == 4
    assert "cannot read" in capsys.readouterr().err


def test_unrecognised_file_is_reported_not_passed(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert main(["scan", str(notes)]) == 1
    assert "artifact.unanalysable" in capsys.readouterr().out


def test_workspace_and_settings_mark_production(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".countersign").mkdir()
    (tmp_path / ".countersign" / "hazards.yaml").write_text("production:\n  names: [blue]\n")
    monkeypatch.setenv("TF_WORKSPACE", "blue")
    plan = str(FIXTURES / "terraform" / "delete.json")
    assert main(["scan", plan, "--format", "json"]) == 1
    (hazard,) = json.loads(capsys.readouterr().out)["hazards"]
    assert hazard["env"] == "prod"


def test_sarif_and_markdown_still_render(capsys):
    plan = str(FIXTURES / "terraform" / "tainted.json")
    assert main(["scan", plan, "--format", "sarif"]) == 1
    assert json.loads(capsys.readouterr().out)["version"] == "2.1.0"
    assert main(["scan", plan, "--format", "markdown"]) == 1
    assert "infra.replace" in capsys.readouterr().out


def test_scan_of_a_binary_file_says_what_to_pass_instead(tmp_path, capsys):
    plan = tmp_path / "plan.out"
    plan.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert main(["scan", str(plan)]) == ExitCode.INPUT
    assert "terraform show -json" in capsys.readouterr().err


def test_yaml_with_a_control_character_is_a_finding_not_a_crash(tmp_path, capsys):
    manifest = tmp_path / "app.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\x07\n")
    assert main(["scan", str(manifest)]) == ExitCode.NEEDS_APPROVAL
    assert "control character U+0007" in capsys.readouterr().out
