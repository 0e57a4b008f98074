"""Shell the change adds: lines added to shell scripts and new ``run:`` steps of CI workflows,
each judged by the same shell classifier the agent guard uses (``facts/shell``).

Findings are ``script.<rule id>`` (``script.fs.recursive-delete``, ...). No live context is read
here (no kube context, no file system): the snippet is judged as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, classify
from countersign.facts.hazards.parsing import yaml_root
from countersign.intake.change import Change, FileStatus

# Each snippet goes through the guard's full shell model (a few milliseconds): bounded, so a
# generated script of a million lines asks for review instead of running for an hour.
MAX_SNIPPETS = 2_000


@dataclass(frozen=True)
class ShellSnippet:
    """Shell source the change adds: ``line`` is where it starts in the new file."""

    path: str
    line: int
    text: str
    origin: str  # "script" (an added line) or "workflow" (a run: step)


@dataclass(frozen=True)
class ShellExtraction:
    snippets: tuple[ShellSnippet, ...]
    unanalysable: tuple[Hazard, ...] = ()


def shell_snippets(change: Change) -> ShellExtraction:
    snippets: list[ShellSnippet] = []
    problems: list[Hazard] = []
    for f in change.files:
        if f.status is FileStatus.DELETED:
            continue
        kind = classify(f.path, f.new_text or "")
        if kind is DocumentKind.SHELL or _has_shell_shebang(f.new_text):
            snippets.extend(
                ShellSnippet(f.path, line.number, line.text, "script")
                for line in f.added
                if line.text.strip() and not line.text.lstrip().startswith("#")
            )
        elif kind is DocumentKind.WORKFLOW and f.new_text is not None:
            try:
                old_runs = {text for _, text in workflow_runs(f.old_text or "")}
                new_runs = workflow_runs(f.new_text)
            except Unanalysable as exc:
                problems.append(unanalysable(f.path, f"workflow {exc}", exc.line))
                continue
            snippets.extend(
                ShellSnippet(f.path, line, text, "workflow")
                for line, text in new_runs
                if text not in old_runs
            )
    for artifact in change.artifacts:
        if artifact.origin == "explicit" and classify(artifact.path, artifact.text) in {
            DocumentKind.SHELL,
            DocumentKind.WORKFLOW,
        }:
            try:
                snippets.extend(_whole(artifact.path, artifact.text))
            except Unanalysable as exc:
                problems.append(unanalysable(artifact.path, f"workflow {exc}", exc.line))
    return ShellExtraction(tuple(snippets), tuple(problems))


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    extraction = shell_snippets(change)
    yield from extraction.unanalysable
    if not extraction.snippets:
        return
    # tree-sitter and the rules load only for a change that adds shell lines
    from countersign.facts.shell import ShellContext
    from countersign.facts.shell import classify as classify_command

    shell_context = ShellContext()
    snippets = extraction.snippets
    if len(snippets) > MAX_SNIPPETS:
        first = snippets[MAX_SNIPPETS]
        yield unanalysable(
            first.path,
            f"more than {MAX_SNIPPETS:,} added shell lines and workflow steps; the rest, from "
            "here on, were not judged",
            first.line,
        )
        snippets = snippets[:MAX_SNIPPETS]
    for snippet in snippets:
        where = "a workflow step" if snippet.origin == "workflow" else "an added script line"
        for finding in classify_command(snippet.text, None, shell_context):
            yield Hazard(
                kind=f"script.{finding.rule}",
                severity=Severity(finding.severity.value),
                path=snippet.path,
                detail=f"{where} runs `{_short(finding.command)}`: {finding.reason}",
                line=snippet.line,
                env="prod" if finding.production else None,
            )


def _short(command: str, limit: int = 120) -> str:
    flat = " ".join(command.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def workflow_runs(text: str) -> list[tuple[int, str]]:
    """Every ``run:`` of a workflow's steps, with the line its script starts on."""
    if not text.strip():
        return []
    root = yaml_root(text)
    runs: list[tuple[int, str]] = []
    _collect_runs(root, runs, in_steps=False)
    return runs


def _collect_runs(node: Any, runs: list[tuple[int, str]], in_steps: bool) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if in_steps and name == "run" and isinstance(value, yaml.ScalarNode):
                first = value.start_mark.line + (1 if value.style in {"|", ">"} else 0)
                runs.append((first + 1, str(value.value)))
            else:
                _collect_runs(value, runs, in_steps=name == "steps")
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _collect_runs(item, runs, in_steps=in_steps)


def _whole(path: str, text: str) -> Iterator[ShellSnippet]:
    if classify(path, text) is DocumentKind.WORKFLOW:
        for start, run in workflow_runs(text):
            yield ShellSnippet(path, start, run, "workflow")
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield ShellSnippet(path, number, line, "script")


def _has_shell_shebang(text: str | None) -> bool:
    if not text or not text.startswith("#!"):
        return False
    first = text.split("\n", 1)[0]
    return any(shell in first for shell in ("/sh", "bash", "zsh", "/dash"))
