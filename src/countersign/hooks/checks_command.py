"""Check results for the pre-push hook from a command the developer configures (``git config
countersign.checksCommand CMD`` or ``--checks-command``): it runs before the push and prints
``NAME=STATUS`` lines, e.g. ``pytest -q && echo tests=success || echo tests=failure``.

Read from git config (this clone's or the user's), never from a file in the repository: a
committed file would let any change choose the command every pusher runs."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from countersign.errors import InputError
from countersign.intake.git import git

CONFIG_KEY = "countersign.checksCommand"
_STATUS = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.\-/:]*)=([A-Za-z_]+)$")


def configured(root: Path) -> str | None:
    try:
        value = git(root, "config", "--get", CONFIG_KEY).decode("utf-8", "replace").strip()
    except InputError:
        return None
    return value or None


def read_statuses(output: str) -> dict[str, str]:
    """The ``NAME=STATUS`` lines of the command's output; anything else (test logs) is not read."""
    statuses: dict[str, str] = {}
    for line in output.splitlines():
        match = _STATUS.match(line.strip())
        if match:
            statuses[match[1]] = match[2]
    return statuses


def run_checks(command: str, root: Path, *, branch: str, old: str, new: str) -> dict[str, str]:
    """Run ``command`` with ``sh -c`` at the repository root; the pushed branch and commits are
    in ``COUNTERSIGN_PUSH_BRANCH``, ``COUNTERSIGN_PUSH_OLD`` and ``COUNTERSIGN_PUSH_NEW``."""
    env = {
        **os.environ,
        "COUNTERSIGN_PUSH_BRANCH": branch,
        "COUNTERSIGN_PUSH_OLD": old,
        "COUNTERSIGN_PUSH_NEW": new,
    }
    try:
        proc = subprocess.run(
            ["sh", "-c", command],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise InputError(f"cannot run the checks command {command!r}: {exc}") from None
    statuses = read_statuses(proc.stdout.decode("utf-8", "replace"))
    if not statuses:
        raise InputError(
            f"the checks command {command!r} exited {proc.returncode} and printed no NAME=STATUS "
            "line (e.g. tests=success); make it print one per check"
        )
    return statuses
