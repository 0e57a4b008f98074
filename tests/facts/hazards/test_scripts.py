from __future__ import annotations

from countersign.facts.hazards.scripts import shell_snippets, workflow_runs
from countersign.intake.change import Artifact, Change, FileChange, FileStatus, Line

OLD_WORKFLOW = """name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""
NEW_WORKFLOW = (
    OLD_WORKFLOW
    + """      - name: deploy
        run: |
          terraform apply -auto-approve
          echo done
"""
)


def test_workflow_runs_with_their_lines():
    assert workflow_runs(NEW_WORKFLOW) == [
        (8, "make test"),
        (11, "terraform apply -auto-approve\necho done\n"),
    ]


def test_only_new_run_steps_and_added_script_lines_are_extracted():
    change = Change(
        "a",
        "b",
        "",
        files=(
            FileChange(
                ".github/workflows/ci.yml",
                FileStatus.MODIFIED,
                old_text=OLD_WORKFLOW,
                new_text=NEW_WORKFLOW,
            ),
            FileChange(
                "scripts/cleanup.sh",
                FileStatus.MODIFIED,
                added=(Line(3, "rm -rf /var/lib/app"), Line(4, "# a comment"), Line(5, "  ")),
                new_text="#!/bin/sh\nset -e\nrm -rf /var/lib/app\n# a comment\n  \n",
            ),
            FileChange("old.sh", FileStatus.DELETED, removed=(Line(1, "echo bye"),)),
        ),
    )
    extraction = shell_snippets(change)
    assert [(s.path, s.line, s.origin) for s in extraction.snippets] == [
        (".github/workflows/ci.yml", 11, "workflow"),
        ("scripts/cleanup.sh", 3, "script"),
    ]
    assert extraction.unanalysable == ()


def test_shebang_marks_a_script_without_a_suffix():
    change = Change(
        "a",
        "b",
        "",
        files=(
            FileChange(
                "bin/deploy",
                FileStatus.ADDED,
                added=(Line(2, "kubectl delete ns shop"),),
                new_text="#!/usr/bin/env bash\nkubectl delete ns shop\n",
            ),
        ),
    )
    assert [s.text for s in shell_snippets(change).snippets] == ["kubectl delete ns shop"]


def test_workflow_with_aliases_is_unanalysable():
    bomb = "jobs: &a\n  x: *a\n"
    change = Change(
        "a",
        "b",
        "",
        files=(FileChange(".github/workflows/x.yml", FileStatus.ADDED, new_text=bomb),),
    )
    extraction = shell_snippets(change)
    assert extraction.snippets == ()
    assert [h.kind for h in extraction.unanalysable] == ["artifact.unanalysable"]


def test_explicit_script_is_extracted_whole():
    change = Change(
        None, None, "", artifacts=(Artifact("x.sh", "#!/bin/sh\necho hi\n# no\nrm -f x\n"),)
    )
    assert [(s.line, s.text) for s in shell_snippets(change).snippets] == [
        (2, "echo hi"),
        (4, "rm -f x"),
    ]


def _script_change(*lines: str, path: str = "scripts/deploy.sh") -> Change:
    text = "#!/bin/bash\n" + "\n".join(lines) + "\n"
    added = tuple(Line(i + 2, line) for i, line in enumerate(lines))
    return Change(
        "a", "b", "", files=(FileChange(path, FileStatus.ADDED, added=added, new_text=text),)
    )


def _kinds(change: Change) -> list[str]:
    from countersign.facts.context import Context
    from countersign.facts.hazards.scripts import analyze

    return [h.kind for h in analyze(change, Context())]


def test_added_script_lines_are_judged_by_the_shell_rules():
    change = _script_change("set -e", "sudo rm -rf /", "git push --force origin main")
    assert _kinds(change) == ["script.fs.recursive-delete", "script.git.force-push"]


def test_safe_script_lines_raise_nothing():
    assert _kinds(_script_change("set -euo pipefail", "echo building", "make test")) == []


def _workflow_change(old: str, new: str) -> Change:
    path = ".github/workflows/ci.yml"
    return Change(
        "a", "b", "", files=(FileChange(path, FileStatus.MODIFIED, old_text=old, new_text=new),)
    )


def test_a_new_workflow_step_that_destroys_infrastructure_is_found():
    destroy = NEW_WORKFLOW.replace(
        "terraform apply -auto-approve", "terraform destroy -auto-approve"
    )
    assert _kinds(_workflow_change(OLD_WORKFLOW, destroy)) == ["script.infra.terraform-destroy"]


def test_an_unchanged_workflow_step_is_not_judged_again():
    assert _kinds(_workflow_change(NEW_WORKFLOW, NEW_WORKFLOW)) == []
