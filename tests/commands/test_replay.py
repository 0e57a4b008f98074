from __future__ import annotations

import json

import pytest

from countersign.main import main


def test_replay_reports_what_the_policy_would_have_required(project, capsys, cs, ai_trailer, bob):
    project.commit("a" + ai_trailer, author=bob, **{"docs/guide.md": "two\n"})
    project.commit("b", author=bob, **{"docs/guide.md": "three\n"})
    project.commit("c" + ai_trailer, author=bob, **{"services/checkout/pay.py": "x = 1\n"})
    assert cs(project, "replay", "main..feature", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["changes"] == 3
    assert report["fast_lane"] == 1
    assert report["needs_signoff"] == 2
    assert report["fast_lane_share"] == 0.3333
    assert report["requirements_by_rule"]["ai-assisted-below-senior"] == 2
    assert report["requirements_by_rule"]["critical-system"] == 3  # approvals, record, checks
    assert report["approvals_needed_by_level"] == {"senior": 2, "any": 2}
    assert report["changes_listed"][-1]["touched_critical"] == ["checkout"]


CANDIDATE_POLICY = """\
version: 1
identities: [signed, forge, asserted]
rules:
  - id: critical
    description: Touches or reaches a tier-1 system
    when: size(blast.critical) > 0
    require: {approvals: {count: 2}}
  - id: docs-only
    description: Only documentation
    when: change.kind == "docs"
    require: {approvals: {count: 1}}
"""
# The candidate catalog swaps the tiers: docs becomes the critical system.
CANDIDATE_CATALOG = """\
services:
  - {name: checkout, paths: ["services/checkout/**"], owners: [payments], tier: 3}
  - {name: docs, paths: ["docs/**"], owners: [search], tier: 1}
"""
ALICE = "Alice <alice@example.com>"
ERIN = "Erin <erin@example.com>"


@pytest.fixture
def history(project, tmp_path, cs, capsys):
    """Four changes: c1 introduces a bug a later fix (c3) removes, so SZZ labels c1 alone."""
    c1 = project.commit("change pay", author=ALICE, **{"services/checkout/pay.py": PAY2})
    project.commit("guide two", author=ALICE, **{"docs/guide.md": "two\n"})
    project.commit("fix pay", author=ERIN, **{"services/checkout/pay.py": PAY3})
    project.commit("guide three", author=ERIN, **{"docs/guide.md": "three\n"})
    mined = str(tmp_path / "mined.csv")
    assert main(["risk", "mine", "--repo", str(project.path), "--out", mined]) == 0
    capsys.readouterr()
    (tmp_path / "policy.yaml").write_text(CANDIDATE_POLICY)
    (tmp_path / "catalog.yaml").write_text(CANDIDATE_CATALOG)
    return project, c1


PAY2 = "def pay():\n    return 2\n"
PAY3 = "def pay():\n    return 3\n"


def test_a_candidate_policy_judges_every_change_with_per_rule_figures(
    history, tmp_path, cs, capsys
):
    project, c1 = history
    policy = str(tmp_path / "policy.yaml")
    assert cs(project, "replay", "main..feature", "--policy", policy, "--format", "json") == 0
    r = json.loads(capsys.readouterr().out)
    assert r["configuration"] == f"candidate ({policy}), the rest from each change's base"
    assert (r["changes"], r["gated"], r["heavy"]) == (4, 4, 2)
    assert (r["gated_share"], r["heavy_share"]) == (1.0, 0.5)
    assert (r["defect_inducing"], r["defect_share_gated"], r["defect_share_heavy"]) == (1, 1.0, 1.0)
    assert r["rules"] == {
        "critical": {
            "changes_gated": 2,
            "defect_inducing_gated": 1,
            "defect_share_among_gated": 0.5,
            "defect_share_gated": 1.0,
            "approvals_by_level": {"any": 4},
        },
        "docs-only": {
            "changes_gated": 2,
            "defect_inducing_gated": 0,
            "defect_share_among_gated": 0.0,
            "defect_share_gated": 0.0,
            "approvals_by_level": {"any": 2},
        },
    }
    first = r["changes_listed"][0]
    assert (first["sha"], first["defect_inducing"], first["kind"]) == (c1, True, "code")
    assert first["rules"] == [{"rule": "critical", "why": "Touches or reaches a tier-1 system"}]


def test_a_candidate_catalog_moves_the_friction_and_the_text_answers_the_question(
    history, tmp_path, cs, capsys
):
    project, _ = history
    args = ["--config", str(tmp_path)]
    assert cs(project, "replay", "main..feature", *args, "--format", "json") == 0
    r = json.loads(capsys.readouterr().out)
    # checkout is tier 3 now: c1 and c3 pass; the docs changes need two people
    assert (r["changes"], r["fast_lane"], r["heavy"], r["defect_share_gated"]) == (4, 2, 2, 0.0)
    assert r["rules"]["critical"]["changes_gated"] == 2
    assert cs(project, "replay", "main..feature", *args) == 0
    text = capsys.readouterr().out
    assert (
        "This policy sends 50.0% of changes to two-person or senior review (50.0% need any "
        "sign-off) and would have gated 0.0% of the 1 changes that later needed a fix (SZZ).\n"
    ) in text
    assert (
        "  critical: 2 changes, 0 defect-inducing (0% of them, 0% of all); approvals: 4 any\n"
        in text
    )
    assert cs(project, "replay", "main..feature", *args, "--format", "markdown") == 0
    assert "| critical | 2 | 0 | 0% |" in capsys.readouterr().out


def test_progress_lines_when_not_on_a_terminal(history, tmp_path, cs, capsys, monkeypatch):
    from countersign.output import progress

    monkeypatch.setattr(progress, "EVERY", 0.0)
    project, _ = history
    assert cs(project, "replay", "main..feature", "--policy", str(tmp_path / "policy.yaml")) == 0
    err = capsys.readouterr().err
    assert [line.split(" (")[0] for line in err.splitlines()] == [
        "replay: 1/4 changes",
        "replay: 2/4 changes",
        "replay: 3/4 changes",
    ]


def test_bad_candidate_files_are_one_line_errors(history, tmp_path, cs, capsys):
    project, _ = history
    assert cs(project, "replay", "--policy", str(tmp_path / "nope.yaml")) == 4
    assert (
        capsys.readouterr().err == f"countersign: error: {tmp_path / 'nope.yaml'}: no such file\n"
    )
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: x\n    when: autor.rank\n")
    assert cs(project, "replay", "--policy", str(tmp_path / "bad.yaml")) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"countersign: error: {tmp_path / 'bad.yaml'}: rules[0]")
    assert err.count("\n") == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cs(project, "replay", "--config", str(empty)) == 4
    assert capsys.readouterr().err == (
        f"countersign: error: {empty}: holds none of policy.yaml, catalog.yaml, people.yaml\n"
    )


def test_an_empty_commit_ships_nothing_rather_than_failing(project, capsys, cs, bob):
    project.commit("a", author=bob, **{"docs/guide.md": "two\n"})
    project.git("commit", "-q", "--allow-empty", "-m", "Empty on purpose")
    empty = project.git("rev-parse", "HEAD")
    project.commit("b", author=bob, **{"docs/guide.md": "three\n"})
    assert cs(project, "replay", "main..feature", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["changes"] == 2
    assert report["skipped"] == []
    assert report["empty"] == [f"{empty[:12]}: Empty on purpose"]
    assert cs(project, "replay", "main..feature") == 0
    text = capsys.readouterr().out
    assert f"Shipped nothing 1 (the tree is the first parent's):\n  {empty[:12]}" in text
    assert "nothing to check" not in text
