from __future__ import annotations

CASES = """
cases:
  - name: junior AI change needs a senior
    facts: {change: {ai_assisted: true}, author: {rank: 0}}
    expect: [ai-assisted-below-senior/approvals]
  - name: freeze blocks risky changes
    today: 2026-12-24
    facts: {risk: {score: 0.5}}
    expect: [freeze-window/block]
  - name: wrong on purpose
    facts: {}
    expect: [critical-system/approvals]
"""


def test_policy_test_runs_cases_and_fails_on_a_mismatch(
    project, tmp_path, capsys, cs, ai_trailer, bob
):
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASES)
    assert cs(project, "policy", "test", str(cases)) == 1
    assert capsys.readouterr().out.splitlines() == [
        "PASS junior AI change needs a senior",
        "PASS freeze blocks risky changes",
        "FAIL wrong on purpose: expected ['critical-system/approvals'], got []",
        "2 of 3 cases pass",
    ]


def test_policy_test_names_a_bad_case_by_key(project, tmp_path, capsys, cs, ai_trailer, bob):
    cases = tmp_path / "cases.yaml"
    cases.write_text("cases:\n  - name: x\n    facts: {autor: {}}\n")
    assert cs(project, "policy", "test", str(cases)) == 3
    assert capsys.readouterr().err == (
        "countersign: error: cases.yaml: cases[0].facts.autor: unknown fact 'autor'\n"
    )


def test_policy_explain_says_why_each_rule_fired_or_not(project, capsys, cs, ai_trailer, bob):
    project.commit("docs" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\n"})
    assert cs(project, "policy", "explain") == 0
    out = capsys.readouterr().out
    assert "  FIRED   ai-assisted-below-senior: AI-assisted change by an author below senior" in out
    (line,) = [x for x in out.splitlines() if x.startswith("  skipped critical-system:")]
    assert line.startswith("  skipped critical-system: condition false: size(blast.critical) > 0")
    assert "blast.critical = []" in line
    assert "change.kind = 'docs'" in line
    assert "  - ai-assisted-below-senior/approvals [ai-assisted-below-senior]" in out
    # A rule that fired shows the facts it read too (a threshold's input among them).
    assert "          read: change.ai_assisted = true; author.rank = 0" in out


def test_a_change_that_edits_the_policy_is_judged_by_the_old_one(
    project, capsys, cs, ai_trailer, bob
):
    loosened = "version: 2\nrules: []\n"
    project.commit("loosen", author=bob, **{".countersign/policy.yaml": loosened})
    assert cs(project, "check") == 1
    assert "policy-change/approvals" in capsys.readouterr().out


def test_policy_test_cases_can_give_approvals(project, tmp_path, capsys, cs):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "version: 1\nrules:\n  - id: typed\n    description: a typed name is backed\n"
        '    when: approvals.exists(a, a.strength == "asserted" && a.rank >= 2)\n'
        "    require: {approvals: {count: 1, identities: [signed]}}\n"
    )
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "cases:\n  - name: asserted senior\n    facts: {approvals: [{strength: asserted, rank: 2}]}\n"
        "    expect: [typed/approvals]\n  - name: signed\n"
        "    facts: {approvals: [{strength: signed, rank: 2}]}\n    expect: []\n"
    )
    assert cs(project, "policy", "test", str(cases), "--policy", str(policy)) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 of 2 cases pass"
