"""``countersign hooks commit-msg FILE``: add ``Assisted-by: AGENT`` when the guard recorded an
agent editing a staged file since that file was last committed. Runs on every commit: standard
library only, a few git calls, and it never blocks a commit (a failure is a warning)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from countersign.intake.agent_edits import AgentEdit, log_path, read_agent_edits
from countersign.state_dir import state_dir

TRAILER = "Assisted-by"


def run_commit_msg(args: list[str]) -> int:
    if len(args) != 1:
        sys.stderr.write("usage: countersign hooks commit-msg MESSAGE_FILE\n")
        return 3
    try:
        agents = agents_for_staged_files()
        if agents:
            add_trailers(Path(args[0]), agents)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        sys.stderr.write(f"countersign commit-msg: provenance trailer not added ({exc})\n")
    return 0


def agents_for_staged_files() -> list[str]:
    common = Path(_git("rev-parse", "--git-common-dir").strip()).resolve()
    log = read_agent_edits(log_path(state_dir(common)))
    if not log.edits:
        return []
    staged = set(filter(None, _git("diff", "--cached", "--name-only", "-z").split("\0")))
    edits = [e for e in log.edits if e.path in staged]
    return sorted({e.agent for e in edits if _uncommitted(e)})


def _uncommitted(edit: AgentEdit) -> bool:
    """Made after the file's last commit (so it is part of what is being committed now)."""
    try:
        last = _git("log", "-1", "--format=%ct", "--", edit.path).strip()
    except subprocess.CalledProcessError:
        return True  # no commit yet
    return not last or edit.timestamp > int(last)


def add_trailers(message: Path, agents: list[str]) -> None:
    present = message.read_text(encoding="utf-8", errors="replace").lower()
    for agent in agents:
        if f"{TRAILER.lower()}: {agent.lower()}" in present:
            continue
        _git(
            "interpret-trailers",
            "--in-place",
            "--if-exists",
            "addIfDifferent",
            "--trailer",
            f"{TRAILER}: {agent}",
            str(message),
        )


def _git(*args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        capture_output=True,
        check=True,
        env=os.environ,
    )
    return proc.stdout.decode("utf-8", "replace")
