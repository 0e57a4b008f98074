"""Run a composite action's ``run:`` steps as the GitHub Actions runner does: each in
``bash --noprofile --norc -eo pipefail``, with the runner's environment variables, an event file,
a fresh ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY`` file per step (outputs parsed back into
``steps.<id>.outputs``), and ``${{ }}`` expressions substituted. Only the expressions this
project's action uses are understood; any other is an error, so the emulation cannot silently
differ from the runner. ``uses:`` steps are not run: they are returned for the test to inspect.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class StepRun:
    name: str
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class JobRun:
    steps: list[StepRun] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # the ``uses:`` steps
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    failed: StepRun | None = None

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


def parse_output_file(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as the runner reads them."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


def run_action(
    action: Path,
    *,
    workspace: Path,
    event_name: str,
    event_path: Path,
    inputs: dict[str, str],
    env: dict[str, str],
    temp: Path,
) -> JobRun:
    spec = yaml.safe_load(action.read_text(encoding="utf-8"))
    given = {
        name: inputs.get(name, str(decl.get("default", "")))
        for name, decl in spec.get("inputs", {}).items()
    }
    unknown = set(inputs) - set(given)
    if unknown:
        raise ValueError(f"inputs the action does not declare: {sorted(unknown)}")
    steps_out: dict[str, dict[str, str]] = {}
    context = {"inputs": given, "steps": steps_out, "action_path": str(action.parent)}
    runner_env = {
        **env,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(action.parent),
        "RUNNER_TEMP": str(temp),
    }
    job = JobRun()
    summaries: list[str] = []
    for index, step in enumerate(spec["runs"]["steps"]):
        if "uses" in step:
            job.skipped.append(step)
            continue
        if "if" in step:
            raise ValueError(f"step {step.get('name')!r}: `if:` on a run step is not emulated")
        step_env = {k: _substitute(str(v), context) for k, v in (step.get("env") or {}).items()}
        output = temp / f"output-{index}"
        summary = temp / f"summary-{index}"
        output.write_text("")
        summary.write_text("")
        script = temp / f"step-{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        if step.get("shell") != "bash":
            raise ValueError(f"step {step.get('name')!r}: only `shell: bash` is emulated")
        cwd = workspace / _substitute(step.get("working-directory", "."), context)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd,
            env={
                **runner_env,
                **step_env,
                "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(summary),
            },
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        outputs = parse_output_file(output.read_text(encoding="utf-8"))
        if "id" in step:
            steps_out[step["id"]] = outputs
        summaries.append(summary.read_text(encoding="utf-8"))
        run = StepRun(step.get("name", ""), proc.returncode, proc.stdout, proc.stderr, outputs)
        job.steps.append(run)
        if proc.returncode != 0:
            job.failed = run
            break
    job.summary = "".join(summaries)
    job.outputs = {
        name: _substitute(str(decl["value"]), context)
        for name, decl in spec.get("outputs", {}).items()
    }
    return job


def _substitute(text: str, context: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda m: _value(m.group(1), context), text)


def _value(expression: str, context: dict[str, Any]) -> str:
    parts = expression.split(".")
    if len(parts) == 2 and parts[0] == "inputs":
        return str(context["inputs"][parts[1]])
    if len(parts) == 4 and parts[0] == "steps" and parts[2] == "outputs":
        return context["steps"].get(parts[1], {}).get(parts[3], "")
    if expression == "github.action_path":
        return str(context["action_path"])
    raise ValueError(f"expression not emulated: ${{{{ {expression} }}}}")


def environment() -> dict[str, str]:
    """The test process's environment less what a runner would not have (the GitHub ones)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
