"""What the service writes on GitHub, computed from an evaluation: the ``countersign`` check
run of a head (conclusion, Markdown summary, annotations at hazard lines) and the body of the
one pull request comment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from countersign.facts.severity import Severity
from countersign.gate.verdict import Evaluation, Verdict
from countersign.output import render

CHECK_NAME = "countersign"
COMMENT_MARKER = "<!-- countersign:pull-request-comment -->"
MAX_SUMMARY = 65_000  # GitHub's limit on output.summary is 65,535 characters
MAX_ANNOTATIONS = 50  # per request

CONCLUSIONS = {
    Verdict.PASS: "success",
    Verdict.NEEDS_APPROVAL: "action_required",
    Verdict.BLOCKED: "failure",
}
TITLES = {
    Verdict.PASS: "Passed: nothing more to sign",
    Verdict.NEEDS_APPROVAL: "Needs approval",
    Verdict.BLOCKED: "Blocked",
}
LEVELS = {
    Severity.INFO: "notice",
    Severity.LOW: "notice",
    Severity.MEDIUM: "warning",
    Severity.HIGH: "failure",
    Severity.CRITICAL: "failure",
}


def conclusion(evaluation: Evaluation) -> str:
    return CONCLUSIONS[evaluation.verdict]


def check_run(
    evaluation: Evaluation, head_sha: str, fingerprint: str, details_url: str
) -> dict[str, Any]:
    """The body of a check-run create or update request."""
    summary = _clip(render(evaluation, "markdown"))
    unsatisfied = [r for r in evaluation.requirements if not r.satisfied]
    title = TITLES[evaluation.verdict]
    if unsatisfied:
        title = f"{title}: {len(unsatisfied)} requirement(s) open"
    return {
        "name": CHECK_NAME,
        "head_sha": head_sha,
        "status": "completed",
        "conclusion": conclusion(evaluation),
        "details_url": details_url,
        "external_id": fingerprint,
        "output": {
            "title": title,
            "summary": summary,
            "annotations": hazard_annotations(evaluation),
        },
    }


def not_analysed(head_sha: str, problem: str, details_url: str) -> dict[str, Any]:
    """What could not be analysed asks for review: never a pass."""
    return {
        "name": CHECK_NAME,
        "head_sha": head_sha,
        "status": "completed",
        "conclusion": "action_required",
        "details_url": details_url,
        "output": {
            "title": "Could not be analysed: needs review",
            "summary": f"countersign could not evaluate this head: {problem}",
        },
    }


@dataclass(frozen=True)
class GroupRow:
    """One pull request of a merge group: its evaluation, and what is wrong with its part of
    the group's content ("" when it is what the pull request showed)."""

    number: int
    head: str
    evaluation: Evaluation
    problem: str = ""

    @property
    def conclusion(self) -> str:
        return "action_required" if self.problem else conclusion(self.evaluation)


GROUP_VERDICTS = {"success": "pass", "action_required": "needs-approval", "failure": "blocked"}


def merge_group(head_sha: str, rows: list[GroupRow]) -> dict[str, Any]:
    """A merge group of several pull requests: success only when every one is satisfied and
    its part of the group is what it showed; blocked when any is blocked; else it needs
    approval, each pull request's line saying why."""
    conclusions = [r.conclusion for r in rows]
    if "failure" in conclusions:
        overall = "failure"
    elif all(c == "success" for c in conclusions):
        overall = "success"
    else:
        overall = "action_required"
    waiting = [r for r in rows if r.conclusion != "success"]
    title = (
        f"Merge group of {len(rows)} pull requests: all satisfied"
        if not waiting
        else f"Merge group: {len(waiting)} of {len(rows)} pull requests not satisfied"
    )
    lines = [
        "| pull request | head | content | verdict |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows:
        content = "changed in the group" if r.problem else "as shown"
        lines.append(f"| #{r.number} | `{r.head[:12]}` | {content} | {r.evaluation.verdict} |")
    for r in waiting:
        lines += ["", f"### #{r.number}", ""]
        if r.problem:
            lines.append(r.problem)
        else:
            lines.append(render(r.evaluation, "markdown"))
    annotations: list[dict[str, Any]] = []
    for r in rows:
        annotations += hazard_annotations(r.evaluation)
    return {
        "name": CHECK_NAME,
        "head_sha": head_sha,
        "status": "completed",
        "conclusion": overall,
        "details_url": "",
        "output": {
            "title": title,
            "summary": _clip("\n".join(lines)),
            "annotations": annotations[:MAX_ANNOTATIONS],
        },
    }


def hazard_annotations(evaluation: Evaluation) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for hazard in evaluation.facts.hazards:
        if hazard.line is None or not hazard.path:
            continue
        out.append(
            {
                "path": hazard.path,
                "start_line": hazard.line,
                "end_line": hazard.line,
                "annotation_level": LEVELS[hazard.severity],
                "title": f"{hazard.kind} ({hazard.severity})",
                "message": hazard.detail or hazard.kind,
            }
        )
        if len(out) == MAX_ANNOTATIONS:
            break
    return out


def comment(evaluation: Evaluation, head_sha: str, fingerprint: str) -> str:
    """The pull request comment, edited in place on every decision; the marker finds it."""
    return _clip(
        f"{COMMENT_MARKER}\n"
        f"**countersign** for `{head_sha[:12]}` (fingerprint `{fingerprint[:19]}`): "
        f"**{evaluation.verdict}**\n\n{render(evaluation, 'markdown')}"
    )


def _clip(text: str) -> str:
    if len(text) <= MAX_SUMMARY:
        return text
    return text[: MAX_SUMMARY - 60] + "\n\n…(truncated: run `countersign check` for all of it)"
