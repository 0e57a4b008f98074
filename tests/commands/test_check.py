from __future__ import annotations

import json

import pytest

from countersign.errors import ExitCode
from countersign.main import main

PLAN = json.dumps(
    {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_db_instance.orders_prod",
                "type": "aws_db_instance",
                "change": {"actions": ["delete", "create"]},
                "action_reason": "replace_because_tainted",
            }
        ],
    }
)


@pytest.fixture
def feature(repo):
    repo.commit("init", **{"app.py": "x = 1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("small fix", **{"app.py": "x = 2\n"})
    return repo


def run_json(capsys, *args):
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_json_output_carries_the_documented_keys(feature, capsys):
    code, doc = run_json(capsys, "-C", str(feature.path))
    assert code == ExitCode.PASS
    assert doc["verdict"] == "pass"
    assert set(doc["change"]) >= {"base", "head", "fingerprint"}
    assert {"provenance", "blast_radius", "hazards", "risk", "requirements"} <= set(doc)
    assert set(doc["risk"]) >= {"score", "factors"}
    assert doc["change"]["head"] == feature.git("rev-parse", "HEAD")


def test_a_one_line_fix_in_a_new_repository_is_not_ranked_as_its_own_riskiest_half(feature, capsys):
    # Before `risk mine` the percentile ranks against the packaged model's reference projects,
    # where a fix of any size sits above their median: the policy knows it is not this
    # repository's own ranking and gates only the riskiest tenth there.
    code, doc = run_json(capsys, "-C", str(feature.path))
    assert doc["risk"]["reference"] == "prior"
    assert doc["risk"]["percentile"] > 50
    assert (code, doc["requirements"]) == (ExitCode.PASS, [])


def test_a_large_fix_in_a_new_repository_is_still_elevated_before_risk_mine(feature, capsys):
    # The walk-around: no mined history (a fresh CI runner) must not switch the rule off.
    feature.commit(
        "fix the parser",
        **{f"src/mod{i}/m.py": "".join(f"v{n} = {n}\n" for n in range(40)) for i in range(4)},
    )
    code, doc = run_json(capsys, "-C", str(feature.path))
    assert doc["risk"]["reference"] == "prior"
    assert doc["risk"]["percentile"] >= 90
    assert code == ExitCode.NEEDS_APPROVAL
    assert [r["id"] for r in doc["requirements"]] == ["elevated-risk/approvals"]


def test_ai_assisted_change_by_unknown_author_needs_a_senior(feature, capsys):
    feature.commit(
        "agent change\n\nCo-authored-by: Claude <noreply@anthropic.com>", **{"app.py": "x = 3\n"}
    )
    code, doc = run_json(capsys, "-C", str(feature.path))
    assert code == ExitCode.NEEDS_APPROVAL
    (req,) = doc["requirements"]
    assert req["id"] == "ai-assisted-below-senior/approvals"
    assert req["satisfied"] is False
    assert "senior" in req["reason"]


def test_plan_given_explicitly_is_analysed(feature, capsys, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(PLAN)
    code, doc = run_json(capsys, "-C", str(feature.path), "--plan", str(plan))
    assert [h["kind"] for h in doc["hazards"]] == ["infra.replace"]
    assert doc["hazards"][0]["path"] == str(plan)
    assert code != ExitCode.PASS


def test_unreadable_plan_is_an_input_error_never_a_pass(feature, capsys, tmp_path):
    code = main(["check", "-C", str(feature.path), "--plan", str(tmp_path / "missing.json")])
    assert code == ExitCode.INPUT
    assert "cannot read" in capsys.readouterr().err


def test_truncated_plan_asks_for_review_instead_of_passing(feature, capsys, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(PLAN[: len(PLAN) // 2])
    code, doc = run_json(capsys, "-C", str(feature.path), "--plan", str(plan))
    assert code == ExitCode.NEEDS_APPROVAL
    assert doc["hazards"][0]["kind"] == "artifact.unanalysable"


def test_malformed_policy_at_base_names_file_and_key(repo, capsys):
    repo.commit("init", **{".countersign/policy.yaml": "rules:\n  - id: x\n    autor: 1\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("w", **{"a.txt": "a\n"})
    assert main(["check", "-C", str(repo.path)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.startswith("countersign: error: policy.yaml: rules[0].autor: unknown field 'autor'")


def test_policy_is_read_from_the_base_not_from_the_change(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    lax = "version: 1\nrules: []\n"
    repo.commit(
        "agent\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        **{".countersign/policy.yaml": lax, "a.txt": "b\n"},
    )
    code, doc = run_json(capsys, "-C", str(repo.path))
    assert code == ExitCode.NEEDS_APPROVAL
    fired = {r["id"] for r in doc["policy"]["rules"] if r["fired"]}
    assert {"ai-assisted-below-senior", "policy-change"} <= fired


def test_patch_file_is_checked(tmp_path, capsys, feature):
    patch = tmp_path / "c.patch"
    patch.write_text(feature.git("diff", "main", "feature") + "\n")
    code, doc = run_json(capsys, "-C", str(feature.path), "--patch", str(patch))
    assert code == ExitCode.PASS
    assert doc["change"]["source"] == "patch"
    assert doc["change"]["files"][0]["path"] == "app.py"


@pytest.mark.parametrize("fmt", ["text", "markdown", "sarif"])
def test_every_format_renders(feature, capsys, fmt):
    assert main(["check", "-C", str(feature.path), "--format", fmt]) == ExitCode.PASS
    out = capsys.readouterr().out
    assert out.strip()
    if fmt == "sarif":
        assert json.loads(out)["version"] == "2.1.0"


def test_text_output_puts_the_verdict_first_and_says_who_approves(feature, capsys):
    feature.commit("agent\n\nCo-authored-by: Claude <noreply@anthropic.com>", **{"app.py": "4\n"})
    main(["check", "-C", str(feature.path)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("NEEDS APPROVAL")
    assert any("countersign approve --requirement ai-assisted-below-senior" in x for x in lines)


def test_a_roster_added_by_the_change_does_not_promote_its_author(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    roster = "people:\n  - {id: me, emails: [author@example.com], level: principal}\n"
    repo.commit(
        "agent\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        **{".countersign/people.yaml": roster, "a.txt": "b\n"},
    )
    code, doc = run_json(capsys, "-C", str(repo.path))
    # an adoption change that carries other files is blocked (adoption-scope)
    assert code == ExitCode.BLOCKED
    assert doc["author"]["level"] is None


def test_markdown_says_what_is_needed_why_and_what_to_do(feature, capsys):
    feature.commit("agent\n\nCo-authored-by: Claude <noreply@anthropic.com>", **{"app.py": "5\n"})
    assert main(["check", "-C", str(feature.path), "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert "- [ ] `ai-assisted-below-senior/approvals`: 1 approval from senior or above" in out
    assert (
        "  - because: AI-assisted change by an author below senior needs a senior sign-off" in out
    )
    assert "### What to do" in out
    assert "runs `countersign approve --requirement ai-assisted-below-senior/approvals`" in out


def test_workflow_with_a_control_character_asks_for_review_not_a_crash(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    deep = "on: push\njobs: " + "[" * 50_000 + "]" * 50_000 + "\n"
    repo.commit(
        "ci",
        **{
            ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    steps:\n      - run: ls\x07\n",
            ".github/workflows/deep.yml": deep,
            "deploy/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\x01\n",
        },
    )
    code, doc = run_json(capsys, "-C", str(repo.path))
    assert code == ExitCode.NEEDS_APPROVAL
    unreadable = sorted(h["path"] for h in doc["hazards"] if h["kind"] == "artifact.unanalysable")
    assert unreadable == [
        ".github/workflows/ci.yml",
        ".github/workflows/deep.yml",
        "deploy/app.yaml",
    ]


def test_report_writes_the_same_evaluation_in_other_formats_from_one_run(feature, capsys, tmp_path):
    report, log = tmp_path / "c.json", tmp_path / "c.sarif"
    args = ["check", "-C", str(feature.path), "--format", "markdown"]
    assert main([*args, "--report", f"json={report}", "--report", f"sarif={log}"]) == 0
    assert "countersign: **pass**" in capsys.readouterr().out
    assert json.loads(report.read_text())["verdict"] == "pass"
    assert json.loads(log.read_text())["version"] == "2.1.0"


def test_a_report_that_is_not_format_equals_file_is_a_usage_error(feature, capsys):
    assert main(["check", "-C", str(feature.path), "--report", "pdf=x.pdf"]) == ExitCode.USAGE
    assert "--report 'pdf=x.pdf': expected FORMAT=FILE with FORMAT one of text, json" in (
        capsys.readouterr().err
    )
