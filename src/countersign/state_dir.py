"""Where countersign keeps per-repository state that is never committed: the ledger signing
key and witness, and the guard's record of agent edits. One rule for every reader and writer:

    $COUNTERSIGN_STATE_DIR                     when set
    $(git rev-parse --git-common-dir)/countersign/   in a repository (shared by its worktrees)
    the caller's ``outside`` directory         elsewhere (default ``~/.countersign/``)

Standard library only: the agent guard and the commit-msg hook import it on every call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_STATE_DIR = "COUNTERSIGN_STATE_DIR"


def state_dir(
    common_dir: Path | None,
    env: Mapping[str, str] | None = None,
    outside: Path | None = None,
) -> Path:
    """The state directory for the repository whose git common directory is ``common_dir``
    (None outside a repository); ``env`` defaults to the process environment."""
    env = os.environ if env is None else env
    override = env.get(ENV_STATE_DIR)
    if override:
        return Path(override)
    if common_dir is not None:
        return common_dir / "countersign"
    if outside is not None:
        return outside
    return Path(env.get("HOME") or Path.home()) / ".countersign"
