"""``countersign verify``, the deploy gate, on a real repository: sign-offs given to a pull
request's range still count once it is merged; anything that landed unreviewed does not."""

from __future__ import annotations

import json


def _reviewed_branch(project, cs, ai_trailer, bob, name, path):
    """A junior's AI-assisted branch, approved by a senior as its pull request showed it."""
    project.git("checkout", "-q", "-b", name, "main")
    project.commit(f"{name}: edit" + ai_trailer, author=bob, **{path: f"{name}\n"})
    assert cs(project, "check", "--base", "main") == 1
    assert cs(project, "approve", "--base", "main", "--as", "alice") == 0
    project.git("checkout", "-q", "main")


def _merge(project, name, *, slip_in=None):
    if slip_in is None:
        project.git("merge", "-q", "--no-ff", "-m", f"Merge {name}", name)
        return
    project.git("merge", "-q", "--no-ff", "--no-commit", name)
    project.write(*slip_in)
    project.git("add", "-A")
    project.git("commit", "-q", "-m", f"Merge {name}")


def test_merged_reviewed_branches_pass_and_an_unreviewed_commit_does_not(
    project, capsys, cs, ai_trailer, bob
):
    _reviewed_branch(project, cs, ai_trailer, bob, "guide", "docs/guide.md")
    deployed = project.git("rev-parse", "main").strip()
    _merge(project, "guide")
    capsys.readouterr()
    assert cs(project, "verify", "--base", deployed) == 0
    assert "PASS: the one change in" in capsys.readouterr().out

    project.commit("docs: straight to main" + ai_trailer, author=bob, **{"docs/faq.md": "q\n"})
    assert cs(project, "verify", "--base", deployed) == 1
    out = capsys.readouterr().out
    assert "NEEDS APPROVAL: 1 of 2 changes in" in out
    assert "ai-assisted-below-senior/approvals" in out
    parent, commit = (project.git("rev-parse", rev).strip()[:12] for rev in ("HEAD^", "HEAD"))
    assert f"countersign approve --base {parent} --head {commit} --requirement" in out

    assert cs(project, "approve", "--base", parent, "--head", commit, "--as", "alice") == 0
    assert cs(project, "verify", "--base", deployed) == 0


def test_a_merge_that_slips_in_edits_needs_its_own_sign_off(project, capsys, cs, ai_trailer, bob):
    _reviewed_branch(project, cs, ai_trailer, bob, "guide", "docs/guide.md")
    deployed = project.git("rev-parse", "main").strip()
    _merge(project, "guide", slip_in=("services/checkout/pay.py", "def pay():\n    return 0\n"))
    capsys.readouterr()
    assert cs(project, "verify", "--base", deployed, "--format", "json") == 1
    (change,) = json.loads(capsys.readouterr().out)["changes"]
    assert (change["kind"], change["verdict"]) == ("merge-as-landed", "needs-approval")
    assert "edits of its own" in change["note"]
    assert change["approve_with"][:2] == ["--base", deployed[:12]]


def test_an_empty_release_passes_and_a_bad_base_is_an_input_error(project, capsys, cs):
    assert cs(project, "verify", "--base", "HEAD") == 0
    assert "PASS: no changes in HEAD..HEAD" in capsys.readouterr().out
    assert cs(project, "verify", "--base", "v9.9-missing") == 4
