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


def test_an_empty_commit_passes_as_shipping_nothing_and_cannot_carry_anything(
    project, capsys, cs, ai_trailer, bob
):
    project.git("checkout", "-q", "main")
    deployed = project.git("rev-parse", "main").strip()
    # Would need a senior's sign-off if it changed anything: an AI-assisted junior's commit.
    project.commit("chore: nothing" + ai_trailer, author=bob)
    capsys.readouterr()
    assert cs(project, "verify", "--base", deployed) == 0
    out = capsys.readouterr().out
    assert "PASS: the one change in" in out
    assert "ships nothing" in out
    assert cs(project, "verify", "--base", deployed, "--format", "json") == 0
    (change,) = json.loads(capsys.readouterr().out)["changes"]
    assert (change["kind"], change["verdict"], change["requirements"]) == ("empty", "pass", [])

    # An unreviewed change after it still stops the release.
    project.commit("pay more" + ai_trailer, author=bob, **{"services/checkout/pay.py": "x\n"})
    assert cs(project, "verify", "--base", deployed) == 1
    assert "NEEDS APPROVAL: 1 of 2 changes in" in capsys.readouterr().out


def test_a_merge_dropping_its_branch_ships_nothing_but_one_taking_the_branch_is_judged(
    project, capsys, cs, ai_trailer, bob
):
    project.commit("pay: edit" + ai_trailer, author=bob, **{"services/checkout/pay.py": "y\n"})
    project.git("checkout", "-q", "main")
    deployed = project.git("rev-parse", "main").strip()
    project.git("merge", "-q", "--no-ff", "-s", "ours", "-m", "Merge feature, dropped", "feature")
    capsys.readouterr()
    assert cs(project, "verify", "--base", deployed) == 0
    assert "ships nothing" in capsys.readouterr().out

    # Its tree equals the branch's (second parent), not the mainline's: the branch ships.
    project.git("reset", "-q", "--hard", deployed)
    project.commit("docs: more", **{"docs/guide.md": "two\n"})
    project.git("merge", "-q", "--no-ff", "--no-commit", "feature")
    project.git("read-tree", "-u", "--reset", "feature")
    project.git("commit", "-q", "-m", "Merge feature, theirs")
    assert cs(project, "verify", "--base", deployed, "--format", "json") == 1
    kinds = [(c["kind"], c["verdict"]) for c in json.loads(capsys.readouterr().out)["changes"]]
    assert kinds[1] == ("merge-as-landed", "needs-approval")


def test_a_commit_changing_only_a_mode_is_judged_not_empty(project, capsys, cs, ai_trailer, bob):
    project.git("checkout", "-q", "main")
    deployed = project.git("rev-parse", "main").strip()
    project.git("update-index", "--chmod=+x", "services/checkout/pay.py")
    env = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com"}
    project.git("commit", "-q", "-m", "pay: executable" + ai_trailer, env=env)
    capsys.readouterr()
    assert cs(project, "verify", "--base", deployed, "--format", "json") == 1
    (change,) = json.loads(capsys.readouterr().out)["changes"]
    assert (change["kind"], change["verdict"]) == ("commit", "needs-approval")
